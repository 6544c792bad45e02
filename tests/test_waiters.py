"""Waiters: botocore's (and aiobotocore's) waiters poll the fake and pause on its clock.

An AppStream waiter's pauses move the fake's clock instead of waiting, and its reads count as
polls for the ``polled`` policy; waiters of other services are left alone. The fleet waiters
themselves (``fleet_started``, ``fleet_stopped``) are tested with fleets; here a waiter of our own
over DescribeImageBuilders exercises the mechanism.
"""

from __future__ import annotations

import time
from typing import Any

import botocore.session
import botocore.waiter
import pytest
from botocore.exceptions import WaiterError
from botocore.stub import Stubber as BotocoreStubber
from botocore.waiter import WaiterModel, create_waiter_with_client

from pytest_appstream import FakeAppStream

#: A waiter as AWS's waiters are written: success when every builder is RUNNING, failure when
#: one is STOPPED.
BUILDER_RUNNING = WaiterModel(
    {
        "version": 2,
        "waiters": {
            "BuilderRunning": {
                "delay": 30,
                "maxAttempts": 40,
                "operation": "DescribeImageBuilders",
                "acceptors": [
                    {
                        "state": "success",
                        "matcher": "pathAll",
                        "argument": "ImageBuilders[].State",
                        "expected": "RUNNING",
                    },
                    {
                        "state": "failure",
                        "matcher": "pathAny",
                        "argument": "ImageBuilders[].State",
                        "expected": "STOPPED",
                    },
                ],
            }
        },
    }
)


@pytest.fixture
def no_wall_sleep(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Every ``time.sleep`` of the test, recorded instead of slept."""
    slept: list[float] = []
    monkeypatch.setattr(time, "sleep", slept.append)
    return slept


def _waiter(client: Any) -> botocore.waiter.Waiter:
    return create_waiter_with_client("BuilderRunning", BUILDER_RUNNING, client)


@pytest.mark.appstream(transitions="polled", polls=3, now="2026-01-01T00:00:00Z")
@pytest.mark.appstream_builder("b", state="PENDING")
def test_a_waiter_pauses_on_the_fakes_clock_and_its_reads_are_polls(
    appstream: FakeAppStream, appstream_client: Any, no_wall_sleep: list[float]
) -> None:
    _waiter(appstream_client).wait(Names=["b"])

    assert no_wall_sleep == []
    reads = [c for c in appstream.calls if c.operation == "DescribeImageBuilders"]
    assert len(reads) == 4  # three polls see PENDING; the fourth read sees RUNNING
    assert appstream.clock.now().isoformat() == "2026-01-01T00:01:30+00:00"  # 3 pauses of 30 s
    appstream.assert_transitions("b", ["PENDING", "RUNNING"])


@pytest.mark.appstream(transitions="timed", now="2026-01-01T00:00:00Z")
@pytest.mark.appstream_builder("b", state="PENDING")
def test_under_timed_the_pauses_are_what_moves_the_clock(
    appstream: FakeAppStream, appstream_client: Any, no_wall_sleep: list[float]
) -> None:
    _waiter(appstream_client).wait(Names=["b"], WaiterConfig={"Delay": 60})

    assert no_wall_sleep == []
    pending = appstream.builders.kind.duration("PENDING")
    assert appstream.clock.now().timestamp() - 1767225600 == pending  # 2026-01-01T00:00:00Z
    appstream.assert_state("b", "RUNNING")


@pytest.mark.appstream(transitions="manual")
@pytest.mark.appstream_builder("b", state="STOPPED")
def test_a_waiter_fails_as_awss_do_on_its_failure_state(
    appstream: FakeAppStream, appstream_client: Any, no_wall_sleep: list[float]
) -> None:
    with pytest.raises(WaiterError, match="terminal failure state"):
        _waiter(appstream_client).wait(Names=["b"])
    assert no_wall_sleep == []


@pytest.mark.appstream(transitions="manual", now="2026-01-01T00:00:00Z")
@pytest.mark.appstream_builder("b", state="PENDING")
def test_a_waiter_that_never_succeeds_gives_up_after_its_attempts_without_waiting(
    appstream: FakeAppStream, appstream_client: Any, no_wall_sleep: list[float]
) -> None:
    with pytest.raises(WaiterError, match="Max attempts exceeded"):
        _waiter(appstream_client).wait(Names=["b"], WaiterConfig={"MaxAttempts": 40})
    assert no_wall_sleep == []
    assert appstream.clock.now().isoformat() == "2026-01-01T00:19:30+00:00"  # 39 pauses


@pytest.mark.appstream(now="2026-01-01T00:00:00Z")
def test_a_waiter_of_another_service_still_waits(
    appstream: FakeAppStream, no_wall_sleep: list[float]
) -> None:
    dynamodb = botocore.session.get_session().create_client("dynamodb", region_name="us-east-1")
    waiter = dynamodb.get_waiter("table_exists")
    with BotocoreStubber(dynamodb) as stub:
        stub.add_client_error("describe_table", "ResourceNotFoundException")
        stub.add_response("describe_table", {"Table": {"TableStatus": "ACTIVE"}})
        waiter.wait(TableName="table", WaiterConfig={"Delay": 7})  # 1.34: 3 characters at least

    assert no_wall_sleep == [7]  # slept in wall time (recorded here), not on the fake's clock
    assert appstream.clock.now().isoformat() == "2026-01-01T00:00:00+00:00"


def test_outside_a_fake_waiters_are_botocores_own() -> None:
    assert botocore.waiter.time is time
    assert botocore.waiter.Waiter.wait.__module__ == "botocore.waiter"
    with FakeAppStream():
        assert botocore.waiter.time is not time
    assert botocore.waiter.time is time
