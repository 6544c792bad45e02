"""Seeding: the builder markers, the config marker and options, defaults, and errors for bad seeds."""

from __future__ import annotations

import datetime
import doctest
import json
import re
from typing import Any

import botocore
import pytest

from pytest_appstream import AppStreamUsageError, FakeAppStream
from pytest_appstream import _seeding as seeding
from pytest_appstream._model import builder_states, field_names, shape
from pytest_appstream._seeding import build_builder, check_fields, check_name
from tests.fidelity import wire_problems


def run(pytester: pytest.Pytester, source: str, *args: str) -> pytest.RunResult:
    pytester.makepyfile(source)
    return pytester.runpytest("-p", "no:randomly", "-p", "no:cacheprovider", *args)


def seed(**fields: Any) -> Any:
    return build_builder("b", region="us-east-1", account_id="123456789012", index=0, **fields)


def newer_model(
    *, members: tuple[str, ...] = (), platforms: tuple[str, ...] = ()
) -> pytest.MarkDecorator:
    """Skip where the installed botocore's AppStream model is older than the test's literals."""
    missing = [m for m in members if m not in shape("ImageBuilder").members]  # type: ignore[attr-defined]
    missing += [p for p in platforms if p not in shape("PlatformType").enum]  # type: ignore[attr-defined]
    return pytest.mark.skipif(
        bool(missing),
        reason=f"botocore {botocore.__version__}'s AppStream model has no {', '.join(missing)}",
    )


def problem(**fields: Any) -> str:
    with pytest.raises(AppStreamUsageError) as info:
        check_fields(fields)
    return str(info.value)


# -- the markers as users meet them -------------------------------------------------------------


def test_builder_marker_from_every_level_closest_wins(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
        import pytest

        pytestmark = [
            pytest.mark.appstream_builder("base", state="STOPPED"),
            pytest.mark.appstream_builder("shared", description="module"),
        ]

        def test_module_level_only(appstream):
            assert appstream.builder("base").state == "STOPPED"
            assert appstream.builder("shared").description == "module"

        @pytest.mark.appstream_builder("shared", description="class", state="FAILED")
        class TestClass:
            def test_class_wins(self, appstream):
                assert appstream.builder("shared").description == "class"
                assert appstream.builder("shared").state == "FAILED"

            @pytest.mark.appstream_builder("shared", instance_type="stream.compute.large")
            @pytest.mark.appstream_builder("own")
            def test_function_wins_whole_seed(self, appstream, appstream_client):
                shared = appstream.builder("shared")
                # The closest marker replaces the seed: nothing of the class's seed is kept.
                assert (shared.description, shared.state) == (None, "RUNNING")
                assert shared.instance_type == "stream.compute.large"
                # Seeded in pytest's marker order: the test's own (nearest decorator first),
                # then the class's, then the module's.
                assert list(appstream.builders) == ["own", "shared", "base"]
                names = [b["Name"] for b in appstream_client.describe_image_builders()["ImageBuilders"]]
                assert names == ["own", "shared", "base"]
        """,
        "--strict-markers",
    )
    result.assert_outcomes(passed=3)


def test_nested_values_in_wire_form_reach_the_wire(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
        import datetime
        import pytest

        @pytest.mark.appstream_builder(
            "b",
            state="FAILED",
            vpc_config={"SubnetIds": ["subnet-1"], "SecurityGroupIds": ["sg-1"]},
            state_change_reason={"Code": "INTERNAL_ERROR", "Message": "boom"},
            image_builder_errors=[{"ErrorCode": "SUBNET_NOT_FOUND", "ErrorMessage": "gone",
                                   "ErrorTimestamp": "2025-03-01T12:00:00Z"}],
            access_endpoints=[{"EndpointType": "STREAMING", "VpceId": "vpce-1"}],
            domain_join_info={"DirectoryName": "corp.example.com"},
            enable_default_internet_access=True,
            iam_role_arn="arn:aws:iam::123456789012:role/builder",
        )
        def test_describe(appstream_client):
            b = appstream_client.describe_image_builders(Names=["b"])["ImageBuilders"][0]
            assert b["VpcConfig"] == {"SubnetIds": ["subnet-1"], "SecurityGroupIds": ["sg-1"]}
            assert b["StateChangeReason"] == {"Code": "INTERNAL_ERROR", "Message": "boom"}
            error = b["ImageBuilderErrors"][0]
            assert error["ErrorTimestamp"] == datetime.datetime(2025, 3, 1, 12, tzinfo=datetime.timezone.utc)
            assert b["AccessEndpoints"] == [{"EndpointType": "STREAMING", "VpceId": "vpce-1"}]
            assert b["DomainJoinInfo"] == {"DirectoryName": "corp.example.com"}
            assert b["EnableDefaultInternetAccess"] is True
            assert b["IamRoleArn"] == "arn:aws:iam::123456789012:role/builder"
        """,
    )
    result.assert_outcomes(passed=1)


