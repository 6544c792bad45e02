"""The image-builder lifecycle: create, start, delete, streaming URL, tags, set_state, validation.

Unit tests answer calls with ``FakeAppStream._handle`` (the wire form, every answer checked against
the model by conftest); the pytester tests run inner pytest sessions as users do.
"""

from __future__ import annotations

import base64
import datetime
import json
import re
from typing import Any

import pytest

from pytest_appstream import AppStreamUsageError, FakeAppStream, Transition
from pytest_appstream._errors import ServiceError
from pytest_appstream._image_builders import ACTIONS, STABLE_STATES
from pytest_appstream._model import (
    builder_members,
    builder_states,
    error_status,
    modeled_errors,
    operation_names,
)
from pytest_appstream._operations import HANDLERS
from pytest_appstream._validation import check_input, compiled, java

INTERMEDIATE = [s for s in builder_states() if s not in STABLE_STATES]
#: The fakes of this module are frozen here: times are compared exactly, whatever the load.
NOW = datetime.datetime(2026, 6, 1, 9, 30, tzinfo=datetime.timezone.utc)


def call(fake: FakeAppStream, operation: str, **params: Any) -> tuple[int, dict[str, Any]]:
    return fake._handle(operation, params, None)


def ok(fake: FakeAppStream, operation: str, **params: Any) -> dict[str, Any]:
    status, body = call(fake, operation, **params)
    assert status == 200, body
    return body


def error(fake: FakeAppStream, operation: str, **params: Any) -> tuple[str, str]:
    status, body = call(fake, operation, **params)
    assert status == error_status(body["__type"]), body  # 400; ResourceNotFound: the model's
    return body["__type"], body["message"]


def create(fake: FakeAppStream, name: str = "b", **params: Any) -> dict[str, Any]:
    params = {"ImageName": "AppStream-WinServer2022-06-12-2023", **params}
    params.setdefault("InstanceType", "stream.standard.small")
    return ok(fake, "CreateImageBuilder", Name=name, **params)["ImageBuilder"]


def describe(fake: FakeAppStream, name: str) -> dict[str, Any]:
    return ok(fake, "DescribeImageBuilders", Names=[name])["ImageBuilders"][0]


def snapshot(fake: FakeAppStream) -> tuple[Any, ...]:
    """Everything a failed call must leave alone."""
    names = {name for _, _, name in fake.registry.names()}
    entries = {
        name: (e.builder, e.pending and (e.pending.to_state, e.pending.reads_left), dict(e.tags))
        for name, e in fake.registry.store(fake.account_id, fake.region).items()
    }
    return entries, {name: fake.history(name) for name in names}


# -- the rule table, written out independently of _image_builders.ACTIONS ----------------------------


def expected(operation: str, state: str) -> str | None:
    """docs/state-rules.md "Which actions each state allows": the error, or None when allowed."""
    allowed = {
        "StartImageBuilder": ("STOPPED",),
        "DeleteImageBuilder": ("RUNNING", "STOPPED", "FAILED"),
    }[operation]
    if state in allowed:
        return None
    if state in ("RUNNING", "STOPPED", "FAILED"):
        return "ResourceNotAvailableException"  # only Start refuses a stable state
    return "ConcurrentModificationException"


@pytest.mark.parametrize("state", builder_states())
@pytest.mark.parametrize(
    ("operation", "via"), [("StartImageBuilder", "PENDING"), ("DeleteImageBuilder", "DELETING")]
)
def test_start_and_delete_follow_the_rule_table_in_every_state(
    operation: str, via: str, state: str
) -> None:
    fake = FakeAppStream()
    fake.add_builder("b", state=state)
    before = snapshot(fake)
    status, body = call(fake, operation, Name="b")
    code = expected(operation, state)
    if code is None:
        assert (status, body["ImageBuilder"]["State"]) == (200, via)
        assert fake.history("b") == [Transition(state, via, operation)]
    else:
        assert (status, body["__type"]) == (400, code)
        assert f"b for account 123456789012 is {state}." in body["message"]
        assert snapshot(fake) == before


@pytest.mark.parametrize("operation", sorted(ACTIONS))
def test_every_refusal_of_the_rule_table_is_a_modeled_error(operation: str) -> None:
    refusals = {ACTIONS[operation].refused, "ConcurrentModificationException"} - {None}
    assert refusals <= set(modeled_errors(operation))


def test_start_goes_pending_then_running_by_the_policy() -> None:
    fake = FakeAppStream(polls=2)
    fake.add_builder("b", state="STOPPED")
    assert ok(fake, "StartImageBuilder", Name="b")["ImageBuilder"]["State"] == "PENDING"
    seen = [describe(fake, "b")["State"] for _ in range(4)]
    assert seen == ["PENDING", "PENDING", "RUNNING", "RUNNING"]
    fake.assert_transitions("b", ["STOPPED", "PENDING", "RUNNING"])


