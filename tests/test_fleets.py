"""Fleets: seeding, DescribeFleets, the fleet's life (create, start, stop, update, delete), its
capacity, and the waiters, as a test meets them through a botocore client."""

from __future__ import annotations

import time
from typing import Any

import pytest
from botocore.exceptions import WaiterError

from pytest_appstream import AppStreamUsageError, FakeAppStream
from pytest_appstream._fleets import FLEETS
from pytest_appstream._images import public_platform
from pytest_appstream._model import error_status, shape
from pytest_appstream._seeding import base_image, default_platform

ACCOUNT = "123456789012"
W22 = "AppStream-WinServer2022-06-12-2023"
#: A seeded fleet's platform and image: Windows Server 2022, or the newest Windows Server an
#: older botocore's model knows (1.34 lacks WINDOWS_SERVER_2022).
PLATFORM = default_platform()
IMAGE = base_image(PLATFORM)


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


# -- seeding --------------------------------------------------------------------------------------


def test_a_seeded_fleet_has_realistic_deterministic_defaults() -> None:
    fake = FakeAppStream()
    fake.fleets.add("first")
    fleet = fake.fleets.add("f", tags={"team": "a"})
    assert fleet.arn == f"arn:aws:appstream:us-east-1:{ACCOUNT}:fleet/f"
    assert (fleet.state, fleet.fleet_type, fleet.instance_type) == (
        "RUNNING",
        "ON_DEMAND",
        "stream.standard.medium",
    )
    assert fleet.image_name == IMAGE
    assert fleet.image_arn == f"arn:aws:appstream:us-east-1::image/{IMAGE}"
    assert (
        fleet.disconnect_timeout_in_seconds,
        fleet.max_user_duration_in_seconds,
        fleet.idle_disconnect_timeout_in_seconds,
    ) == (900, 57600, 0)
    assert (fleet.stream_view, fleet.platform) == ("APP", PLATFORM)
    if "WINDOWS_SERVER_2022" in getattr(shape("PlatformType"), "enum", ()):
        assert (fleet.platform, fleet.image_name) == ("WINDOWS_SERVER_2022", W22)
    assert fleet.created_time is not None and fleet.created_time.minute == 1
    again = FakeAppStream()
    again.fleets.add("first")
    assert again.fleets.add("f") == fleet  # the same seed, the same fleet


def test_describe_fleets_answers_the_seeded_fleet_with_its_capacity(
    appstream: FakeAppStream, appstream_client: Any
) -> None:
    appstream.fleets.add("f")
    appstream.fleets.add("g", state="STOPPED", compute_capacity_status={"Desired": 3})

    fleets = appstream_client.describe_fleets()["Fleets"]

    assert [f["Name"] for f in fleets] == ["f", "g"]
    assert fleets[0]["ComputeCapacityStatus"] == {
        "Desired": 1,
        "Running": 1,
        "InUse": 0,
        "Available": 1,
    }
    assert fleets[1]["ComputeCapacityStatus"] == {
        "Desired": 3,
        "Running": 0,
        "InUse": 0,
        "Available": 0,
    }
    assert fleets[0]["FleetErrors"] == [] and fleets[0]["State"] == "RUNNING"


def test_describe_fleets_by_name_and_an_unknown_name(appstream: FakeAppStream) -> None:
    appstream.fleets.add("f")
    assert [f["Name"] for f in ok(appstream, "DescribeFleets", Names=["f", "f"])["Fleets"]] == [
        "f",
        "f",
    ]
    assert error(appstream, "DescribeFleets", Names=["f", "ghost"]) == (
        "ResourceNotFoundException",
        f"The fleet ghost for account {ACCOUNT} does not exist.",
    )


def test_describe_fleets_pages_with_next_token(appstream: FakeAppStream) -> None:
    for i in range(30):
        appstream.fleets.add(f"f{i:02}")
    first = ok(appstream, "DescribeFleets")
    assert len(first["Fleets"]) == 25 and "NextToken" in first
    second = ok(appstream, "DescribeFleets", NextToken=first["NextToken"])
    assert [f["Name"] for f in second["Fleets"]] == [f"f{i}" for i in range(25, 30)]
    assert "NextToken" not in second


