"""App block builders, which package app blocks; and their operations.

An app block builder is created ``STOPPED``. It can be started only while it is associated with
an app block (``AssociateAppBlockBuilderAppBlock``); each start launches a new instance
(``STARTING`` -> ``RUNNING``), and stopping it (``STOPPING`` -> ``STOPPED``) ends the packaging
session: an ``APPSTREAM2`` app block associated with it that was ``INACTIVE`` is ``ACTIVE`` from
then on. It is deleted at once, from ``STOPPED``, once it has no app block.

>>> APP_BLOCK_BUILDERS.actions["StartAppBlockBuilder"].via
'STARTING'
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, ClassVar

import attrs
from botocore import xform_name

from ._app_blocks import (
    APP_BLOCKS,
    already_exists,
    build_app_block,
    by_arn,
    capped,
    packaged,
    read_arn,
    request_fields,
    resource_arn,
    set_members,
)
from ._errors import AppStreamUsageError, ServiceError
from ._kinds import Action, Kind, register
from ._model import Record, aware, shape
from ._registry import Entry
from ._seeding import (
    BASE_CREATED_TIME,
    _digest,
    check_fields,
    check_name,
    check_state,
    show,
)
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
from ._validation import message, problem


@attrs.frozen(kw_only=True)
class AppBlockBuilder(Record):
    """One AppBlockBuilder as the fake holds it: every member of its botocore shape, snake_case.

    Nested members keep their wire form; members a newer botocore adds live in ``extra``.
    """

    SHAPE: ClassVar[str] = "AppBlockBuilder"

    name: str
    state: str
    arn: str | None = None
    display_name: str | None = None
    description: str | None = None
    platform: str | None = None
    instance_type: str | None = None
    enable_default_internet_access: bool | None = None
    iam_role_arn: str | None = None
    vpc_config: Mapping[str, Any] | None = None
    created_time: datetime.datetime | None = attrs.field(default=None, converter=aware)
    app_block_builder_errors: list[Any] | None = None
    state_change_reason: Mapping[str, Any] | None = None
    access_endpoints: list[Any] | None = None
    disable_imdsv1: bool | None = None
    extra: Mapping[str, Any] = attrs.field(factory=dict, repr=False)


#: The state rules of the API reference and the developer guide ("App Block Builder Actions");
#: the state-rules page of the docs is generated from this table.
ACTIONS: dict[str, Action] = {
    "StartAppBlockBuilder": Action(
        ("STOPPED",), "STARTING", "RUNNING", "OperationNotPermittedException"
    ),
    "StopAppBlockBuilder": Action(
        ("RUNNING",), "STOPPING", "STOPPED", "OperationNotPermittedException"
    ),
}

#: ``timed`` durations (AWS gives no figure for app block builders: ours).
DURATIONS: dict[str, tuple[int, str]] = {
    "STARTING": (600, "ours: AWS gives no figure; an image builder takes 5 to 10 minutes"),
    "STOPPING": (300, "ours: AWS gives no figure; a fleet takes about 5 minutes to stop"),
}

#: The instance types an app block builder may use (the API reference).
INSTANCE_TYPES = (
    "stream.standard.small",
    "stream.standard.medium",
    "stream.standard.large",
    "stream.standard.xlarge",
    "stream.standard.2xlarge",
)
DEFAULT_INSTANCE_TYPE = "stream.standard.medium"
#: App block builders need at least this many subnets (in different Availability Zones).
MIN_SUBNETS = 2


def _platforms() -> tuple[str, ...]:
    return tuple(getattr(shape("AppBlockBuilderPlatformType"), "enum", ()))


def _arn(region: str, account_id: str, name: str) -> str:
    return resource_arn(region, account_id, "app-block-builder", name)


def build_app_block_builder(
    name: object,
    *,
    state: object = "STOPPED",
    region: str,
    account_id: str,
    index: int,
    **fields: Any,
) -> AppBlockBuilder:
    """A checked :class:`AppBlockBuilder` with realistic defaults (two subnets and a security
    group derived from the name, ``stream.standard.medium``, the model's platform)."""
    checked_name = check_name(
        name, label="app block builder", source=("CreateAppBlockBuilder", "Name")
    )
    checked_state = check_state(state, states=APP_BLOCK_BUILDERS.states, label="app block builder")
    snake = {
        xform_name(m): v
        for m, v in check_fields(fields, "AppBlockBuilder", "CreateAppBlockBuilder").items()
    }
    instance_type = snake.get("instance_type", DEFAULT_INSTANCE_TYPE)
    if instance_type not in INSTANCE_TYPES:
        raise AppStreamUsageError(
            f"instance_type={show(instance_type)} is not an app block builder instance type; "
            f"allowed: {', '.join(INSTANCE_TYPES)}"
        )
    subnets = (snake.get("vpc_config") or {}).get("SubnetIds")
    if subnets is not None and len(set(subnets)) < MIN_SUBNETS:
        raise AppStreamUsageError(
            f"vpc_config={show(snake['vpc_config'])} has {len(set(subnets))} subnet(s); allowed: "
            f"at least {MIN_SUBNETS} subnets in different Availability Zones"
        )
    h = _digest(account_id, region, checked_name)
    values: dict[str, Any] = {
        "arn": _arn(region, account_id, checked_name),
        "platform": (_platforms() or ("WINDOWS_SERVER_2019",))[0],
        "instance_type": DEFAULT_INSTANCE_TYPE,
        "vpc_config": {
            "SubnetIds": [f"subnet-{h[:17]}", f"subnet-{h[17:34]}"],
            "SecurityGroupIds": [f"sg-{h[34:51]}"],
        },
        "enable_default_internet_access": False,
        "disable_imdsv1": False,
        "created_time": BASE_CREATED_TIME + datetime.timedelta(minutes=index),
    }
    if "vpc_config" in snake:
        snake["vpc_config"] = {**values["vpc_config"], **snake["vpc_config"]}
    values.update(snake)
    return AppBlockBuilder.from_fields(name=checked_name, state=checked_state, **values)


#: The default of a seeded builder's ``app_block``: the app block of the builder's name, made
#: for it when there is none (seeding states a world: a builder in use is associated).
SAME_NAME = "<the app block of the builder's name>"


def _seeded(ctx: Context, entry: Entry, *, app_block: object = SAME_NAME) -> None:
    """A seeded builder's association: ``app_block`` names a live app block (its name or ARN);
    by default the app block of the builder's name, made (``APPSTREAM2``, ``INACTIVE``) when
    there is none; ``None``: no association (then it cannot be seeded starting or running)."""
    if app_block is None:
        if entry.state in ("STARTING", "RUNNING"):
            raise AppStreamUsageError(
                f"app_block=None is not allowed with state={entry.state!r}; allowed: the name of "
                "a seeded app block (AWS starts only an app block builder associated with an app "
                "block), or state='STOPPED'"
            )
        return
    if app_block is SAME_NAME:
        found = find(ctx, APP_BLOCKS, entry.name)
        if found is None:
            made = build_app_block(
                entry.name,
                state="INACTIVE",
                region=ctx.region,
                account_id=ctx.account,
                index=0,
                packaging_type="APPSTREAM2",
            )
            found = ctx.registry.seed(ctx.account, ctx.region, made, kind=APP_BLOCKS.collection)
    else:
        found = None
        if isinstance(app_block, str):
            found = by_arn(ctx, APP_BLOCKS, app_block) or find(ctx, APP_BLOCKS, app_block)
    if found is None:
        live = ", ".join(ctx.store(APP_BLOCKS)) or "none"
        raise AppStreamUsageError(
            f"app_block={show(app_block)} is not an app block of {ctx.account}/{ctx.region}; "
            f"allowed: the name or ARN of a seeded app block (live app_blocks: {live}), or None"
        )
    entry.data["app_block"] = getattr(found.record, "arn")  # noqa: B009 (every app block has one)


APP_BLOCK_BUILDERS = register(
    Kind(
        collection="app_block_builders",
        label="app block builder",
        data_key="app_block_builders",
        marker=None,
        record=AppBlockBuilder,
        arn_resource="app-block-builder",
        states_shape="AppBlockBuilderState",
        default_state="STOPPED",
        resting_states=("RUNNING", "STOPPED"),
        actions=ACTIONS,
        seeded_ends={"STARTING": "RUNNING", "STOPPING": "STOPPED"},
        seeded_default_end="STOPPED",
        durations=DURATIONS,
        default_duration=600,
        build=build_app_block_builder,
        create_operation="CreateAppBlockBuilder",
        on_seed=_seeded,
        links={"app_block": SAME_NAME},
        order=7,
    )
)


# -- checks --------------------------------------------------------------------------------------


def _check_instance_type(instance_type: str) -> None:
    if instance_type not in INSTANCE_TYPES:
        raise ServiceError(
            "ValidationException",
            message(
                [
                    problem(
                        instance_type,
                        "instanceType",
                        f"Member must satisfy enum value set: [{', '.join(INSTANCE_TYPES)}]",
                    )
                ]
            ),
        )


def _check_platform(platform: str) -> None:
    allowed = _platforms()
    if platform not in allowed:
        raise ServiceError(
            "ValidationException",
            message(
                [
                    problem(
                        platform,
                        "platform",
                        f"Member must satisfy enum value set: [{', '.join(allowed)}]",
                    )
                ]
            ),
        )


def _check_subnets(vpc_config: Mapping[str, Any]) -> None:
    subnets = set(vpc_config.get("SubnetIds", []))
    if len(subnets) < MIN_SUBNETS:
        raise ServiceError(
            "InvalidParameterCombinationException",
            f"App block builders require at least {MIN_SUBNETS} subnets in different "
            f"Availability Zones; VpcConfig has {len(subnets)}.",
        )


def app_block_of(ctx: Context, entry: Entry) -> Entry | None:
    """The live app block a builder is associated with (None: none, or it was deleted)."""
    arn = entry.data.get("app_block")
    return None if arn is None else by_arn(ctx, APP_BLOCKS, arn)


def _refused(ctx: Context, entry: Entry, needs: str, error: str) -> ServiceError:
    return refusal(ctx, APP_BLOCK_BUILDERS, entry, needs, error)


# -- operations ----------------------------------------------------------------------------------


def create_app_block_builder(ctx: Context, params: Params) -> Response:
    """CreateAppBlockBuilder: a new builder, ``STOPPED`` (it can start only once associated)."""
    name = params["Name"]
    _check_instance_type(params["InstanceType"])
    _check_subnets(params["VpcConfig"])
    if find(ctx, APP_BLOCK_BUILDERS, name) is not None:
        raise already_exists(ctx, APP_BLOCK_BUILDERS, name)
    fields = request_fields(params, "AppBlockBuilder", "Name")
    fields.setdefault("enable_default_internet_access", False)
    fields.setdefault("disable_imdsv1", False)
    record = AppBlockBuilder.from_fields(
        name=name,
        state="STOPPED",
        arn=_arn(ctx.region, ctx.account, name),
        created_time=ctx.clock.now(),
        **fields,
    )
    entry = ctx.registry.seed(
        ctx.account, ctx.region, record, "CreateAppBlockBuilder", APP_BLOCK_BUILDERS.collection
    )
    entry.tags = dict(params.get("Tags", {}))
    return {"AppBlockBuilder": record.wire_items()}


def start_app_block_builder(ctx: Context, params: Params) -> Response:
    """StartAppBlockBuilder: ``STOPPED`` and associated with an app block -> ``STARTING`` ->
    ``RUNNING``."""
    name = params["Name"]
    entry = read(ctx, APP_BLOCK_BUILDERS, name)
    if entry.state == "STOPPED" and app_block_of(ctx, entry) is None:
        raise ServiceError(
            "OperationNotPermittedException",
            f"The app block builder {name} for account {ctx.account} is not associated with an "
            "app block. An app block builder can only be started when it's associated with an "
            "app block.",
        )
    entry = act(ctx, APP_BLOCK_BUILDERS, "StartAppBlockBuilder", name, state_change_reason=None)
    return {"AppBlockBuilder": entry.record.wire_items()}


def stop_app_block_builder(ctx: Context, params: Params) -> Response:
    """StopAppBlockBuilder: ``RUNNING`` -> ``STOPPING`` -> ``STOPPED``; the session that ran
    packaged its app block (an ``APPSTREAM2`` one goes ``ACTIVE``)."""
    entry = act(ctx, APP_BLOCK_BUILDERS, "StopAppBlockBuilder", params["Name"])
    app_block = app_block_of(ctx, entry)
    if app_block is not None:
        packaged(ctx, getattr(app_block.record, "arn"))  # noqa: B009
    return {"AppBlockBuilder": entry.record.wire_items()}


def delete_app_block_builder(ctx: Context, params: Params) -> Response:
    """DeleteAppBlockBuilder: ``STOPPED`` and no app block; gone at once."""
    name = params["Name"]
    entry = read(ctx, APP_BLOCK_BUILDERS, name)
    if entry.state != "STOPPED":
        raise _refused(
            ctx,
            entry,
            "The app block builder must be in a STOPPED state to delete.",
            "OperationNotPermittedException",
        )
    app_block = app_block_of(ctx, entry)
    if app_block is not None:
        raise ServiceError(
            "ResourceInUseException",
            f"The app block builder {name} is associated with the app block {app_block.name}. "
            "To delete the app block builder, you must disassociate it from the app block.",
        )
    ctx.registry.remove(
        ctx.account, ctx.region, name, "DeleteAppBlockBuilder", APP_BLOCK_BUILDERS.collection
    )
    return {}


#: What ``UpdateAppBlockBuilder`` may change while the builder is ``RUNNING`` (the API reference).
RUNNING_UPDATES = ("DisplayName", "Description")
_UPDATABLE = (
    "Description",
    "DisplayName",
    "Platform",
    "InstanceType",
    "VpcConfig",
    "EnableDefaultInternetAccess",
    "IamRoleArn",
    "AccessEndpoints",
    "DisableIMDSV1",
)
#: ``AttributesToDelete`` -> the member it clears (a security group list: inside ``VpcConfig``).
_DELETED = {
    "IAM_ROLE_ARN": "IamRoleArn",
    "ACCESS_ENDPOINTS": "AccessEndpoints",
    "VPC_CONFIGURATION_SECURITY_GROUP_IDS": "VpcConfig",
}


def update_app_block_builder(ctx: Context, params: Params) -> Response:
    """UpdateAppBlockBuilder: ``STOPPED``: every attribute but the name; ``RUNNING``: only
    ``DisplayName`` and ``Description``; ``STARTING``/``STOPPING``: nothing."""
    name = params["Name"]
    entry = read(ctx, APP_BLOCK_BUILDERS, name)
    given = [member for member in _UPDATABLE if member in params]
    deleted = list(dict.fromkeys(params.get("AttributesToDelete", [])))
    for attribute in deleted:
        member = _DELETED.get(attribute)
        if member in params and (member != "VpcConfig" or "SecurityGroupIds" in params[member]):
            raise ServiceError(
                "InvalidParameterCombinationException",
                f"{attribute} cannot be both set and deleted in one request.",
            )
    if APP_BLOCK_BUILDERS.in_between(entry.state):
        raise _refused(
            ctx,
            entry,
            "The app block builder must be in a STOPPED or RUNNING state to update.",
            "ConcurrentModificationException",
        )
    if entry.state == "RUNNING":
        stop_only = [m for m in given if m not in RUNNING_UPDATES] + deleted
        if stop_only:
            raise ServiceError(
                "ResourceInUseException",
                f"Cannot update the attribute {stop_only[0]} for app block builder {name} when it "
                "is RUNNING. The app block builder must be stopped to complete this action.",
            )
    if "InstanceType" in params:
        _check_instance_type(params["InstanceType"])
    if "Platform" in params:
        _check_platform(params["Platform"])
    record: Any = entry.record
    vpc = dict(record.vpc_config or {})
    if "VpcConfig" in params:
        vpc.update(params["VpcConfig"])
        _check_subnets(vpc)
    changes = request_fields(params, "AppBlockBuilder", "Name", "VpcConfig")
    if "VpcConfig" in params or "VPC_CONFIGURATION_SECURITY_GROUP_IDS" in deleted:
        if "VPC_CONFIGURATION_SECURITY_GROUP_IDS" in deleted:
            vpc.pop("SecurityGroupIds", None)
        changes["vpc_config"] = vpc
    for attribute in deleted:
        if attribute != "VPC_CONFIGURATION_SECURITY_GROUP_IDS":
            changes[xform_name(_DELETED[attribute])] = None
    set_members(ctx, entry, changes)
    return {"AppBlockBuilder": entry.record.wire_items()}


def describe_app_block_builders(ctx: Context, params: Params) -> Response:
    """DescribeAppBlockBuilders: by ``Names`` (an unknown one is ResourceNotFoundException) or
    all, in pages; each builder on a page counts as one poll of its in-between state."""
    names = params.get("Names")
    operation = "DescribeAppBlockBuilders"
    if names is None:
        page, token = page_of(ctx, operation, params, list(ctx.store(APP_BLOCK_BUILDERS).values()))
    else:
        page, token = named_page(
            ctx, operation, params, names, lambda name: read(ctx, APP_BLOCK_BUILDERS, name)
        )
    poll(page)
    return paged({"AppBlockBuilders": [e.record.wire_items() for e in page]}, token)


def _association(builder: str, arn: str) -> dict[str, str]:
    return {"AppBlockArn": arn, "AppBlockBuilderName": builder}


def associate_app_block_builder_app_block(ctx: Context, params: Params) -> Response:
    """AssociateAppBlockBuilderAppBlock: a ``STOPPED`` builder packages one app block at a time."""
    name, arn = params["AppBlockBuilderName"], params["AppBlockArn"]
    entry = read(ctx, APP_BLOCK_BUILDERS, name)
    app_block = read_arn(ctx, APP_BLOCKS, arn)
    current = app_block_of(ctx, entry)
    if current is not None and current.name == app_block.name:
        return {"AppBlockBuilderAppBlockAssociation": _association(name, arn)}
    if entry.state != "STOPPED":
        raise _refused(
            ctx,
            entry,
            "The app block builder must be in a STOPPED state to change its app block.",
            "OperationNotPermittedException",
        )
    if current is not None:
        raise ServiceError(
            "LimitExceededException",
            f"The app block builder {name} is already associated with the app block "
            f"{current.name}. An app block builder packages one app block at a time: "
            "disassociate it first.",
        )
    entry.data["app_block"] = arn
    return {"AppBlockBuilderAppBlockAssociation": _association(name, arn)}


def disassociate_app_block_builder_app_block(ctx: Context, params: Params) -> Response:
    """DisassociateAppBlockBuilderAppBlock: a ``STOPPED`` builder lets go of its app block (not
    associated with it: nothing to do)."""
    name, arn = params["AppBlockBuilderName"], params["AppBlockArn"]
    entry = read(ctx, APP_BLOCK_BUILDERS, name)
    app_block = read_arn(ctx, APP_BLOCKS, arn)
    current = app_block_of(ctx, entry)
    if current is None or current.name != app_block.name:
        return {}
    if entry.state != "STOPPED":
        raise _refused(
            ctx,
            entry,
            "The app block builder must be in a STOPPED state to change its app block.",
            "OperationNotPermittedException",
        )
    del entry.data["app_block"]
    return {}


def describe_app_block_builder_app_block_associations(ctx: Context, params: Params) -> Response:
    """DescribeAppBlockBuilderAppBlockAssociations: by ``AppBlockArn``, ``AppBlockBuilderName``,
    both, or neither (every association: unlike its sibling listings, its model requires no
    filter); unknown ones have none."""
    arn, name = params.get("AppBlockArn"), params.get("AppBlockBuilderName")
    rows = []
    for entry in list(ctx.store(APP_BLOCK_BUILDERS).values()):
        app_block = app_block_of(ctx, entry)
        if app_block is None or name not in (None, entry.name):
            continue
        block_arn = str(getattr(app_block.record, "arn"))  # noqa: B009
        if arn in (None, block_arn):
            rows.append(_association(entry.name, block_arn))
    operation = "DescribeAppBlockBuilderAppBlockAssociations"
    page, token = indexed_page(ctx, operation, capped(params), rows)
    return paged({"AppBlockBuilderAppBlockAssociations": page} if page else {}, token)


#: CreateAppBlockBuilderStreamingURL ``Validity`` in seconds, by default (the model).
DEFAULT_VALIDITY = 3600


def create_app_block_builder_streaming_url(ctx: Context, params: Params) -> Response:
    """CreateAppBlockBuilderStreamingURL: ``RUNNING`` only; ``Validity`` 1-604800 s (3600)."""
    name = params["AppBlockBuilderName"]
    claims = {"type": "APP_BLOCK_BUILDER", "appBlockBuilderName": name}
    return builder_url(ctx, APP_BLOCK_BUILDERS, name, params, DEFAULT_VALIDITY, claims)


#: The operations of this module, by AWS name.
HANDLERS: dict[str, Handler] = {
    "CreateAppBlockBuilder": create_app_block_builder,
    "StartAppBlockBuilder": start_app_block_builder,
    "StopAppBlockBuilder": stop_app_block_builder,
    "DeleteAppBlockBuilder": delete_app_block_builder,
    "UpdateAppBlockBuilder": update_app_block_builder,
    "DescribeAppBlockBuilders": describe_app_block_builders,
    "AssociateAppBlockBuilderAppBlock": associate_app_block_builder_app_block,
    "DisassociateAppBlockBuilderAppBlock": disassociate_app_block_builder_app_block,
    "DescribeAppBlockBuilderAppBlockAssociations": (
        describe_app_block_builder_app_block_associations
    ),
    "CreateAppBlockBuilderStreamingURL": create_app_block_builder_streaming_url,
}
