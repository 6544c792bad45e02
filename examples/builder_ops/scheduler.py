"""Run the office-hours fleets by the clock: start them in the morning, stop them in the evening.

Run twice a day (cron, EventBridge Scheduler, ...)::

    python -m builder_ops.scheduler morning --headroom 2
    python -m builder_ops.scheduler evening

Only fleets tagged ``schedule=office-hours`` are touched; every other fleet is left as it is.

Morning: every such fleet that is STOPPED is started, and botocore's ``fleet_started`` waiter
waits until it is RUNNING (AWS: 10 to 20 minutes). Then each running fleet is sized for the day:
the instances in use (``ComputeCapacityStatus.InUse``, users kept overnight) plus ``headroom``
idle ones for the users who arrive, at least ``minimum``. A fleet that does not start (AppStream
stops it again and says why in ``FleetErrors``) is reported for a person to look at.

Evening: every such fleet that is RUNNING is stopped, and the ``fleet_stopped`` waiter waits until
it is STOPPED, unless users are still streaming from it (DescribeSessions, on each stack the fleet
serves): that fleet keeps running, scaled down to the sessions in use, and the next evening's run
tries again. Stopping a fleet ends its users' sessions, so the scheduler never does that.

Busy fleets (``ConcurrentModificationException``: another change is under way) are retried a few
times; throttling is botocore's to retry.
"""

from __future__ import annotations

import argparse
import dataclasses
import logging
import time
from collections.abc import Sequence
from typing import Any

import boto3
from botocore.exceptions import ClientError, WaiterError

log = logging.getLogger(__name__)

# Created at import time, as real code often does: pytest-appstream answers it all the same.
CLIENT = boto3.client("appstream", region_name="us-east-1")

#: The tag that puts a fleet under the scheduler.
TAG, OFFICE_HOURS = "schedule", "office-hours"
#: How users sign in: DescribeSessions lists one of these at a time.
AUTHENTICATION_TYPES = ("API", "SAML", "USERPOOL", "AWS_AD")
#: How the waiters poll DescribeFleets: every 30 s, for 30 minutes at most.
WAITER_CONFIG = {"Delay": 30, "MaxAttempts": 60}


@dataclasses.dataclass
class Morning:
    """What the morning run did: fleets started, each running fleet's capacity for the day, and
    the fleets that could not be started, with AppStream's reason."""

    started: list[str] = dataclasses.field(default_factory=list)
    capacity: dict[str, int] = dataclasses.field(default_factory=dict)
    failed: dict[str, str] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass
class Evening:
    """What the evening run did: fleets stopped, fleets kept running with their active
    sessions, and the fleets that could not be stopped, with AppStream's reason."""

    stopped: list[str] = dataclasses.field(default_factory=list)
    kept: dict[str, int] = dataclasses.field(default_factory=dict)
    failed: dict[str, str] = dataclasses.field(default_factory=dict)


# -- which fleets ----------------------------------------------------------------------------------


def office_hours_fleets(client: Any = CLIENT) -> list[dict[str, Any]]:
    """Every fleet tagged ``schedule=office-hours`` (DescribeFleets, all pages), as AppStream
    describes it, by name."""
    fleets = [
        fleet
        for page in client.get_paginator("describe_fleets").paginate()
        for fleet in page["Fleets"]
    ]
    return [
        fleet
        for fleet in sorted(fleets, key=lambda fleet: fleet["Name"])
        if client.list_tags_for_resource(ResourceArn=fleet["Arn"])["Tags"].get(TAG) == OFFICE_HOURS
    ]


def active_sessions(fleet: str, client: Any = CLIENT) -> int:
    """How many users stream from ``fleet`` now: its ACTIVE sessions, on every stack it serves.

    DescribeSessions needs the stack as well as the fleet (ListAssociatedStacks finds them), and
    lists the users of one authentication type at a time (streaming URLs, ``API``, when none is
    given): every type is asked.
    """
    stacks = [
        name
        for page in client.get_paginator("list_associated_stacks").paginate(FleetName=fleet)
        for name in page["Names"]
    ]
    paginator = client.get_paginator("describe_sessions")
    return sum(
        session["State"] == "ACTIVE"
        for stack in stacks
        for authentication in AUTHENTICATION_TYPES
        for page in paginator.paginate(
            StackName=stack, FleetName=fleet, AuthenticationType=authentication
        )
        for session in page["Sessions"]
    )


# -- one fleet -------------------------------------------------------------------------------------


def _retrying(
    client: Any, operation: str, attempts: int = 3, pause: float = 0.0, **params: Any
) -> None:
    """Call ``operation``, again after a ConcurrentModificationException (another change of the
    fleet is under way), ``attempts`` times in all."""
    for attempt in range(1, attempts + 1):
        try:
            getattr(client, operation)(**params)
            return
        except client.exceptions.ConcurrentModificationException:
            if attempt == attempts:
                raise
            log.info("%s %s: the fleet is busy, trying again", operation, params["Name"])
            time.sleep(pause)


