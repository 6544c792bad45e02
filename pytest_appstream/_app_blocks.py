"""App blocks, the packaged applications of Elastic fleets; and their operations.

An app block names a virtual hard disk (VHD) in S3 and how to mount it. ``CUSTOM`` packaging
brings its own VHD and setup script and is ``ACTIVE`` at once; ``APPSTREAM2`` packaging is
``INACTIVE`` until an app block builder has packaged it: in the fake, when an app block builder
associated with it is stopped after running (``StopAppBlockBuilder``), as the packaging session
ends.

The family's shared helpers live here too (ARNs, lookups by ARN, fields from a request), since
app block builders, applications and entitlements all build on app blocks.

>>> app_block_arn("us-east-1", "123456789012", "office")
'arn:aws:appstream:us-east-1:123456789012:app-block/office'
"""

from __future__ import annotations

import copy
import datetime
from collections.abc import Mapping
from typing import Any, ClassVar

import attrs
from botocore import xform_name

from ._errors import AppStreamUsageError, ServiceError
from ._kinds import Kind, register
from ._model import Record, aware, members_of
from ._registry import Entry
from ._seeding import (
    BASE_CREATED_TIME,
    check_fields,
    check_name,
    check_state,
    partition,
    show,
)
from ._service import (
    Context,
    Handler,
    Params,
    Response,
    find,
    named_page,
    not_found,
    page_of,
    paged,
    read,
)


@attrs.frozen(kw_only=True)
class AppBlock(Record):
    """One AppBlock as the fake holds it: every member of its botocore shape, snake_case.

    Nested members keep their wire form; members a newer botocore adds live in ``extra``.
    """

    SHAPE: ClassVar[str] = "AppBlock"

    name: str
    state: str
    arn: str | None = None
    description: str | None = None
    display_name: str | None = None
    source_s3_location: Mapping[str, Any] | None = None
    setup_script_details: Mapping[str, Any] | None = None
    created_time: datetime.datetime | None = attrs.field(default=None, converter=aware)
    post_setup_script_details: Mapping[str, Any] | None = None
    packaging_type: str | None = None
    app_block_errors: list[Any] | None = None
    extra: Mapping[str, Any] = attrs.field(factory=dict, repr=False)


# -- the family's helpers ------------------------------------------------------------------------


def resource_arn(region: str, account_id: str, resource: str, name: str) -> str:
    """``arn:aws:appstream:{region}:{account}:{resource}/{name}``."""
    return f"arn:{partition(region)}:appstream:{region}:{account_id}:{resource}/{name}"


def app_block_arn(region: str, account_id: str, name: str) -> str:
    """The ARN of app block ``name``."""
    return resource_arn(region, account_id, "app-block", name)


def by_arn(ctx: Context, of: Kind, arn: str) -> Entry | None:
    """The live resource of kind ``of`` with ARN ``arn`` in the caller's account and region."""
    resource, _, name = arn.rpartition(":")[2].partition("/")
    if resource != of.arn_resource:
        return None
    found = find(ctx, of, name)
    return found if found is not None and getattr(found.record, "arn", None) == arn else None


def read_arn(ctx: Context, of: Kind, arn: str) -> Entry:
    """:func:`by_arn`, or ResourceNotFoundException naming the resource of the ARN."""
    found = by_arn(ctx, of, arn)
    if found is None:
        raise not_found(ctx, of, arn.rpartition("/")[2] or arn)
    return found


def request_fields(params: Params, shape_name: str, *skip: str) -> dict[str, Any]:
    """The request's members that ``shape_name`` has (but ``skip``), as snake_case copies."""
    members = members_of(shape_name)
    return {
        xform_name(member): copy.deepcopy(value)
        for member, value in params.items()
        if member in members and member not in skip
    }


def set_members(ctx: Context, entry: Entry, changes: Mapping[str, Any]) -> None:
    """Set snake_case fields of an entry's record (``None``: unset), not its state."""
    ctx.registry.update(entry.account, entry.region, entry.name, entry.kind, **changes)


def already_exists(ctx: Context, of: Kind, name: str) -> ServiceError:
    """ResourceAlreadyExistsException in AWS's style."""
    return ServiceError(
        "ResourceAlreadyExistsException",
        f"The {of.label} {name} already exists for account {ctx.account}.",
    )


def linked(ctx: Context, kind_name: str, links: Mapping[str, int]) -> dict[str, Entry]:
    """The live resources of ``links`` (name -> the creation number it had when linked): a
    resource deleted since, or deleted and created again, is no longer linked."""
    found: dict[str, Entry] = {}
    for name, sequence in links.items():
        entry = ctx.registry.get(ctx.account, ctx.region, name, kind_name)
        if entry is not None and entry.sequence == sequence:
            found[name] = entry
    return found


