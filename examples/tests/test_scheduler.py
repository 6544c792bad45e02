"""The office-hours scheduler against the fake: fleets, stacks and sessions seeded by markers.

A fleet takes 10 to 20 minutes to start on AWS, and the scheduler waits with botocore's
``fleet_started`` and ``fleet_stopped`` waiters. In this module every in-between state ends at
the next read (``transitions="immediate"``) unless a test says otherwise: each waiter's first
poll already sees the end. A waiter that has to wait pauses on the fake's clock, not the wall's.
"""

from __future__ import annotations

import pytest

from builder_ops import scheduler

pytestmark = pytest.mark.appstream(transitions="immediate")

OFFICE_HOURS = {"schedule": "office-hours"}
IMAGE_GONE = [
    {"ErrorCode": "IMAGE_NOT_FOUND", "ErrorMessage": "The image golden-2026-10 does not exist."}
]


@pytest.fixture
def cannot_start(appstream, appstream_client):
    """AWS gives up starting these fleets: once StartFleet has answered, each goes back to
    STOPPED with FleetErrors (what the code cannot cause). Returns the client to pass."""

    def fail(*names: str):
        def stopped_again(**_: object) -> None:
            for name in names:
                if appstream.fleets[name].state == "STARTING":
                    appstream.fleets.set_state(name, "STOPPED", fleet_errors=IMAGE_GONE)

        appstream_client.meta.events.register("after-call.appstream.StartFleet", stopped_again)
        return appstream_client

    return fail


# -- morning -------------------------------------------------------------------------------------


@pytest.mark.appstream_fleet("sales", state="STOPPED", tags=OFFICE_HOURS)
@pytest.mark.appstream_fleet("support", state="STOPPED", tags=OFFICE_HOURS)
@pytest.mark.appstream_fleet("batch", state="STOPPED")  # not tagged: never touched
@pytest.mark.appstream_fleet("kiosk", tags={"schedule": "always-on"})
def test_the_morning_starts_the_office_hours_fleets_and_sizes_them(appstream):
    done = scheduler.morning(headroom=2)

    assert done == scheduler.Morning(
        started=["sales", "support"], capacity={"sales": 2, "support": 2}
    )
    appstream.fleets.assert_transitions("sales", ["STOPPED", "STARTING", "RUNNING"])
    appstream.fleets.assert_transitions("support", ["STOPPED", "STARTING", "RUNNING"])
    appstream.fleets.assert_transitions("batch", ["STOPPED"])
    appstream.fleets.assert_transitions("kiosk", ["RUNNING"])
    assert appstream.fleets["sales"].compute_capacity_status["Desired"] == 2
    appstream.assert_called(
        "update_fleet", times=1, Name="sales", ComputeCapacity={"DesiredInstances": 2}
    )
    assert {c.params["Name"] for c in appstream.calls if c.operation == "StartFleet"} == {
        "sales",
        "support",
    }


@pytest.mark.appstream_fleet("sales", tags=OFFICE_HOURS, compute_capacity_status={"Desired": 3})
@pytest.mark.appstream_stack("sales-desktop", fleets=["sales"])
def test_a_fleet_kept_overnight_is_sized_by_the_instances_in_use(appstream):
    for user in ("ann", "bob", "carol"):  # still streaming from last night
        appstream.sessions.add(stack_name="sales-desktop", fleet_name="sales", user_id=user)

    done = scheduler.morning(headroom=2)

    assert done == scheduler.Morning(started=[], capacity={"sales": 5})  # 3 in use + 2 idle
    appstream.fleets.assert_transitions("sales", ["RUNNING"])
    appstream.assert_not_called("start_fleet")
    [fleet] = scheduler.CLIENT.describe_fleets(Names=["sales"])["Fleets"]
    assert fleet["ComputeCapacityStatus"]["InUse"] == 3


