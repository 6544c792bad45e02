"""Applications of Elastic fleets; and their operations.

An application says how to launch a program of an app block (``AppBlockArn``); associated with
an Elastic fleet, it is in the catalog of that fleet's streaming sessions. Applications have no
state in the model: the fake says ``ACTIVE`` while one exists. An application's fleets are kept
in its entry (``entry.data["fleets"]``: fleet name -> the fleet's creation number), so a fleet
deleted since is no longer associated.

>>> Application.SHAPE
'Application'
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
    app_block_arn,
    build_app_block,
    by_arn,
    capped,
    linked,
    read_arn,
    request_fields,
    resource_arn,
    set_members,
)
from ._errors import AppStreamUsageError, ServiceError
from ._kinds import Kind, register
from ._model import Stateless, aware, shape
from ._registry import Entry
from ._seeding import BASE_CREATED_TIME, check_fields, check_name, check_state, show
from ._service import (
    Context,
    Handler,
    Params,
    Response,
    find,
    indexed_page,
    named_page,
    page_of,
    paged,
    read,
    settled,
)
from ._validation import message, problem


@attrs.frozen(kw_only=True)
class Application(Stateless):
    """One Application as the fake holds it: every member of its botocore shape, snake_case.

    Nested members keep their wire form; members a newer botocore adds live in ``extra``.
    """

    SHAPE: ClassVar[str] = "Application"

    name: str
    display_name: str | None = None
    icon_url: str | None = None
    launch_path: str | None = None
    launch_parameters: str | None = None
    enabled: bool | None = None
    metadata: Mapping[str, Any] | None = None
    working_directory: str | None = None
    description: str | None = None
    arn: str | None = None
    app_block_arn: str | None = None
    icon_s3_location: Mapping[str, Any] | None = None
    platforms: list[Any] | None = None
    instance_families: list[Any] | None = None
    created_time: datetime.datetime | None = attrs.field(default=None, converter=aware)
    extra: Mapping[str, Any] = attrs.field(factory=dict, repr=False)


#: The platforms an application of an Elastic fleet may name (the API reference), those the
#: installed model knows.
ELASTIC_PLATFORMS = ("WINDOWS_SERVER_2019", "AMAZON_LINUX2", "UBUNTU_PRO_2404")
#: The instance families an application may name (the API reference).
INSTANCE_FAMILIES = ("GENERAL_PURPOSE", "GRAPHICS_G4")


def elastic_platforms() -> tuple[str, ...]:
    """:data:`ELASTIC_PLATFORMS` that the installed model knows."""
    known = getattr(shape("PlatformType"), "enum", ())
    return tuple(p for p in ELASTIC_PLATFORMS if p in known)


def _arn(region: str, account_id: str, name: str) -> str:
    return resource_arn(region, account_id, "application", name)


def _icon_url(location: Mapping[str, Any], region: str) -> str:
    """Where AppStream serves an application's icon from (ours: the S3 object's URL)."""
    return f"https://{location['S3Bucket']}.s3.{region}.amazonaws.com/{location.get('S3Key', '')}"


def build_application(
    name: object,
    *,
    state: object = "ACTIVE",
    region: str,
    account_id: str,
    index: int,
    app_block: object = None,
    **fields: Any,
) -> Application:
    """A checked :class:`Application` with realistic defaults (a Windows launch path, an icon in
    S3, ``WINDOWS_SERVER_2019`` and ``GENERAL_PURPOSE``, enabled).

    ``app_block`` names its app block (a name of the account's region, or an ARN); or give the
    ``app_block_arn`` field. Which must exist is checked when it is seeded. Without either, it
    runs from the app block of its own name, made (``CUSTOM``, ``ACTIVE``) when there is none.
    """
    checked_name = check_name(name, label="application", source=("CreateApplication", "Name"))
    if app_block is not None:
        if not isinstance(app_block, str) or not app_block:
            raise AppStreamUsageError(
                f"app_block={show(app_block)} is not allowed; allowed: the name or ARN of a "
                "seeded app block"
            )
        if "app_block_arn" in fields:
            raise AppStreamUsageError(
                "app_block and app_block_arn are both given; allowed: one of them"
            )
        fields["app_block_arn"] = (
            app_block
            if app_block.startswith("arn:")
            else app_block_arn(region, account_id, app_block)
        )
    if fields.get("app_block_arn") is None:
        fields["app_block_arn"] = app_block_arn(region, account_id, checked_name)
    check_state(state, states=APPLICATIONS.states, label="application")
    snake = {
        xform_name(m): v
        for m, v in check_fields(fields, "Application", "CreateApplication").items()
    }
    for field, allowed in (
        ("platforms", elastic_platforms()),
        ("instance_families", INSTANCE_FAMILIES),
    ):
        wrong = [value for value in snake.get(field, []) if value not in allowed]
        if wrong or snake.get(field) == []:
            raise AppStreamUsageError(
                f"{field}={show(snake[field])} is not allowed; allowed: a list of 1 to 4 of "
                f"{', '.join(allowed)}"
            )
    icon = {"S3Bucket": f"appstream-icons-{region}-{account_id}", "S3Key": f"{checked_name}.png"}
    icon = {**icon, **snake.get("icon_s3_location", {})}
    values: dict[str, Any] = {
        "arn": _arn(region, account_id, checked_name),
        "launch_path": rf"C:\Program Files\{checked_name}\{checked_name}.exe",
        "enabled": True,
        "icon_s3_location": icon,
        "icon_url": _icon_url(icon, region),
        "platforms": [elastic_platforms()[0]] if elastic_platforms() else None,
        "instance_families": ["GENERAL_PURPOSE"],
        "created_time": BASE_CREATED_TIME + datetime.timedelta(minutes=index),
        **snake,
    }
    values["icon_s3_location"] = icon
    return Application.from_fields(name=checked_name, **values)


def _seeded(ctx: Context, entry: Entry, *, fleets: object = ()) -> None:
    """A seeded application's app block must be live (the one of its own name is made when
    missing), its ``fleets`` (names of live Elastic fleets) are associated with it."""
    record: Any = entry.record
    own = app_block_arn(ctx.region, ctx.account, entry.name)
    make_own = record.app_block_arn == own and by_arn(ctx, APP_BLOCKS, own) is None
    if not make_own and by_arn(ctx, APP_BLOCKS, record.app_block_arn) is None:
        live = ", ".join(ctx.store(APP_BLOCKS)) or "none"
        raise AppStreamUsageError(
            f"app_block={record.app_block_arn.rpartition('/')[2]!r} is not an app block of "
            f"{ctx.account}/{ctx.region}; allowed: the name or ARN of a seeded app block (live "
            f"app_blocks: {live})"
        )
    if isinstance(fleets, str) or not isinstance(fleets, (list, tuple)):
        raise AppStreamUsageError(
            f"fleets={show(fleets)} is not allowed; allowed: a list of Elastic fleet names"
        )
    links: dict[str, int] = {}
    for fleet_name in fleets:
        fleet = (
            ctx.registry.get(ctx.account, ctx.region, fleet_name, "fleets")
            if isinstance(fleet_name, str)
            else None
        )
        if fleet is None or getattr(fleet.record, "fleet_type", None) != "ELASTIC":
            elastic = [
                e.name
                for e in ctx.registry.store(ctx.account, ctx.region, "fleets").values()
                if getattr(e.record, "fleet_type", None) == "ELASTIC"
            ]
            raise AppStreamUsageError(
                f"fleets={show(fleets)}: {show(fleet_name)} is not an Elastic fleet of "
                f"{ctx.account}/{ctx.region}; allowed: names of seeded ELASTIC fleets (live: "
                f"{', '.join(elastic) or 'none'})"
            )
        links[fleet_name] = fleet.sequence
    if make_own:  # last: a refusal above leaves nothing behind
        made = build_app_block(entry.name, region=ctx.region, account_id=ctx.account, index=0)
        ctx.registry.seed(ctx.account, ctx.region, made, kind=APP_BLOCKS.collection)
    entry.data["fleets"] = links


APPLICATIONS = register(
    Kind(
        collection="applications",
        label="application",
        data_key="applications",
        marker=None,
        record=Application,
        arn_resource="application",
        states_shape="",
        state_values=("ACTIVE",),
        default_state="ACTIVE",
        resting_states=("ACTIVE",),
        build=build_application,
        create_operation="CreateApplication",
        on_seed=_seeded,
        links={"fleets": ()},
        order=8,
    )
)


# -- fleets --------------------------------------------------------------------------------------


def fleet(ctx: Context, name: str) -> Entry | None:
    """The live fleet ``name`` as a call sees it (a due transition completes first)."""
    return settled(ctx, ctx.registry.get(ctx.account, ctx.region, name, "fleets"))


def fleets_of(ctx: Context, entry: Entry) -> dict[str, Entry]:
    """The live fleets an application is associated with, in association order."""
    return linked(ctx, "fleets", entry.data.get("fleets", {}))


def fleet_applications(ctx: Context, fleet_name: str) -> list[Entry]:
    """The live applications associated with the fleet ``fleet_name``, in creation order."""
    return [
        entry
        for entry in list(ctx.store(APPLICATIONS).values())
        if fleet_name in fleets_of(ctx, entry)
    ]


def _fleet_not_found(
    ctx: Context, name: str, code: str = "ResourceNotFoundException"
) -> ServiceError:
    return ServiceError(code, f"The fleet {name} for account {ctx.account} does not exist.")


# -- checks --------------------------------------------------------------------------------------


def _check_list(params: Params, member: str, allowed: tuple[str, ...]) -> None:
    values = params.get(member)
    if values is None:
        return
    where = member[0].lower() + member[1:]
    if not values:
        constraint = "Member must have length greater than or equal to 1"
    elif any(value not in allowed for value in values):
        constraint = (
            f"Member must satisfy constraint: [Member must satisfy enum value set: "
            f"[{', '.join(allowed)}]]"
        )
    else:
        return
    raise ServiceError("ValidationException", message([problem(values, where, constraint)]))


def _entitlements_with(ctx: Context, name: str) -> list[str]:
    """The live entitlements an application is associated with (``stack/entitlement``)."""
    from ._entitlements import live_applications

    found = []
    for entry in list(ctx.registry.store(ctx.account, ctx.region, "entitlements").values()):
        if name in live_applications(ctx, entry):
            record: Any = entry.record
            found.append(f"{record.name} of stack {record.stack_name}")
    return found


# -- operations ----------------------------------------------------------------------------------


def create_application(ctx: Context, params: Params) -> Response:
    """CreateApplication: from a live app block; Elastic platforms and instance families."""
    name = params["Name"]
    _check_list(params, "Platforms", elastic_platforms())
    _check_list(params, "InstanceFamilies", INSTANCE_FAMILIES)
    if find(ctx, APPLICATIONS, name) is not None:
        raise already_exists(ctx, APPLICATIONS, name)
    read_arn(ctx, APP_BLOCKS, params["AppBlockArn"])
    fields = request_fields(params, "Application", "Name")
    record = Application.from_fields(
        name=name,
        arn=_arn(ctx.region, ctx.account, name),
        enabled=True,
        icon_url=_icon_url(params["IconS3Location"], ctx.region),
        created_time=ctx.clock.now(),
        **fields,
    )
    entry = ctx.registry.seed(
        ctx.account, ctx.region, record, "CreateApplication", APPLICATIONS.collection
    )
    entry.tags = dict(params.get("Tags", {}))
    return {"Application": record.wire_items()}


#: ``AttributesToDelete`` -> the member it clears.
_DELETED = {"LAUNCH_PARAMETERS": "LaunchParameters", "WORKING_DIRECTORY": "WorkingDirectory"}


def update_application(ctx: Context, params: Params) -> Response:
    """UpdateApplication: any attribute but the name; ``AttributesToDelete`` clears launch
    parameters and working directory."""
    name = params["Name"]
    entry = read(ctx, APPLICATIONS, name)
    deleted = params.get("AttributesToDelete", [])
    for attribute in deleted:
        if _DELETED[attribute] in params:
            raise ServiceError(
                "OperationNotPermittedException",
                f"{_DELETED[attribute]} cannot be both set and deleted in one request.",
            )
    if "AppBlockArn" in params:
        read_arn(ctx, APP_BLOCKS, params["AppBlockArn"])
    changes = request_fields(params, "Application", "Name")
    if "IconS3Location" in params:
        changes["icon_url"] = _icon_url(params["IconS3Location"], ctx.region)
    for attribute in deleted:
        changes[xform_name(_DELETED[attribute])] = None
    set_members(ctx, entry, changes)
    return {"Application": entry.record.wire_items()}


def delete_application(ctx: Context, params: Params) -> Response:
    """DeleteApplication: refused while associated with a fleet or an entitlement."""
    name = params["Name"]
    entry = read(ctx, APPLICATIONS, name)
    fleets = list(fleets_of(ctx, entry))
    if fleets:
        raise ServiceError(
            "ResourceInUseException",
            f"The application {name} is associated with the fleet {fleets[0]}. To delete the "
            "application, you must disassociate it from the fleet.",
        )
    entitlements = _entitlements_with(ctx, name)
    if entitlements:
        raise ServiceError(
            "ResourceInUseException",
            f"The application {name} is associated with the entitlement {entitlements[0]}. To "
            "delete the application, you must disassociate it from the entitlement.",
        )
    ctx.registry.remove(ctx.account, ctx.region, name, "DeleteApplication", "applications")
    return {}


def describe_applications(ctx: Context, params: Params) -> Response:
    """DescribeApplications: by ``Arns`` (an unknown one is ResourceNotFoundException) or all."""
    arns = params.get("Arns")
    operation = "DescribeApplications"
    if arns is None:
        page, token = page_of(ctx, operation, params, list(ctx.store(APPLICATIONS).values()))
    else:
        page, token = named_page(
            ctx, operation, params, arns, lambda arn: read_arn(ctx, APPLICATIONS, arn)
        )
    return paged({"Applications": [e.record.wire_items() for e in page]}, token)


def _association(fleet_name: str, arn: str) -> dict[str, str]:
    return {"FleetName": fleet_name, "ApplicationArn": arn}


def associate_application_fleet(ctx: Context, params: Params) -> Response:
    """AssociateApplicationFleet: Elastic fleets only, of a platform the application supports."""
    fleet_name, arn = params["FleetName"], params["ApplicationArn"]
    found = fleet(ctx, fleet_name)
    if found is None:
        raise _fleet_not_found(ctx, fleet_name)
    entry = read_arn(ctx, APPLICATIONS, arn)
    record: Any = found.record
    if record.fleet_type != "ELASTIC":
        raise ServiceError(
            "OperationNotPermittedException",
            f"The fleet {fleet_name} for account {ctx.account} is {record.fleet_type or 'ON_DEMAND'}"
            ", not ELASTIC. Applications can only be associated with Elastic fleets.",
        )
    platforms = getattr(entry.record, "platforms", None) or []
    if record.platform and platforms and record.platform not in platforms:
        raise ServiceError(
            "InvalidParameterCombinationException",
            f"The application {entry.name} supports the platforms {', '.join(platforms)}; the "
            f"fleet {fleet_name} is {record.platform}.",
        )
    links = {name: e.sequence for name, e in fleets_of(ctx, entry).items()}
    links[fleet_name] = found.sequence
    entry.data["fleets"] = links
    return {"ApplicationFleetAssociation": _association(fleet_name, arn)}


def disassociate_application_fleet(ctx: Context, params: Params) -> Response:
    """DisassociateApplicationFleet: not associated: nothing to do; an unknown fleet or
    application: OperationNotPermittedException (the model lists no ResourceNotFound)."""
    fleet_name, arn = params["FleetName"], params["ApplicationArn"]
    if fleet(ctx, fleet_name) is None:
        raise _fleet_not_found(ctx, fleet_name, "OperationNotPermittedException")
    entry = by_arn(ctx, APPLICATIONS, arn)
    if entry is None:
        raise ServiceError(
            "OperationNotPermittedException",
            f"The application {arn.rpartition('/')[2] or arn} for account {ctx.account} does "
            "not exist.",
        )
    links = {name: e.sequence for name, e in fleets_of(ctx, entry).items() if name != fleet_name}
    entry.data["fleets"] = links
    return {}


def describe_application_fleet_associations(ctx: Context, params: Params) -> Response:
    """DescribeApplicationFleetAssociations: by ``FleetName``, ``ApplicationArn`` or both
    (neither: InvalidParameterCombinationException); unknown ones have none."""
    fleet_name, arn = params.get("FleetName"), params.get("ApplicationArn")
    if fleet_name is None and arn is None:
        raise ServiceError(
            "InvalidParameterCombinationException",
            "Either ApplicationArn or FleetName must be specified.",
        )
    rows = [
        _association(name, str(getattr(entry.record, "arn")))  # noqa: B009
        for entry in list(ctx.store(APPLICATIONS).values())
        if arn in (None, getattr(entry.record, "arn", None))
        for name in fleets_of(ctx, entry)
        if fleet_name in (None, name)
    ]
    operation = "DescribeApplicationFleetAssociations"
    page, token = indexed_page(ctx, operation, capped(params), rows)
    return paged({"ApplicationFleetAssociations": page} if page else {}, token)


#: The operations of this module, by AWS name.
HANDLERS: dict[str, Handler] = {
    "CreateApplication": create_application,
    "UpdateApplication": update_application,
    "DeleteApplication": delete_application,
    "DescribeApplications": describe_applications,
    "AssociateApplicationFleet": associate_application_fleet,
    "DisassociateApplicationFleet": disassociate_application_fleet,
    "DescribeApplicationFleetAssociations": describe_application_fleet_associations,
}