#: A page of an association listing holds at most this many rows (the output list's maximum).
MAX_ASSOCIATIONS_PAGE = 25


def capped(params: Params) -> Params:
    """``params`` with ``MaxResults`` at most :data:`MAX_ASSOCIATIONS_PAGE` (ours: the model caps
    the answer's list at 25)."""
    size = params.get("MaxResults")
    if size is None or size <= MAX_ASSOCIATIONS_PAGE:
        return params
    return {**params, "MaxResults": MAX_ASSOCIATIONS_PAGE}


# -- the kind ------------------------------------------------------------------------------------

#: What ``PackagingType`` is when a request gives none (ours: the older API had custom app blocks
#: only, and ``SetupScriptDetails`` was required).
DEFAULT_PACKAGING = "CUSTOM"
#: The S3 bucket seeded app blocks name (ours, in the style of AppStream's own buckets).
SEEDED_BUCKET = "appstream-app-blocks-{region}-{account}"


def _script(bucket: str, key: str, executable: str) -> dict[str, Any]:
    return {
        "ScriptS3Location": {"S3Bucket": bucket, "S3Key": key},
        "ExecutablePath": executable,
        "TimeoutInSeconds": 60,
    }


def build_app_block(
    name: object,
    *,
    state: object = "ACTIVE",
    region: str,
    account_id: str,
    index: int,
    **fields: Any,
) -> AppBlock:
    """A checked :class:`AppBlock` with realistic defaults (a VHD and, for ``CUSTOM``, a setup
    script in an S3 bucket of the account).

    ``packaging_type`` is ``CUSTOM`` unless given; a custom app block is always ``ACTIVE`` and
    has no ``post_setup_script_details``; an ``APPSTREAM2`` one has no ``setup_script_details``.
    """
    checked_name = check_name(name, label="app block", source=("CreateAppBlock", "Name"))
    checked_state = check_state(state, states=APP_BLOCKS.states, label="app block")
    snake = {
        xform_name(m): v for m, v in check_fields(fields, "AppBlock", "CreateAppBlock").items()
    }
    packaging = snake.get("packaging_type", DEFAULT_PACKAGING)
    if packaging == "CUSTOM" and checked_state != "ACTIVE":
        raise AppStreamUsageError(
            f"state={checked_state!r} is not allowed for packaging_type='CUSTOM'; allowed: "
            "'ACTIVE' (custom app blocks are always ACTIVE), or packaging_type='APPSTREAM2'"
        )
    wrong = "post_setup_script_details" if packaging == "CUSTOM" else "setup_script_details"
    if wrong in snake:
        raise AppStreamUsageError(
            f"{wrong}={show(snake[wrong])} is not allowed for packaging_type={packaging!r}; "
            "allowed: setup_script_details for 'CUSTOM', post_setup_script_details for "
            "'APPSTREAM2'"
        )
    bucket = SEEDED_BUCKET.format(region=region, account=account_id)
    values: dict[str, Any] = {
        "arn": app_block_arn(region, account_id, checked_name),
        "source_s3_location": {"S3Bucket": bucket, "S3Key": f"{checked_name}/{checked_name}.vhdx"},
        "packaging_type": packaging,
        "created_time": BASE_CREATED_TIME + datetime.timedelta(minutes=index),
    }
    if packaging == "CUSTOM":
        values["setup_script_details"] = _script(
            bucket,
            f"{checked_name}/setup.ps1",
            r"C:\Windows\System32\WindowsPowerShell\v1.0"
            r"\powershell.exe",
        )
    values.update(snake)
    return AppBlock.from_fields(name=checked_name, state=checked_state, **values)


APP_BLOCKS = register(
    Kind(
        collection="app_blocks",
        label="app block",
        data_key="app_blocks",
        marker=None,
        record=AppBlock,
        arn_resource="app-block",
        states_shape="AppBlockState",
        default_state="ACTIVE",
        resting_states=("INACTIVE", "ACTIVE"),
        build=build_app_block,
        create_operation="CreateAppBlock",
        order=6,
    )
)


# -- who uses an app block -----------------------------------------------------------------------