def _reason(error: Exception) -> str:
    """AppStream's reason, from an error or from a failed waiter's last DescribeFleets."""
    if isinstance(error, WaiterError):
        answer = error.last_response
        if "Error" in answer:  # the last poll itself failed
            return f"{answer['Error'].get('Code')}: {answer['Error'].get('Message')}"
        fleet = (answer.get("Fleets") or [{}])[0]
        state = fleet.get("State", "unknown")
        if state in ("STARTING", "STOPPING"):
            return f"{state}: still {state} when the wait gave up"
        problems = fleet.get("FleetErrors") or []
        said = "; ".join(f"{p.get('ErrorCode')}: {p.get('ErrorMessage')}" for p in problems)
        return f"{state}: {said or 'no reason given'}"
    if isinstance(error, ClientError):
        return f"{error.response['Error']['Code']}: {error.response['Error']['Message']}"
    return str(error)


def scale(fleet: str, desired: int, client: Any = CLIENT, pause: float = 0.0) -> None:
    """Ask for ``desired`` instances (UpdateFleet ComputeCapacity; allowed on a RUNNING fleet)."""
    _retrying(
        client,
        "update_fleet",
        pause=pause,
        Name=fleet,
        ComputeCapacity={"DesiredInstances": desired},
    )


# -- the two runs ----------------------------------------------------------------------------------


def morning(
    client: Any = CLIENT,
    headroom: int = 2,
    minimum: int = 1,
    pause: float = 0.0,
    waiter_config: dict[str, int] | None = None,
) -> Morning:
    """Start the office-hours fleets, wait until they run, size each for the day."""
    report = Morning()
    fleets = office_hours_fleets(client)
    waiting = [f["Name"] for f in fleets if f["State"] == "STARTING"]  # started by someone else
    for fleet in (f["Name"] for f in fleets if f["State"] == "STOPPING"):
        report.failed[fleet] = "STOPPING: still stopping, not started"
    for fleet in (f["Name"] for f in fleets if f["State"] == "STOPPED"):
        try:
            _retrying(client, "start_fleet", pause=pause, Name=fleet)
        except ClientError as error:
            report.failed[fleet] = _reason(error)
            continue
        waiting.append(fleet)
    waiter = client.get_waiter("fleet_started")
    for fleet in waiting:
        try:
            waiter.wait(Names=[fleet], WaiterConfig=waiter_config or WAITER_CONFIG)
        except WaiterError as error:
            report.failed[fleet] = _reason(error)
            log.warning("%s did not start: %s", fleet, report.failed[fleet])
            continue
        report.started.append(fleet)
    names = [f["Name"] for f in fleets if f["Name"] not in report.failed]
    # Read again: the capacity of each fleet now that it runs.
    for fleet in client.describe_fleets(Names=names)["Fleets"] if names else []:
        if fleet["State"] != "RUNNING":
            continue
        status = fleet["ComputeCapacityStatus"]
        desired = max(minimum, status.get("InUse", 0) + headroom)
        if status["Desired"] != desired:
            try:
                scale(fleet["Name"], desired, client, pause)
            except ClientError as error:
                report.failed[fleet["Name"]] = _reason(error)
                continue
        report.capacity[fleet["Name"]] = desired
    return report


def evening(
    client: Any = CLIENT, pause: float = 0.0, waiter_config: dict[str, int] | None = None
) -> Evening:
    """Stop the office-hours fleets nobody streams from; keep the others at their sessions."""
    report = Evening()
    stopping = []
    for fleet in office_hours_fleets(client):
        name = fleet["Name"]
        if fleet["State"] != "RUNNING":
            continue
        try:
            sessions = active_sessions(name, client)
            if sessions:
                report.kept[name] = sessions
                if fleet["ComputeCapacityStatus"]["Desired"] > sessions:
                    scale(name, sessions, client, pause)
                continue
            _retrying(client, "stop_fleet", pause=pause, Name=name)
        except ClientError as error:
            report.failed[name] = _reason(error)
            continue
        stopping.append(name)
    waiter = client.get_waiter("fleet_stopped")
    for name in stopping:
        try:
            waiter.wait(Names=[name], WaiterConfig=waiter_config or WAITER_CONFIG)
        except WaiterError as error:
            report.failed[name] = _reason(error)
            continue
        report.stopped.append(name)
    return report


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("run", choices=["morning", "evening"])
    parser.add_argument("--headroom", type=int, default=2, help="idle instances in the morning")
    parser.add_argument("--minimum", type=int, default=1, help="instances a fleet has at least")
    parser.add_argument("--region", default=None, help="default: the module's client")
    args = parser.parse_args(argv)
    client = boto3.client("appstream", region_name=args.region) if args.region else CLIENT
    if args.run == "morning":
        done = morning(client, headroom=args.headroom, minimum=args.minimum, pause=30.0)
        print("started:", ", ".join(done.started) or "nothing")
        for name, desired in sorted(done.capacity.items()):
            print(f"{name}: {desired} instances")
        failed = done.failed
    else:
        night = evening(client, pause=30.0)
        print("stopped:", ", ".join(night.stopped) or "nothing")
        for name, sessions in sorted(night.kept.items()):
            print(f"kept running: {name} ({sessions} active sessions)")
        failed = night.failed
    for name, reason in sorted(failed.items()):
        print(f"FAILED: {name} ({reason})")
    if failed:
        raise SystemExit(1)


if __name__ == "__main__":  # pragma: no cover
    main()