@pytest.mark.appstream_fleet("sales", state="STOPPED", tags=OFFICE_HOURS)
@pytest.mark.appstream_fleet("support", state="STOPPED", tags=OFFICE_HOURS)
def test_a_fleet_that_does_not_start_is_reported(appstream, cannot_start, caplog):
    client = cannot_start("sales")

    done = scheduler.morning(client)

    assert done.started == ["support"]
    assert done.failed == {
        "sales": "STOPPED: IMAGE_NOT_FOUND: The image golden-2026-10 does not exist."
    }
    assert "sales did not start" in caplog.text
    appstream.fleets.assert_transitions("sales", ["STOPPED", "STARTING", "STOPPED"])
    appstream.fleets.assert_transitions("support", ["STOPPED", "STARTING", "RUNNING"])
    assert "sales" not in done.capacity  # a stopped fleet is not sized


@pytest.mark.appstream(transitions="timed", now="2026-11-30T07:00:00Z")
@pytest.mark.appstream_fleet("sales", state="STOPPED", tags=OFFICE_HOURS)
def test_the_waiter_waits_on_the_fakes_clock(appstream):
    # Under "timed" a fleet takes 15 minutes to start (AWS: 10 to 20); the waiter's 30 s pauses
    # move the fake's clock instead of sleeping, so the test takes milliseconds.
    assert scheduler.morning().started == ["sales"]

    assert appstream.clock.now().isoformat() == "2026-11-30T07:15:00+00:00"
    appstream.fleets.assert_transitions("sales", ["STOPPED", "STARTING", "RUNNING"])


@pytest.mark.appstream(transitions="manual", now="2026-11-30T07:00:00Z")  # STARTING until told
@pytest.mark.appstream_fleet("sales", state="STOPPED", tags=OFFICE_HOURS)
def test_the_wait_gives_up_on_a_fleet_still_starting(appstream):
    done = scheduler.morning(waiter_config={"Delay": 30, "MaxAttempts": 2})

    assert done.failed == {"sales": "STARTING: still STARTING when the wait gave up"}
    assert appstream.clock.now().isoformat() == "2026-11-30T07:00:30+00:00"  # one pause
    appstream.assert_called("describe_fleets", times=2, Names=["sales"])  # the waiter's polls
    appstream.fleets.assert_state("sales", "STARTING")  # the next morning's run waits for it


@pytest.mark.appstream_fault("start_fleet", "ConcurrentModificationException", name="sales")
@pytest.mark.appstream_fleet("sales", state="STOPPED", tags=OFFICE_HOURS)
def test_a_busy_fleet_is_started_again(appstream):
    assert scheduler.morning().started == ["sales"]

    assert [c.error_code for c in appstream.calls if c.operation == "StartFleet"] == [
        "ConcurrentModificationException",
        None,
    ]
    appstream.fleets.assert_transitions("sales", ["STOPPED", "STARTING", "RUNNING"])


@pytest.mark.appstream_fault(
    "start_fleet", "ConcurrentModificationException", name="sales", times=3
)
@pytest.mark.appstream_fleet("sales", state="STOPPED", tags=OFFICE_HOURS)
@pytest.mark.appstream_fleet("support", state="STOPPED", tags=OFFICE_HOURS)
def test_a_fleet_that_stays_busy_is_reported_and_the_others_start(appstream):
    done = scheduler.morning()

    assert done.started == ["support"]
    assert list(done.failed) == ["sales"]
    assert done.failed["sales"].startswith("ConcurrentModificationException: ")
    appstream.fleets.assert_transitions("sales", ["STOPPED"])  # a failed call changes nothing


@pytest.mark.appstream_fault("list_tags_for_resource", "ThrottlingException", times=2)
@pytest.mark.appstream_fault("describe_fleets", "ThrottlingException")
@pytest.mark.appstream_fleet("sales", state="STOPPED", tags=OFFICE_HOURS)
def test_throttling_is_retried_by_botocore(appstream):
    assert scheduler.morning().started == ["sales"]  # without sleeping

    throttled = [c.operation for c in appstream.calls if c.error_code == "ThrottlingException"]
    assert throttled == ["DescribeFleets", "ListTagsForResource", "ListTagsForResource"]


# -- evening -------------------------------------------------------------------------------------


