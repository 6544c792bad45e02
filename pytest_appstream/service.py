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
import copy
import datetime
import hashlib
import hmac
import json
import operator
from collections.abc import Callable
from typing import Any

import attrs
from botocore import xform_name

from ._clock import Clock
from .errors import AppStreamUsageError, ServiceError
from .model import builder_members, shape
from .registry import Entry, Registry
from .seeding import agent_fields, build_builder, named_image_arn, partition
from .transitions import Pending, pending
from .validation import message, problem

Params = dict[str, Any]
Response = dict[str, Any]
Handler = Callable[["Context", Params], Response]

#: The states in which an image builder waits for an action; every other state of the model is an
#: in-between state, in which every action answers ConcurrentModificationException.
STABLE_STATES = ("RUNNING", "STOPPED", "FAILED")

#: Page size of DescribeImageBuilders without MaxResults. AWS does not document it: ours.
DEFAULT_PAGE_SIZE = 25

#: CreateImageBuilderStreamingURL ``Validity`` in seconds: default and bounds (API reference).
DEFAULT_VALIDITY = 3600
VALIDITY_RANGE = (1, 604800)


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


#: Where a builder *seeded* in an in-between state goes when that state completes (ours: AWS
#: seeds nothing). Every in-between state not listed (PENDING, REBOOTING, SNAPSHOTTING, ...) ends
#: RUNNING; ``None``: the builder is gone.
SEEDED_ENDS: dict[str, str | None] = {"STOPPING": "STOPPED", "DELETING": None}

#: How long each in-between state lasts under the ``"timed"`` policy, in seconds of the fake's
#: clock, with where the figure comes from. States not listed last :data:`DEFAULT_DURATION`.
DURATIONS: dict[str, tuple[int, str]] = {
    "PENDING": (
        600,
        "AWS: a new image builder takes 5 to 10 minutes to be RUNNING (the upper end)",
    ),
    "STOPPING": (300, "ours: AWS gives no figure for builders; a fleet takes about 5 minutes"),
    "DELETING": (300, "ours: AWS gives no figure"),
    "SNAPSHOTTING": (1800, "ours: AWS gives no figure; creating an image takes tens of minutes"),
}
#: How long an in-between state that :data:`DURATIONS` does not list lasts (ours).
DEFAULT_DURATION = 600


@attrs.define
class Context:
    """Who calls (account, region), how in-between states complete (policy, polls) and when."""

    registry: Registry
    account: str
    region: str
    policy: str = "polled"
    polls: int = 1
    clock: Clock = attrs.field(factory=Clock)

    def pending(self, via: str, to: str | None) -> Pending:
        """The transition from the in-between state ``via`` to ``to``, begun now."""
        duration = DURATIONS.get(via, (DEFAULT_DURATION, ""))[0]
        return pending(to, self.policy, polls=self.polls, clock=self.clock, duration=duration)


def seeded_pending(ctx: Context, state: str) -> Pending | None:
    """How a builder seeded in ``state`` completes under the transitions policy (stable: never).

    >>> seeded_pending(Context(Registry(), "123456789012", "us-east-1"), "STOPPING")
    Pending(to_state='STOPPED', reads_left=1, deadline=None)
    """
    if state in STABLE_STATES:
        return None
    return ctx.pending(state, SEEDED_ENDS.get(state, "RUNNING"))


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


def act(ctx: Context, operation: str, name: str, **changes: Any) -> Entry:
    """Apply a rule of :data:`ACTIONS` to a builder: check its state, enter the in-between state.

    ``changes`` (snake_case builder fields) are applied with the state, only if the rule allows.
    """
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
    ctx.registry.set_state(ctx.account, ctx.region, name, action.via, operation, **changes)
    entry.pending = ctx.pending(action.via, action.to)
    return entry


def create_image_builder(ctx: Context, params: Params) -> Response:
    """CreateImageBuilder: a new builder, PENDING -> RUNNING; ImageName or ImageArn; tags kept."""
    name = params["Name"]
    given = [member for member in ("ImageName", "ImageArn") if member in params]
    if len(given) != 1:
        which = "Both were" if given else "Neither was"
        raise ServiceError(
            "InvalidParameterCombinationException",
            f"Either ImageName or ImageArn must be specified, but not both. {which} specified.",
        )
    if _settled(ctx, ctx.registry.get(ctx.account, ctx.region, name)) is not None:
        raise ServiceError(
            "ResourceAlreadyExistsException",
            f"The image builder {name} already exists for account {ctx.account}.",
        )
    members = builder_members()
    fields = {
        xform_name(member): copy.deepcopy(value)
        for member, value in params.items()
        if member in members and member != "Name"
    }
    if "ImageName" in params:
        fields["image_arn"] = named_image_arn(ctx.region, ctx.account, params["ImageName"])
    fields.update(agent_fields(params.get("AppstreamAgentVersion")))
    try:
        builder = build_builder(
            name,
            state="PENDING",
            region=ctx.region,
            account_id=ctx.account,
            index=0,
            created_time=ctx.clock.now(),
            **fields,
        )
    except AppStreamUsageError as error:  # input validation lets nothing through to here
        raise ServiceError("ValidationException", str(error)) from None
    entry = ctx.registry.seed(ctx.account, ctx.region, builder, operation="CreateImageBuilder")
    entry.tags = dict(params.get("Tags", {}))
    entry.pending = ctx.pending("PENDING", "RUNNING")
    return {"ImageBuilder": builder.wire_items()}