@pytest.mark.parametrize(
    ("version", "agent", "latest"),
    [("LATEST", "10-02-2025", "TRUE"), ("01-15-2024", "01-15-2024", "FALSE")],
)
def test_start_applies_the_agent_version(version: str, agent: str, latest: str) -> None:
    fake = FakeAppStream()
    fake.add_builder("b", state="STOPPED", appstream_agent_version="06-01-2023")
    builder = ok(fake, "StartImageBuilder", Name="b", AppstreamAgentVersion=version)["ImageBuilder"]
    assert builder["AppstreamAgentVersion"] == agent
    if "LatestAppstreamAgentVersion" in builder_members():  # not in older botocore models
        assert builder["LatestAppstreamAgentVersion"] == latest


def test_a_refused_start_leaves_the_agent_version_alone() -> None:
    fake = FakeAppStream()
    fake.add_builder("b", appstream_agent_version="06-01-2023")
    assert error(fake, "StartImageBuilder", Name="b", AppstreamAgentVersion="LATEST")[0] == (
        "ResourceNotAvailableException"
    )
    assert fake.builder("b").appstream_agent_version == "06-01-2023"


# -- CreateImageBuilder -----------------------------------------------------------------------


def test_create_answers_pending_with_realistic_values() -> None:
    fake = FakeAppStream(region="eu-west-1", account_id="111122223333", now=NOW)
    status, body = fake._handle(
        "CreateImageBuilder",
        {
            "Name": "golden",
            "ImageName": "AppStream-WinServer2019-06-12-2023",
            "InstanceType": "stream.standard.large",
            "Description": "builds the golden image",
            "VpcConfig": {"SubnetIds": ["subnet-1"], "SecurityGroupIds": ["sg-1"]},
            "EnableDefaultInternetAccess": True,
        },
        None,
    )
    assert status == 200
    builder = body["ImageBuilder"]
    assert builder["State"] == "PENDING"
    assert builder["Arn"] == "arn:aws:appstream:eu-west-1:111122223333:image-builder/golden"
    assert builder["ImageArn"] == (
        "arn:aws:appstream:eu-west-1::image/AppStream-WinServer2019-06-12-2023"
    )
    assert builder["Platform"] == "WINDOWS_SERVER_2019"
    assert builder["InstanceType"] == "stream.standard.large"
    assert builder["Description"] == "builds the golden image"
    assert builder["VpcConfig"] == {"SubnetIds": ["subnet-1"], "SecurityGroupIds": ["sg-1"]}
    assert builder["EnableDefaultInternetAccess"] is True
    assert builder["DisplayName"] == "golden"
    assert re.fullmatch(r"\d\d-\d\d-\d{4}", builder["AppstreamAgentVersion"])
    assert builder["CreatedTime"] == NOW
    assert fake.history("golden") == [Transition(None, "PENDING", "CreateImageBuilder")]
    assert fake.states("golden") == ["PENDING"]


def test_create_from_an_own_image_name_or_an_image_arn() -> None:
    fake = FakeAppStream()
    fake.images.add("my-golden-image")
    mine = create(fake, "a", ImageName="my-golden-image")
    assert mine["ImageArn"] == "arn:aws:appstream:us-east-1:123456789012:image/my-golden-image"
    arn = "arn:aws:appstream:us-east-1::image/AppStream-AmazonLinux2-06-12-2023"
    linux = ok(
        fake, "CreateImageBuilder", Name="c", ImageArn=arn, InstanceType="stream.standard.small"
    )["ImageBuilder"]
    assert (linux["ImageArn"], linux["Platform"]) == (arn, "AMAZON_LINUX2")


@pytest.mark.parametrize(
    ("policy", "polls", "pending_reads"),
    [("immediate", 1, 0), ("polled", 1, 1), ("polled", 3, 3)],
)
def test_created_builders_become_running_by_the_policy(
    policy: str, polls: int, pending_reads: int
) -> None:
    fake = FakeAppStream(transitions=policy, polls=polls)
    create(fake)
    seen = [describe(fake, "b")["State"] for _ in range(pending_reads + 2)]
    assert seen == ["PENDING"] * pending_reads + ["RUNNING", "RUNNING"]
    assert fake.history("b") == [
        Transition(None, "PENDING", "CreateImageBuilder"),
        Transition("PENDING", "RUNNING", "advance"),
    ]


