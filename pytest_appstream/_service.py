"""The operation core, generic over resource kinds: reading, the rule table, pages and tags.

Each handler takes a :class:`Context` (registry, account, region, transition policy, clock) and
the request parameters in wire form, and returns the response in wire form or raises
:class:`~pytest_appstream._errors.ServiceError`. A call that raises has changed nothing. The kind
modules (``_image_builders``, ``_images``, ...) build their handlers from these pieces.

>>> ctx = Context(Registry(), "123456789012", "us-east-1")
>>> page_position(ctx, "DescribeImages", page_token(ctx, "DescribeImages", 3))
3
"""

from __future__ import annotations

import base64
import binascii
import datetime
import hashlib
import hmac
import json
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

import attrs

from ._clock import Clock
from ._errors import ServiceError
from ._kinds import Kind, kind, kinds
from ._model import shape
from ._registry import Entry, Registry
from ._transitions import Pending, pending
from ._validation import message, problem

Params = dict[str, Any]
Response = dict[str, Any]
Handler = Callable[["Context", Params], Response]
T = TypeVar("T")

#: Page size of a Describe call without MaxResults. AWS does not document it: ours.
DEFAULT_PAGE_SIZE = 25


@attrs.define
class Context:
    """Who calls (account, region), how in-between states complete (policy, polls) and when."""

    registry: Registry
    account: str
    region: str
    policy: str = "polled"
    polls: int = 1
    clock: Clock = attrs.field(factory=Clock)

    def pending(self, of: Kind, via: str, to: str | None) -> Pending:
        """The transition of a resource of kind ``of`` from the in-between ``via`` to ``to``."""
        return pending(
            to, self.policy, polls=self.polls, clock=self.clock, duration=of.duration(via)
        )

    def store(self, of: Kind) -> dict[str, Entry]:
        """The live resources of kind ``of`` in the caller's account and region."""
        return self.registry.store(self.account, self.region, of.collection)


def seeded_pending(ctx: Context, of: Kind, state: str) -> Pending | None:
    """How a resource seeded in ``state`` completes under the transitions policy (resting: never)."""
    if not of.in_between(state):
        return None
    return ctx.pending(of, state, of.seeded_end(state))


def not_found(ctx: Context, of: Kind, name: str) -> ServiceError:
    """ResourceNotFoundException for a name, in AWS's style (``The image X for account Y ...``)."""
    return ServiceError(
        of.not_found_error, f"The {of.label} {name} for account {ctx.account} does not exist."
    )


def complete(ctx: Context, entry: Entry, operation: str = "advance") -> None:
    """Finish ``entry``'s pending transition now (a deleted resource leaves the registry)."""
    pending_, entry.pending = entry.pending, None
    if pending_ is None:
        return
    if pending_.to_state is None:
        ctx.registry.remove(entry.account, entry.region, entry.name, operation, entry.kind)
    else:
        ctx.registry.set_state(
            entry.account, entry.region, entry.name, pending_.to_state, operation, entry.kind
        )


def settled(ctx: Context, entry: Entry | None) -> Entry | None:
    """``entry`` as a read sees it now: a due transition completes first (None once deleted)."""
    if entry is not None and entry.pending is not None and entry.pending.due():
        complete(ctx, entry)
        return ctx.registry.get(entry.account, entry.region, entry.name, entry.kind)
    return entry


def find(ctx: Context, of: Kind, name: str) -> Entry | None:
    """The live resource ``name`` of kind ``of`` as a call sees it, or None."""
    return settled(ctx, ctx.registry.get(ctx.account, ctx.region, name, of.collection))


def read(ctx: Context, of: Kind, name: str) -> Entry:
    """The live resource ``name`` of kind ``of`` as a call sees it, or ResourceNotFoundException."""
    entry = find(ctx, of, name)
    if entry is None:
        raise not_found(ctx, of, name)
    return entry


def remove(ctx: Context, of: Kind, name: str, operation: str) -> None:
    """Delete the live resource ``name`` of kind ``of`` now, and the resources that are part of
    it (a stack's entitlements and theme), each history ending with ``operation``."""
    ctx.registry.remove(ctx.account, ctx.region, name, operation, of.collection)
    for part in kinds():
        if part.part_of is not None and part.part_of[0] == of.collection:
            for entry in list(ctx.store(part).values()):
                if getattr(entry.record, part.part_of[1], None) == name:
                    ctx.registry.remove(
                        ctx.account, ctx.region, entry.name, operation, part.collection
                    )


def _needs(allowed: tuple[str, ...]) -> str:
    return allowed[0] if len(allowed) == 1 else ", ".join(allowed[:-1]) + " or " + allowed[-1]


