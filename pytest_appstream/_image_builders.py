"""Image builders: the kind's rules (one table) and the operations on them.

>>> IMAGE_BUILDERS.actions["StopImageBuilder"].to
'STOPPED'
"""

from __future__ import annotations

import copy
from typing import Any

from botocore import xform_name

from . import _images
from ._errors import AppStreamUsageError, ServiceError
from ._kinds import Action, Kind, register
from ._model import ImageBuilder, builder_members
from ._registry import Entry
from ._seeding import agent_fields, build_builder, default_platform
from ._service import (
    Context,
    Handler,
    Params,
    Response,
    act,
    builder_url,
    find,
    indexed_page,
    named_page,
    page_of,
    paged,
    poll,
    read,
    refusal,
)

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
        verbs="appstream",
        on_seed=lambda ctx, entry, **_: _seeded(ctx, entry),
        on_advance=lambda entry: finish_deployment(entry, now=True),
        marker_help="seed one AppStream image builder (fields: snake_case ImageBuilder members, "
        "nested values in wire form)",
        order=1,
    )
)


def _seeded(ctx: Context, entry: Entry) -> None:
    """A seeded builder's image exists (seeding states a world); a builder of the account's own
    image has that image's platform (the default one for an image made for it)."""
    record: Any = entry.record
    if record.platform is None:
        image = _images.by_arn(ctx, record.image_arn)
        platform = getattr(image.record, "platform", None) if image is not None else None
        ctx.registry.update(
            ctx.account,
            ctx.region,
            entry.name,
            IMAGE_BUILDERS.collection,
            platform=platform or default_platform(),
        )
    _images.ensure(ctx, record.image_arn, getattr(entry.record, "platform", None))


#: CreateImageBuilderStreamingURL ``Validity`` in seconds, by default (API reference).
DEFAULT_VALIDITY = 3600


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
    image = _images.usable(
        ctx, name=params.get("ImageName"), arn=params.get("ImageArn"), purpose="allowImageBuilder"
    )
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
    software = software_of(entry)
    software.update(installed(image))
    software.update(dict.fromkeys(params.get("SoftwaresToInstall", []), "STAGED_FOR_INSTALLATION"))
    for name in params.get("SoftwaresToUninstall", []):
        if name in software:
            software[name] = "STAGED_FOR_UNINSTALLATION"
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
    claims = {"type": "IMAGE_BUILDER", "imageBuilderName": name}
    return builder_url(ctx, IMAGE_BUILDERS, name, params, DEFAULT_VALIDITY, claims)


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
    return paged({"ImageBuilders": [e.record.wire_items() for e in page]}, token)


def update_image_builder(ctx: Context, params: Params) -> Response:
    """UpdateImageBuilder: a STOPPED builder's description, display name and agent access."""
    name = params["Name"]
    entry = read(ctx, IMAGE_BUILDERS, name)
    deleted = params.get("AttributesToDelete", [])
    if "AgentAccessConfig" in params and "AGENT_ACCESS_CONFIG" in deleted:
        raise ServiceError(
            "InvalidParameterCombinationException",
            "AgentAccessConfig cannot be both set and deleted in one request.",
        )
    if entry.state != "STOPPED":
        raise _refused(ctx, entry, "update", "OperationNotPermittedException")
    changes: dict[str, Any] = {
        member: copy.deepcopy(params[member])
        for member in ("Description", "DisplayName", "AgentAccessConfig")
        if member in params
    }
    if "AGENT_ACCESS_CONFIG" in deleted:
        changes["AgentAccessConfig"] = None
    set_members(ctx, entry, changes)
    return {"ImageBuilder": entry.record.wire_items()}


#: What a builder needs for the operations outside the rule table, as their refusals say it.
_NEEDS = {
    "update": "The image builder must be in a STOPPED state to update.",
    "deploy": "The image builder must be in a RUNNING state to deploy software.",
    "change": "The image builder must be in a RUNNING or STOPPED state to change its software.",
}


def _refused(ctx: Context, entry: Entry, verb: str, error: str) -> ServiceError:
    """A state error of an operation outside the rule table: its own error in a resting state."""
    return refusal(ctx, IMAGE_BUILDERS, entry, _NEEDS[verb], error)


def set_members(ctx: Context, entry: Entry, changes: dict[str, Any]) -> None:
    """Set wire members of a record (``None``: unset), its own fields and its ``extra`` alike."""
    fields = {xform_name(member): value for member, value in changes.items()}
    ctx.registry.update(entry.account, entry.region, entry.name, entry.kind, **fields)


# -- license-included software --------------------------------------------------------------------


def software_of(entry: Entry) -> dict[str, str]:
    """The software of a builder or image: name -> ``SoftwareDeploymentStatus``."""
    software: dict[str, str] = entry.data.setdefault("software", {})
    return software


def installed(entry: Entry) -> dict[str, str]:
    """The software installed on a builder or image (what an image made from it carries)."""
    software: dict[str, str] = entry.data.get("software", {})
    return {name: status for name, status in software.items() if status == "INSTALLED"}