def start_image_builder(ctx: Context, params: Params) -> Response:
    """StartImageBuilder: STOPPED -> PENDING -> RUNNING (``AppstreamAgentVersion`` applied)."""
    changes = agent_fields(params.get("AppstreamAgentVersion"))
    entry = act(ctx, "StartImageBuilder", params["Name"], **changes)
    return {"ImageBuilder": entry.builder.wire_items()}


def stop_image_builder(ctx: Context, params: Params) -> Response:
    """StopImageBuilder: RUNNING -> STOPPING -> STOPPED."""
    return {"ImageBuilder": act(ctx, "StopImageBuilder", params["Name"]).builder.wire_items()}


def delete_image_builder(ctx: Context, params: Params) -> Response:
    """DeleteImageBuilder: RUNNING, STOPPED or FAILED -> DELETING -> gone."""
    return {"ImageBuilder": act(ctx, "DeleteImageBuilder", params["Name"]).builder.wire_items()}


def create_image_builder_streaming_url(ctx: Context, params: Params) -> Response:
    """CreateImageBuilderStreamingURL: RUNNING only; ``Validity`` 1-604800 s (default 3600)."""
    name = params["Name"]
    validity = params.get("Validity", DEFAULT_VALIDITY)
    low, high = VALIDITY_RANGE
    if not low <= validity <= high:
        bound = (
            f"less than or equal to {high}"
            if validity > high
            else f"greater than or equal to {low}"
        )
        raise ServiceError(
            "ValidationException",
            message([problem(validity, "validity", f"Member must have value {bound}")]),
        )
    entry = read(ctx, name)
    state = entry.builder.state
    if state != "RUNNING":
        raise ServiceError(
            "OperationNotPermittedException",
            f"The image builder {name} for account {ctx.account} is {state}. "
            "The image builder must be in a RUNNING state to connect.",
        )
    expires = ctx.clock.now() + datetime.timedelta(seconds=validity)
    return {"StreamingURL": streaming_url(ctx, name, expires), "Expires": expires}


def streaming_url(ctx: Context, name: str, expires: datetime.datetime) -> str:
    """A plausible, deterministic streaming URL (real ones carry a signed, opaque token)."""
    token = json.dumps(
        {
            "type": "IMAGE_BUILDER",
            "expires": int(expires.timestamp()),
            "awsAccountId": ctx.account,
            "imageBuilderName": name,
        },
        separators=(",", ":"),
    ).encode()
    parameters = base64.urlsafe_b64encode(token).decode().rstrip("=")
    signature = hashlib.sha256(token).hexdigest()
    domain = "amazonaws.com.cn" if partition(ctx.region) == "aws-cn" else "aws.amazon.com"
    return (
        f"https://appstream2.{ctx.region}.{domain}/authenticate"
        f"?parameters={parameters}&signature={signature}"
    )


def _tagged(ctx: Context, arn: str) -> Entry:
    """The live builder with ARN ``arn`` in the caller's account and region."""
    store = ctx.registry.store(ctx.account, ctx.region)
    found = next((e for e in store.values() if e.builder.arn == arn), None)
    entry = _settled(ctx, found)
    if entry is None:
        raise ServiceError("ResourceNotFoundException", f"The resource {arn} does not exist.")
    return entry


def tag_resource(ctx: Context, params: Params) -> Response:
    """TagResource: on a builder ARN, adds or overwrites tags (at most 50 per builder)."""
    entry = _tagged(ctx, params["ResourceArn"])
    tags = {**entry.tags, **params["Tags"]}
    limit = shape("Tags").metadata.get("max", 50)
    if len(tags) > limit:
        raise ServiceError(
            "LimitExceededException",
            f"The image builder {entry.builder.name} for account {ctx.account} has "
            f"{len(entry.tags)} tags; {len(tags) - len(entry.tags)} more would exceed the limit "
            f"of {limit} tags per resource.",
        )
    entry.tags = tags
    return {}