def test_manual_creation_waits_for_advance() -> None:
    fake = FakeAppStream(transitions="manual")
    create(fake)
    assert [describe(fake, "b")["State"] for _ in range(3)] == ["PENDING"] * 3
    fake.advance("b")
    assert describe(fake, "b")["State"] == "RUNNING"


@pytest.mark.parametrize(
    ("images", "which"),
    [({}, "Neither was"), ({"ImageArn": "arn:aws:appstream:us-east-1::image/x"}, "Both were")],
)
def test_create_needs_exactly_one_of_image_name_and_arn(images: dict, which: str) -> None:
    fake = FakeAppStream()
    params = {"Name": "b", "InstanceType": "stream.standard.small", **images}
    if images:
        params["ImageName"] = "x"
    assert error(fake, "CreateImageBuilder", **params) == (
        "InvalidParameterCombinationException",
        f"Either ImageName or ImageArn must be specified, but not both. {which} specified.",
    )
    assert fake.builders == {} and list(fake.registry.names()) == []


@pytest.mark.parametrize("state", ["RUNNING", "STOPPED", "DELETING", "FAILED"])
def test_a_duplicate_name_already_exists_and_nothing_changes(state: str) -> None:
    fake = FakeAppStream()
    fake.add_builder("b", state=state)
    before = snapshot(fake)
    assert error(fake, "CreateImageBuilder", Name="b", ImageName="x", InstanceType="s") == (
        "ResourceAlreadyExistsException",
        "The image builder b already exists for account 123456789012.",
    )
    assert snapshot(fake) == before


def test_a_deleted_name_can_be_created_again_and_its_history_goes_on() -> None:
    fake = FakeAppStream(transitions="immediate")
    fake.add_builder("b")
    ok(fake, "DeleteImageBuilder", Name="b")
    assert create(fake)["State"] == "PENDING"
    assert fake.states("b") == ["RUNNING", "DELETING", None, "PENDING"]


def test_create_stores_tags() -> None:
    fake = FakeAppStream()
    arn = create(fake, Tags={"team": "vdi", "cost-center": "42"})["Arn"]
    assert ok(fake, "ListTagsForResource", ResourceArn=arn) == {
        "Tags": {"team": "vdi", "cost-center": "42"}
    }


def test_create_keeps_no_reference_to_the_request() -> None:
    fake = FakeAppStream()
    vpc = {"SubnetIds": ["subnet-1"]}
    create(fake, VpcConfig=vpc)
    vpc["SubnetIds"].append("subnet-2")
    assert describe(fake, "b")["VpcConfig"] == {"SubnetIds": ["subnet-1"]}


def test_create_without_a_required_member_is_a_validation_error() -> None:
    fake = FakeAppStream()
    assert error(fake, "CreateImageBuilder", Name="b", ImageName="x") == (
        "ValidationException",
        "1 validation error detected: Value null at 'instanceType' failed to satisfy "
        "constraint: Member must not be null",
    )


# -- DeleteImageBuilder ------------------------------------------------------------------------


def test_delete_goes_deleting_then_gone_then_not_found() -> None:
    fake = FakeAppStream()
    fake.add_builder("b", state="STOPPED")
    fake.add_builder("other")
    assert ok(fake, "DeleteImageBuilder", Name="b")["ImageBuilder"]["State"] == "DELETING"
    assert describe(fake, "b")["State"] == "DELETING"  # polls=1: one read still sees it
    names = [b["Name"] for b in ok(fake, "DescribeImageBuilders")["ImageBuilders"]]
    assert names == ["other"]
    for operation in ("DescribeImageBuilders", "DeleteImageBuilder", "StopImageBuilder"):
        params = {"Names": ["b"]} if operation == "DescribeImageBuilders" else {"Name": "b"}
        assert error(fake, operation, **params) == (
            "ResourceNotFoundException",
            "The image builder b for account 123456789012 does not exist.",
        )
    assert fake.history("b")[-1] == Transition("DELETING", None, "advance")
    assert fake.states("b") == ["STOPPED", "DELETING", None]
    with pytest.raises(AppStreamUsageError, match=r"no image builder named 'b' \(it was deleted\)"):
        fake.builder("b")


def test_delete_under_manual_policy_waits_for_advance() -> None:
    fake = FakeAppStream(transitions="manual")
    fake.add_builder("b")
    ok(fake, "DeleteImageBuilder", Name="b")
    assert describe(fake, "b")["State"] == "DELETING"
    fake.advance()
    assert "b" not in fake.builders
    fake.assert_transitions("b", ["RUNNING", "DELETING", None])


# -- CreateImageBuilderStreamingURL -------------------------------------------------------------