def test_a_seeded_fleet_with_an_unknown_image_gets_that_image() -> None:
    fake = FakeAppStream()
    fleet = fake.fleets.add("f", image_name="golden", state="STOPPED")
    assert fleet.image_arn == f"arn:aws:appstream:us-east-1:{ACCOUNT}:image/golden"
    assert fake.images["golden"].state == "AVAILABLE"


def test_seeding_refuses_a_bad_argument_naming_it() -> None:
    fake = FakeAppStream()
    with pytest.raises(AppStreamUsageError, match="state='PENDING' is not a fleet state"):
        fake.fleets.add("f", state="PENDING")
    with pytest.raises(AppStreamUsageError, match="fleet_type="):
        fake.fleets.add("f", fleet_type="SOMETIMES")
    with pytest.raises(AppStreamUsageError, match="not a valid fleet name"):
        fake.fleets.add("-f")
    assert list(fake.fleets) == []


# -- CreateFleet ----------------------------------------------------------------------------------

ELASTIC = {
    "FleetType": "ELASTIC",
    "MaxConcurrentSessions": 4,
    "Platform": "AMAZON_LINUX2",
    "VpcConfig": {"SubnetIds": ["subnet-a", "subnet-b"]},
}


def create(fake: FakeAppStream, name: str = "f", **params: Any) -> dict[str, Any]:
    params.setdefault("InstanceType", "stream.standard.small")
    if params.get("FleetType") != "ELASTIC":
        if "ImageArn" not in params:
            params.setdefault("ImageName", W22)
        params.setdefault("ComputeCapacity", {"DesiredInstances": 2})
    return dict(ok(fake, "CreateFleet", Name=name, **params)["Fleet"])


@pytest.mark.appstream(now="2026-11-30T08:00:00Z")
def test_create_fleet_answers_a_stopped_fleet_with_awss_defaults(
    appstream: FakeAppStream, appstream_client: Any
) -> None:
    fleet = appstream_client.create_fleet(
        Name="f",
        InstanceType="stream.standard.small",
        ImageName=W22,
        ComputeCapacity={"DesiredInstances": 2},
        FleetType="ALWAYS_ON",
        Tags={"team": "a"},
    )["Fleet"]

    assert fleet["State"] == "STOPPED"  # not started until StartFleet
    assert fleet["ComputeCapacityStatus"] == {
        "Desired": 2,
        "Running": 0,
        "InUse": 0,
        "Available": 0,
    }
    assert (fleet["FleetType"], fleet["Platform"], fleet["ImageName"]) == (
        "ALWAYS_ON",
        public_platform(W22),  # AWS's image; a model lacking its platform gets the default one
        W22,
    )
    assert (fleet["DisconnectTimeoutInSeconds"], fleet["MaxUserDurationInSeconds"]) == (900, 57600)
    assert fleet["IdleDisconnectTimeoutInSeconds"] == 0 and fleet["FleetErrors"] == []
    assert fleet["CreatedTime"].isoformat() == "2026-11-30T08:00:00+00:00"
    assert "VpcConfig" not in fleet and "DisplayName" not in fleet  # none asked for
    tags = appstream_client.list_tags_for_resource(ResourceArn=fleet["Arn"])["Tags"]
    assert tags == {"team": "a"}
    appstream.fleets.assert_transitions("f", ["STOPPED"])


def test_create_fleet_from_the_accounts_image_and_a_shared_one_by_arn() -> None:
    fake = FakeAppStream()
    fake.images.add("golden", platform="AMAZON_LINUX2")
    shared = fake.images.add("partner", visibility="SHARED")
    assert create(fake, "a", ImageName="golden")["Platform"] == "AMAZON_LINUX2"
    assert create(fake, "b", ImageArn=shared.arn)["ImageArn"] == shared.arn


