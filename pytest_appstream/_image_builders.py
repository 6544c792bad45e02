"""Image builders: the kind's rules (one table) and the operations on them.

>>> IMAGE_BUILDERS.actions["StopImageBuilder"].to
'STOPPED'
"""

from __future__ import annotations

import base64
import copy
import datetime
import hashlib
import json

from botocore import xform_name

from . import _images
from ._kinds import Action, Kind, register
from ._service import (
    Context,
    Handler,
    Params,
    Response,
    act,
    find,
    named_page,
    page_of,
    poll,
    read,
)
from .errors import AppStreamUsageError, ServiceError
from .model import ImageBuilder, builder_members
from .seeding import agent_fields, build_builder, partition
from .validation import message, problem

#: The states in which an image builder waits for an action; every other state of the model is an
#: in-between state, in which every action answers ConcurrentModificationException.
STABLE_STATES = ("RUNNING", "STOPPED", "FAILED")

#: The state rules of AWS's developer guide ("Image Builder Actions"), our reading of it; the
#: state-rules page of the docs is generated from this table and says whose each rule is.
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

IMAGE_BUILDERS = register(
    Kind(
        collection="builders",
        label="image builder",
        data_key="image_builders",
        marker="appstream_builder",
        record=ImageBuilder,
        arn_resource="image-builder",
        states_shape="ImageBuilderState",
        default_state="RUNNING",
        resting_states=STABLE_STATES,
        actions=ACTIONS,
        seeded_ends=SEEDED_ENDS,
        seeded_default_end="RUNNING",
        durations=DURATIONS,
        default_duration=DEFAULT_DURATION,
        build=build_builder,
        create_operation="CreateImageBuilder",
        on_seed=lambda ctx, entry: _images.ensure(
            ctx, entry.record.image_arn, entry.record.platform
        ),
        order=1,
    )
)

#: CreateImageBuilderStreamingURL ``Validity`` in seconds: default and bounds (API reference).
DEFAULT_VALIDITY = 3600
VALIDITY_RANGE = (1, 604800)


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
    if find(ctx, IMAGE_BUILDERS, name) is not None:
        raise ServiceError(
            "ResourceAlreadyExistsException",
            f"The image builder {name} already exists for account {ctx.account}.",
        )
    image = _images.usable(ctx, name=params.get("ImageName"), arn=params.get("ImageArn"))
    members = builder_members()
    fields = {
        xform_name(member): copy.deepcopy(value)
        for member, value in params.items()
        if member in members and member != "Name"
    }
    fields["image_arn"] = getattr(image.record, "arn")  # noqa: B009 (every image has one)
    fields.setdefault("platform", getattr(image.record, "platform", None))
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
    entry.pending = ctx.pending(IMAGE_BUILDERS, "PENDING", "RUNNING")
    return {"ImageBuilder": builder.wire_items()}


def start_image_builder(ctx: Context, params: Params) -> Response:
    """StartImageBuilder: STOPPED -> PENDING -> RUNNING (``AppstreamAgentVersion`` applied)."""
    changes = agent_fields(params.get("AppstreamAgentVersion"))
    entry = act(ctx, IMAGE_BUILDERS, "StartImageBuilder", params["Name"], **changes)
    return {"ImageBuilder": entry.record.wire_items()}


def stop_image_builder(ctx: Context, params: Params) -> Response:
    """StopImageBuilder: RUNNING -> STOPPING -> STOPPED."""
    entry = act(ctx, IMAGE_BUILDERS, "StopImageBuilder", params["Name"])
    return {"ImageBuilder": entry.record.wire_items()}


def delete_image_builder(ctx: Context, params: Params) -> Response:
    """DeleteImageBuilder: RUNNING, STOPPED or FAILED -> DELETING -> gone."""
    entry = act(ctx, IMAGE_BUILDERS, "DeleteImageBuilder", params["Name"])
    return {"ImageBuilder": entry.record.wire_items()}


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
    entry = read(ctx, IMAGE_BUILDERS, name)
    state = entry.state
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


def describe_image_builders(ctx: Context, params: Params) -> Response:
    """DescribeImageBuilders: by ``Names`` (an unknown one is ResourceNotFoundException) or all.

    Pages hold ``MaxResults`` builders (25 without it), in creation order; ``NextToken`` resumes
    after the last builder returned. Each builder on the page counts as one poll of its
    in-between state (once, even when ``Names`` repeats it).
    """
    names = params.get("Names")
    operation = "DescribeImageBuilders"
    if names is None:
        page, token = page_of(ctx, operation, params, list(ctx.store(IMAGE_BUILDERS).values()))
    else:
        page, token = named_page(
            ctx, operation, params, names, lambda name: read(ctx, IMAGE_BUILDERS, name)
        )
    poll(page)
    response: Response = {"ImageBuilders": [e.record.wire_items() for e in page]}
    if token is not None:
        response["NextToken"] = token
    return response


HANDLERS: dict[str, Handler] = {
    "CreateImageBuilder": create_image_builder,
    "StartImageBuilder": start_image_builder,
    "StopImageBuilder": stop_image_builder,
    "DeleteImageBuilder": delete_image_builder,
    "DescribeImageBuilders": describe_image_builders,
    "CreateImageBuilderStreamingURL": create_image_builder_streaming_url,
}