def test_config_marker_and_options_closest_wins(pytester: pytest.Pytester) -> None:
    pytester.makeini(
        """
        [pytest]
        appstream_region = eu-west-1
        appstream_account_id = 111122223333
        appstream_transitions = manual
        """
    )
    result = run(
        pytester,
        """
        import pytest

        pytestmark = pytest.mark.appstream(polls=3)

        def test_options(appstream):
            # ini: account and transitions; command line beats ini: region.
            assert (appstream.region, appstream.account_id) == ("eu-central-1", "111122223333")
            assert (appstream.transitions, appstream.polls) == ("manual", 3)
            b = appstream.add_builder("b")
            assert b.arn == "arn:aws:appstream:eu-central-1:111122223333:image-builder/b"

        @pytest.mark.appstream(region="ap-southeast-2", transitions="polled")
        class TestMarkers:
            @pytest.mark.appstream(transitions="immediate")
            def test_markers_beat_options(self, appstream):
                assert appstream.region == "ap-southeast-2"
                assert (appstream.transitions, appstream.polls) == ("immediate", 3)

            @pytest.mark.appstream_builder("b")
            def test_builders_follow_the_settings(self, appstream, appstream_client):
                assert appstream_client.meta.region_name == "ap-southeast-2"
                arn = appstream_client.describe_image_builders()["ImageBuilders"][0]["Arn"]
                assert arn == "arn:aws:appstream:ap-southeast-2:111122223333:image-builder/b"
                appstream_client.stop_image_builder(Name="b")
                for _ in range(3):
                    appstream_client.describe_image_builders()
                appstream.assert_state("b", "STOPPING")
                appstream_client.describe_image_builders()
                appstream.assert_state("b", "STOPPED")
        """,
        "--appstream-region=eu-central-1",
        "--strict-markers",
    )
    result.assert_outcomes(passed=3)


def test_builders_from_json_relative_to_the_test_file(pytester: pytest.Pytester) -> None:
    suite = pytester.mkdir("suite")
    (suite / "data").mkdir()
    (suite / "data" / "builders.json").write_text(
        json.dumps(
            [
                {"name": "alpha"},
                {"name": "beta", "state": "STOPPED", "vpc_config": {"SubnetIds": ["subnet-9"]}},
                {
                    "name": "gamma",
                    "created_time": "2024-05-01T08:00:00Z",
                    "platform": "AMAZON_LINUX2",
                },
            ]
        )
    )
    (suite / "test_data.py").write_text(
        """
import datetime
import pytest

pytestmark = pytest.mark.appstream_builders_from("data/builders.json")

@pytest.mark.appstream_builder("alpha", description="the marker is closer")
def test_seeded(appstream):
    assert list(appstream.builders) == ["alpha", "beta", "gamma"]
    assert appstream.builder("alpha").description == "the marker is closer"
    assert appstream.builder("beta").state == "STOPPED"
    assert appstream.builder("beta").vpc_config == {"SubnetIds": ["subnet-9"]}
    gamma = appstream.builder("gamma")
    assert gamma.created_time == datetime.datetime(2024, 5, 1, 8, tzinfo=datetime.timezone.utc)
    assert gamma.image_arn.endswith(":image/AppStream-AmazonLinux2-06-12-2023")
""",
        encoding="utf-8",
    )
    # Run from the parent folder: the path is relative to the test file, not the working directory.
    result = pytester.runpytest(
        "-p", "no:randomly", "-p", "no:cacheprovider", "--strict-markers", "suite"
    )
    result.assert_outcomes(passed=1)


def test_builders_from_yaml_when_pyyaml_is_importable(pytester: pytest.Pytester) -> None:
    pytest.importorskip("yaml")
    pytester.path.joinpath("builders.yaml").write_text(
        "- name: alpha\n- name: beta\n  state: STOPPED\n  vpc_config:\n    SubnetIds: [subnet-1]\n"
    )
    result = run(
        pytester,
        """
        import pytest

        @pytest.mark.appstream_builders_from("builders.yaml")
        def test_seeded(appstream):
            assert list(appstream.builders) == ["alpha", "beta"]
            assert appstream.builder("beta").vpc_config == {"SubnetIds": ["subnet-1"]}
        """,
    )
    result.assert_outcomes(passed=1)