@pytest.mark.parametrize(
    ("params", "code", "message"),
    [
        ({"ImageName": "ghost"}, "ResourceNotFoundException", "The image ghost for account"),
        (
            {"ImageName": "AppStream-WinServer2019-01-01-2020"},
            "ResourceNotAvailableException",
            "DEPRECATED",
        ),
        (
            {"ImageArn": "arn:aws:appstream:us-east-1::image/" + W22, "ImageName": W22},
            "InvalidParameterCombinationException",
            "Both were",
        ),
        ({"ComputeCapacity": {}}, "InvalidParameterCombinationException", "Neither was"),
        (
            {"ComputeCapacity": {"DesiredInstances": 1, "DesiredSessions": 2}},
            "InvalidParameterCombinationException",
            "Both were",
        ),
        (
            {"ComputeCapacity": {"DesiredSessions": 2}},
            "InvalidParameterCombinationException",
            "MaxSessionsPerInstance",
        ),
        (
            {"MaxConcurrentSessions": 3},
            "InvalidParameterCombinationException",
            "only supported for ELASTIC",
        ),
        ({"Name": "taken"}, "ResourceAlreadyExistsException", "The fleet taken already exists"),
    ],
)
def test_create_fleet_refusals_change_nothing(
    params: dict[str, Any], code: str, message: str
) -> None:
    fake = FakeAppStream()
    fake.fleets.add("taken")
    fake.images.deprecate("AppStream-WinServer2019-01-01-2020")
    before = snapshot(fake)
    request = {
        "Name": "f",
        "InstanceType": "stream.standard.small",
        "ComputeCapacity": {"DesiredInstances": 1},
        **params,
    }
    if "ImageArn" not in request:
        request.setdefault("ImageName", W22)
    found = error(fake, "CreateFleet", **request)
    assert found[0] == code and message in found[1], found
    assert snapshot(fake) == before


def test_a_multi_session_fleet_sizes_instances_from_sessions() -> None:
    fake = FakeAppStream(transitions="immediate")
    fleet = create(fake, MaxSessionsPerInstance=5, ComputeCapacity={"DesiredSessions": 12})
    assert fleet["ComputeCapacityStatus"]["Desired"] == 3  # ceil(12 / 5) instances
    assert fleet["ComputeCapacityStatus"]["DesiredUserSessions"] == 12
    ok(fake, "StartFleet", Name="f")
    (running,) = ok(fake, "DescribeFleets", Names=["f"])["Fleets"]
    status = running["ComputeCapacityStatus"]
    assert (status["Running"], status["ActualUserSessions"], status["AvailableUserSessions"]) == (
        3,
        15,
        15,
    )


def test_an_elastic_fleet_needs_its_own_members() -> None:
    fake = FakeAppStream()
    fleet = create(fake, "e", **ELASTIC)
    assert (fleet["FleetType"], fleet["MaxConcurrentSessions"], fleet["Platform"]) == (
        "ELASTIC",
        4,
        "AMAZON_LINUX2",
    )
    assert "ImageName" not in fleet and "ImageArn" not in fleet
    refusals = {
        "ComputeCapacity": {"ComputeCapacity": {"DesiredInstances": 1}},
        "ImageName": {"ImageName": W22},
        "DomainJoinInfo": {"DomainJoinInfo": {"DirectoryName": "corp.example.com"}},
        "MaxConcurrentSessions is required": {"MaxConcurrentSessions": None},
        "Platform is required": {"Platform": None},
        "VpcConfig is required": {"VpcConfig": None},
        "at least 2 subnets": {"VpcConfig": {"SubnetIds": ["subnet-a"]}},
    }
    before = snapshot(fake)
    for expected, change in refusals.items():
        request = {**ELASTIC, "Name": "e2", "InstanceType": "stream.standard.small", **change}
        request = {k: v for k, v in request.items() if v is not None}
        code, message = error(fake, "CreateFleet", **request)
        assert code == "InvalidParameterCombinationException" and expected in message, message
    assert snapshot(fake) == before


