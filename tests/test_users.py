"""Users of the user pool: seeding, CreateUser/DescribeUsers/Enable/Disable/DeleteUser, and their
stacks (BatchAssociateUserStack, BatchDisassociateUserStack, DescribeUserStackAssociations)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from botocore import xform_name
from botocore.exceptions import ClientError

from pytest_appstream import AppStreamUsageError, FakeAppStream
from pytest_appstream._users import MAX_USERS, user_arn

ACCOUNT = "123456789012"
NOW = "2026-03-01T12:00:00Z"
ANN, BOB = "ann@example.com", "bob@example.com"
POOL = {"AuthenticationType": "USERPOOL"}


def code_of(info: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    error = info.value.response["Error"]
    return error["Code"], error["Message"]


def snapshot(fake: FakeAppStream) -> Any:
    """Every live record, pending transition, tag and data of every kind, and every history."""
    with fake.registry.lock:
        stores = {
            key: {n: (e.record, e.pending, dict(e.tags), repr(e.data)) for n, e in store.items()}
            for key, store in fake.registry._stores.items()
            if store
        }
        return stores, repr(fake.registry._lineages)


def world(fake: FakeAppStream, *, joined: bool = False) -> None:
    """A fleet ``f`` on stack ``s``, a domain-joined fleet ``ad`` on stack ``corp`` (if
    ``joined``), and a stack ``bare`` without a fleet."""
    fake.fleets.add("f")
    fake.stacks.add("s", fleets=["f"])
    fake.stacks.add("bare")
    if joined:
        fake.fleets.add(
            "ad",
            domain_join_info={
                "DirectoryName": "corp.example.com",
                "OrganizationalUnitDistinguishedName": "OU=AppStream,DC=corp,DC=example,DC=com",
            },
        )
        fake.stacks.add("corp", fleets=["ad"])


def pairs(answer: dict[str, Any]) -> list[tuple[str, str]]:
    return [(a["UserName"], a["StackName"]) for a in answer.get("UserStackAssociations", [])]


# -- CreateUser and DescribeUsers -----------------------------------------------------------------


@pytest.mark.appstream(now=NOW)
def test_a_created_user_is_enabled_unconfirmed_and_described(
    appstream: FakeAppStream, appstream_client: Any
) -> None:
    assert appstream_client.create_user(UserName=ANN, FirstName="Ann", LastName="Lee", **POOL)
    [user] = appstream_client.describe_users(**POOL)["Users"]
    assert user == {
        "Arn": user_arn("us-east-1", ACCOUNT, ANN),
        "UserName": ANN,
        "Enabled": True,
        "Status": "UNCONFIRMED",
        "FirstName": "Ann",
        "LastName": "Lee",
        "CreatedTime": datetime.datetime(2026, 3, 1, 12, tzinfo=datetime.timezone.utc),
        "AuthenticationType": "USERPOOL",
    }
    assert user["Arn"].startswith(f"arn:aws:appstream:us-east-1:{ACCOUNT}:user/userpool/")
    appstream.users.assert_transitions(ANN, ["ENABLED"])
    assert appstream.users.history(ANN)[0].operation == "CreateUser"


def test_the_arn_is_shaped_like_awss_and_the_same_in_every_run() -> None:
    arn = user_arn("eu-west-1", ACCOUNT, ANN)
    user_id = arn.rpartition("/")[2]
    assert arn == f"arn:aws:appstream:eu-west-1:{ACCOUNT}:user/userpool/{user_id}"
    assert [len(part) for part in user_id.split("-")] == [8, 4, 4, 4, 12]
    assert user_arn("eu-west-1", ACCOUNT, BOB) != arn == user_arn("eu-west-1", ACCOUNT, ANN)


@pytest.mark.parametrize("kind_", ["API", "SAML", "AWS_AD"])
def test_only_user_pool_users_can_be_created(
    appstream: FakeAppStream, appstream_client: Any, kind_: str
) -> None:
    with pytest.raises(appstream_client.exceptions.InvalidParameterCombinationException) as info:
        appstream_client.create_user(UserName=ANN, AuthenticationType=kind_)
    assert code_of(info) == (
        "InvalidParameterCombinationException",
        f"Cannot create a user with '{kind_}' authentication type",
    )
    assert dict(appstream.users) == {}


def test_a_user_name_is_unique(appstream: FakeAppStream, appstream_client: Any) -> None:
    appstream.users.add(ANN)
    before = snapshot(appstream)
    with pytest.raises(appstream_client.exceptions.ResourceAlreadyExistsException) as info:
        appstream_client.create_user(UserName=ANN, **POOL)
    assert code_of(info)[1] == f"The user {ANN} already exists for account {ACCOUNT}."
    assert snapshot(appstream) == before


def test_resend_re_sends_the_welcome_email_of_an_existing_user_only(
    appstream: FakeAppStream, appstream_client: Any
) -> None:
    appstream.users.add(ANN)
    before = snapshot(appstream)
    appstream_client.create_user(UserName=ANN, MessageAction="RESEND", **POOL)
    with pytest.raises(appstream_client.exceptions.OperationNotPermittedException):
        appstream_client.create_user(UserName=BOB, MessageAction="RESEND", **POOL)
    with pytest.raises(appstream_client.exceptions.InvalidParameterCombinationException):
        appstream_client.create_user(UserName=ANN, MessageAction="RESEND", FirstName="A", **POOL)
    assert snapshot(appstream) == before
    appstream_client.create_user(UserName=BOB, MessageAction="SUPPRESS", **POOL)
    assert list(appstream.users) == [ANN, BOB]


def test_the_user_pool_holds_awss_quota_of_users(
    appstream: FakeAppStream, appstream_client: Any
) -> None:
    for i in range(MAX_USERS):
        appstream.users.add(f"user{i}@example.com")
    with pytest.raises(appstream_client.exceptions.LimitExceededException):
        appstream_client.create_user(UserName=ANN, **POOL)
    assert ANN not in appstream.users
    appstream_client.delete_user(UserName="user0@example.com", **POOL)
    appstream_client.create_user(UserName=ANN, **POOL)


def test_describe_users_pages_in_creation_order(
    appstream: FakeAppStream, appstream_client: Any
) -> None:
    names = [f"u{i}@example.com" for i in range(7)]
    for name in names:
        appstream.users.add(name)
    first = appstream_client.describe_users(MaxResults=3, **POOL)
    assert [u["UserName"] for u in first["Users"]] == names[:3]
    appstream_client.delete_user(UserName=names[3], **POOL)  # deleted between pages: not skipped
    rest = appstream_client.describe_users(MaxResults=10, NextToken=first["NextToken"], **POOL)
    assert [u["UserName"] for u in rest["Users"]] == names[4:]
    assert "NextToken" not in rest


@pytest.mark.parametrize("kind_", ["API", "SAML"])
def test_describe_users_needs_the_user_pool(appstream_client: Any, kind_: str) -> None:
    with pytest.raises(appstream_client.exceptions.InvalidParameterCombinationException) as info:
        appstream_client.describe_users(AuthenticationType=kind_)
    assert "You must specify USERPOOL" in code_of(info)[1]


# -- enable, disable, delete ------------------------------------------------------------------------


def test_disable_and_enable_are_the_users_history(
    appstream: FakeAppStream, appstream_client: Any
) -> None:
    appstream.users.add(ANN)
    appstream_client.disable_user(UserName=ANN, **POOL)
    assert appstream_client.describe_users(**POOL)["Users"][0]["Enabled"] is False
    assert appstream.users[ANN].state == "DISABLED"
    appstream_client.disable_user(UserName=ANN, **POOL)  # already disabled: no error, no change
    appstream_client.enable_user(UserName=ANN, **POOL)
    appstream_client.enable_user(UserName=ANN, **POOL)
    assert appstream.users[ANN].enabled is True
    appstream.users.assert_transitions(ANN, ["ENABLED", "DISABLED", "ENABLED"])
    assert [t.operation for t in appstream.users.history(ANN)] == ["DisableUser", "EnableUser"]


@pytest.mark.parametrize("operation", ["EnableUser", "DisableUser", "DeleteUser"])
def test_an_unknown_user_is_not_found(
    appstream: FakeAppStream, appstream_client: Any, operation: str
) -> None:
    appstream.users.add(ANN)
    call = getattr(appstream_client, xform_name(operation))
    with pytest.raises(appstream_client.exceptions.ResourceNotFoundException) as info:
        call(UserName=BOB, **POOL)
    assert code_of(info)[1] == f"The user {BOB} for account {ACCOUNT} does not exist."
    with pytest.raises(appstream_client.exceptions.ResourceNotFoundException) as info:
        call(UserName=ANN, AuthenticationType="SAML")  # only user pool users exist
    assert "You must specify USERPOOL" in code_of(info)[1]
    appstream.users.assert_transitions(ANN, ["ENABLED"])


@pytest.mark.parametrize("state", ["ENABLED", "DISABLED"])
def test_delete_user_works_in_either_state(
    appstream: FakeAppStream, appstream_client: Any, state: str
) -> None:
    appstream.users.add(ANN, state=state)
    appstream_client.delete_user(UserName=ANN, **POOL)
    assert ANN not in appstream.users
    appstream.users.assert_transitions(ANN, [state, None])
    assert (
        "Users" not in appstream_client.describe_users(**POOL)
        or not (appstream_client.describe_users(**POOL)["Users"])
    )


# -- seeding ---------------------------------------------------------------------------------------


def test_a_seeded_user_is_a_confirmed_user_pool_user() -> None:
    fake = FakeAppStream()
    user = fake.users.add(ANN, state="DISABLED", first_name="Ann")
    assert (user.enabled, user.status, user.authentication_type, user.first_name) == (
        False,
        "CONFIRMED",
        "USERPOOL",
        "Ann",
    )
    assert user.arn == user_arn("us-east-1", ACCOUNT, ANN)
    assert fake.users.add(BOB, status="UNCONFIRMED").status == "UNCONFIRMED"


@pytest.mark.parametrize(
    ("arguments", "says"),
    [
        ({"enabled": False}, "enabled=False is not allowed; allowed: state='ENABLED' or"),
        ({"authentication_type": "SAML"}, "authentication_type='SAML' is not allowed"),
        ({"state": "ACTIVE"}, "state='ACTIVE' is not a user state; allowed: ENABLED, DISABLED"),
        ({"first_name": "Ann!"}, "first_name='Ann!' is not allowed"),
        ({"colour": "red"}, "colour='red' is not a field of User"),
        ({"user_name": BOB}, "user_name='bob@example.com' is not allowed"),
        ({"stacks": "s"}, "stacks='s' is not allowed; allowed: a list of the names of stacks"),
        ({"stacks": ["nope"]}, "there is no stack 'nope' in 123456789012/us-east-1"),
    ],
)
def test_a_bad_seed_is_a_clear_error_and_seeds_nothing(arguments: Any, says: str) -> None:
    fake = FakeAppStream()
    with pytest.raises(AppStreamUsageError) as info:
        fake.users.add(ANN, **arguments)
    assert says in str(info.value)
    assert (
        dict(fake.users) == {}
        and fake.registry.history("123456789012", "us-east-1", ANN, "users") is None
    )


@pytest.mark.parametrize("name", ["", "ann smith@example.com", "x" * 129, 7])
def test_a_bad_user_name_is_a_clear_error(name: object) -> None:
    with pytest.raises(AppStreamUsageError, match="is not a valid user name; allowed: 1 to 128"):
        FakeAppStream().users.add(name)  # type: ignore[arg-type]


def test_the_marker_and_data_files_seed_users(pytester: pytest.Pytester) -> None:
    pytester.makefile(
        ".json",
        world='{"fleets": [{"name": "f"}], "stacks": [{"name": "s", "fleets": ["f"]}], '
        '"users": [{"user_name": "bob@example.com", "stacks": ["s"], "last_name": "Ray"}]}',
    )
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.appstream_data("world.json")
        @pytest.mark.appstream_user("ann@example.com", state="DISABLED", stacks=["s"])
        def test_seeded(appstream, appstream_client):
            users = appstream_client.describe_users(AuthenticationType="USERPOOL")["Users"]
            assert sorted((u["UserName"], u["Enabled"]) for u in users) == [
                ("ann@example.com", False), ("bob@example.com", True)]
            found = appstream_client.describe_user_stack_associations(StackName="s")
            assert sorted(a["UserName"] for a in found["UserStackAssociations"]) == [
                "ann@example.com", "bob@example.com"]

        @pytest.mark.appstream_user("ann@example.com", enabled=True)
        def test_bad(appstream):
            pass
        """
    )
    result = pytester.runpytest("-p", "no:randomly", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(
        ["*@pytest.mark.appstream_user('ann@example.com', enabled=True): enabled=True is not*"]
    )


# -- users and stacks --------------------------------------------------------------------------


def test_batch_association_reports_each_failed_entry_and_applies_the_others(
    appstream: FakeAppStream, appstream_client: Any
) -> None:
    world(appstream)
    appstream.users.add(ANN)
    rows = [
        {"StackName": "s", "UserName": ANN, **POOL},
        {"StackName": "gone", "UserName": ANN, **POOL},
        {"StackName": "bare", "UserName": BOB, **POOL},
        {"StackName": "bare", "UserName": ANN, "AuthenticationType": "SAML"},
        {"StackName": "bare", "UserName": ANN, "SendEmailNotification": True, **POOL},
    ]
    answer = appstream_client.batch_associate_user_stack(UserStackAssociations=rows)
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert [(e["ErrorCode"], e["UserStackAssociation"]) for e in answer["errors"]] == [
        ("STACK_NOT_FOUND", rows[1]),
        ("USER_NAME_NOT_FOUND", rows[2]),
        ("USER_NAME_NOT_FOUND", rows[3]),
    ]
    assert answer["errors"][0]["ErrorMessage"] == (
        f"The stack gone for account {ACCOUNT} does not exist."
    )
    assert pairs(appstream_client.describe_user_stack_associations(UserName=ANN, **POOL)) == [
        (ANN, "s"),
        (ANN, "bare"),
    ]
    again = appstream_client.batch_associate_user_stack(UserStackAssociations=rows[:1])
    assert again["errors"] == []  # already assigned: no error, no duplicate
    assert len(pairs(appstream_client.describe_user_stack_associations(StackName="s"))) == 1


def test_user_pool_users_cannot_be_assigned_to_a_domain_joined_fleets_stack(
    appstream: FakeAppStream, appstream_client: Any
) -> None:
    world(appstream, joined=True)
    appstream.users.add(ANN)
    before = snapshot(appstream)
    rows = [
        {"StackName": "s", "UserName": ANN, **POOL},
        {"StackName": "corp", "UserName": ANN, **POOL},
    ]
    with pytest.raises(appstream_client.exceptions.OperationNotPermittedException) as info:
        appstream_client.batch_associate_user_stack(UserStackAssociations=rows)
    assert "stack corp (fleet ad)" in code_of(info)[1]
    assert snapshot(appstream) == before  # not even the good entry
    with pytest.raises(AppStreamUsageError, match="its fleet 'ad' is joined to a Microsoft"):
        appstream.users.add(BOB, stacks=["corp"])


def test_disassociation_and_the_lookups_of_associations(
    appstream: FakeAppStream, appstream_client: Any
) -> None:
    world(appstream)
    appstream.users.add(ANN, stacks=["s", "bare"])
    appstream.users.add(BOB, stacks=["s"])
    assert pairs(appstream_client.describe_user_stack_associations(StackName="s")) == [
        (ANN, "s"),
        (BOB, "s"),
    ]
    found = appstream_client.describe_user_stack_associations(StackName="s", UserName=BOB, **POOL)
    assert pairs(found) == [(BOB, "s")]
    assert found["UserStackAssociations"][0]["AuthenticationType"] == "USERPOOL"
    assert pairs(appstream_client.describe_user_stack_associations(StackName="nope")) == []
    rows = [
        {"StackName": "s", "UserName": ANN, **POOL},
        {"StackName": "bare", "UserName": BOB, **POOL},  # not assigned: nothing to do
        {"StackName": "nope", "UserName": BOB, **POOL},
    ]
    answer = appstream_client.batch_disassociate_user_stack(UserStackAssociations=rows)
    assert [e["ErrorCode"] for e in answer["errors"]] == ["STACK_NOT_FOUND"]
    assert pairs(appstream_client.describe_user_stack_associations(UserName=ANN, **POOL)) == [
        (ANN, "bare")
    ]
    appstream_client.disable_user(UserName=BOB, **POOL)  # disabling keeps the stacks (AWS)
    assert pairs(appstream_client.describe_user_stack_associations(UserName=BOB, **POOL)) == [
        (BOB, "s")
    ]


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"UserName": ANN},
        {"AuthenticationType": "USERPOOL"},
        {"StackName": "s", "UserName": ANN},
    ],
)
def test_associations_need_a_stack_or_a_user_with_its_type(
    appstream_client: Any, params: dict[str, str]
) -> None:
    with pytest.raises(appstream_client.exceptions.InvalidParameterCombinationException):
        appstream_client.describe_user_stack_associations(**params)