@pytest.mark.parametrize("state", builder_states())
def test_streaming_url_only_for_running_builders(state: str) -> None:
    fake = FakeAppStream()
    fake.add_builder("b", state=state)
    before = snapshot(fake)
    status, body = call(fake, "CreateImageBuilderStreamingURL", Name="b")
    if state == "RUNNING":
        assert status == 200 and body["StreamingURL"].startswith("https://")
    else:
        assert (status, body["__type"]) == (400, "OperationNotPermittedException")
        assert body["message"] == (
            f"The image builder b for account 123456789012 is {state}. "
            "The image builder must be in a RUNNING state to connect."
        )
        assert snapshot(fake) == before


@pytest.mark.parametrize("validity", [None, 1, 60, 604800])
def test_streaming_url_is_plausible_and_expires_after_validity(validity: int | None) -> None:
    fake = FakeAppStream(region="eu-central-1", now=NOW)
    fake.add_builder("b")
    params = {"Name": "b"} if validity is None else {"Name": "b", "Validity": validity}
    status, body = fake._handle("CreateImageBuilderStreamingURL", params, None)
    assert status == 200
    expected_expiry = NOW + datetime.timedelta(seconds=validity or 3600)
    assert body["Expires"] == expected_expiry
    found = re.fullmatch(
        r"https://appstream2\.eu-central-1\.aws\.amazon\.com/authenticate"
        r"\?parameters=([A-Za-z0-9_-]+)&signature=([0-9a-f]{64})",
        body["StreamingURL"],
    )
    assert found is not None, body["StreamingURL"]
    token = json.loads(base64.urlsafe_b64decode(found[1] + "=" * (-len(found[1]) % 4)))
    assert token["imageBuilderName"] == "b"
    assert token["expires"] == int(body["Expires"].timestamp())


@pytest.mark.parametrize(
    ("validity", "bound"),
    [(0, "greater than or equal to 1"), (604801, "less than or equal to 604800")],
)
def test_streaming_url_validity_out_of_range(validity: int, bound: str) -> None:
    fake = FakeAppStream()
    fake.add_builder("b")
    assert error(fake, "CreateImageBuilderStreamingURL", Name="b", Validity=validity) == (
        "ValidationException",
        f"1 validation error detected: Value '{validity}' at 'validity' failed to satisfy "
        f"constraint: Member must have value {bound}",
    )


def test_streaming_url_of_an_unknown_builder() -> None:
    assert error(FakeAppStream(), "CreateImageBuilderStreamingURL", Name="ghost")[0] == (
        "ResourceNotFoundException"
    )


@pytest.mark.parametrize(
    ("policy", "status", "code"),
    [("immediate", 200, None), ("polled", 400, "OperationNotPermittedException")],
)
def test_streaming_url_reads_the_builder_like_any_call(
    policy: str, status: int, code: str | None
) -> None:
    fake = FakeAppStream(transitions=policy)
    create(fake)
    answer, body = call(fake, "CreateImageBuilderStreamingURL", Name="b")
    assert (answer, body.get("__type")) == (status, code)


# -- tags ----------------------------------------------------------------------------------


def test_tag_untag_and_list_on_the_builder_arn() -> None:
    fake = FakeAppStream()
    arn = fake.add_builder("b").arn
    assert ok(fake, "ListTagsForResource", ResourceArn=arn) == {"Tags": {}}
    assert ok(fake, "TagResource", ResourceArn=arn, Tags={"a": "1", "b": "2"}) == {}
    ok(fake, "TagResource", ResourceArn=arn, Tags={"a": "one"})
    assert ok(fake, "ListTagsForResource", ResourceArn=arn) == {"Tags": {"a": "one", "b": "2"}}
    assert ok(fake, "UntagResource", ResourceArn=arn, TagKeys=["b", "never-set"]) == {}
    assert ok(fake, "ListTagsForResource", ResourceArn=arn) == {"Tags": {"a": "one"}}


@pytest.mark.parametrize(
    "arn",
    [
        "arn:aws:appstream:us-east-1:123456789012:image-builder/ghost",
        "arn:aws:appstream:eu-west-1:123456789012:image-builder/b",  # another region
        "arn:aws:appstream:us-east-1:123456789012:fleet/b",
    ],
)
@pytest.mark.parametrize(
    ("operation", "extra"),
    [
        ("TagResource", {"Tags": {"a": "1"}}),
        ("UntagResource", {"TagKeys": ["a"]}),
        ("ListTagsForResource", {}),
    ],
)
def test_tags_of_an_unknown_arn_are_not_found(arn: str, operation: str, extra: dict) -> None:
    fake = FakeAppStream()
    fake.add_builder("b")
    assert error(fake, operation, ResourceArn=arn, **extra) == (
        "ResourceNotFoundException",
        f"The resource {arn} does not exist.",
    )