# -- start and stop -------------------------------------------------------------------------------


@pytest.mark.appstream(transitions="polled", polls=1)
def test_start_is_starting_at_once_then_running(
    appstream: FakeAppStream, appstream_client: Any
) -> None:
    create(appstream)

    answer = appstream_client.start_fleet(Name="f")
    del answer["ResponseMetadata"]
    assert answer == {}  # AWS's StartFleet answers nothing
    states = [appstream_client.describe_fleets(Names=["f"])["Fleets"][0]["State"] for _ in "ab"]

    assert states == ["STARTING", "RUNNING"]
    appstream.fleets.assert_transitions("f", ["STOPPED", "STARTING", "RUNNING"])


@pytest.mark.parametrize(
    ("state", "code"),
    [
        ("RUNNING", "OperationNotPermittedException"),
        ("STARTING", "ConcurrentModificationException"),
        ("STOPPING", "ConcurrentModificationException"),
    ],
)
def test_start_is_refused_unless_stopped(state: str, code: str) -> None:
    fake = FakeAppStream()
    fake.fleets.add("f", state=state)
    before = snapshot(fake)
    found = error(fake, "StartFleet", Name="f")
    assert found == (
        code,
        f"The fleet f for account {ACCOUNT} is {state}."
        + (
            " Wait until the current operation completes, then try again."
            if "Concurrent" in code
            else ""
        )
        + " The fleet must be in a STOPPED state to start.",
    )
    assert snapshot(fake) == before


def test_stop_goes_stopping_then_stopped_and_a_stopped_fleet_stays_stopped() -> None:
    fake = FakeAppStream(transitions="polled")
    fake.fleets.add("f")
    assert ok(fake, "StopFleet", Name="f") == {}
    assert [ok(fake, "DescribeFleets")["Fleets"][0]["State"] for _ in "ab"] == [
        "STOPPING",
        "STOPPED",
    ]
    before = snapshot(fake)
    assert ok(fake, "StopFleet", Name="f") == {}  # Terraform stops before deleting, always
    assert snapshot(fake) == before
    fake.fleets.assert_transitions("f", ["RUNNING", "STOPPING", "STOPPED"])


def test_stop_while_starting_is_concurrent_modification() -> None:
    fake = FakeAppStream()
    fake.fleets.add("f", state="STARTING")
    assert error(fake, "StopFleet", Name="f")[0] == "ConcurrentModificationException"
    assert error(fake, "StopFleet", Name="ghost") == (
        "ResourceNotFoundException",
        f"The fleet ghost for account {ACCOUNT} does not exist.",
    )


def test_seeded_in_between_states_end_where_their_operation_goes() -> None:
    fake = FakeAppStream(transitions="manual")
    fake.fleets.add("up", state="STARTING")
    fake.fleets.add("down", state="STOPPING")
    fake.fleets.advance()
    assert (fake.fleets["up"].state, fake.fleets["down"].state) == ("RUNNING", "STOPPED")


# -- capacity -------------------------------------------------------------------------------------


class _Session:
    """A stand-in for a session record: what capacity reads of it (the sessions kind is another
    module's)."""

    def __init__(self, id: str, fleet_name: str, state: str) -> None:
        self.id, self.fleet_name, self.state = id, fleet_name, state
        self.extra: dict[str, Any] = {}

    KEY_FIELD = "id"