def test_yaml_without_pyyaml_names_the_missing_package(pytester: pytest.Pytester) -> None:
    pytester.path.joinpath("builders.yml").write_text("- name: alpha\n")
    pytester.makeconftest("import sys\nsys.modules['yaml'] = None  # as if PyYAML were missing\n")
    result = run(
        pytester,
        """
        import pytest

        @pytest.mark.appstream_builders_from("builders.yml")
        def test_seeded(appstream):
            pass
        """,
    )
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [
            "@pytest.mark.appstream_builders_from('builders.yml'): reading builders.yml needs "
            "PyYAML, which is not installed; allowed: a .json file*"
        ]
    )


def test_same_seed_same_response_across_tests(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
        import pytest

        seen = []

        @pytest.mark.parametrize("run", [1, 2])
        @pytest.mark.appstream_builder("b", state="STOPPED")
        @pytest.mark.appstream_builder("a")
        def test_snapshot(appstream_client, run):
            seen.append(appstream_client.describe_image_builders()["ImageBuilders"])

        def test_same():
            assert len(seen) == 2 and seen[0] == seen[1]
            assert seen[0][0]["CreatedTime"] < seen[0][1]["CreatedTime"]
        """,
    )
    result.assert_outcomes(passed=3)


# -- bad seeds error at setup, with one message and no traceback ----------------------------------

BAD_SEEDS = """
import pytest

@pytest.mark.appstream_builder("b", colour="red")
def test_unknown_field(appstream):
    pass

@pytest.mark.appstream_builder("b", state="SLEEPING")
def test_unknown_state(appstream):
    pass

@pytest.mark.appstream_builder("b", enable_default_internet_access="yes")
def test_wrong_type(appstream):
    pass

@pytest.mark.appstream_builder("b", vpc_config={"subnet_ids": ["subnet-1"]})
def test_snake_case_nested_key(appstream):
    pass

@pytest.mark.appstream_builder("b", platform="MACOS_15")
def test_unknown_enum_value(appstream):
    pass

@pytest.mark.appstream_builder("b")
@pytest.mark.appstream_builder("b", state="STOPPED")
def test_duplicate_name(appstream):
    pass

@pytest.mark.appstream_builder("")
def test_empty_name(appstream):
    pass

@pytest.mark.appstream_builder("n" * 102)
def test_long_name(appstream):
    pass

@pytest.mark.appstream_builder(state="RUNNING")
def test_missing_name(appstream):
    pass

@pytest.mark.appstream(transitions="eventually")
def test_unknown_transitions(appstream):
    pass

@pytest.mark.appstream(polls=-1)
def test_negative_polls(appstream):
    pass

@pytest.mark.appstream(speed=2)
def test_unknown_setting(appstream):
    pass

@pytest.mark.appstream_builders_from("missing.json")
def test_missing_file(appstream):
    pass

@pytest.mark.appstream_builders_from("malformed.json")
def test_malformed_file(appstream):
    pass

@pytest.mark.appstream_builders_from("object.json")
def test_file_not_a_list(appstream):
    pass

@pytest.mark.appstream_builders_from("bad_entry.json")
def test_bad_file_entry(appstream):
    pass

@pytest.mark.appstream_builders_from("builders.csv")
def test_unknown_file_type(appstream):
    pass

@pytest.mark.appstream_builders_from("one.json")
@pytest.mark.appstream_builder("a")
def test_duplicate_marker_and_file_entry(appstream):
    pass

@pytest.mark.appstream_builders_from("twice.json")
def test_duplicate_in_one_file(appstream):
    pass
"""

#: Each bad test's one message (fnmatch patterns).
BAD_SEED_MESSAGES = {
    "test_unknown_field": "@pytest.mark.appstream_builder('b', colour='red'): colour='red' is not "
    "a field of ImageBuilder; allowed: arn, image_arn, description, *",
    "test_unknown_state": "@pytest.mark.appstream_builder('b', state='SLEEPING'): state='SLEEPING' "
    "is not an image builder state; allowed: PENDING, UPDATING_AGENT, RUNNING, *",
    "test_wrong_type": "*: enable_default_internet_access='yes' has the wrong type (str); "
    "allowed: True or False",
    "test_snake_case_nested_key": "*: vpc_config: key 'subnet_ids' must be given in wire form, "
    "as in the AWS API: 'SubnetIds'",
    "test_unknown_enum_value": "*: platform='MACOS_15' is not a PlatformType; allowed: WINDOWS, *",
    "test_duplicate_name": "*: name='b' is seeded twice at the same level (also by "
    "@pytest.mark.appstream_builder('b', state='STOPPED')); allowed: one builder per name*",
    "test_empty_name": "@pytest.mark.appstream_builder(''): name='' (0 characters) is not a valid "
    "image builder name; allowed: 1 to 101 letters, digits*",
    "test_long_name": "*: name='nnnn*' (102 characters) is not a valid image builder name; "
    "allowed: 1 to 101 *",
    "test_missing_name": "@pytest.mark.appstream_builder(state='RUNNING'): missing a required "
    "argument: 'name'; signature: appstream_builder(name, *, state='RUNNING', region=None, tags=None, **fields)",
    "test_unknown_transitions": "@pytest.mark.appstream(transitions='eventually'): "
    "transitions='eventually' is not a transitions policy; allowed: immediate, polled, manual, timed",
    "test_negative_polls": "@pytest.mark.appstream(polls=-1): polls=-1 is not allowed; "
    "allowed: an int >= 0",
    "test_unknown_setting": "@pytest.mark.appstream(speed=2): unknown argument 'speed'; "
    "allowed: region, account_id, transitions, polls, now, assert_all_stubs_used, "
    "assert_all_faults_used",
    "test_missing_file": "@pytest.mark.appstream_builders_from('missing.json'): cannot read "
    "path='missing.json' (*missing.json, relative to the test file's folder): "
    "No such file or directory",
    "test_malformed_file": "@pytest.mark.appstream_builders_from('malformed.json'): "
    "*malformed.json is not valid JSON: Expecting ',' delimiter: line 1 column 16 (char 15)",
    "test_file_not_a_list": "*: *object.json holds dict; allowed: a list of objects, each with "
    "a 'name'*",
    "test_bad_file_entry": "@pytest.mark.appstream_builders_from('bad_entry.json'): entry 1: "
    "state='RUNING' is not an image builder state; allowed: PENDING*",
    "test_unknown_file_type": "*: path='builders.csv' is not allowed; allowed: a .json, .yaml, "
    ".yml file",
    "test_duplicate_marker_and_file_entry": "@pytest.mark.appstream_builders_from('one.json'): "
    "entry 0: name='a' is seeded twice at the same level (also by "
    "@pytest.mark.appstream_builder('a'))*",
    "test_duplicate_in_one_file": "*('twice.json'): entry 1: name='a' is seeded twice*",
}


@pytest.mark.parametrize("strict", [False, True], ids=["default", "strict-markers"])
def test_each_bad_seed_errors_at_setup_with_one_clear_message(
    pytester: pytest.Pytester, strict: bool
) -> None:
    pytester.path.joinpath("malformed.json").write_text('[{"name": "a"} {"name": "b"}]')
    pytester.path.joinpath("object.json").write_text('{"name": "a"}')
    pytester.path.joinpath("bad_entry.json").write_text(
        '[{"name": "a"}, {"name": "b", "state": "RUNING"}]'
    )
    pytester.path.joinpath("builders.csv").write_text("name\na\n")
    pytester.path.joinpath("one.json").write_text('[{"name": "a"}]')
    pytester.path.joinpath("twice.json").write_text('[{"name": "a"}, {"name": "a"}]')
    result = run(pytester, BAD_SEEDS, *(["--strict-markers"] if strict else []))
    result.assert_outcomes(errors=len(BAD_SEED_MESSAGES))
    output = result.stdout.str()
    for test, message in BAD_SEED_MESSAGES.items():
        section = _section(output, f"ERROR at setup of {test}")
        assert len(section) == 1, (test, section)
        assert re.fullmatch(_regex(message), section[0]), (test, section[0])
    assert "Traceback" not in output and "pytest_appstream" not in output
    assert "During handling" not in output


def _section(output: str, title: str) -> list[str]:
    """The lines of one error section of pytest's report."""
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if title in line) + 1
    end = next(
        (i for i in range(start, len(lines)) if lines[i].startswith(("___", "===="))), len(lines)
    )
    return [line for line in lines[start:end] if line.strip()]