def untag_resource(ctx: Context, params: Params) -> Response:
    """UntagResource: on a builder ARN, removes the keys it has (others are ignored)."""
    entry = _tagged(ctx, params["ResourceArn"])
    entry.tags = {k: v for k, v in entry.tags.items() if k not in params["TagKeys"]}
    return {}


def list_tags_for_resource(ctx: Context, params: Params) -> Response:
    """ListTagsForResource: on a builder ARN, ``{"Tags": {...}}`` (empty when untagged)."""
    return {"Tags": dict(_tagged(ctx, params["ResourceArn"]).tags)}


def _digest(payload: str) -> str:
    return hmac.new(b"pytest-appstream page", payload.encode(), hashlib.sha256).hexdigest()[:16]


def page_token(ctx: Context, operation: str, after: int) -> str:
    """An opaque ``NextToken``: resume after position ``after`` of this listing.

    The position is a builder's creation sequence number (or, with ``Names``, an index into
    them), never an offset into the live builders, so a builder deleted or created between two
    pages neither skips nor repeats one.
    """
    payload = f"{operation}:{ctx.account}:{ctx.region}:{after}"
    return base64.urlsafe_b64encode(f"{payload}:{_digest(payload)}".encode()).decode()


def page_position(ctx: Context, operation: str, token: str) -> int:
    """The position a :func:`page_token` resumes after; a malformed or foreign one is AWS's error.

    >>> ctx = Context(Registry(), "123456789012", "us-east-1")
    >>> page_position(ctx, "DescribeImageBuilders", page_token(ctx, "DescribeImageBuilders", 7))
    7
    """
    try:
        text = base64.urlsafe_b64decode(token.encode("ascii")).decode("ascii")
        payload, _, digest = text.rpartition(":")
        expected = f"{operation}:{ctx.account}:{ctx.region}:"
        position = payload.removeprefix(expected)
        if (
            payload.startswith(expected)
            and position.isdigit()
            and hmac.compare_digest(digest, _digest(payload))
        ):
            return int(position)
    except (binascii.Error, UnicodeError, ValueError):
        pass
    raise ServiceError("ValidationException", f"Invalid NextToken: {token}")


_pending_of = operator.attrgetter("pending")


def describe_image_builders(ctx: Context, params: Params) -> Response:
    """DescribeImageBuilders: by ``Names`` (an unknown one is ResourceNotFoundException) or all.

    Pages hold ``MaxResults`` builders (:data:`DEFAULT_PAGE_SIZE` without it), in creation order;
    ``NextToken`` resumes after the last builder returned (see :func:`page_token`). Each builder
    on the page counts as one poll of its in-between state (once, even when ``Names`` repeats it).
    """
    size = params.get("MaxResults", DEFAULT_PAGE_SIZE)
    if size < 1:
        raise ServiceError(
            "ValidationException",
            message(
                [problem(size, "maxResults", "Member must have value greater than or equal to 1")]
            ),
        )
    token = params.get("NextToken")
    after = -1 if token is None else page_position(ctx, "DescribeImageBuilders", token)
    names = params.get("Names")
    if names is None:
        entries = [
            e for e in ctx.registry.store(ctx.account, ctx.region).values() if e.sequence > after
        ]
        if any(map(_pending_of, entries)):  # else settling is a no-op: skip the Python loop
            entries = [e for e in (_settled(ctx, e) for e in entries) if e is not None]
        page = entries[:size]
        last = page[-1].sequence if page else after
    else:
        page = [read(ctx, name) for name in names[after + 1 : after + 1 + size]]
        entries, last = names[after + 1 :], after + len(page)
    # A name asked for twice is answered twice, but read once: one poll per builder and call.
    polled = page if names is None else {id(e): e for e in page}.values()
    for entry in polled:
        if entry.pending is not None:
            entry.pending.polled()
    response: Response = {"ImageBuilders": [e.builder.wire_items() for e in page]}
    if size < len(entries):
        response["NextToken"] = page_token(ctx, "DescribeImageBuilders", last)
    return response


#: The operations the fake implements, by AWS name.
HANDLERS: dict[str, Handler] = {
    "CreateImageBuilder": create_image_builder,
    "StartImageBuilder": start_image_builder,
    "StopImageBuilder": stop_image_builder,
    "DeleteImageBuilder": delete_image_builder,
    "DescribeImageBuilders": describe_image_builders,
    "CreateImageBuilderStreamingURL": create_image_builder_streaming_url,
    "TagResource": tag_resource,
    "UntagResource": untag_resource,
    "ListTagsForResource": list_tags_for_resource,
}
