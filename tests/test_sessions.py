"""Streaming sessions: seeding with ``appstream.sessions.add``, DescribeSessions, ExpireSession,
DrainSessionInstance, and what fleets count of them."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from pytest_appstream import AppStreamUsageError, FakeAppStream
from pytest_appstream._model import operation_names

ACCOUNT = "123456789012"
NOW = datetime.datetime(2026, 3, 1, 9, tzinfo=datetime.timezone.utc)
WHERE = {"StackName": "s", "FleetName": "f"}
#: An older botocore's model (1.34) has no DrainSessionInstance: its clients cannot call it.
HAS_DRAIN = "DrainSessionInstance" in operation_names()
needs_drain = pytest.mark.skipif(
    not HAS_DRAIN, reason="this botocore's model lacks the DrainSessionInstance operation"
)


def world(fake: FakeAppStream, **fleet: Any) -> None:
    """Fleet ``f`` on stack ``s``; a multi-session fleet ``m`` (2 per instance) on stack ``ms``."""
    fake.fleets.add("f", max_user_duration_in_seconds=7200, **fleet)
    fake.stacks.add("s", fleets=["f"])
    fake.fleets.add("m", max_sessions_per_instance=2)
    fake.stacks.add("ms", fleets=["m"])


def session(fake: FakeAppStream, **fields: Any) -> Any:
    fields = {"stack_name": "s", "fleet_name": "f", "user_id": "ann", **fields}
    return fake.sessions[fake.sessions.add(**fields).id]


def listed(client: Any, **params: Any) -> list[tuple[str, str]]:
    answer = client.describe_sessions(**{**WHERE, **params})
    return [(s["Id"], s["State"]) for s in answer["Sessions"]]


# -- seeding ---------------------------------------------------------------------------------------


def test_a_seeded_session_has_realistic_values_from_its_fleet_and_the_clock() -> None:
    fake = FakeAppStream(now=NOW)
    world(fake)
    first = session(fake)
    assert first.id == "00000000-0000-4000-8000-000000000001"
    assert session(fake, user_id="bob").id == "00000000-0000-4000-8000-000000000002"
    assert (first.state, first.connection_state, first.authentication_type) == (
        "ACTIVE",
        "CONNECTED",
        "API",
    )
    assert first.start_time == NOW
    assert first.max_expiration_time == NOW + datetime.timedelta(hours=2)  # the fleet's 7200 s
    assert first.instance_id.startswith("i-") and len(first.instance_id) == 19
    assert first.instance_drain_status == "NOT_APPLICABLE"
    assert set(first.network_access_configuration) == {"EniPrivateIpAddress", "EniId"}
    again = FakeAppStream(now=NOW)
    world(again)
    assert session(again) == first  # the same seed, the same session


def test_sessions_of_a_multi_session_fleet_share_instances() -> None:
    fake = FakeAppStream()
    world(fake)
    found = [session(fake, stack_name="ms", fleet_name="m", user_id=f"u{i}") for i in range(3)]
    assert found[0].instance_id == found[1].instance_id != found[2].instance_id
    assert {s.instance_drain_status for s in found} == {"ACTIVE"}


@pytest.mark.parametrize(
    ("fields", "says"),
    [
        ({"stack_name": None}, "stack_name is missing; allowed: the name of a stack seeded first"),
        ({"fleet_name": None}, "fleet_name is missing"),
        ({"user_id": None}, "user_id is missing"),
        ({"stack_name": "nope"}, "stack_name='nope': there is no such stack in 123456789012/"),
        ({"fleet_name": "nope"}, "fleet_name='nope': there is no such fleet"),
        ({"fleet_name": "m"}, "fleet_name='m' is not associated with stack 's' (its fleets: f)"),
        ({"authentication_type": "USERPOOL"}, "a USERPOOL session needs a user seeded first"),
        ({"state": "RUNNING"}, "state='RUNNING' is not a session state; allowed: ACTIVE"),
        ({"user_id": "a"}, "user_id='a' has 1 characters; allowed: 2 to 128 characters"),
        ({"colour": "red"}, "colour='red' is not a field of Session"),
    ],
)
def test_a_bad_seed_is_a_clear_error_and_seeds_nothing(fields: Any, says: str) -> None:
    fake = FakeAppStream()
    world(fake)
    with pytest.raises(AppStreamUsageError) as info:
        session(fake, **fields)
    assert says in str(info.value)
    assert dict(fake.sessions) == {}


def test_a_user_pool_session_needs_the_user_assigned_to_its_stack() -> None:
    fake = FakeAppStream()
    world(fake)
    fake.users.add("ann@example.com", stacks=["s"])
    found = session(fake, user_id="ann@example.com", authentication_type="USERPOOL")
    assert found.authentication_type == "USERPOOL"


def test_sessions_are_seeded_from_data_files(pytester: pytest.Pytester) -> None:
    pytester.makefile(
        ".json",
        world='{"sessions": [{"id": "s-1", "stack_name": "s", "fleet_name": "f", '
        '"user_id": "ann", "state": "PENDING"}], '
        '"stacks": [{"name": "s", "fleets": ["f"]}], "fleets": [{"name": "f"}]}',
    )
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.appstream(transitions="polled", polls=1)
        @pytest.mark.appstream_data("world.json")
        def test_seeded(appstream, appstream_client):
            def states():
                found = appstream_client.describe_sessions(StackName="s", FleetName="f")
                return [(s["Id"], s["State"]) for s in found["Sessions"]]

            assert states() == [("s-1", "PENDING")]
            assert states() == [("s-1", "ACTIVE")]
            appstream.sessions.assert_transitions("s-1", ["PENDING", "ACTIVE"])
        """
    )
    result = pytester.runpytest("-p", "no:randomly", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)