def _regex(pattern: str) -> str:
    return ".*".join(re.escape(part) for part in pattern.split("*"))


@pytest.mark.parametrize(
    ("option", "message"),
    [
        (
            "--appstream-transitions=soon",
            "ERROR: pytest-appstream: --appstream-transitions='soon' is not a transitions policy; "
            "allowed: immediate, polled, manual, timed",
        ),
        (
            "--appstream-polls=-1",
            "ERROR: pytest-appstream: --appstream-polls='-1' is not allowed; allowed: an int >= 0",
        ),
        (
            "--appstream-region=Mars",
            "ERROR: pytest-appstream: --appstream-region='Mars' is not a region name; allowed: a "
            "name like 'us-east-1' (AppStream's regions in this botocore: *us-east-1*",
        ),
        (
            "--appstream-account-id=42",
            "ERROR: pytest-appstream: --appstream-account-id='42' is not an account id; "
            "allowed: a string of 12 digits",
        ),
    ],
)
def test_bad_command_line_option_is_a_usage_error(
    pytester: pytest.Pytester, option: str, message: str
) -> None:
    result = run(pytester, "def test_never_runs(appstream): pass", option)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([message])
    assert "Traceback" not in result.stderr.str()


def test_bad_ini_option_is_a_usage_error_naming_the_ini_option(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nappstream_polls = many\n")
    result = run(pytester, "def test_never_runs(appstream): pass")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        ["ERROR: pytest-appstream: ini option appstream_polls*'many'*; allowed: an int >= 0"]
    )