@pytest.mark.appstream_fleet("sales", tags=OFFICE_HOURS, compute_capacity_status={"Desired": 5})
@pytest.mark.appstream_fleet("support", tags=OFFICE_HOURS)  # no stack: nobody can stream
@pytest.mark.appstream_fleet("training", tags=OFFICE_HOURS)
@pytest.mark.appstream_fleet("kiosk")  # not tagged: runs all night
@pytest.mark.appstream_stack("sales-desktop", fleets=["sales"])
@pytest.mark.appstream_stack("training-apps", fleets=["training"])
def test_the_evening_stops_idle_fleets_and_keeps_busy_ones(appstream):
    appstream.sessions.add(stack_name="sales-desktop", fleet_name="sales", user_id="ann")
    appstream.sessions.add(  # signed in through the company's identity provider
        stack_name="sales-desktop", fleet_name="sales", user_id="bob", authentication_type="SAML"
    )
    appstream.sessions.add(
        stack_name="training-apps", fleet_name="training", user_id="carol", state="EXPIRED"
    )

    done = scheduler.evening()

    assert done == scheduler.Evening(stopped=["support", "training"], kept={"sales": 2})
    appstream.fleets.assert_transitions("sales", ["RUNNING"])  # users still stream
    assert appstream.fleets["sales"].compute_capacity_status["Desired"] == 2  # no idle ones
    appstream.fleets.assert_transitions("support", ["RUNNING", "STOPPING", "STOPPED"])
    appstream.fleets.assert_transitions("training", ["RUNNING", "STOPPING", "STOPPED"])
    appstream.fleets.assert_transitions("kiosk", ["RUNNING"])
    # each authentication type is listed on its own
    appstream.assert_called("describe_sessions", times=4, StackName="sales-desktop")
    appstream.assert_not_called("expire_session")


@pytest.mark.appstream_fleet("sales", tags=OFFICE_HOURS, compute_capacity_status={"Desired": 1})
@pytest.mark.appstream_stack("sales-desktop", fleets=["sales"])
def test_a_fleet_at_its_sessions_is_not_scaled(appstream):
    appstream.sessions.add(stack_name="sales-desktop", fleet_name="sales", user_id="ann")

    assert scheduler.evening().kept == {"sales": 1}

    appstream.assert_not_called("update_fleet")
    appstream.assert_not_called("stop_fleet")


@pytest.mark.appstream_fault("stop_fleet", "ConcurrentModificationException", times=3)
@pytest.mark.appstream_fleet("sales", tags=OFFICE_HOURS)
def test_a_fleet_that_cannot_be_stopped_is_reported(appstream):
    done = scheduler.evening()

    assert (done.stopped, list(done.failed)) == ([], ["sales"])
    appstream.fleets.assert_transitions("sales", ["RUNNING"])


# -- a whole day, from a data file ------------------------------------------------------------


@pytest.mark.appstream_data("data/office_fleets.json")
def test_a_whole_day(appstream):
    morning = scheduler.morning(headroom=1)
    assert morning.started == ["sales", "support"]
    assert morning.capacity == {"sales": 1, "support": 1}
    appstream.sessions.add(stack_name="sales-desktop", fleet_name="sales", user_id="ann")

    evening = scheduler.evening()

    assert evening == scheduler.Evening(stopped=["support"], kept={"sales": 1})
    appstream.fleets.assert_transitions("sales", ["STOPPED", "STARTING", "RUNNING"])
    appstream.fleets.assert_transitions(
        "support", ["STOPPED", "STARTING", "RUNNING", "STOPPING", "STOPPED"]
    )
    appstream.fleets.assert_transitions("render-farm", ["RUNNING"])


@pytest.mark.appstream_fleet("sales", state="STOPPED", tags=OFFICE_HOURS)
@pytest.mark.appstream_fleet("support", state="STOPPED", tags=OFFICE_HOURS)
def test_the_command_line_says_what_failed(appstream, cannot_start, monkeypatch, capsys):
    monkeypatch.setattr(scheduler, "CLIENT", cannot_start("support"))

    with pytest.raises(SystemExit) as exit_:
        scheduler.main(["morning", "--headroom", "3"])

    assert exit_.value.code == 1
    assert capsys.readouterr().out.splitlines() == [
        "started: sales",
        "sales: 3 instances",
        "FAILED: support (STOPPED: IMAGE_NOT_FOUND: The image golden-2026-10 does not exist.)",
    ]