def test_more_than_fifty_tags_is_limit_exceeded_and_nothing_changes() -> None:
    fake = FakeAppStream()
    arn = fake.add_builder("b").arn
    ok(fake, "TagResource", ResourceArn=arn, Tags={f"k{i}": "v" for i in range(48)})
    before = snapshot(fake)
    code, text = error(fake, "TagResource", ResourceArn=arn, Tags={"x": "1", "y": "2", "z": "3"})
    assert code == "LimitExceededException"
    assert "has 48 tags; 3 more would exceed the limit of 50" in text
    assert snapshot(fake) == before


def test_tags_go_with_a_deleted_builder() -> None:
    fake = FakeAppStream(transitions="immediate")
    arn = create(fake, Tags={"a": "1"})["Arn"]
    fake.advance()
    ok(fake, "DeleteImageBuilder", Name="b")
    assert error(fake, "ListTagsForResource", ResourceArn=arn)[0] == "ResourceNotFoundException"
    assert ok(fake, "ListTagsForResource", ResourceArn=create(fake)["Arn"]) == {"Tags": {}}


def test_reserved_tag_keys_are_a_validation_error() -> None:
    fake = FakeAppStream()
    arn = fake.add_builder("b").arn
    code, text = error(fake, "TagResource", ResourceArn=arn, Tags={"aws:owner": "me"})
    assert code == "ValidationException"
    assert text.startswith(
        "1 validation error detected: Value '{aws:owner=me}' at 'tags' failed to satisfy "
        "constraint: Map keys must satisfy constraint: [Member must have length less than or "
        "equal to 128, Member must have length greater than or equal to 1, Member must satisfy "
        "regular expression pattern: ^(^(?!aws:)."
    )


# -- validation ---------------------------------------------------------------------------------


def rejected(operation: str, params: Any) -> ServiceError:
    with pytest.raises(ServiceError) as info:
        check_input(operation, params)
    return info.value


NAME_PATTERN = "^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,100}$"
BASE = {"Name": "b", "ImageName": "i", "InstanceType": "stream.standard.small"}


@pytest.mark.parametrize(
    ("params", "text"),
    [
        (
            {**BASE, "Name": "bad name!"},
            f"Value 'bad name!' at 'name' failed to satisfy constraint: Member must satisfy "
            f"regular expression pattern: {NAME_PATTERN}",
        ),
        (
            {**BASE, "Name": "a" * 102},
            f"Value '{'a' * 102}' at 'name' failed to satisfy constraint: Member must satisfy "
            f"regular expression pattern: {NAME_PATTERN}",
        ),
        (
            {**BASE, "Name": "trailing-newline\n"},
            "Value 'trailing-newline\n' at 'name' failed to satisfy constraint: Member must "
            f"satisfy regular expression pattern: {NAME_PATTERN}",
        ),
        (
            {**BASE, "Description": "d" * 257},
            f"Value '{'d' * 257}' at 'description' failed to satisfy constraint: Member must "
            "have length less than or equal to 256",
        ),
        (
            {**BASE, "DisplayName": "x" * 101},
            f"Value '{'x' * 101}' at 'displayName' failed to satisfy constraint: Member must "
            "have length less than or equal to 100",
        ),
        (
            {**BASE, "AccessEndpoints": [{"EndpointType": "STREAMING"}, {"EndpointType": "NO"}]},
            "Value 'NO' at 'accessEndpoints.2.member.endpointType' failed to satisfy "
            "constraint: Member must satisfy enum value set: [STREAMING]",
        ),
        (
            {**BASE, "VpcConfig": {"SecurityGroupIds": ["sg"] * 6}},
            "Value '[sg, sg, sg, sg, sg, sg]' at 'vpcConfig.securityGroupIds' failed to satisfy "
            "constraint: Member must have length less than or equal to 5",
        ),
        (
            {**BASE, "AccessEndpoints": [{"VpceId": "vpce-1"}]},
            "Value null at 'accessEndpoints.1.member.endpointType' failed to satisfy "
            "constraint: Member must not be null",
        ),
        (
            {**BASE, "AppstreamAgentVersion": ""},
            "Value '' at 'appstreamAgentVersion' failed to satisfy constraint: Member must have "
            "length greater than or equal to 1",
        ),
    ],
)
def test_one_validation_error_in_aws_words(params: dict, text: str) -> None:
    problem = rejected("CreateImageBuilder", params)
    assert (problem.code, problem.message) == (
        "ValidationException",
        f"1 validation error detected: {text}",
    )