def test_associations_to_a_deleted_stack_are_not_shown(
    appstream: FakeAppStream, appstream_client: Any
) -> None:
    world(appstream)
    appstream.users.add(ANN, stacks=["s", "bare"])
    appstream_client.delete_stack(Name="bare")
    assert pairs(appstream_client.describe_user_stack_associations(UserName=ANN, **POOL)) == [
        (ANN, "s")
    ]
    appstream_client.create_stack(Name="bare")  # the same name: another stack
    assert pairs(appstream_client.describe_user_stack_associations(StackName="bare")) == []


def test_associations_come_in_pages_of_at_most_25(
    appstream: FakeAppStream, appstream_client: Any
) -> None:
    world(appstream)
    names = [f"u{i:02}@example.com" for i in range(30)]
    for name in names:
        appstream.users.add(name, stacks=["s"])
    paginator = appstream_client.get_paginator("describe_user_stack_associations")
    pages = list(paginator.paginate(StackName="s", PaginationConfig={"PageSize": 500}))
    assert [len(p["UserStackAssociations"]) for p in pages] == [25, 5]
    assert [a["UserName"] for p in pages for a in p["UserStackAssociations"]] == names
    first = appstream_client.describe_user_stack_associations(StackName="s", MaxResults=0)
    assert len(first["UserStackAssociations"]) == 25


def test_deleting_a_user_deletes_its_associations(
    appstream: FakeAppStream, appstream_client: Any
) -> None:
    world(appstream)
    appstream.users.add(ANN, stacks=["s"])
    appstream_client.delete_user(UserName=ANN, **POOL)
    appstream_client.create_user(UserName=ANN, **POOL)
    assert pairs(appstream_client.describe_user_stack_associations(StackName="s")) == []


# -- faults ---------------------------------------------------------------------------------------


def test_a_fault_matches_the_user_name(appstream: FakeAppStream, appstream_client: Any) -> None:
    ann, bob = "ann", "bob"  # a fault's name= is checked as an image builder name: no "@"
    appstream.users.add(ann)
    appstream.users.add(bob)
    appstream.resource_not_found(operation="disable_user", name=bob)
    appstream_client.disable_user(UserName=ann, **POOL)  # another user: not this fault
    with pytest.raises(appstream_client.exceptions.ResourceNotFoundException):
        appstream_client.disable_user(UserName=bob, **POOL)
    appstream.users.assert_state(bob, "ENABLED")
    appstream_client.disable_user(UserName=bob, **POOL)  # used up
    appstream.users.assert_state(bob, "DISABLED")