def refusal(ctx: Context, of: Kind, entry: Entry, needs: str, error: str | None) -> ServiceError:
    """The error for an action on ``entry`` in a state it does not allow; ``needs`` says which.

    A resting state answers ``error`` (when there is one); an in-between one (or none)
    ConcurrentModification.
    """
    where = f"The {of.label} {entry.name} for account {ctx.account} is {entry.state}."
    if not of.in_between(entry.state) and error:
        return ServiceError(error, f"{where} {needs}")
    return ServiceError(
        "ConcurrentModificationException",
        f"{where} Wait until the current operation completes, then try again. {needs}",
    )


def act(ctx: Context, of: Kind, operation: str, name: str, **changes: Any) -> Entry:
    """Apply a rule of ``of.actions``: check the state, enter the in-between state.

    ``changes`` (snake_case fields) are applied with the state, only if the rule allows.
    """
    action = of.actions[operation]
    entry = read(ctx, of, name)
    if entry.state in action.unchanged:
        return entry
    if entry.state not in action.allowed:
        verb = operation.removesuffix(of.record.SHAPE).lower()
        needs = f"The {of.label} must be in a {_needs(action.allowed)} state to {verb}."
        raise refusal(ctx, of, entry, needs, action.refused)
    ctx.registry.set_state(
        ctx.account, ctx.region, name, action.via, operation, of.collection, **changes
    )
    entry.pending = None if action.via == action.to else ctx.pending(of, action.via, action.to)
    return entry


#: ``Validity`` of a streaming URL, in seconds: its bounds (the models').
VALIDITY_RANGE = (1, 604800)


def expiry(ctx: Context, params: Params, default: int) -> datetime.datetime:
    """When a streaming URL a call asks for expires: ``Validity`` seconds (``default`` without
    one) from now on the fake's clock; out of :data:`VALIDITY_RANGE` is AWS's ValidationException.
    """
    validity: int = params.get("Validity", default)
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
    return ctx.clock.now() + datetime.timedelta(seconds=validity)


def streaming_url(region: str, token: Mapping[str, Any]) -> str:
    """AWS's form of a streaming URL, ``https://appstream2.<region>.aws.amazon.com/authenticate
    ?parameters=...``, carrying ``token``: deterministic (real ones carry a signed, opaque token).
    """
    data = json.dumps(token, separators=(",", ":")).encode()
    parameters = base64.urlsafe_b64encode(data).decode().rstrip("=")
    signature = hashlib.sha256(data).hexdigest()
    domain = "amazonaws.com.cn" if region.startswith("cn-") else "aws.amazon.com"
    return (
        f"https://appstream2.{region}.{domain}/authenticate"
        f"?parameters={parameters}&signature={signature}"
    )


def builder_url(
    ctx: Context, of: Kind, name: str, params: Params, validity: int, claims: Mapping[str, str]
) -> Response:
    """A Create*StreamingURL answer for the builder ``name`` of kind ``of`` (an image or app block
    builder), which must be RUNNING (else OperationNotPermittedException, the state error these
    operations' models list); ``validity`` is the default ``Validity``, ``claims`` name it in the
    URL's token (``{"type": "IMAGE_BUILDER", "imageBuilderName": name}``)."""
    expires = expiry(ctx, params, validity)
    entry = read(ctx, of, name)
    if entry.state != "RUNNING":
        raise ServiceError(
            "OperationNotPermittedException",
            f"The {of.label} {name} for account {ctx.account} is {entry.state}. "
            f"The {of.label} must be in a RUNNING state to connect.",
        )
    token = {
        "type": claims["type"],
        "expires": int(expires.timestamp()),
        "awsAccountId": ctx.account,
    }
    token.update((key, value) for key, value in claims.items() if key != "type")
    return {"StreamingURL": streaming_url(ctx.region, token), "Expires": expires}


# -- pages --------------------------------------------------------------------------------------


def _digest(payload: str) -> str:
    return hmac.new(b"pytest-appstream page", payload.encode(), hashlib.sha256).hexdigest()[:16]


def page_token(ctx: Context, operation: str, after: int) -> str:
    """An opaque ``NextToken``: resume after position ``after`` of this listing.

    The position is a resource's creation sequence number (or, with ``Names``, an index into
    them), never an offset into the live resources, so a resource deleted or created between two
    pages neither skips nor repeats one.
    """
    payload = f"{operation}:{ctx.account}:{ctx.region}:{after}"
    return base64.urlsafe_b64encode(f"{payload}:{_digest(payload)}".encode()).decode()