def test_add_builder_in_the_test_body_follows_the_same_rules(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
        import pytest
        from pytest_appstream import AppStreamUsageError

        @pytest.mark.appstream_builder("b")
        def test_body(appstream):
            with pytest.raises(AppStreamUsageError, match="name='b' is already seeded"):
                appstream.add_builder("b")
            with pytest.raises(AppStreamUsageError, match="key 'security_group_ids' must be"):
                appstream.add_builder("c", vpc_config={"security_group_ids": ["sg-1"]})
            assert list(appstream.builders) == ["b"]
            assert appstream.add_builder("c", state="STOPPED").state == "STOPPED"
        """,
    )
    result.assert_outcomes(passed=1)


# -- unit tests: checks ---------------------------------------------------------------------------


def test_every_field_of_the_model_is_accepted_and_snake_case() -> None:
    names = field_names()
    assert len(names) == len(shape("ImageBuilder").members)  # type: ignore[attr-defined]
    assert all(re.fullmatch(r"[a-z0-9_]+", name) for name in names)
    assert "name" in names and "state" in names


def test_unknown_field_suggests_the_close_or_snake_case_name() -> None:
    assert "(did you mean 'instance_type'?)" in problem(instance_typ="stream.standard.small")
    assert "(fields are snake_case: did you mean 'vpc_config'?)" in problem(VpcConfig={})


def test_name_and_state_are_not_fields() -> None:
    assert problem(state="RUNNING").startswith("state='RUNNING' is not a field of ImageBuilder")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"instance_type": 3}, "instance_type=3 has the wrong type (int); allowed: a string"),
        (
            {"vpc_config": ["subnet-1"]},
            "vpc_config=['subnet-1'] is not a dict; allowed: a VpcConfig in wire form with keys "
            "SubnetIds, SecurityGroupIds",
        ),
        (
            {"vpc_config": {"SubnetIds": "subnet-1"}},
            "vpc_config.SubnetIds='subnet-1' is not a list; allowed: a list of String",
        ),
        (
            {"vpc_config": {"Subnets": []}},
            "vpc_config: key 'Subnets' is not a member of VpcConfig; allowed: SubnetIds, "
            "SecurityGroupIds",
        ),
        (
            {"state_change_reason": {"Code": "OOPS"}},
            "state_change_reason.Code='OOPS' is not a ImageBuilderStateChangeReasonCode; "
            "allowed: INTERNAL_ERROR, IMAGE_UNAVAILABLE",
        ),
        (
            {"access_endpoints": [{"VpceId": "vpce-1"}]},
            "access_endpoints[0]: AccessEndpoint requires the key(s) EndpointType",
        ),
        (
            {"vpc_config": {"SecurityGroupIds": [f"sg-{i}" for i in range(6)]}},
            "vpc_config.SecurityGroupIds=['sg-0', 'sg-1', 'sg-2', 'sg-3', 'sg-4', 'sg-5'] has "
            "6 items; allowed: at most 5 items",
        ),
        ({"description": ""}, "description='' has 0 characters; allowed: 1 to 256 characters"),
        ({"display_name": "d" * 101}, "characters; allowed: 1 to 100 characters"),
        ({"iam_role_arn": "builder-role"}, "allowed: strings matching ^arn:aws"),
        pytest.param(
            {"root_volume_config": {"VolumeSizeInGb": "200"}},
            "has the wrong type (str)",
            marks=newer_model(members=("RootVolumeConfig",)),
        ),
        ({"created_time": "yesterday"}, "created_time='yesterday' has the wrong type (str)"),
        pytest.param(
            {"disable_imdsv1": 1},
            "disable_imdsv1=1 has the wrong type (int); allowed: True or",
            marks=newer_model(members=("DisableIMDSV1",)),
        ),
    ],
)
def test_bad_values_name_the_path_the_value_and_the_allowed(
    fields: dict[str, Any], message: str
) -> None:
    assert message in problem(**fields)


def test_every_problem_is_in_the_one_message() -> None:
    text = problem(vpc_config={"subnet_ids": [], "Foo": 1}, platform="DOS")
    assert text.count("; ") >= 2
    assert "'subnet_ids'" in text and "'Foo'" in text and "platform='DOS'" in text


def test_fields_are_copied_and_timestamps_made_aware_utc() -> None:
    vpc = {"SubnetIds": ["subnet-1"]}
    naive = datetime.datetime(2025, 1, 2, 3, 4, 5)
    wire = check_fields({"vpc_config": vpc, "created_time": naive})
    vpc["SubnetIds"].append("subnet-2")
    assert wire["VpcConfig"] == {"SubnetIds": ["subnet-1"]}
    assert wire["CreatedTime"] == naive.replace(tzinfo=datetime.timezone.utc)
    epoch = check_fields({"created_time": 1735787045})["CreatedTime"]
    assert epoch == datetime.datetime(2025, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)
    assert epoch.tzinfo is datetime.timezone.utc


def test_none_means_unset() -> None:
    assert check_fields({"description": None}) == {}
    assert seed(platform=None).platform == seeding.default_platform()


@pytest.mark.parametrize("name", ["a", "A" * 101, "nightly-2.0_x", "9lives"])
def test_valid_names(name: str) -> None:
    assert check_name(name) == name


@pytest.mark.parametrize("name", ["", "a" * 102, "-a", "a b", "a\n", "ä", None, 7])
def test_invalid_names(name: object) -> None:
    with pytest.raises(AppStreamUsageError, match="is not a valid image builder name; allowed"):
        check_name(name)


@pytest.mark.parametrize("state", ["running", "STARTING", None, 1])
def test_invalid_states_list_every_state_of_the_model(state: object) -> None:
    with pytest.raises(AppStreamUsageError) as info:
        seed(state=state)
    assert str(info.value).endswith("allowed: " + ", ".join(builder_states()))


# -- unit tests: defaults -------------------------------------------------------------------------


def test_defaults_are_realistic_and_model_valid() -> None:
    builder = seed()
    response = builder.to_response()
    assert response["Arn"] == "arn:aws:appstream:us-east-1:123456789012:image-builder/b"
    platform = seeding.default_platform()  # WINDOWS_SERVER_2022, or older on an older model
    assert response["ImageArn"] == seeding.image_arn("us-east-1", platform)
    assert response["InstanceType"].startswith("stream.")
    assert response["Platform"] == platform
    assert re.fullmatch(r"\d\d-\d\d-\d{4}", response["AppstreamAgentVersion"])
    assert response["EnableDefaultInternetAccess"] is False
    assert response["CreatedTime"].tzinfo is not None
    assert re.fullmatch(r"subnet-[0-9a-f]{17}", response["VpcConfig"]["SubnetIds"][0])
    assert re.fullmatch(r"eni-[0-9a-f]{17}", response["NetworkAccessConfiguration"]["EniId"])
    encoded = json.loads(json.dumps(response, default=lambda t: t.timestamp()))
    assert wire_problems(shape("ImageBuilder"), encoded) == []


@newer_model(
    members=("LatestAppstreamAgentVersion", "DisableIMDSV1"), platforms=("WINDOWS_SERVER_2022",)
)
def test_defaults_are_a_stable_snapshot() -> None:
    # A literal: a change of defaults (or a process-dependent value) breaks users' snapshots.
    assert seed().to_response() == {
        "Name": "b",
        "Arn": "arn:aws:appstream:us-east-1:123456789012:image-builder/b",
        "ImageArn": "arn:aws:appstream:us-east-1::image/AppStream-WinServer2022-06-12-2023",
        "DisplayName": "b",
        "VpcConfig": {
            "SubnetIds": ["subnet-02c27be1924260ac2"],
            "SecurityGroupIds": ["sg-2b5f61f12f9f414a2"],
        },
        "InstanceType": "stream.standard.medium",
        "Platform": "WINDOWS_SERVER_2022",
        "State": "RUNNING",
        "CreatedTime": datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc),
        "EnableDefaultInternetAccess": False,
        "NetworkAccessConfiguration": {
            "EniPrivateIpAddress": "10.0.115.28",
            "EniId": "eni-4f21436c22a9ce5e8",
        },
        "AppstreamAgentVersion": "10-02-2025",
        "LatestAppstreamAgentVersion": "TRUE",
        "DisableIMDSV1": False,
    }


def test_same_seed_same_values_and_names_differ() -> None:
    one, two = FakeAppStream(), FakeAppStream()
    for fake in (one, two):
        fake.add_builder("a")
        fake.add_builder("b", state="STOPPED")
    assert [b.to_response() for b in one.builders.values()] == [
        b.to_response() for b in two.builders.values()
    ]
    a, b = one.builder("a"), one.builder("b")
    assert b.created_time - a.created_time == datetime.timedelta(minutes=1)  # type: ignore[operator]
    assert a.vpc_config != b.vpc_config
    assert a.network_access_configuration != b.network_access_configuration


def test_region_and_partition_shape_the_arns() -> None:
    builder = build_builder("b", region="cn-north-1", account_id="111122223333", index=0)
    assert builder.arn == "arn:aws-cn:appstream:cn-north-1:111122223333:image-builder/b"
    assert builder.image_arn is not None and builder.image_arn.startswith("arn:aws-cn:appstream:")


def test_platform_and_image_follow_each_other() -> None:
    assert seed(platform="AMAZON_LINUX2").image_arn == (
        "arn:aws:appstream:us-east-1::image/AppStream-AmazonLinux2-06-12-2023"
    )
    assert (
        seed(
            image_arn="arn:aws:appstream:us-east-1::image/AppStream-WinServer2016-01-02-2025"
        ).platform
        == "WINDOWS_SERVER_2016"
    )
    custom = seed(image_arn="arn:aws:appstream:us-east-1:123456789012:image/golden")
    assert custom.platform is None  # the account's image: seeding takes its platform
    fake = FakeAppStream()
    made = fake.builders.add("b", image_arn="arn:aws:appstream:us-east-1:123456789012:image/golden")
    assert made.platform == seeding.default_platform() == fake.images["golden"].platform


def test_every_platform_of_the_model_has_its_own_base_image() -> None:
    platforms = shape("PlatformType").enum  # type: ignore[attr-defined]
    assert len({seeding.base_image(p) for p in platforms}) == len(platforms)
    unknown = "A_PLATFORM_NEWER_THAN_THE_MODEL"
    assert seeding.platform_of_image(seeding.image_arn("us-east-1", unknown)) is None
    for platform in platforms:
        image = seed(platform=platform).image_arn
        assert image is not None and seeding.platform_of_image(image) == platform


def test_given_fields_win_over_defaults() -> None:
    builder = seed(
        arn="arn:aws:appstream:us-east-1:123456789012:image-builder/other",
        instance_type="stream.graphics.g4dn.xlarge",
        enable_default_internet_access=True,
        created_time="2024-01-01T00:00:00Z",
    )
    assert builder.arn.endswith("/other")
    assert builder.instance_type == "stream.graphics.g4dn.xlarge"
    assert builder.enable_default_internet_access is True
    assert builder.created_time == datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)


def test_nothing_is_half_seeded() -> None:
    fake = FakeAppStream()
    with pytest.raises(AppStreamUsageError):
        fake.add_builder("b", vpc_config={"SubnetIds": ["s"]}, platform="DOS")
    assert fake.builders == {}
    fake.add_builder("b")
    assert fake.builder("b").created_time == seeding.BASE_CREATED_TIME


@newer_model(platforms=("WINDOWS_SERVER_2022",))  # the examples show its defaults
def test_module_examples_run() -> None:
    assert doctest.testmod(seeding).failed == 0


def test_a_marker_written_on_a_test_that_never_uses_the_fake_is_an_error(
    pytester: pytest.Pytester,
) -> None:
    pytester.makeconftest(
        """
        import pytest

        def pytest_collection_modifyitems(items):
            for item in items:
                item.add_marker(pytest.mark.appstream(polls=2))
        """
    )
    pytester.makepyfile(
        """
        import boto3
        import pytest

        pytestmark = pytest.mark.appstream(region="eu-west-1")

        @pytest.mark.appstream_builder("nightly")
        def test_forgot_the_fixture():
            pass

        @pytest.mark.appstream_builder("nightly")
        def test_forgot_it_and_failed():
            assert False, "its own failure, and nothing else"

        @pytest.mark.parametrize("n", [pytest.param(1, marks=pytest.mark.appstream_fault(
            "stop_image_builder", "ThrottlingException"))])
        def test_param_marks_count(n):
            pass

        @pytest.mark.appstream_builder("b", state="STOPPED")
        @pytest.mark.usefixtures("appstream")
        def test_usefixtures_counts():
            builders = boto3.client("appstream").describe_image_builders()["ImageBuilders"]
            assert [b["State"] for b in builders] == ["STOPPED"]

        @pytest.mark.appstream_builder("b")
        def test_getfixturevalue_counts(request):
            assert request.getfixturevalue("appstream").builder("b").state == "RUNNING"

        @pytest.mark.appstream_builder("nightly")
        class TestClassMarkers:
            def test_uses_the_fake(self, appstream_client):
                assert appstream_client.meta.region_name == "eu-west-1"
                assert appstream_client.describe_image_builders()["ImageBuilders"]

            def test_never_touches_appstream(self):
                pass
        """
    )
    result = pytester.runpytest("-p", "no:randomly", "--strict-markers")
    result.assert_outcomes(passed=6, failed=1, errors=2)
    result.stdout.fnmatch_lines(
        [
            "*ERROR at teardown of test_forgot_the_fixture*",
            "test_a_marker_written_on_a_test_that_never_uses_the_fake_is_an_error.py::"
            "test_forgot_the_fixture: @pytest.mark.appstream_builder('nightly') did nothing: "
            "the test never used the appstream fixture; allowed: add appstream (or "
            "appstream_client, appstream_stubber) to its arguments, or "
            "@pytest.mark.usefixtures('appstream')",
        ]
    )
    result.stdout.fnmatch_lines(["*ERROR at teardown of test_param_marks_count?1?*"])
    assert "ERROR at teardown of test_forgot_it_and_failed" not in result.stdout.str()
    assert "plugin.py" not in result.stdout.str()


def test_the_agent_version_latest_is_resolved_as_the_service_does() -> None:
    from pytest_appstream._model import builder_members
    from pytest_appstream._seeding import DEFAULT_AGENT_VERSION

    latest = seed(appstream_agent_version="LATEST")
    assert latest.to_response()["AppstreamAgentVersion"] == DEFAULT_AGENT_VERSION
    assert latest.latest_appstream_agent_version == "TRUE"
    older = seed(appstream_agent_version="01-01-2024")
    assert (older.appstream_agent_version, older.latest_appstream_agent_version) == (
        "01-01-2024",
        "FALSE",
    )
    if "LatestAppstreamAgentVersion" in builder_members():  # not in older botocore models
        assert latest.to_response()["LatestAppstreamAgentVersion"] == "TRUE"
        given = seed(appstream_agent_version="01-01-2024", latest_appstream_agent_version="TRUE")
        assert given.to_response()["LatestAppstreamAgentVersion"] == "TRUE"


def test_only_kinds_aws_tags_take_tags() -> None:
    fake = FakeAppStream()
    assert fake.fleets.add("f", tags={"team": "ops"}).name == "f"
    with pytest.raises(
        AppStreamUsageError, match=r"tags=.* is not allowed for users: AWS does not"
    ):
        fake.users.add("ann@example.com", tags={"team": "ops"})
    assert list(fake.users) == []


@pytest.mark.skipif(
    "AgentAccessConfig" not in shape("ImageBuilder").members,  # type: ignore[attr-defined]
    reason="this botocore's model lacks ImageBuilder.AgentAccessConfig",
)
def test_set_state_changes_a_member_the_record_keeps_in_extra() -> None:
    """ImageBuilder names no field for AgentAccessConfig: it lives in ``extra``, and set_state
    (like every change of a record) sets and unsets it there."""
    from pytest_appstream._model import members_of
    from tests.fidelity import minimal_value

    fake = FakeAppStream()
    fake.builders.add("b")
    value = minimal_value(members_of("ImageBuilder")["AgentAccessConfig"])
    stopped = fake.builders.set_state("b", "STOPPED", agent_access_config=value)
    assert stopped.extra["AgentAccessConfig"] == value
    assert fake.builders.set_state("b", "RUNNING").extra == stopped.extra  # unchanged if not given
    cleared = fake.builders.set_state("b", "STOPPED", agent_access_config=None)
    assert "AgentAccessConfig" not in cleared.extra