def test_several_validation_errors_are_counted_and_joined() -> None:
    problem = rejected(
        "CreateImageBuilder", {**BASE, "Name": "-", "Description": "d" * 300, "DisplayName": ""}
    )
    assert problem.message.startswith("2 validation errors detected: Value '-' at 'name' ")
    assert "; Value '" + "d" * 300 + "' at 'description' failed" in problem.message


def test_a_list_of_scalars_is_reported_once_with_every_constraint() -> None:
    problem = rejected(
        "UntagResource",
        {
            "ResourceArn": "arn:aws:appstream:us-east-1:123456789012:image-builder/b",
            "TagKeys": ["ok", "aws:x"],
        },
    )
    assert problem.message.startswith(
        "1 validation error detected: Value '[ok, aws:x]' at 'tagKeys' failed to satisfy "
        "constraint: Member must satisfy constraint: [Member must have length less than or "
        "equal to 128, Member must have length greater than or equal to 1, Member must satisfy"
    )


def test_map_values_are_reported_with_every_constraint() -> None:
    problem = rejected(
        "TagResource",
        {
            "ResourceArn": "arn:aws:appstream:us-east-1:123456789012:image-builder/b",
            "Tags": {"k": "v" * 257},
        },
    )
    assert "at 'tags' failed to satisfy constraint: Map value must satisfy constraint: [" in (
        problem.message
    )


def test_an_empty_tag_map_is_too_short() -> None:
    problem = rejected(
        "TagResource",
        {"ResourceArn": "arn:aws:appstream:us-east-1:123456789012:image-builder/b", "Tags": {}},
    )
    assert problem.message == (
        "1 validation error detected: Value '{}' at 'tags' failed to satisfy constraint: "
        "Member must have length greater than or equal to 1"
    )


@pytest.mark.parametrize(
    ("operation", "params", "text"),
    [
        ("StopImageBuilder", {"Name": 3}, "NUMBER_VALUE can not be converted to a String"),
        ("StopImageBuilder", {"Name": ["b"]}, "Start of list found where not expected."),
        ("StopImageBuilder", [], "Start of list found where not expected."),
        (
            "DescribeImageBuilders",
            {"MaxResults": True},
            "BOOLEAN_VALUE can not be converted to an Integer",
        ),
        (
            "CreateImageBuilderStreamingURL",
            {"Name": "b", "Validity": "60"},
            "STRING_VALUE can not be converted to a Long",
        ),
    ],
)
def test_a_value_of_the_wrong_type_is_a_serialization_error(
    operation: str, params: Any, text: str
) -> None:
    problem = rejected(operation, params)
    assert (problem.code, problem.message) == ("SerializationException", text)


def test_unknown_members_are_ignored_as_aws_does() -> None:
    check_input("StopImageBuilder", {"Name": "b", "Future": 1})


def test_java_patterns_mean_what_they_mean_in_java() -> None:
    tag_key = compiled("^(^(?!aws:).[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$")
    assert tag_key.fullmatch("Kostenstelle Ü 7") and tag_key.fullmatch("名前")
    assert not tag_key.fullmatch("aws:x") and not tag_key.fullmatch("a#b")
    assert not compiled("^\\w+$").fullmatch("é")  # Java's \w is ASCII


def test_every_pattern_of_the_model_compiles() -> None:
    from pytest_appstream._model import service_model

    model = service_model()
    patterns = {
        model.shape_for(name).metadata["pattern"]
        for name in model.shape_names
        if "pattern" in model.shape_for(name).metadata
    }
    assert patterns and all(compiled(p) for p in patterns)


def test_values_print_as_java_prints_them() -> None:
    assert java({"a": [1, True], "b": "x y"}) == "{a=[1, true], b=x y}"
    assert java([False, {"k": "v"}, 2.5]) == "[false, {k=v}, 2.5]"


def test_validation_runs_before_the_handler_and_changes_nothing() -> None:
    fake = FakeAppStream()
    fake.add_builder("b")
    before = snapshot(fake)
    assert error(fake, "DeleteImageBuilder", Name="-b")[0] == "ValidationException"
    assert snapshot(fake) == before
    assert fake.calls[-1].error_code == "ValidationException"


# -- set_state ----------------------------------------------------------------------------------

REASON = {"Code": "INTERNAL_ERROR", "Message": "The instance failed to boot."}
ERRORS = [
    {
        "ErrorCode": "INTERNAL_SERVICE_ERROR",
        "ErrorMessage": "boom",
        "ErrorTimestamp": "2026-02-03T04:05:06Z",
    }
]


