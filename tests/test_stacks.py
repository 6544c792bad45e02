"""Stacks: seeding (with their fleet), DescribeStacks, their operations, fleet associations and
streaming URLs, as a test meets them through a botocore client."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_appstream import AppStreamUsageError, FakeAppStream
from pytest_appstream._model import error_status, members_of, operation_names, shape

ACCOUNT = "123456789012"
ACTIONS = tuple(getattr(shape("Action"), "enum", ()))
#: An older botocore's ``UserSetting`` (1.34) has no ``MaximumLength``: no clipboard limit.
HAS_MAXIMUM_LENGTH = "MaximumLength" in members_of("UserSetting")
needs_maximum_length = pytest.mark.skipif(
    not HAS_MAXIMUM_LENGTH, reason="this botocore's model lacks UserSetting.MaximumLength"
)
needs_themes = pytest.mark.skipif(
    "CreateThemeForStack" not in operation_names(),
    reason="this botocore's model lacks the Theme shape and the theme operations",
)


def call(fake: FakeAppStream, operation: str, **params: Any) -> tuple[int, dict[str, Any]]:
    return fake._handle(operation, params, None)


def error(fake: FakeAppStream, operation: str, **params: Any) -> tuple[str, str]:
    status, body = call(fake, operation, **params)
    assert status == error_status(body["__type"]), body  # 400; ResourceNotFound: the model's
    return body["__type"], body["message"]


def ok(fake: FakeAppStream, operation: str, **params: Any) -> dict[str, Any]:
    status, body = call(fake, operation, **params)
    assert status == 200, body
    return body


def snapshot(fake: FakeAppStream) -> Any:
    """Every kind's live records, pending transitions, tags and data, in every region."""
    with fake.registry.lock:
        return {
            key: {
                name: (e.record, e.pending, dict(e.tags), repr(e.data))
                for name, e in fake.registry.store(*key).items()
            }
            for key, store in list(fake.registry._stores.items())
            if store  # an empty store is nothing
        }


def associated(fake: FakeAppStream, stack: str) -> list[str]:
    with fake.registry.lock:
        entry = fake.registry.get(fake.account_id, fake.region, stack, "stacks")
        assert entry is not None
        return list(entry.data.get("fleets", []))


# -- seeding --------------------------------------------------------------------------------------


def test_a_seeded_stack_has_awss_defaults(appstream: FakeAppStream, appstream_client: Any) -> None:
    appstream.stacks.add("s")

    (stack,) = appstream_client.describe_stacks(Names=["s"])["Stacks"]

    assert stack["Arn"] == f"arn:aws:appstream:us-east-1:{ACCOUNT}:stack/s"
    assert stack["StackErrors"] == [] and "EmbedHostDomains" not in stack
    assert [s["Action"] for s in stack["UserSettings"]] == list(ACTIONS)
    assert {s["Permission"] for s in stack["UserSettings"]} == {"ENABLED"}
    clipboard = [s for s in stack["UserSettings"] if s["Action"].startswith("CLIPBOARD_COPY_")]
    limit = 20971520 if HAS_MAXIMUM_LENGTH else None  # a model without the member: no limit
    assert clipboard and all(s.get("MaximumLength") == limit for s in clipboard)
    others = [s for s in stack["UserSettings"] if not s["Action"].startswith("CLIPBOARD")]
    assert all("MaximumLength" not in s for s in others)


def test_a_seeded_stack_is_associated_with_the_fleet_it_names(appstream: FakeAppStream) -> None:
    appstream.fleets.add("f")
    appstream.stacks.add("s", fleets=["f"])
    assert associated(appstream, "s") == ["f"]
    assert ok(appstream, "ListAssociatedFleets", StackName="s")["Names"] == ["f"]