def _sessions(fake: FakeAppStream, *sessions: tuple[str, str]) -> None:
    with fake.registry.lock:
        for number, (fleet, state) in enumerate(sessions):
            fake.registry.seed(
                fake.account_id,
                fake.region,
                _Session(f"s{number}", fleet, state),  # type: ignore[arg-type]
                kind="sessions",
            )


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        ("RUNNING", {"Desired": 3, "Running": 3, "InUse": 2, "Available": 1}),
        ("STOPPED", {"Desired": 3, "Running": 0, "InUse": 0, "Available": 0}),
        ("STARTING", {"Desired": 3, "Running": 0, "InUse": 0, "Available": 0}),
        ("STOPPING", {"Desired": 3, "Running": 2, "InUse": 2, "Available": 0}),
    ],
)
def test_capacity_follows_the_state_and_the_active_sessions(
    state: str, expected: dict[str, int]
) -> None:
    fake = FakeAppStream(transitions="manual")
    fake.fleets.add("f", state=state, compute_capacity_status={"Desired": 3})
    fake.fleets.add("g")
    _sessions(
        fake, ("f", "ACTIVE"), ("f", "ACTIVE"), ("f", "EXPIRED"), ("f", "PENDING"), ("g", "ACTIVE")
    )
    (fleet,) = ok(fake, "DescribeFleets", Names=["f"])["Fleets"]
    assert fleet["ComputeCapacityStatus"] == expected


def test_in_use_is_capped_at_the_running_instances() -> None:
    fake = FakeAppStream()
    fake.fleets.add("f")  # one instance
    _sessions(fake, ("f", "ACTIVE"), ("f", "ACTIVE"))
    (fleet,) = ok(fake, "DescribeFleets")["Fleets"]
    assert fleet["ComputeCapacityStatus"] == {
        "Desired": 1,
        "Running": 1,
        "InUse": 1,
        "Available": 0,
    }


def test_update_compute_capacity_changes_desired_and_running_follows() -> None:
    fake = FakeAppStream()
    fake.fleets.add("f")
    fleet = ok(fake, "UpdateFleet", Name="f", ComputeCapacity={"DesiredInstances": 4})["Fleet"]
    assert fleet["ComputeCapacityStatus"] == {
        "Desired": 4,
        "Running": 4,
        "InUse": 0,
        "Available": 4,
    }
    assert fake.fleets["f"].compute_capacity_status == {"Desired": 4}


# -- UpdateFleet ----------------------------------------------------------------------------------


def test_a_stopped_fleet_takes_any_attribute() -> None:
    fake = FakeAppStream()
    fake.images.add("golden", platform="AMAZON_LINUX2")
    fake.fleets.add("f", state="STOPPED", iam_role_arn="arn:aws:iam::123456789012:role/r")
    fleet = ok(
        fake,
        "UpdateFleet",
        Name="f",
        InstanceType="stream.compute.large",
        Description="night shift",
        ImageName="golden",
        MaxUserDurationInSeconds=3600,
        AttributesToDelete=["IAM_ROLE_ARN", "VPC_CONFIGURATION_SECURITY_GROUP_IDS"],
    )["Fleet"]
    assert (fleet["InstanceType"], fleet["Description"], fleet["MaxUserDurationInSeconds"]) == (
        "stream.compute.large",
        "night shift",
        3600,
    )
    assert (fleet["ImageName"], fleet["Platform"]) == ("golden", "AMAZON_LINUX2")
    assert "IamRoleArn" not in fleet
    assert "SecurityGroupIds" not in fleet["VpcConfig"] and fleet["VpcConfig"]["SubnetIds"]
    assert fake.fleets["f"].iam_role_arn is None


@pytest.mark.parametrize(
    "change",
    [
        {"IamRoleArn": "arn:aws:iam::123456789012:role/r"},
        {"InstanceType": "stream.compute.large"},
        {"Description": "x"},
        {"AttributesToDelete": ["VPC_CONFIGURATION"]},
    ],
)
def test_a_running_fleet_refuses_a_stop_only_attribute_in_awss_words(
    change: dict[str, Any],
) -> None:
    fake = FakeAppStream()
    fake.fleets.add("f")
    before = snapshot(fake)
    assert error(fake, "UpdateFleet", Name="f", **change) == (
        "ResourceInUseException",
        "Cannot update the attribute for fleet f when it is ACTIVE. The fleet must be stopped to "
        "complete this action.",
    )
    assert snapshot(fake) == before