def test_set_state_forces_failed_with_reason_and_errors() -> None:
    fake = FakeAppStream()
    fake.add_builder("b")
    builder = fake.set_state("b", "FAILED", reason=REASON, errors=ERRORS)
    assert builder.state == "FAILED" and builder.state_change_reason == REASON
    wire = describe(fake, "b")
    assert wire["State"] == "FAILED"
    assert wire["StateChangeReason"] == REASON
    assert wire["ImageBuilderErrors"][0]["ErrorTimestamp"] == datetime.datetime(
        2026, 2, 3, 4, 5, 6, tzinfo=datetime.timezone.utc
    )
    assert fake.history("b") == [Transition("RUNNING", "FAILED", "set_state")]
    assert ok(fake, "DeleteImageBuilder", Name="b")["ImageBuilder"]["State"] == "DELETING"


def test_set_state_drops_a_pending_transition_and_clears_an_old_reason() -> None:
    fake = FakeAppStream(transitions="manual")
    fake.add_builder("b")
    fake.set_state("b", "FAILED", reason=REASON)
    fake.set_state("b", "RUNNING")
    ok(fake, "StopImageBuilder", Name="b")
    fake.set_state("b", "DELETING")
    fake.advance()
    assert fake.builder("b").state == "DELETING"
    assert fake.builder("b").state_change_reason is None
    fake.assert_transitions("b", ["RUNNING", "FAILED", "RUNNING", "STOPPING", "DELETING"])


def test_set_state_to_the_same_state_records_no_transition() -> None:
    fake = FakeAppStream()
    fake.add_builder("b", state="FAILED")
    fake.set_state("b", "FAILED", reason=REASON)
    assert fake.history("b") == []
    assert fake.builder("b").state_change_reason == REASON


@pytest.mark.parametrize(
    ("kwargs", "text"),
    [
        ({"state": "BROKEN"}, "state='BROKEN' is not an image builder state; allowed: PENDING,"),
        ({"state": "failed"}, "state='failed' is not an image builder state"),
        (
            {"reason": {"Code": "BOGUS"}},
            "reason.Code='BOGUS' is not a ImageBuilderStateChangeReasonCode; "
            "allowed: INTERNAL_ERROR, IMAGE_UNAVAILABLE",
        ),
        ({"reason": "boom"}, "reason='boom' is not a dict"),
        ({"reason": {"code": "INTERNAL_ERROR"}}, "reason: key 'code' must be given in wire form"),
        ({"errors": {"ErrorCode": "X"}}, "errors={'ErrorCode': 'X'} is not a list"),
        ({"errors": [{"ErrorCode": "X"}]}, "errors[0].ErrorCode='X' is not a FleetErrorCode"),
    ],
)
def test_bad_set_state_arguments_are_clear_and_change_nothing(kwargs: dict, text: str) -> None:
    fake = FakeAppStream()
    fake.add_builder("b")
    ok(fake, "StopImageBuilder", Name="b")
    before = snapshot(fake)
    arguments = {"state": "FAILED", **kwargs}
    with pytest.raises(AppStreamUsageError) as info:
        fake.set_state("b", **arguments)
    assert text in str(info.value)
    assert snapshot(fake) == before


def test_set_state_of_an_unknown_builder_lists_the_live_ones() -> None:
    fake = FakeAppStream()
    fake.add_builder("b")
    with pytest.raises(AppStreamUsageError, match=r"no image builder named 'x'.*live builders: b"):
        fake.set_state("x", "FAILED")


# -- operations the fake does not implement ----------------------------------------------------

UNIMPLEMENTED = sorted(set(operation_names()) - set(HANDLERS))


@pytest.mark.parametrize("operation", UNIMPLEMENTED)
def test_every_other_operation_says_it_is_not_implemented(operation: str) -> None:
    fake = FakeAppStream()
    status, body = call(fake, operation)
    assert (status, body["__type"]) == (400, "UnsupportedOperation")
    assert f"does not implement {operation} yet" in body["message"]
    assert "CreateImageBuilder" in body["message"]
    assert fake.calls[-1].error_code == "UnsupportedOperation"


def test_an_operation_outside_the_model_is_unknown() -> None:
    assert error(FakeAppStream(), "LaunchRocket")[0] == "UnknownOperationException"


# -- as users meet it ------------------------------------------------------------------------


def run(pytester: pytest.Pytester, source: str) -> pytest.RunResult:
    pytester.makepyfile(source)
    return pytester.runpytest("-p", "no:randomly", "-p", "no:cacheprovider")


