"""The AppStream service itself: one function per operation, and the state rules in one table.

Each operation takes a :class:`Context` (registry, account, region, transition policy) and the
request parameters in wire form, and returns the response in wire form or raises
:class:`~pytest_appstream.errors.ServiceError`. A call that raises has changed nothing.

>>> ctx = Context(Registry(), "123456789012", "us-east-1")
>>> describe_image_builders(ctx, {})
{'ImageBuilders': []}
"""

from __future__ import annotations

import base64
import binascii
import operator
from collections.abc import Callable
from typing import Any

import attrs

from .errors import ServiceError
from .registry import Entry, Registry
from .transitions import Pending, reads_for

Params = dict[str, Any]
Response = dict[str, Any]
Handler = Callable[["Context", Params], Response]

#: The states in which an image builder waits for an action; every other state of the model is an
#: in-between state, in which every action answers ConcurrentModificationException.
STABLE_STATES = ("RUNNING", "STOPPED", "FAILED")

#: Page size of DescribeImageBuilders without MaxResults. AWS does not document it: ours.
DEFAULT_PAGE_SIZE = 25


@attrs.frozen
class Action:
    """What a state-changing call needs and does: from ``allowed`` via ``via`` to ``to``."""

    allowed: tuple[str, ...]
    via: str
    to: str | None  # None: the builder is gone
    refused: str | None  # the error for a stable state not in ``allowed``


#: The state rules of AWS_FACTS.md ("Which actions each state allows"), our reading of AWS's docs.
ACTIONS: dict[str, Action] = {
    "StopImageBuilder": Action(
        ("RUNNING",), "STOPPING", "STOPPED", "OperationNotPermittedException"
    ),
    "StartImageBuilder": Action(
        ("STOPPED",), "PENDING", "RUNNING", "ResourceNotAvailableException"
    ),
    "DeleteImageBuilder": Action(("RUNNING", "STOPPED", "FAILED"), "DELETING", None, None),
}


@attrs.define
class Context:
    """Who calls (account, region) and how in-between states complete (policy, polls)."""

    registry: Registry
    account: str
    region: str
    policy: str = "polled"
    polls: int = 1


def not_found(ctx: Context, name: str) -> ServiceError:
    """ResourceNotFoundException for a builder name, in AWS's style."""
    return ServiceError(
        "ResourceNotFoundException",
        f"The image builder {name} for account {ctx.account} does not exist.",
    )


def _needs(allowed: tuple[str, ...]) -> str:
    return allowed[0] if len(allowed) == 1 else ", ".join(allowed[:-1]) + " or " + allowed[-1]


def complete(ctx: Context, entry: Entry, operation: str = "advance") -> None:
    """Finish ``entry``'s pending transition now (a deleted builder leaves the registry)."""
    pending, entry.pending = entry.pending, None
    if pending is None:
        return
    name = entry.builder.name
    if pending.to_state is None:
        ctx.registry.remove(ctx.account, ctx.region, name, operation)
    else:
        ctx.registry.set_state(ctx.account, ctx.region, name, pending.to_state, operation)


def _settled(ctx: Context, entry: Entry | None) -> Entry | None:
    """``entry`` as a read sees it now: a due transition completes first (None once deleted)."""
    if entry is not None and entry.pending is not None and entry.pending.due():
        complete(ctx, entry)
        return ctx.registry.get(ctx.account, ctx.region, entry.builder.name)
    return entry


def read(ctx: Context, name: str) -> Entry:
    """The live builder ``name`` as a call sees it, or ResourceNotFoundException."""
    entry = _settled(ctx, ctx.registry.get(ctx.account, ctx.region, name))
    if entry is None:
        raise not_found(ctx, name)
    return entry


def act(ctx: Context, operation: str, name: str) -> Entry:
    """Apply a rule of :data:`ACTIONS` to a builder: check its state, enter the in-between state."""
    action = ACTIONS[operation]
    entry = read(ctx, name)
    state = entry.builder.state
    if state not in action.allowed:
        verb = operation.removesuffix("ImageBuilder").lower()
        needs = f"The image builder must be in a {_needs(action.allowed)} state to {verb}."
        where = f"The image builder {name} for account {ctx.account} is {state}."
        if state in STABLE_STATES and action.refused:
            raise ServiceError(action.refused, f"{where} {needs}")
        raise ServiceError(
            "ConcurrentModificationException",
            f"{where} Wait until the current operation completes, then try again. {needs}",
        )
    ctx.registry.set_state(ctx.account, ctx.region, name, action.via, operation)
    entry.pending = Pending(action.to, reads_for(ctx.policy, ctx.polls))
    return entry


def stop_image_builder(ctx: Context, params: Params) -> Response:
    """StopImageBuilder: RUNNING -> STOPPING -> STOPPED."""
    return {"ImageBuilder": act(ctx, "StopImageBuilder", params["Name"]).builder.wire_items()}


def _page_token(offset: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode()


def _page_offset(token: str) -> int:
    try:
        kind, _, number = base64.urlsafe_b64decode(token.encode()).decode().partition(":")
        if kind == "offset" and number.isdigit():
            return int(number)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        pass
    raise ServiceError("ValidationException", f"Invalid NextToken: {token}")


_pending_of = operator.attrgetter("pending")


def describe_image_builders(ctx: Context, params: Params) -> Response:
    """DescribeImageBuilders: by ``Names`` (an unknown one is ResourceNotFoundException) or all.

    Pages hold ``MaxResults`` builders (:data:`DEFAULT_PAGE_SIZE` without it), in creation order.
    Each builder on the page counts as one poll of its in-between state.
    """
    size = params.get("MaxResults", DEFAULT_PAGE_SIZE)
    if size < 1:
        raise ServiceError(
            "ValidationException",
            f"1 validation error detected: Value '{size}' at 'maxResults' failed to satisfy "
            "constraint: Member must have value greater than or equal to 1",
        )
    offset = _page_offset(params["NextToken"]) if "NextToken" in params else 0
    names = params.get("Names")
    if names is None:
        entries = list(ctx.registry.store(ctx.account, ctx.region).values())
        if any(map(_pending_of, entries)):  # else settling is a no-op: skip the Python loop
            entries = [e for e in (_settled(ctx, e) for e in entries) if e is not None]
    else:
        entries = [read(ctx, name) for name in names]
    page = entries[offset : offset + size]
    for entry in page:
        if entry.pending is not None:
            entry.pending.polled()
    response: Response = {"ImageBuilders": [e.builder.wire_items() for e in page]}
    if offset + size < len(entries):
        response["NextToken"] = _page_token(offset + size)
    return response


#: The operations the fake implements, by AWS name.
HANDLERS: dict[str, Handler] = {
    "StopImageBuilder": stop_image_builder,
    "DescribeImageBuilders": describe_image_builders,
}