def test_a_running_fleet_takes_its_running_attributes_and_an_image_of_its_os() -> None:
    fake = FakeAppStream()
    fake.images.add("golden")  # the default platform, as the fleet's
    fake.images.add("penguin", platform="AMAZON_LINUX2")
    fake.fleets.add("f")
    fleet = ok(
        fake,
        "UpdateFleet",
        Name="f",
        DisplayName="F",
        ImageName="golden",
        DisconnectTimeoutInSeconds=60,
        IdleDisconnectTimeoutInSeconds=600,
    )["Fleet"]
    assert (fleet["DisplayName"], fleet["ImageName"], fleet["State"]) == ("F", "golden", "RUNNING")
    assert error(fake, "UpdateFleet", Name="f", ImageName="penguin")[0] == (
        "IncompatibleImageException"
    )


def test_an_elastic_fleet_running_takes_its_own_list() -> None:
    fake = FakeAppStream()
    fake.fleets.add("e", fleet_type="ELASTIC")
    fleet = ok(fake, "UpdateFleet", Name="e", MaxConcurrentSessions=9)["Fleet"]
    assert fleet["MaxConcurrentSessions"] == 9 and fleet["ComputeCapacityStatus"]["Desired"] == 9
    assert error(fake, "UpdateFleet", Name="e", ComputeCapacity={"DesiredInstances": 1})[0] == (
        "InvalidParameterCombinationException"
    )
    assert error(fake, "UpdateFleet", Name="e", InstanceType="stream.standard.large")[0] == (
        "ResourceInUseException"
    )


@pytest.mark.parametrize("state", ["STARTING", "STOPPING"])
def test_no_update_while_starting_or_stopping(state: str) -> None:
    fake = FakeAppStream()
    fake.fleets.add("f", state=state)
    code, message = error(fake, "UpdateFleet", Name="f", DisplayName="x")
    assert code == "ConcurrentModificationException" and f"is {state}." in message


def test_update_refuses_an_attribute_both_set_and_deleted() -> None:
    fake = FakeAppStream()
    fake.fleets.add("f", state="STOPPED")
    code, _ = error(
        fake,
        "UpdateFleet",
        Name="f",
        IamRoleArn="arn:aws:iam::123456789012:role/r",
        AttributesToDelete=["IAM_ROLE_ARN"],
    )
    assert code == "InvalidParameterCombinationException"


# -- DeleteFleet ----------------------------------------------------------------------------------


def test_delete_needs_a_stopped_fleet_without_a_stack() -> None:
    fake = FakeAppStream()
    fake.fleets.add("f")
    fake.stacks.add("s", fleets=["f"])
    assert error(fake, "DeleteFleet", Name="f") == (
        "ResourceInUseException",
        "The fleet f is associated with a stack. To delete the fleet, you must dissociate it "
        "from the stack.",
    )
    ok(fake, "DisassociateFleet", StackName="s", FleetName="f")
    assert error(fake, "DeleteFleet", Name="f") == (
        "ResourceInUseException",
        f"The fleet f for account {ACCOUNT} is RUNNING. The fleet must be in a STOPPED state to "
        "delete.",
    )
    fake.fleets.set_state("f", "STOPPED")
    assert ok(fake, "DeleteFleet", Name="f") == {}
    assert "f" not in fake.fleets
    fake.fleets.assert_state("f", None)
    assert error(fake, "DescribeFleets", Names=["f"])[0] == "ResourceNotFoundException"


def test_delete_while_stopping_is_concurrent_modification() -> None:
    fake = FakeAppStream()
    fake.fleets.add("f", state="STOPPING")
    assert error(fake, "DeleteFleet", Name="f")[0] == "ConcurrentModificationException"


def test_an_image_used_by_a_fleet_cannot_be_deleted() -> None:
    fake = FakeAppStream()
    fake.images.add("golden")
    fake.fleets.add("f", image_name="golden")
    code, message = error(fake, "DeleteImage", Name="golden")
    assert code == "ResourceInUseException" and "fleet f" in message