# -- DescribeSessions ------------------------------------------------------------------------------


def test_describe_sessions_lists_one_stack_and_fleet_by_authentication_type(
    appstream: FakeAppStream, appstream_client: Any
) -> None:
    world(appstream)
    appstream.users.add("ann@example.com", stacks=["s"])
    api = session(appstream)
    saml = session(appstream, user_id="bob", authentication_type="SAML")
    pool = session(appstream, user_id="ann@example.com", authentication_type="USERPOOL")
    session(appstream, stack_name="ms", fleet_name="m")
    assert listed(appstream_client) == [(api.id, "ACTIVE")]  # API by default (AWS)
    assert listed(appstream_client, AuthenticationType="SAML") == [(saml.id, "ACTIVE")]
    assert listed(appstream_client, UserId="ann@example.com", AuthenticationType="USERPOOL") == [
        (pool.id, "ACTIVE")
    ]
    assert listed(appstream_client, UserId="bob", AuthenticationType="API") == []
    assert listed(appstream_client, InstanceId=api.instance_id) == [(api.id, "ACTIVE")]
    assert listed(appstream_client, StackName="nope") == []  # no error: the model lists none
    [shown] = appstream_client.describe_sessions(**WHERE)["Sessions"]
    assert shown["StartTime"] == api.start_time and shown["UserId"] == "ann"


def test_a_user_id_needs_its_authentication_type(appstream_client: Any) -> None:
    with pytest.raises(appstream_client.exceptions.InvalidParameterCombinationException):
        appstream_client.describe_sessions(UserId="ann", **WHERE)


def test_describe_sessions_pages_of_20_by_default_and_at_most_50(
    appstream: FakeAppStream, appstream_client: Any
) -> None:
    world(appstream)
    ids = [session(appstream, user_id=f"user{i}").id for i in range(23)]
    first = appstream_client.describe_sessions(**WHERE)
    assert [s["Id"] for s in first["Sessions"]] == ids[:20]
    rest = appstream_client.describe_sessions(NextToken=first["NextToken"], **WHERE)
    assert [s["Id"] for s in rest["Sessions"]] == ids[20:] and "NextToken" not in rest
    assert len(appstream_client.describe_sessions(Limit=50, **WHERE)["Sessions"]) == 23
    for limit in (0, 51):
        with pytest.raises(appstream_client.exceptions.ClientError) as info:
            appstream_client.describe_sessions(Limit=limit, **WHERE)
        assert info.value.response["Error"]["Code"] == "ValidationException"


# -- ExpireSession ---------------------------------------------------------------------------------


@pytest.mark.appstream(transitions="polled", polls=1)
def test_an_expired_session_shows_expired_then_leaves_the_listing(
    appstream: FakeAppStream, appstream_client: Any
) -> None:
    world(appstream)
    ended = session(appstream).id
    kept = session(appstream, user_id="bob").id
    appstream_client.expire_session(SessionId=ended)
    assert listed(appstream_client) == [(ended, "EXPIRED"), (kept, "ACTIVE")]
    assert appstream.sessions[ended].connection_state == "NOT_CONNECTED"
    assert listed(appstream_client) == [(kept, "ACTIVE")]
    appstream.sessions.assert_transitions(ended, ["ACTIVE", "EXPIRED", None])
    assert [t.operation for t in appstream.sessions.history(ended)] == [
        "ExpireSession",
        "advance",
    ]