def test_a_whole_lifecycle_through_a_real_client(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
        import pytest

        def wait_for(client, name, state):
            for _ in range(10):
                builder = client.describe_image_builders(Names=[name])["ImageBuilders"][0]
                if builder["State"] == state:
                    return builder
            raise AssertionError(f"{name} never reached {state}")

        @pytest.mark.appstream(polls=2)
        def test_lifecycle(appstream, appstream_client):
            created = appstream_client.create_image_builder(
                Name="golden", ImageName="AppStream-WinServer2022-06-12-2023",
                InstanceType="stream.standard.medium", Tags={"team": "vdi"},
            )["ImageBuilder"]
            assert created["State"] == "PENDING"
            with pytest.raises(appstream_client.exceptions.OperationNotPermittedException):
                appstream_client.create_image_builder_streaming_url(Name="golden")
            wait_for(appstream_client, "golden", "RUNNING")
            url = appstream_client.create_image_builder_streaming_url(Name="golden", Validity=600)
            assert url["StreamingURL"].startswith("https://appstream2.us-east-1.aws.amazon.com/")
            assert url["Expires"].tzinfo is not None
            tags = appstream_client.list_tags_for_resource(ResourceArn=created["Arn"])["Tags"]
            assert tags == {"team": "vdi"}
            appstream_client.stop_image_builder(Name="golden")
            wait_for(appstream_client, "golden", "STOPPED")
            assert appstream_client.start_image_builder(Name="golden")["ImageBuilder"]["State"] == "PENDING"
            wait_for(appstream_client, "golden", "RUNNING")
            appstream_client.delete_image_builder(Name="golden")
            with pytest.raises(appstream_client.exceptions.ResourceNotFoundException):
                for _ in range(5):
                    appstream_client.describe_image_builders(Names=["golden"])
            appstream.assert_transitions(
                "golden",
                ["PENDING", "RUNNING", "STOPPING", "STOPPED", "PENDING", "RUNNING", "DELETING", None],
            )
            assert appstream.history("golden")[0].operation == "CreateImageBuilder"
            appstream.add_builder("dup")
            with pytest.raises(appstream_client.exceptions.ResourceAlreadyExistsException):
                appstream_client.create_image_builder(
                    Name="dup", ImageName="x", InstanceType="stream.standard.small")
        """,
    )
    result.assert_outcomes(passed=1)


def test_service_side_validation_and_unimplemented_operations_are_client_errors(
    pytester: pytest.Pytester,
) -> None:
    result = run(
        pytester,
        """
        import pytest
        from botocore.exceptions import ClientError

        def test_bad_name(appstream_client):
            with pytest.raises(ClientError) as info:
                appstream_client.create_image_builder(
                    Name="nightly build", ImageName="x", InstanceType="stream.standard.small")
            error = info.value.response["Error"]
            assert error["Code"] == "ValidationException"
            assert error["Message"].startswith(
                "1 validation error detected: Value 'nightly build' at 'name' failed to satisfy "
                "constraint: Member must satisfy regular expression pattern: ")
            assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400

        def test_both_images(appstream_client):
            with pytest.raises(appstream_client.exceptions.InvalidParameterCombinationException):
                appstream_client.create_image_builder(
                    Name="b", ImageName="x", ImageArn="arn:aws:appstream:us-east-1::image/x",
                    InstanceType="stream.standard.small")

        def test_unimplemented(appstream_client, monkeypatch):
            # an operation a newer botocore brings before the fake implements it
            from pytest_appstream import _operations
            monkeypatch.delitem(_operations.HANDLERS, "DescribeFleets")
            with pytest.raises(ClientError) as info:
                appstream_client.describe_fleets()
            assert info.value.response["Error"]["Code"] == "UnsupportedOperation"
            assert "does not implement DescribeFleets yet" in str(info.value)
        """,
    )
    result.assert_outcomes(passed=3)


def test_set_state_lets_code_meet_a_failed_builder(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
        import pytest

        def failures(client):
            return {
                b["Name"]: b["StateChangeReason"]["Message"]
                for page in client.get_paginator("describe_image_builders").paginate()
                for b in page["ImageBuilders"] if b["State"] == "FAILED"
            }

        @pytest.mark.appstream_builder("good")
        @pytest.mark.appstream_builder("bad")
        def test_failed(appstream, appstream_client):
            appstream.set_state("bad", "FAILED",
                                reason={"Code": "IMAGE_UNAVAILABLE", "Message": "image gone"},
                                errors=[{"ErrorCode": "IMAGE_NOT_FOUND", "ErrorMessage": "gone"}])
            assert failures(appstream_client) == {"bad": "image gone"}
            appstream.assert_transitions("bad", ["RUNNING", "FAILED"])
            assert appstream.history("bad")[-1].operation == "set_state"

        @pytest.mark.appstream_builder("b")
        def test_bad_reason(appstream):
            appstream.set_state("b", "FAILED", reason={"Code": "OOPS"})
        """,
    )
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*reason.Code='OOPS' is not a *; allowed: INTERNAL_ERROR*"])
    assert "pytest_appstream/fake.py" not in result.stdout.str()