def _changeable(ctx: Context, name: str) -> Entry:
    entry = read(ctx, IMAGE_BUILDERS, name)
    if entry.state not in ("RUNNING", "STOPPED"):
        raise _refused(ctx, entry, "change", "OperationNotPermittedException")
    return entry


def associate_software_to_image_builder(ctx: Context, params: Params) -> Response:
    """AssociateSoftwareToImageBuilder: software staged for installation (RUNNING or STOPPED)."""
    software = software_of(_changeable(ctx, params["ImageBuilderName"]))
    for name in params["SoftwareNames"]:
        if software.get(name) not in ("INSTALLED", "PENDING_INSTALLATION"):
            software[name] = "STAGED_FOR_INSTALLATION"
    return {}


def disassociate_software_from_image_builder(ctx: Context, params: Params) -> Response:
    """DisassociateSoftwareFromImageBuilder: installed software staged for removal, staged
    software dropped; a name not associated is ignored."""
    software = software_of(_changeable(ctx, params["ImageBuilderName"]))
    for name in params["SoftwareNames"]:
        status = software.get(name)
        if status in ("STAGED_FOR_INSTALLATION", "FAILED_TO_INSTALL"):
            del software[name]
        elif status is not None:
            software[name] = "STAGED_FOR_UNINSTALLATION"
    return {}


#: What a deployment does to each status: while under way, and once done (``None``: removed).
DEPLOYMENT = {
    "STAGED_FOR_INSTALLATION": ("PENDING_INSTALLATION", "INSTALLED"),
    "STAGED_FOR_UNINSTALLATION": ("PENDING_UNINSTALLATION", None),
}
_RETRIED = {
    "FAILED_TO_INSTALL": "STAGED_FOR_INSTALLATION",
    "FAILED_TO_UNINSTALL": "STAGED_FOR_UNINSTALLATION",
}


def start_software_deployment_to_image_builder(ctx: Context, params: Params) -> Response:
    """StartSoftwareDeploymentToImageBuilder: staged software goes PENDING_*, then INSTALLED or
    removed by the transitions policy (each DescribeSoftwareAssociations read is a poll)."""
    entry = read(ctx, IMAGE_BUILDERS, params["ImageBuilderName"])
    if entry.state != "RUNNING":
        raise _refused(ctx, entry, "deploy", "OperationNotPermittedException")
    software = software_of(entry)
    if params.get("RetryFailedDeployments"):
        software.update({n: _RETRIED[s] for n, s in software.items() if s in _RETRIED})
    for name, status in list(software.items()):
        if status in DEPLOYMENT:
            software[name] = DEPLOYMENT[status][0]
    entry.data["deployment"] = ctx.pending(IMAGE_BUILDERS, "PENDING_SOFTWARE", None)
    return {}


def finish_deployment(entry: Entry, *, now: bool = False) -> None:
    """Complete a builder's software deployment when it is due (``now``: at once)."""
    deployment = entry.data.get("deployment")
    if deployment is None or not (now or deployment.due()):
        return
    del entry.data["deployment"]
    software = software_of(entry)
    for name, status in list(software.items()):
        done = {pending: final for pending, final in DEPLOYMENT.values()}
        if status in done:
            if done[status] is None:
                del software[name]
            else:
                software[name] = str(done[status])


def describe_software_associations(ctx: Context, params: Params) -> Response:
    """DescribeSoftwareAssociations: the software of a builder or image, by its ARN."""
    arn = params["AssociatedResource"]
    name = arn.rpartition("/")[2]
    entry: Entry | None = None
    if ":image-builder/" in arn:
        entry = find(ctx, IMAGE_BUILDERS, name)
    elif ":image/" in arn:
        entry = _images.by_arn(ctx, arn)
    if entry is None or getattr(entry.record, "arn", None) != arn:
        raise ServiceError("ResourceNotFoundException", f"The resource {arn} does not exist.")
    deployment = entry.data.get("deployment")
    if deployment is not None:
        finish_deployment(entry)
        deployment.polled()
    rows = [
        {"SoftwareName": name, "Status": status}
        for name, status in sorted(software_of(entry).items())
    ]
    page, token = indexed_page(ctx, "DescribeSoftwareAssociations", params, rows)
    return paged({"AssociatedResource": arn, "SoftwareAssociations": page}, token)


HANDLERS: dict[str, Handler] = {
    "CreateImageBuilder": create_image_builder,
    "StartImageBuilder": start_image_builder,
    "StopImageBuilder": stop_image_builder,
    "DeleteImageBuilder": delete_image_builder,
    "DescribeImageBuilders": describe_image_builders,
    "CreateImageBuilderStreamingURL": create_image_builder_streaming_url,
    "UpdateImageBuilder": update_image_builder,
    "AssociateSoftwareToImageBuilder": associate_software_to_image_builder,
    "DisassociateSoftwareFromImageBuilder": disassociate_software_from_image_builder,
    "StartSoftwareDeploymentToImageBuilder": start_software_deployment_to_image_builder,
    "DescribeSoftwareAssociations": describe_software_associations,
}