# -- faults ---------------------------------------------------------------------------------------


def test_a_fault_by_name_matches_the_fleets_calls(appstream: FakeAppStream) -> None:
    appstream.fleets.add("f", state="STOPPED")
    appstream.fleets.add("g", state="STOPPED")
    appstream.stacks.add("s", fleets=["f"])
    appstream.inject("StartFleet", "LimitExceededException", name="f")
    appstream.inject("CreateStreamingURL", "ResourceNotAvailableException", name="f")

    assert ok(appstream, "StartFleet", Name="g") == {}  # another name: the rules answer
    assert error(appstream, "StartFleet", Name="f")[0] == "LimitExceededException"
    assert (
        error(appstream, "CreateStreamingURL", StackName="s", FleetName="f", UserId="ann")[0]
        == "ResourceNotAvailableException"
    )
    appstream.fleets.assert_transitions("f", ["STOPPED"])  # a faulted call changes nothing


# -- waiters --------------------------------------------------------------------------------------


@pytest.fixture
def no_wall_sleep(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Every ``time.sleep`` of the test, recorded instead of slept."""
    slept: list[float] = []
    monkeypatch.setattr(time, "sleep", slept.append)
    return slept


@pytest.mark.parametrize(
    "transitions",
    [
        pytest.param(
            policy,
            marks=pytest.mark.appstream(transitions=policy, polls=3, now="2026-11-30T07:00:00Z"),
            id=policy,
        )
        for policy in ("polled", "timed")
    ],
)
@pytest.mark.appstream_fleet("f", state="STOPPED")
def test_the_fleet_waiters_succeed_without_sleeping(
    appstream: FakeAppStream, appstream_client: Any, transitions: str, no_wall_sleep: list[float]
) -> None:
    appstream_client.start_fleet(Name="f")
    appstream_client.get_waiter("fleet_started").wait(Names=["f"])
    appstream.fleets.assert_state("f", "RUNNING")
    started = appstream.clock.now()
    appstream_client.stop_fleet(Name="f")
    appstream_client.get_waiter("fleet_stopped").wait(Names=["f"])

    assert no_wall_sleep == []
    appstream.fleets.assert_transitions(
        "f", ["STOPPED", "STARTING", "RUNNING", "STOPPING", "STOPPED"]
    )
    minutes = (started.timestamp() - 1796022000) / 60  # 2026-11-30T07:00:00Z
    if transitions == "timed":  # the waiter's 30 s pauses until STARTING's duration is over
        assert minutes == FLEETS.duration("STARTING") / 60 == 15
    else:  # three polls see STARTING, the fourth RUNNING: three pauses
        assert minutes == 1.5


@pytest.mark.parametrize(
    ("waiter", "state"), [("fleet_started", "STOPPED"), ("fleet_stopped", "RUNNING")]
)
def test_the_fleet_waiters_fail_on_the_opposite_state(
    appstream: FakeAppStream,
    appstream_client: Any,
    waiter: str,
    state: str,
    no_wall_sleep: list[float],
) -> None:
    appstream.fleets.add("f", state=state)
    with pytest.raises(WaiterError, match="terminal failure state"):
        appstream_client.get_waiter(waiter).wait(Names=["f"])
    assert no_wall_sleep == []
    assert len(appstream.calls) == 1  # the first read saw the failure state


def test_a_seeded_fleet_of_the_accounts_own_image_has_its_platform(
    appstream: FakeAppStream,
) -> None:
    appstream.images.add("gold", platform="AMAZON_LINUX2")

    assert appstream.fleets.add("linux", image_name="gold").platform == "AMAZON_LINUX2"
    told = appstream.fleets.add("told", image_name="gold", platform="WINDOWS_SERVER_2019")
    assert told.platform == "WINDOWS_SERVER_2019"  # what the seed says wins
    made = appstream.fleets.add("new", image_name="fresh")  # an image made for it
    assert made.platform == appstream.images["fresh"].platform