@pytest.mark.parametrize(
    ("fleets", "message"),
    [
        (["ghost"], "no fleet named 'ghost' in 123456789012/us-east-1; live fleets: f"),
        (["f", "g"], "at most one fleet name"),
        ("f", "at most one fleet name"),
    ],
)
def test_seeding_a_stack_with_fleets_it_cannot_have_changes_nothing(
    fleets: Any, message: str
) -> None:
    fake = FakeAppStream()
    fake.fleets.add("f")
    fake.fleets.add("g", region="eu-west-1")
    before = snapshot(fake)
    with pytest.raises(AppStreamUsageError, match=message):
        fake.stacks.add("s", fleets=fleets)
    assert snapshot(fake) == before and "s" not in fake.stacks
    with pytest.raises(AppStreamUsageError, match="no stack named 's'"):
        fake.stacks.history("s")  # not even a history


def test_the_stack_marker_seeds_after_the_fleet_marker(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest


        @pytest.mark.appstream_stack("s", fleets=["f"])
        @pytest.mark.appstream_fleet("f", state="STOPPED")
        def test_seeded(appstream, appstream_client):
            assert appstream_client.list_associated_stacks(FleetName="f")["Names"] == ["s"]
            (fleet,) = appstream_client.describe_fleets(Names=["f"])["Fleets"]
            assert fleet["State"] == "STOPPED"
        """
    )
    result = pytester.runpytest("-p", "no:randomly", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)


def test_describe_stacks_by_name_and_an_unknown_name(appstream: FakeAppStream) -> None:
    appstream.stacks.add("s")
    assert [s["Name"] for s in ok(appstream, "DescribeStacks")["Stacks"]] == ["s"]
    assert error(appstream, "DescribeStacks", Names=["ghost"]) == (
        "ResourceNotFoundException",
        f"The stack ghost for account {ACCOUNT} does not exist.",
    )


def test_describe_stacks_pages_with_next_token(appstream: FakeAppStream) -> None:
    for i in range(27):
        appstream.stacks.add(f"s{i:02}")
    first = ok(appstream, "DescribeStacks")
    second = ok(appstream, "DescribeStacks", NextToken=first["NextToken"])
    assert len(first["Stacks"]) == 25
    assert [s["Name"] for s in second["Stacks"]] == ["s25", "s26"]


# -- CreateStack, UpdateStack, DeleteStack --------------------------------------------------------


@pytest.mark.appstream(now="2026-11-30T08:00:00Z")
def test_create_stack_answers_awss_defaults_and_the_settings_asked_for(
    appstream: FakeAppStream, appstream_client: Any
) -> None:
    clipboard = {"Action": "CLIPBOARD_COPY_TO_LOCAL_DEVICE", "Permission": "ENABLED"}
    if HAS_MAXIMUM_LENGTH:  # an older botocore's client refuses the member its model lacks
        clipboard["MaximumLength"] = 5
    stack = appstream_client.create_stack(
        Name="s",
        UserSettings=[{"Action": "FILE_UPLOAD", "Permission": "DISABLED"}, clipboard],
        ApplicationSettings={"Enabled": True, "SettingsGroup": "office"},
        Tags={"team": "a"},
    )["Stack"]

    settings = {s["Action"]: s for s in stack["UserSettings"]}
    assert list(settings) == list(ACTIONS)  # every action, in the model's order
    assert settings["FILE_UPLOAD"] == {"Action": "FILE_UPLOAD", "Permission": "DISABLED"}
    assert settings["CLIPBOARD_COPY_TO_LOCAL_DEVICE"] == {**clipboard}
    if HAS_MAXIMUM_LENGTH:
        assert settings["CLIPBOARD_COPY_TO_LOCAL_DEVICE"]["MaximumLength"] == 5
        assert settings["CLIPBOARD_COPY_FROM_LOCAL_DEVICE"]["MaximumLength"] == 20971520
    else:
        assert "MaximumLength" not in settings["CLIPBOARD_COPY_FROM_LOCAL_DEVICE"]
    assert settings["FILE_DOWNLOAD"]["Permission"] == "ENABLED"
    assert stack["ApplicationSettings"]["S3BucketName"].startswith(
        f"appstream-app-settings-us-east-1-{ACCOUNT}-"
    )
    assert stack["CreatedTime"].isoformat() == "2026-11-30T08:00:00+00:00"
    assert appstream_client.list_tags_for_resource(ResourceArn=stack["Arn"])["Tags"] == {
        "team": "a"
    }
    assert ok(appstream, "ListAssociatedFleets", StackName="s")["Names"] == []


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"Name": "taken"}, "ResourceAlreadyExistsException"),
        pytest.param(
            {
                "UserSettings": [
                    {"Action": "FILE_UPLOAD", "Permission": "ENABLED", "MaximumLength": 9}
                ]
            },
            "InvalidParameterCombinationException",
            marks=needs_maximum_length,
        ),
        pytest.param(
            {
                "UserSettings": [
                    {
                        "Action": "CLIPBOARD_COPY_TO_LOCAL_DEVICE",
                        "Permission": "DISABLED",
                        "MaximumLength": 9,
                    }
                ]
            },
            "InvalidParameterCombinationException",
            marks=needs_maximum_length,
        ),
        (
            {
                "UserSettings": [
                    {"Action": "FILE_UPLOAD", "Permission": "ENABLED"},
                    {"Action": "FILE_UPLOAD", "Permission": "DISABLED"},
                ]
            },
            "InvalidParameterCombinationException",
        ),
    ],
)
def test_create_stack_refusals_change_nothing(params: dict[str, Any], code: str) -> None:
    fake = FakeAppStream()
    fake.stacks.add("taken")
    before = snapshot(fake)
    assert error(fake, "CreateStack", **{"Name": "s", **params})[0] == code
    assert snapshot(fake) == before


def test_update_stack_sets_merges_and_deletes() -> None:
    fake = FakeAppStream()
    fake.stacks.add(
        "s",
        redirect_url="https://example.com/bye",
        storage_connectors=[
            {"ConnectorType": "HOMEFOLDERS"},
            {"ConnectorType": "GOOGLE_DRIVE", "Domains": ["example.com"]},
        ],
        embed_host_domains=["example.com"],
    )
    stack = ok(
        fake,
        "UpdateStack",
        Name="s",
        Description="for the office",
        UserSettings=[{"Action": "PRINTING_TO_LOCAL_DEVICE", "Permission": "DISABLED"}],
        AttributesToDelete=["STORAGE_CONNECTOR_HOMEFOLDERS", "REDIRECT_URL", "THEME_NAME"],
    )["Stack"]
    assert stack["Description"] == "for the office" and "RedirectURL" not in stack
    assert stack["StorageConnectors"] == [
        {"ConnectorType": "GOOGLE_DRIVE", "Domains": ["example.com"]}
    ]
    settings = {s["Action"]: s["Permission"] for s in stack["UserSettings"]}
    assert settings["PRINTING_TO_LOCAL_DEVICE"] == "DISABLED"
    assert settings["FILE_UPLOAD"] == "ENABLED"  # the others stay
    assert stack["EmbedHostDomains"] == ["example.com"]
    again = ok(
        fake,
        "UpdateStack",
        Name="s",
        DeleteStorageConnectors=True,
        AttributesToDelete=["USER_SETTINGS", "EMBED_HOST_DOMAINS"],
    )["Stack"]
    assert "StorageConnectors" not in again and "EmbedHostDomains" not in again
    assert {s["Permission"] for s in again["UserSettings"]} == {"ENABLED"}  # AWS's defaults
    assert fake.stacks["s"].description == "for the office"


def test_update_stack_refusals_change_nothing() -> None:
    fake = FakeAppStream()
    fake.stacks.add("s", redirect_url="https://example.com")
    before = snapshot(fake)
    assert (
        error(
            fake,
            "UpdateStack",
            Name="s",
            RedirectURL="https://x",
            AttributesToDelete=["REDIRECT_URL"],
        )[0]
        == "InvalidParameterCombinationException"
    )
    assert error(fake, "UpdateStack", Name="ghost", Description="x") == (
        "ResourceNotFoundException",
        f"The stack ghost for account {ACCOUNT} does not exist.",
    )
    assert snapshot(fake) == before


def test_delete_stack_is_refused_while_a_fleet_is_associated() -> None:
    fake = FakeAppStream()
    fake.fleets.add("f")
    fake.stacks.add("s", fleets=["f"])
    before = snapshot(fake)
    assert error(fake, "DeleteStack", Name="s") == (
        "ResourceInUseException",
        "Cannot delete stack s. This stack has fleets associated with it. Only stacks with no "
        "fleets associated with it can be deleted.",
    )
    assert snapshot(fake) == before
    ok(fake, "DisassociateFleet", StackName="s", FleetName="f")
    assert ok(fake, "DeleteStack", Name="s") == {}
    fake.stacks.assert_transitions("s", ["ACTIVE", None])
    assert ok(fake, "ListAssociatedStacks", FleetName="f")["Names"] == []


# -- associations ---------------------------------------------------------------------------------


def test_a_stack_has_one_fleet_and_a_fleet_many_stacks(appstream: FakeAppStream) -> None:
    appstream.fleets.add("f")
    appstream.fleets.add("g", state="STOPPED")
    appstream.stacks.add("s")
    appstream.stacks.add("t")
    assert ok(appstream, "AssociateFleet", StackName="s", FleetName="f") == {}
    assert ok(appstream, "AssociateFleet", StackName="s", FleetName="f") == {}  # again: no change
    assert ok(appstream, "AssociateFleet", StackName="t", FleetName="f") == {}
    before = snapshot(appstream)
    assert error(appstream, "AssociateFleet", StackName="s", FleetName="g") == (
        "OperationNotPermittedException",
        f"The stack s for account {ACCOUNT} already has the fleet f associated with it. A stack "
        "can have one fleet: disassociate f first.",
    )
    assert snapshot(appstream) == before
    assert ok(appstream, "ListAssociatedStacks", FleetName="f")["Names"] == ["s", "t"]
    assert ok(appstream, "ListAssociatedFleets", StackName="s")["Names"] == ["f"]
    assert associated(appstream, "s") == ["f"]


def test_associate_and_disassociate_need_both_and_the_association(
    appstream: FakeAppStream,
) -> None:
    appstream.fleets.add("f")
    appstream.stacks.add("s")
    assert error(appstream, "AssociateFleet", StackName="ghost", FleetName="f") == (
        "ResourceNotFoundException",
        f"The stack ghost for account {ACCOUNT} does not exist.",
    )
    assert error(appstream, "AssociateFleet", StackName="s", FleetName="ghost")[1] == (
        f"The fleet ghost for account {ACCOUNT} does not exist."
    )
    assert error(appstream, "DisassociateFleet", StackName="s", FleetName="f") == (
        "ResourceNotFoundException",
        f"The fleet f is not associated with the stack s for account {ACCOUNT}.",
    )


def test_listings_of_unknown_names_are_empty(appstream_client: Any) -> None:
    assert appstream_client.list_associated_fleets(StackName="ghost")["Names"] == []
    assert appstream_client.list_associated_stacks(FleetName="ghost")["Names"] == []


def test_a_data_file_seeds_fleets_before_the_stacks_that_name_them(
    pytester: pytest.Pytester,
) -> None:
    pytester.makefile(
        ".json",
        world='{"stacks": [{"name": "s", "fleets": ["f"]}], '
        '"fleets": [{"name": "f", "state": "STOPPED", "instance_type": "stream.compute.large"}]}',
    )
    pytester.makepyfile(
        """
        import pytest


        @pytest.mark.appstream_data("world.json")
        def test_world(appstream, appstream_client):
            assert appstream.fleets["f"].instance_type == "stream.compute.large"
            assert appstream_client.list_associated_fleets(StackName="s")["Names"] == ["f"]
        """
    )
    result = pytester.runpytest("-p", "no:randomly", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)


# -- CreateStreamingURL ---------------------------------------------------------------------------


@pytest.mark.appstream(now="2026-11-30T08:00:00Z")
@pytest.mark.appstream_stack("s", fleets=["f"])
@pytest.mark.appstream_fleet("f")
def test_a_streaming_url_in_awss_form_expiring_by_the_fakes_clock(
    appstream_client: Any,
) -> None:
    answer = appstream_client.create_streaming_url(StackName="s", FleetName="f", UserId="ann")
    again = appstream_client.create_streaming_url(StackName="s", FleetName="f", UserId="ann")
    longer = appstream_client.create_streaming_url(
        StackName="s", FleetName="f", UserId="ann", Validity=604800
    )

    assert answer["StreamingURL"].startswith(
        "https://appstream2.us-east-1.aws.amazon.com/authenticate?parameters="
    )
    assert answer["StreamingURL"] == again["StreamingURL"]  # deterministic
    assert answer["Expires"].isoformat() == "2026-11-30T08:01:00+00:00"  # 60 s by default
    assert longer["Expires"].isoformat() == "2026-12-07T08:00:00+00:00"


@pytest.mark.parametrize(
    ("setup", "code", "message"),
    [
        ("no stack", "ResourceNotFoundException", "The stack s for account"),
        ("no fleet", "ResourceNotFoundException", "The fleet f for account"),
        ("not associated", "InvalidParameterCombinationException", "is not associated"),
        ("stopped", "ResourceNotAvailableException", "is STOPPED. The fleet must be in a RUNNING"),
        ("starting", "ResourceNotAvailableException", "is STARTING."),
        ("domain", "OperationNotPermittedException", "joined to a directory"),
    ],
)
def test_a_streaming_url_needs_a_running_associated_fleet_without_a_domain(
    setup: str, code: str, message: str
) -> None:
    fake = FakeAppStream()
    if setup != "no fleet":
        state = {"stopped": "STOPPED", "starting": "STARTING"}.get(setup, "RUNNING")
        join = {"DirectoryName": "corp.example.com"} if setup == "domain" else None
        fake.fleets.add("f", state=state, domain_join_info=join)
    if setup != "no stack":
        fake.stacks.add("s", fleets=[] if setup in ("not associated", "no fleet") else ["f"])
    before = snapshot(fake)
    found = error(fake, "CreateStreamingURL", StackName="s", FleetName="f", UserId="ann")
    assert found[0] == code and message in found[1], found
    assert snapshot(fake) == before


@pytest.mark.parametrize("validity", [0, 604801])
def test_validity_out_of_range_is_a_validation_error(validity: int) -> None:
    fake = FakeAppStream()
    fake.fleets.add("f")
    fake.stacks.add("s", fleets=["f"])
    code, message = error(
        fake, "CreateStreamingURL", StackName="s", FleetName="f", UserId="ann", Validity=validity
    )
    assert code == "ValidationException" and f"Value '{validity}' at 'validity'" in message


@needs_themes
def test_deleting_a_stack_deletes_its_entitlements_and_theme(
    appstream: FakeAppStream, appstream_client: Any
) -> None:
    appstream_client.create_stack(Name="sales")
    appstream_client.create_entitlement(
        Name="finance",
        StackName="sales",
        AppVisibility="ALL",
        Attributes=[{"Name": "department", "Value": "finance"}],
    )
    appstream.themes.add("sales")
    appstream.stacks.add("support")
    appstream.themes.add("support")

    appstream_client.delete_stack(Name="sales")

    assert list(appstream.entitlements) == []
    assert list(appstream.themes) == ["support"]  # another stack's theme stays
    assert appstream.themes.history("sales")[-1].operation == "DeleteStack"
    appstream_client.create_stack(Name="sales")  # a new stack of that name has none
    with pytest.raises(appstream_client.exceptions.EntitlementNotFoundException):
        appstream_client.describe_entitlements(StackName="sales", Name="finance")