def users_of(ctx: Context, arn: str) -> list[str]:
    """What uses the app block ``arn``: applications made from it, builders associated with it
    (``application excel``, ``app block builder packager``), as a read sees them now."""
    found = []
    for entry in list(ctx.registry.store(ctx.account, ctx.region, "applications").values()):
        if getattr(entry.record, "app_block_arn", None) == arn:
            found.append(f"application {entry.name}")
    for entry in list(ctx.registry.store(ctx.account, ctx.region, "app_block_builders").values()):
        if entry.data.get("app_block") == arn:
            found.append(f"app block builder {entry.name}")
    return found


def packaged(ctx: Context, arn: str) -> None:
    """An app block builder packaged the app block ``arn``: an ``APPSTREAM2`` app block that is
    ``INACTIVE`` becomes ``ACTIVE`` (its VHD now exists)."""
    entry = by_arn(ctx, APP_BLOCKS, arn)
    if entry is None or entry.state != "INACTIVE":
        return
    if getattr(entry.record, "packaging_type", None) != "APPSTREAM2":
        return
    ctx.registry.set_state(
        ctx.account, ctx.region, entry.name, "ACTIVE", "StopAppBlockBuilder", APP_BLOCKS.collection
    )


# -- operations ----------------------------------------------------------------------------------


def create_app_block(ctx: Context, params: Params) -> Response:
    """CreateAppBlock: ``CUSTOM`` (needs ``SetupScriptDetails``) is ``ACTIVE``; ``APPSTREAM2``
    (only ``PostSetupScriptDetails``) is ``INACTIVE`` until an app block builder packages it."""
    name = params["Name"]
    packaging = params.get("PackagingType", DEFAULT_PACKAGING)
    if packaging == "CUSTOM" and "SetupScriptDetails" not in params:
        raise ServiceError(
            "OperationNotPermittedException",
            "SetupScriptDetails must be provided for an app block with PackagingType CUSTOM.",
        )
    if packaging == "CUSTOM" and "PostSetupScriptDetails" in params:
        raise ServiceError(
            "OperationNotPermittedException",
            "PostSetupScriptDetails can only be provided for an app block with PackagingType "
            "APPSTREAM2.",
        )
    if packaging == "APPSTREAM2" and "SetupScriptDetails" in params:
        raise ServiceError(
            "OperationNotPermittedException",
            "SetupScriptDetails can only be provided for an app block with PackagingType CUSTOM; "
            "an APPSTREAM2 app block takes PostSetupScriptDetails only.",
        )
    if find(ctx, APP_BLOCKS, name) is not None:
        raise already_exists(ctx, APP_BLOCKS, name)
    record = AppBlock.from_fields(
        name=name,
        state="ACTIVE" if packaging == "CUSTOM" else "INACTIVE",
        arn=app_block_arn(ctx.region, ctx.account, name),
        created_time=ctx.clock.now(),
        **{**request_fields(params, "AppBlock", "Name"), "packaging_type": packaging},
    )
    entry = ctx.registry.seed(ctx.account, ctx.region, record, "CreateAppBlock", "app_blocks")
    entry.tags = dict(params.get("Tags", {}))
    return {"AppBlock": record.wire_items()}


def describe_app_blocks(ctx: Context, params: Params) -> Response:
    """DescribeAppBlocks: by ``Arns`` (an unknown one is ResourceNotFoundException) or all, in
    pages of ``MaxResults`` (25 without it)."""
    arns = params.get("Arns")
    operation = "DescribeAppBlocks"
    if arns is None:
        page, token = page_of(ctx, operation, params, list(ctx.store(APP_BLOCKS).values()))
    else:
        page, token = named_page(
            ctx, operation, params, arns, lambda arn: read_arn(ctx, APP_BLOCKS, arn)
        )
    return paged({"AppBlocks": [e.record.wire_items() for e in page]}, token)


def delete_app_block(ctx: Context, params: Params) -> Response:
    """DeleteAppBlock: refused while an application or an app block builder uses it."""
    name = params["Name"]
    entry = read(ctx, APP_BLOCKS, name)
    users = users_of(ctx, str(getattr(entry.record, "arn", "")))
    if users:
        raise ServiceError(
            "ResourceInUseException",
            f"The app block {name} is in use by {', '.join(users)}. Delete the applications and "
            "disassociate the app block builders, then try again.",
        )
    ctx.registry.remove(ctx.account, ctx.region, name, "DeleteAppBlock", APP_BLOCKS.collection)
    return {}


#: The operations of this module, by AWS name.
HANDLERS: dict[str, Handler] = {
    "CreateAppBlock": create_app_block,
    "DescribeAppBlocks": describe_app_blocks,
    "DeleteAppBlock": delete_app_block,
}
