"""Streaming sessions of users on fleets; and their operations.

A session is keyed by its id and runs on a fleet through a stack: both must be live (seeded
first), and the fleet associated with the stack. It is ``ACTIVE`` (``PENDING`` while it starts);
ExpireSession makes it ``EXPIRED``, and an expired session leaves the listing by the transitions
policy. The stack and fleet it was seeded on are noted in its entry's ``data`` (their creation
numbers), so a session of a deleted fleet is gone with it.

>>> SESSIONS.seeded_end("PENDING"), SESSIONS.seeded_end("EXPIRED")
('ACTIVE', None)
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Mapping
from typing import Any, ClassVar

import attrs
from botocore import xform_name

from ._errors import AppStreamUsageError, ServiceError
from ._kinds import Kind, register
from ._model import Record, aware
from ._registry import Entry
from ._seeding import check_fields, check_state, show
from ._service import (
    Context,
    Handler,
    Params,
    Response,
    find,
    not_found,
    page_of,
    paged,
    poll,
    refusal,
)
from ._users import USER_POOL, USERS, stacks_of
from ._validation import message, problem


@attrs.frozen(kw_only=True)
class Session(Record):
    """One Session as the fake holds it: every member of its botocore shape, snake_case.

    Nested members keep their wire form; members a newer botocore adds live in ``extra``.
    """

    SHAPE: ClassVar[str] = "Session"
    KEY_FIELD: ClassVar[str] = "id"

    id: str
    state: str
    user_id: str | None = None
    stack_name: str | None = None
    fleet_name: str | None = None
    connection_state: str | None = None
    start_time: datetime.datetime | None = attrs.field(default=None, converter=aware)
    max_expiration_time: datetime.datetime | None = attrs.field(default=None, converter=aware)
    authentication_type: str | None = None
    network_access_configuration: Mapping[str, Any] | None = None
    instance_id: str | None = None
    instance_drain_status: str | None = None
    extra: Mapping[str, Any] = attrs.field(factory=dict, repr=False)

    def with_state(self, state: str, **changes: Any) -> Session:
        """A copy in ``state``; its ``ConnectionState`` follows (CONNECTED while ACTIVE, ours)
        unless ``changes`` sets it."""
        if state != self.state and "connection_state" not in changes:
            changes["connection_state"] = "CONNECTED" if state == "ACTIVE" else "NOT_CONNECTED"
        return attrs.evolve(self, state=state, **changes)


#: ``AuthenticationType`` of a seeded session, and the one DescribeSessions lists without one
#: (AWS: "The default is to authenticate users using a streaming URL").
DEFAULT_AUTHENTICATION = "API"
#: A session's ``MaxExpirationTime`` is its ``StartTime`` plus its fleet's
#: ``MaxUserDurationInSeconds``; this for a fleet that has none (ours: 16 hours).
DEFAULT_MAX_USER_DURATION = 57600
#: DescribeSessions ``Limit``: default and most (AWS's API reference).
DEFAULT_LIMIT, MAX_LIMIT = 20, 50

#: ``timed`` durations of a session's in-between states (AWS gives none: ours).
DURATIONS: dict[str, tuple[int, str]] = {
    "PENDING": (60, "ours: AWS gives no figure; a session starts when its user connects"),
    "EXPIRED": (60, "ours: an expired session leaves DescribeSessions shortly after"),
}

_ARGUMENT_HELP = {
    "stack_name": "the name of a stack seeded first",
    "fleet_name": "the name of a fleet seeded first, associated with the stack",
    "user_id": "the user's id (2 to 128 characters; a user name for USERPOOL sessions)",
}


def _digest(*parts: str) -> str:
    return hashlib.sha256("/".join(parts).encode()).hexdigest()


# -- seeding -------------------------------------------------------------------------------------


def build_session(
    name: object,
    *,
    state: object = "ACTIVE",
    region: str,
    account_id: str,
    index: int,
    **fields: Any,
) -> Session:
    """A checked :class:`Session` (``stack_name``, ``fleet_name`` and ``user_id`` required).

    What depends on the fleet and the clock (``StartTime``, ``MaxExpirationTime``, the instance)
    is filled in when it is seeded (:func:`_seeded`).
    """
    del index  # nothing depends on how many were seeded before
    if not isinstance(name, str) or not name:
        raise AppStreamUsageError(
            f"id={show(name)} is not allowed; allowed: a non-empty string, or None for a "
            "UUID the fake makes up"
        )
    checked_state = check_state(state, states=SESSIONS.states, label="session")
    if "id" in fields:
        raise AppStreamUsageError(
            f"id={show(fields['id'])} is given twice; allowed: the id as the first argument"
        )
    for required, what in _ARGUMENT_HELP.items():
        if fields.get(required) is None:
            raise AppStreamUsageError(f"{required} is missing; allowed: {what}")
    snake = {xform_name(m): v for m, v in check_fields(fields, "Session", None).items()}
    digest = _digest(account_id, region, name)
    values: dict[str, Any] = {
        "connection_state": "CONNECTED" if checked_state == "ACTIVE" else "NOT_CONNECTED",
        "authentication_type": DEFAULT_AUTHENTICATION,
        "network_access_configuration": {
            "EniPrivateIpAddress": f"10.0.{int(digest[:2], 16)}.{int(digest[2:4], 16) % 250 + 4}",
            "EniId": f"eni-{digest[4:21]}",
        },
        **snake,
    }
    return Session.from_fields(id=name, state=checked_state, **values)


def _live_names(ctx: Context, kind_: str) -> str:
    return ", ".join(ctx.registry.store(ctx.account, ctx.region, kind_)) or "none"


def multi_session(fleet: Entry) -> bool:
    """True for a multi-session fleet (more than one session per instance)."""
    most = getattr(fleet.record, "max_sessions_per_instance", None)
    return isinstance(most, int) and most > 1


def _seeded(ctx: Context, entry: Entry) -> None:
    """Check what a seeded session runs on and fill in what depends on it and on the clock."""
    record: Any = entry.record
    where = f"{ctx.account}/{ctx.region}"
    stack = ctx.registry.get(ctx.account, ctx.region, record.stack_name, "stacks")
    if stack is None:
        raise AppStreamUsageError(
            f"stack_name={record.stack_name!r}: there is no such stack in {where}; allowed: a "
            f"stack seeded first (live: {_live_names(ctx, 'stacks')})"
        )
    fleet = ctx.registry.get(ctx.account, ctx.region, record.fleet_name, "fleets")
    if fleet is None:
        raise AppStreamUsageError(
            f"fleet_name={record.fleet_name!r}: there is no such fleet in {where}; allowed: a "
            f"fleet seeded first (live: {_live_names(ctx, 'fleets')})"
        )
    fleets = list(stack.data.get("fleets", ()))
    if record.fleet_name not in fleets:
        raise AppStreamUsageError(
            f"fleet_name={record.fleet_name!r} is not associated with stack "
            f"{record.stack_name!r} (its fleets: {', '.join(fleets) or 'none'}); allowed: the "
            f"stack's fleet (seed the stack with fleets=[{record.fleet_name!r}])"
        )
    if record.authentication_type == USER_POOL:
        user = ctx.registry.get(ctx.account, ctx.region, record.user_id, USERS.collection)
        if user is None or record.stack_name not in stacks_of(ctx, user):
            raise AppStreamUsageError(
                f"user_id={record.user_id!r}: a USERPOOL session needs a user seeded first and "
                f"assigned to stack {record.stack_name!r}; allowed: a user seeded with "
                f"stacks=[{record.stack_name!r}] (live users: {_live_names(ctx, 'users')})"
            )
    changes: dict[str, Any] = {}
    start = record.start_time or ctx.clock.now()
    if record.start_time is None:
        changes["start_time"] = start
    if record.max_expiration_time is None:
        seconds = getattr(fleet.record, "max_user_duration_in_seconds", None)
        changes["max_expiration_time"] = start + datetime.timedelta(
            seconds=seconds or DEFAULT_MAX_USER_DURATION
        )
    multi = multi_session(fleet)
    if record.instance_id is None:
        changes["instance_id"] = _instance(ctx, entry, fleet, multi)
    if record.instance_drain_status is None:
        changes["instance_drain_status"] = "ACTIVE" if multi else "NOT_APPLICABLE"
    entry.data.update(stack=stack.sequence, fleet=fleet.sequence)
    if changes:
        ctx.registry.update(ctx.account, ctx.region, entry.name, SESSIONS.collection, **changes)


def _instance(ctx: Context, entry: Entry, fleet: Entry, multi: bool) -> str:
    """The instance a new session runs on: its own on a single-session fleet; on a multi-session
    fleet the sessions fill one instance (``MaxSessionsPerInstance``) before the next."""
    if multi:
        before = [
            e
            for e in ctx.store(SESSIONS).values()
            if e is not entry and getattr(e.record, "fleet_name", None) == fleet.name
        ]
        slot = str(len(before) // int(getattr(fleet.record, "max_sessions_per_instance", 1)))
    else:
        slot = str(entry.sequence)
    return f"i-{_digest(ctx.account, ctx.region, fleet.name, str(fleet.sequence), slot)[:17]}"


SESSIONS = register(
    Kind(
        collection="sessions",
        label="session",
        data_key="sessions",
        marker=None,
        record=Session,
        arn_resource="session",
        states_shape="SessionState",
        default_state="ACTIVE",
        resting_states=("ACTIVE",),
        seeded_ends={"EXPIRED": None},
        seeded_default_end="ACTIVE",
        durations=DURATIONS,
        default_duration=60,
        build=build_session,
        on_seed=_seeded,
        taggable=False,
        order=5,
        key_argument="id",
    )
)


# -- operations ----------------------------------------------------------------------------------


def live(ctx: Context, entry: Entry) -> bool:
    """True while the stack and fleet ``entry`` was seeded on are live (not deleted since)."""
    record: Any = entry.record
    stack = ctx.registry.get(ctx.account, ctx.region, record.stack_name, "stacks")
    fleet = ctx.registry.get(ctx.account, ctx.region, record.fleet_name, "fleets")
    return (
        stack is not None
        and fleet is not None
        and stack.sequence == entry.data.get("stack")
        and fleet.sequence == entry.data.get("fleet")
    )


def _session(ctx: Context, session_id: str) -> Entry | None:
    """The live session ``session_id`` as a call sees it, or None."""
    entry = find(ctx, SESSIONS, session_id)
    return entry if entry is not None and live(ctx, entry) else None


def describe_sessions(ctx: Context, params: Params) -> Response:
    """DescribeSessions: the sessions of a stack and fleet (an unknown one has none), of one
    ``AuthenticationType`` (API by default), ``UserId`` and ``InstanceId``; pages of ``Limit``."""
    user_id, kind_ = params.get("UserId"), params.get("AuthenticationType")
    if user_id is not None and kind_ is None:
        raise ServiceError(
            "InvalidParameterCombinationException",
            "UserId must be specified with the user's AuthenticationType.",
        )
    limit = params.get("Limit", DEFAULT_LIMIT)
    if not 1 <= limit <= MAX_LIMIT:
        bound = (
            f"less than or equal to {MAX_LIMIT}"
            if limit > MAX_LIMIT
            else "greater than or equal to 1"
        )
        raise ServiceError(
            "ValidationException",
            message([problem(limit, "limit", f"Member must have value {bound}")]),
        )
    wanted = {
        "stack_name": params["StackName"],
        "fleet_name": params["FleetName"],
        "authentication_type": kind_ or DEFAULT_AUTHENTICATION,
        "user_id": user_id,
        "instance_id": params.get("InstanceId"),
    }
    entries = [
        e
        for e in ctx.store(SESSIONS).values()
        if all(v is None or getattr(e.record, k) == v for k, v in wanted.items()) and live(ctx, e)
    ]
    asked = {
        "MaxResults": limit,
        **({"NextToken": params["NextToken"]} if "NextToken" in params else {}),
    }
    page, token = page_of(ctx, "DescribeSessions", asked, entries)
    poll(page)
    return paged({"Sessions": [e.record.wire_items() for e in page]}, token)


def expire_session(ctx: Context, params: Params) -> Response:
    """ExpireSession: the session is EXPIRED at once and then leaves the listing; an unknown or
    expired one is no error (the model lists none)."""
    entry = _session(ctx, params["SessionId"])
    if entry is None or entry.state == "EXPIRED":
        return {}
    ctx.registry.set_state(
        ctx.account,
        ctx.region,
        entry.name,
        "EXPIRED",
        "ExpireSession",
        SESSIONS.collection,
    )
    entry.pending = ctx.pending(SESSIONS, "EXPIRED", None)
    return {}


def drain_session_instance(ctx: Context, params: Params) -> Response:
    """DrainSessionInstance: the instance of an ACTIVE session of a multi-session fleet takes no
    new sessions; each of its sessions shows ``InstanceDrainStatus`` DRAINING."""
    session_id = params["SessionId"]
    entry = _session(ctx, session_id)
    if entry is None:
        raise not_found(ctx, SESSIONS, session_id)
    record: Any = entry.record
    fleet = ctx.registry.get(ctx.account, ctx.region, record.fleet_name, "fleets")
    if fleet is None or not multi_session(fleet):
        raise ServiceError(
            "OperationNotPermittedException",
            f"The session {session_id} for account {ctx.account} runs on fleet "
            f"{record.fleet_name}, which is not a multi-session fleet. Only instances of "
            "multi-session fleets can be drained.",
        )
    if entry.state != "ACTIVE":
        needs = "The session must be in an ACTIVE state to drain its instance."
        raise refusal(ctx, SESSIONS, entry, needs, "OperationNotPermittedException")
    for other in list(ctx.store(SESSIONS).values()):
        other_record: Any = other.record
        if (
            other_record.instance_id == record.instance_id
            and other_record.fleet_name == record.fleet_name
            and other_record.instance_drain_status != "DRAINING"
        ):
            ctx.registry.update(
                ctx.account,
                ctx.region,
                other.name,
                SESSIONS.collection,
                instance_drain_status="DRAINING",
            )
    return {}


#: The operations of this module, by AWS name.
HANDLERS: dict[str, Handler] = {
    "DescribeSessions": describe_sessions,
    "ExpireSession": expire_session,
    "DrainSessionInstance": drain_session_instance,
}