@pytest.mark.appstream(transitions="manual")
def test_expiring_an_unknown_or_expired_session_is_no_error(
    appstream: FakeAppStream, appstream_client: Any
) -> None:
    world(appstream)
    ended = session(appstream, state="EXPIRED").id
    assert appstream_client.expire_session(SessionId="no-such-session")
    appstream_client.expire_session(SessionId=ended)
    appstream.sessions.assert_transitions(ended, ["EXPIRED"])
    appstream.advance()
    assert ended not in appstream.sessions


def test_sessions_of_a_deleted_fleet_are_gone(
    appstream: FakeAppStream, appstream_client: Any
) -> None:
    world(appstream, state="STOPPED")
    found = session(appstream)
    appstream_client.disassociate_fleet(FleetName="f", StackName="s")
    appstream_client.delete_fleet(Name="f")
    appstream.advance()
    appstream.fleets.add("f", state="STOPPED")  # the same name: another fleet
    appstream_client.associate_fleet(FleetName="f", StackName="s")
    assert listed(appstream_client) == []
    if HAS_DRAIN:
        with pytest.raises(appstream_client.exceptions.ResourceNotFoundException):
            appstream_client.drain_session_instance(SessionId=found.id)


# -- DrainSessionInstance --------------------------------------------------------------------------


@needs_drain
def test_draining_marks_every_session_of_the_instance(
    appstream: FakeAppStream, appstream_client: Any
) -> None:
    world(appstream)
    a, b, c = (
        session(appstream, stack_name="ms", fleet_name="m", user_id=u) for u in ("ann", "bo", "cy")
    )
    appstream_client.drain_session_instance(SessionId=a.id)
    drained = {s.id: s.instance_drain_status for s in appstream.sessions.values()}
    assert drained == {a.id: "DRAINING", b.id: "DRAINING", c.id: "ACTIVE"}
    appstream_client.drain_session_instance(SessionId=b.id)  # draining already: no error
    shown = appstream_client.describe_sessions(StackName="ms", FleetName="m")["Sessions"]
    assert [s["InstanceDrainStatus"] for s in shown] == ["DRAINING", "DRAINING", "ACTIVE"]


@needs_drain
def test_only_an_active_session_of_a_multi_session_fleet_can_be_drained(
    appstream: FakeAppStream, appstream_client: Any
) -> None:
    world(appstream)
    single = session(appstream)
    pending = session(appstream, stack_name="ms", fleet_name="m", state="PENDING")
    errors = appstream_client.exceptions
    with pytest.raises(errors.OperationNotPermittedException) as info:
        appstream_client.drain_session_instance(SessionId=single.id)
    assert "which is not a multi-session fleet" in info.value.response["Error"]["Message"]
    with pytest.raises(errors.ConcurrentModificationException):
        appstream_client.drain_session_instance(SessionId=pending.id)
    with pytest.raises(errors.ResourceNotFoundException) as info:
        appstream_client.drain_session_instance(SessionId="nope")
    assert info.value.response["Error"]["Message"] == (
        f"The session nope for account {ACCOUNT} does not exist."
    )
    assert {s.instance_drain_status for s in appstream.sessions.values()} == {
        "NOT_APPLICABLE",
        "ACTIVE",
    }


# -- fleets count sessions -------------------------------------------------------------------------


@pytest.mark.appstream(transitions="immediate")
def test_a_fleet_counts_its_active_sessions_in_use(
    appstream: FakeAppStream, appstream_client: Any
) -> None:
    world(appstream, compute_capacity_status={"Desired": 3})

    def in_use() -> int:
        [fleet] = appstream_client.describe_fleets(Names=["f"])["Fleets"]
        return int(fleet["ComputeCapacityStatus"]["InUse"])

    assert in_use() == 0
    ended = session(appstream).id
    session(appstream, user_id="bob")
    assert in_use() == 2
    appstream_client.expire_session(SessionId=ended)
    assert in_use() == 1


# -- timed -----------------------------------------------------------------------------------------


@pytest.mark.appstream(transitions="timed", now="2026-03-01T09:00:00Z")
def test_a_pending_session_becomes_active_on_the_clock(
    appstream: FakeAppStream, appstream_client: Any
) -> None:
    world(appstream)
    found = session(appstream, state="PENDING")
    assert (found.connection_state, listed(appstream_client)) == (
        "NOT_CONNECTED",
        [(found.id, "PENDING")],
    )
    appstream.sleep(60)
    assert listed(appstream_client) == [(found.id, "ACTIVE")]