def page_position(ctx: Context, operation: str, token: str) -> int:
    """The position a :func:`page_token` resumes after; a malformed or foreign one is AWS's error."""
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


def page_size(params: Params, member: str = "MaxResults") -> int:
    """The page size a request asks for (:data:`DEFAULT_PAGE_SIZE` without one); < 1 is refused."""
    size: int = params.get(member, DEFAULT_PAGE_SIZE)
    if size < 1:
        location = member[0].lower() + member[1:]
        raise ServiceError(
            "ValidationException",
            message([problem(size, location, "Member must have value greater than or equal to 1")]),
        )
    return size


def page_of(
    ctx: Context, operation: str, params: Params, entries: Iterable[Entry]
) -> tuple[list[Entry], str | None]:
    """One page of ``entries`` (live resources in creation order) and the token of the next.

    Resumes after the ``NextToken`` of ``params``; a due transition completes first, so a
    resource deleted meanwhile is left out.
    """
    size = page_size(params)
    token = params.get("NextToken")
    after = -1 if token is None else page_position(ctx, operation, token)
    remaining = [e for e in entries if e.sequence > after]
    if any(e.pending is not None for e in remaining):  # else settling is a no-op
        remaining = [e for e in (settled(ctx, e) for e in remaining) if e is not None]
    page = remaining[:size]
    more = size < len(remaining)
    return page, page_token(ctx, operation, page[-1].sequence) if more else None


def indexed_page(
    ctx: Context, operation: str, params: Params, items: list[T]
) -> tuple[list[T], str | None]:
    """One page of a fixed list (the ``Names`` a call asks for, rows of a listing), by index."""
    size = page_size(params)
    token = params.get("NextToken")
    after = -1 if token is None else page_position(ctx, operation, token)
    page = items[after + 1 : after + 1 + size]
    more = after + 1 + size < len(items)
    return page, page_token(ctx, operation, after + len(page)) if more else None


def named_page(
    ctx: Context, operation: str, params: Params, names: list[str], lookup: Callable[[str], Entry]
) -> tuple[list[Entry], str | None]:
    """One page of the resources ``names`` asks for, in its order (a repeated name answered twice)."""
    page, token = indexed_page(ctx, operation, params, names)
    return [lookup(name) for name in page], token


def paged(response: Response, token: str | None) -> Response:
    """``response`` with the ``NextToken`` of the next page, if there is one."""
    if token is not None:
        response["NextToken"] = token
    return response


def poll(page: Iterable[Entry]) -> None:
    """Count one read of each resource on a page (once per resource, even when named twice)."""
    for entry in {id(e): e for e in page}.values():
        if entry.pending is not None:
            entry.pending.polled()


# -- tags (every kind with an ARN) ----------------------------------------------------------------


def tagged(ctx: Context, arn: str) -> Entry:
    """The live resource with ARN ``arn`` in the caller's account and region, of any kind: the
    ARN names the kind (``image-builder/``) and the resource, so it is a lookup, not a scan."""
    resource, _, name = arn.rpartition(":")[2].partition("/")
    for of in kinds():
        if of.arn_resource == resource:
            found = find(ctx, of, name)
            if found is not None and getattr(found.record, "arn", None) == arn:
                return found
    raise ServiceError("ResourceNotFoundException", f"The resource {arn} does not exist.")


def tag_resource(ctx: Context, params: Params) -> Response:
    """TagResource: adds or overwrites tags (at most 50 per resource)."""
    entry = tagged(ctx, params["ResourceArn"])
    tags = {**entry.tags, **params["Tags"]}
    limit = shape("Tags").metadata.get("max", 50)
    if len(tags) > limit:
        raise ServiceError(
            "LimitExceededException",
            f"The {kind(entry.kind).label} {entry.name} for account {ctx.account} has "
            f"{len(entry.tags)} tags; {len(tags) - len(entry.tags)} more would exceed the limit "
            f"of {limit} tags per resource.",
        )
    entry.tags = tags
    return {}


def untag_resource(ctx: Context, params: Params) -> Response:
    """UntagResource: removes the keys the resource has (others are ignored)."""
    entry = tagged(ctx, params["ResourceArn"])
    entry.tags = {k: v for k, v in entry.tags.items() if k not in params["TagKeys"]}
    return {}


def list_tags_for_resource(ctx: Context, params: Params) -> Response:
    """ListTagsForResource: ``{"Tags": {...}}`` (empty when untagged)."""
    return {"Tags": dict(tagged(ctx, params["ResourceArn"]).tags)}


HANDLERS: dict[str, Handler] = {
    "TagResource": tag_resource,
    "UntagResource": untag_resource,
    "ListTagsForResource": list_tags_for_resource,
}
