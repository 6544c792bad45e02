"""Fleets, the streaming instances users connect to: the kind's rules and its operations.

A fleet is created ``STOPPED``; StartFleet takes it ``STARTING`` -> ``RUNNING``, StopFleet
``STOPPING`` -> ``STOPPED``, by the transitions policy. Its ``ComputeCapacityStatus`` is computed
when answered, from its state, its desired capacity and the ``ACTIVE`` sessions on it.

>>> FLEETS.actions["StartFleet"].to
'RUNNING'
"""

from __future__ import annotations

import copy
import datetime
import math
from collections.abc import Mapping
from typing import Any, ClassVar

import attrs
from botocore import xform_name

from . import _images
from ._errors import AppStreamUsageError, ServiceError
from ._image_builders import set_members
from ._kinds import Action, Kind, register
from ._model import Record, aware, members_of, shape
from ._registry import Entry
from ._seeding import (
    BASE_CREATED_TIME,
    DEFAULT_INSTANCE_TYPE,
    _digest,
    check_fields,
    check_name,
    check_state,
    default_platform,
    partition,
    platform_of_image,
)
from ._seeding import image_arn as base_image_arn
from ._service import (
    Context,
    Handler,
    Params,
    Response,
    act,
    find,
    named_page,
    page_of,
    paged,
    poll,
    read,
    refusal,
    settled,
)
from ._validation import message, problem


@attrs.frozen(kw_only=True)
class Fleet(Record):
    """One Fleet as the fake holds it: every member of its botocore shape, snake_case.

    Nested members keep their wire form; members a newer botocore adds live in ``extra``.
    """

    SHAPE: ClassVar[str] = "Fleet"

    name: str
    state: str
    arn: str | None = None
    display_name: str | None = None
    description: str | None = None
    image_name: str | None = None
    image_arn: str | None = None
    instance_type: str | None = None
    fleet_type: str | None = None
    compute_capacity_status: Mapping[str, Any] | None = None
    max_user_duration_in_seconds: int | None = None
    disconnect_timeout_in_seconds: int | None = None
    vpc_config: Mapping[str, Any] | None = None
    created_time: datetime.datetime | None = attrs.field(default=None, converter=aware)
    fleet_errors: list[Any] | None = None
    enable_default_internet_access: bool | None = None
    domain_join_info: Mapping[str, Any] | None = None
    idle_disconnect_timeout_in_seconds: int | None = None
    iam_role_arn: str | None = None
    stream_view: str | None = None
    platform: str | None = None
    max_concurrent_sessions: int | None = None
    usb_device_filter_strings: list[Any] | None = None
    session_script_s3_location: Mapping[str, Any] | None = None
    max_sessions_per_instance: int | None = None
    root_volume_config: Mapping[str, Any] | None = None
    disable_imdsv1: bool | None = None
    extra: Mapping[str, Any] = attrs.field(factory=dict, repr=False)


#: Where a fleet waits for an action; STARTING and STOPPING are in-between.
RESTING_STATES = ("STOPPED", "RUNNING")

#: The state rules of fleets (AWS's developer guide and API reference, our reading of them); the
#: state-rules page of the docs is generated from this table. StopFleet on a ``STOPPED`` fleet
#: also succeeds, changing nothing (see :func:`stop_fleet`).
ACTIONS: dict[str, Action] = {
    "StartFleet": Action(("STOPPED",), "STARTING", "RUNNING", "OperationNotPermittedException"),
    "StopFleet": Action(("RUNNING",), "STOPPING", "STOPPED", None, unchanged=("STOPPED",)),
}

#: Where a fleet seeded in an in-between state goes when that state completes.
SEEDED_ENDS: dict[str, str | None] = {"STARTING": "RUNNING", "STOPPING": "STOPPED"}

#: How long each in-between state lasts under ``timed``, in seconds, with the source.
DURATIONS: dict[str, tuple[int, str]] = {
    "STARTING": (
        900,
        "AWS: a fleet usually takes 10-20 minutes to start (the middle: botocore's "
        "fleet_started waiter gives up after 20)",
    ),
    "STOPPING": (300, "AWS: it takes about 5 minutes to stop a fleet"),
}

#: Defaults of a fleet neither created nor seeded with them: AWS's (CreateFleet's sample
#: answer) where AWS shows them, else ours.
DEFAULT_FLEET_TYPE = "ON_DEMAND"
DEFAULT_MAX_USER_DURATION = 57600
DEFAULT_DISCONNECT_TIMEOUT = 900
DEFAULT_IDLE_DISCONNECT_TIMEOUT = 0
DEFAULT_DESIRED_INSTANCES = 1
DEFAULT_STREAM_VIEW = "APP"
#: An Elastic fleet seeded without ``max_concurrent_sessions`` (ours).
DEFAULT_MAX_CONCURRENT_SESSIONS = 5
#: The platform of an Elastic fleet seeded without one (ours: one of the three AWS supports).
DEFAULT_ELASTIC_PLATFORM = "WINDOWS_SERVER_2019"


def fleet_arn(region: str, account: str, name: str) -> str:
    """``arn:aws:appstream:REGION:ACCOUNT:fleet/NAME``."""
    return f"arn:{partition(region)}:appstream:{region}:{account}:fleet/{name}"


def _image_of(region: str, account: str, name: str | None, arn: str | None) -> tuple[str, str]:
    """(name, ARN) of the image a fleet names by either; AWS's public names have no account."""
    if arn is not None:
        return name or arn.rpartition("/")[2], arn
    assert name is not None
    owner = _images.PUBLIC if _images.public_platform(name) else account
    return name, _images.image_arn(region, owner, name)


def _vpc(name: str, region: str, account: str, subnets: int) -> dict[str, list[str]]:
    h = _digest(account, region, "fleet", name)
    return {
        "SubnetIds": [f"subnet-{h[i * 17 : i * 17 + 17]}" for i in range(subnets)],
        "SecurityGroupIds": [f"sg-{h[40:57]}"],
    }


def build_fleet(
    name: object,
    *,
    state: object = "RUNNING",
    region: str,
    account_id: str,
    index: int,
    **fields: Any,
) -> Fleet:
    """A checked :class:`Fleet` with realistic defaults for every unset field; see the
    ``appstream_fleet`` marker.

    The image is AWS's base image of the platform unless ``image_name`` or ``image_arn`` says
    (an Elastic fleet has none); ``compute_capacity_status`` needs only ``Desired`` (the rest is
    computed when answered).
    """
    checked_name = check_name(name, label="fleet", source=("CreateFleet", "Name"))
    checked_state = check_state(state, states=FLEETS.states, label="fleet")
    snake = {xform_name(m): v for m, v in check_fields(fields, "Fleet", "CreateFleet").items()}
    fleet_type = snake.get("fleet_type", DEFAULT_FLEET_TYPE)
    elastic = fleet_type == "ELASTIC"
    values: dict[str, Any] = {
        "arn": fleet_arn(region, account_id, checked_name),
        "display_name": checked_name,
        "instance_type": DEFAULT_INSTANCE_TYPE,
        "fleet_type": fleet_type,
        "max_user_duration_in_seconds": DEFAULT_MAX_USER_DURATION,
        "disconnect_timeout_in_seconds": DEFAULT_DISCONNECT_TIMEOUT,
        "idle_disconnect_timeout_in_seconds": DEFAULT_IDLE_DISCONNECT_TIMEOUT,
        "vpc_config": _vpc(checked_name, region, account_id, 2 if elastic else 1),
        "created_time": BASE_CREATED_TIME + datetime.timedelta(minutes=index),
        "fleet_errors": [],
        "enable_default_internet_access": False,
        "stream_view": DEFAULT_STREAM_VIEW,
        "disable_imdsv1": False,
    }
    given_name, given_arn = snake.get("image_name"), snake.get("image_arn")
    platform = snake.get("platform")
    if elastic:
        if given_name is not None or given_arn is not None:
            raise AppStreamUsageError(
                f"image_name/image_arn={given_name or given_arn!r} is not allowed for an ELASTIC "
                "fleet; allowed: none (an Elastic fleet's applications come from app blocks)"
            )
        platform = platform or (
            DEFAULT_ELASTIC_PLATFORM
            if DEFAULT_ELASTIC_PLATFORM in getattr(shape("PlatformType"), "enum", ())
            else default_platform()
        )
        values["max_concurrent_sessions"] = DEFAULT_MAX_CONCURRENT_SESSIONS
    elif given_name is not None or given_arn is not None:
        image_name, arn = _image_of(region, account_id, given_name, given_arn)
        values.update(image_name=image_name, image_arn=arn)
        # the account's own image: its platform, once it is seeded (_seeded)
        platform = platform or _images.public_platform(image_name) or platform_of_image(arn)
    else:
        platform = platform or default_platform()
        arn = base_image_arn(region, platform)
        values.update(image_name=arn.rpartition("/")[2], image_arn=arn)
    values["platform"] = platform
    values.update(snake)
    desired = values["max_concurrent_sessions"] if elastic else DEFAULT_DESIRED_INSTANCES
    status = dict(values.get("compute_capacity_status") or {"Desired": desired})
    values["compute_capacity_status"] = status
    return Fleet.from_fields(name=checked_name, state=checked_state, **values)


FLEETS = register(
    Kind(
        collection="fleets",
        label="fleet",
        data_key="fleets",
        marker="appstream_fleet",
        record=Fleet,
        arn_resource="fleet",
        states_shape="FleetState",
        default_state="RUNNING",
        resting_states=RESTING_STATES,
        actions=ACTIONS,
        seeded_ends=SEEDED_ENDS,
        seeded_default_end="RUNNING",
        durations=DURATIONS,
        default_duration=600,
        build=build_fleet,
        create_operation="CreateFleet",
        on_seed=lambda ctx, entry, **_: _seeded(ctx, entry),
        marker_help="seed one AppStream fleet (fields: snake_case Fleet members, nested values "
        "in wire form; an unknown image is added as the account's)",
        order=2,
    )
)


def _seeded(ctx: Context, entry: Entry) -> None:
    """A seeded fleet's image exists (seeding states a world), as a seeded builder's does; a
    fleet of the account's own image has that image's platform (the default one for an image
    made for it)."""
    record: Any = entry.record
    if record.image_arn:
        if record.platform is None:
            image = _images.by_arn(ctx, record.image_arn)
            platform = getattr(image.record, "platform", None) if image is not None else None
            ctx.registry.update(
                ctx.account,
                ctx.region,
                entry.name,
                FLEETS.collection,
                platform=platform or default_platform(),
            )
        _images.ensure(ctx, record.image_arn, getattr(entry.record, "platform", None))


# -- capacity ------------------------------------------------------------------------------------

#: The sessions kind's collection (written by another module; read only here).
SESSIONS = "sessions"


def active_sessions(ctx: Context, name: str) -> int:
    """How many ``ACTIVE`` sessions the fleet ``name`` has in the caller's account and region."""
    count = 0
    for entry in list(ctx.registry.store(ctx.account, ctx.region, SESSIONS).values()):
        live = settled(ctx, entry)
        if (
            live is not None
            and getattr(live.record, "fleet_name", None) == name
            and getattr(live.record, "state", None) == "ACTIVE"
        ):
            count += 1
    return count


def capacity(ctx: Context, entry: Entry) -> dict[str, Any]:
    """The ``ComputeCapacityStatus`` of a fleet now: from its state, its ``Desired`` and its
    ``ACTIVE`` sessions (docs/state-rules.md, "Fleets").

    STOPPED and STARTING: nothing runs (Running, InUse, Available 0). RUNNING: Desired instances
    run, each session uses one (a multi-session instance holds ``MaxSessionsPerInstance``), the
    rest are available. STOPPING: only instances with a session still run, none is available.
    """
    record = entry.record
    stored = dict(getattr(record, "compute_capacity_status", None) or {})
    desired = int(stored.get("Desired", 0))
    per_instance = getattr(record, "max_sessions_per_instance", None) or 1
    sessions = active_sessions(ctx, entry.name) if entry.state in ("RUNNING", "STOPPING") else 0
    in_use = min(desired, math.ceil(sessions / per_instance))
    running = {"RUNNING": desired, "STOPPING": in_use}.get(entry.state, 0)
    status: dict[str, Any] = {
        "Desired": desired,
        "Running": running,
        "InUse": in_use,
        "Available": running - in_use,
    }
    if getattr(record, "max_sessions_per_instance", None):
        actual = running * per_instance
        active = min(sessions, actual)
        status.update(
            DesiredUserSessions=stored.get("DesiredUserSessions", desired * per_instance),
            ActualUserSessions=actual,
            ActiveUserSessions=active,
            AvailableUserSessions=actual - active if entry.state == "RUNNING" else 0,
        )
    known = members_of("ComputeCapacityStatus")
    return {key: value for key, value in status.items() if key in known}


def shown(ctx: Context, entry: Entry) -> dict[str, Any]:
    """A fleet as DescribeFleets answers it: its record, with its capacity as of now."""
    items = entry.record.wire_items()
    items["ComputeCapacityStatus"] = capacity(ctx, entry)
    return items


def stacks_of(ctx: Context, name: str) -> list[str]:
    """The stacks the fleet ``name`` is associated with, in the stacks' creation order (read from
    each stack's ``entry.data["fleets"]``)."""
    stacks = ctx.registry.store(ctx.account, ctx.region, "stacks")
    return [s.name for s in list(stacks.values()) if name in s.data.get("fleets", ())]


# -- operations ----------------------------------------------------------------------------------


def describe_fleets(ctx: Context, params: Params) -> Response:
    """DescribeFleets: by ``Names`` (an unknown one is ResourceNotFoundException) or all, in
    pages of 25 (ours) in creation order; each fleet on a page counts as one poll."""
    names = params.get("Names")
    operation = "DescribeFleets"
    if names is None:
        page, token = page_of(ctx, operation, params, list(ctx.store(FLEETS).values()))
    else:
        page, token = named_page(
            ctx, operation, params, names, lambda name: read(ctx, FLEETS, name)
        )
    poll(page)
    return paged({"Fleets": [shown(ctx, e) for e in page]}, token)


def _combination(text: str) -> ServiceError:
    return ServiceError("InvalidParameterCombinationException", text)


def _image_member(params: Params) -> tuple[str | None, str | None]:
    """(ImageName, ImageArn) of a request, refusing both at once."""
    if "ImageName" in params and "ImageArn" in params:
        raise _combination(
            "Either ImageName or ImageArn must be specified, but not both. Both were specified."
        )
    return params.get("ImageName"), params.get("ImageArn")


def _desired(params: Params, per_instance: int | None) -> dict[str, int]:
    """The ``ComputeCapacityStatus`` desired members a ComputeCapacity asks for: DesiredInstances
    (single-session) xor DesiredSessions (multi-session, ``MaxSessionsPerInstance`` set)."""
    asked = params["ComputeCapacity"]
    given = [m for m in ("DesiredInstances", "DesiredSessions") if m in asked]
    if len(given) != 1:
        which = "Both were" if given else "Neither was"
        raise _combination(
            "ComputeCapacity must set either DesiredInstances or DesiredSessions, but not both. "
            f"{which} specified."
        )
    if given[0] == "DesiredSessions":
        if not per_instance:
            raise _combination(
                "DesiredSessions is for multi-session fleets: set MaxSessionsPerInstance, or "
                "use DesiredInstances."
            )
        sessions = asked["DesiredSessions"]
        return {"Desired": math.ceil(sessions / per_instance), "DesiredUserSessions": sessions}
    if per_instance:
        raise _combination(
            "A multi-session fleet (MaxSessionsPerInstance set) takes DesiredSessions, not "
            "DesiredInstances."
        )
    return {"Desired": asked["DesiredInstances"]}


#: Members only an Elastic fleet takes, and those it refuses (AWS's API reference).
ELASTIC_ONLY = ("MaxConcurrentSessions", "SessionScriptS3Location")
NOT_ELASTIC = ("ComputeCapacity", "DomainJoinInfo", "MaxSessionsPerInstance")


def _check_elastic(params: Params, *, creating: bool) -> None:
    """What an Elastic fleet needs: no image, no ComputeCapacity (MaxConcurrentSessions
    instead), no DomainJoinInfo; a VpcConfig of at least two subnets; on creation a Platform."""
    if "ImageName" in params or "ImageArn" in params:
        raise _combination(
            "ImageName and ImageArn are not supported for ELASTIC fleets: their applications "
            "come from app blocks."
        )
    refused = [m for m in NOT_ELASTIC if m in params]
    if refused:
        instead = (
            " Specify MaxConcurrentSessions instead." if refused[0] == "ComputeCapacity" else ""
        )
        raise _combination(f"{refused[0]} is not supported for ELASTIC fleets.{instead}")
    if creating:
        missing = [m for m in ("MaxConcurrentSessions", "Platform", "VpcConfig") if m not in params]
        if missing:
            raise _combination(f"{missing[0]} is required for ELASTIC fleets.")
    vpc = params.get("VpcConfig")
    if vpc is not None and len(vpc.get("SubnetIds", [])) < MIN_ELASTIC_SUBNETS:
        raise _combination(
            f"An ELASTIC fleet needs a VpcConfig with at least {MIN_ELASTIC_SUBNETS} subnets, in "
            "different Availability Zones."
        )


#: An Elastic fleet's VpcConfig needs at least this many subnets (AWS's API reference).
MIN_ELASTIC_SUBNETS = 2


def _check_instances(params: Params) -> None:
    """What an Always-On or On-Demand fleet refuses: the Elastic fleet's own members."""
    refused = [m for m in ELASTIC_ONLY if m in params]
    if refused:
        raise _combination(f"{refused[0]} is only supported for ELASTIC fleets.")


def _fleet_image(ctx: Context, name: str | None, arn: str | None) -> Entry:
    """The image a fleet is made from: exists, AVAILABLE, and shared with ``allowFleet``."""
    return _images.usable(ctx, name=name, arn=arn, purpose="allowFleet")


def _fields(params: Params, skip: tuple[str, ...]) -> dict[str, Any]:
    """The request's members that are Fleet members, snake_case, copied."""
    members = members_of("Fleet")
    return {
        xform_name(member): copy.deepcopy(value)
        for member, value in params.items()
        if member in members and member not in skip
    }


def create_fleet(ctx: Context, params: Params) -> Response:
    """CreateFleet: a new fleet, ``STOPPED`` (StartFleet starts it), of type ALWAYS_ON,
    ON_DEMAND (the default) or ELASTIC, each with its own required members; tags kept."""
    name = params["Name"]
    fleet_type = params.get("FleetType", DEFAULT_FLEET_TYPE)
    image_name, image_arn = _image_member(params)
    fields = _fields(params, ("Name", "ImageName", "ImageArn"))
    if fleet_type == "ELASTIC":
        _check_elastic(params, creating=True)
        status = {"Desired": params["MaxConcurrentSessions"]}
    else:
        _check_instances(params)
        if image_name is None and image_arn is None:
            raise _combination(
                "Either ImageName or ImageArn must be specified, but not both. Neither was "
                "specified."
            )
        if "ComputeCapacity" not in params:
            raise _combination(
                f"ComputeCapacity is required for {fleet_type} fleets: set DesiredInstances or "
                "DesiredSessions."
            )
        status = _desired(params, params.get("MaxSessionsPerInstance"))
    if find(ctx, FLEETS, name) is not None:
        raise ServiceError(
            "ResourceAlreadyExistsException",
            f"The fleet {name} already exists for account {ctx.account}.",
        )
    if fleet_type != "ELASTIC":
        image = _fleet_image(ctx, image_name, image_arn)
        fields["image_name"] = image.name
        fields["image_arn"] = getattr(image.record, "arn")  # noqa: B009 (every image has one)
        fields.setdefault("platform", getattr(image.record, "platform", None))
    fields["compute_capacity_status"] = status
    try:
        built = build_fleet(
            name,
            state="STOPPED",
            region=ctx.region,
            account_id=ctx.account,
            index=0,
            created_time=ctx.clock.now(),
            **fields,
        )
    except AppStreamUsageError as error:  # input validation lets nothing through to here
        raise ServiceError("ValidationException", str(error)) from None
    fleet = attrs.evolve(  # what the request left out stays out (seeding's defaults are ours)
        built, display_name=params.get("DisplayName"), vpc_config=params.get("VpcConfig")
    )
    entry = ctx.registry.seed(ctx.account, ctx.region, fleet, "CreateFleet", FLEETS.collection)
    entry.tags = dict(params.get("Tags", {}))
    return {"Fleet": shown(ctx, entry)}


def start_fleet(ctx: Context, params: Params) -> Response:
    """StartFleet: STOPPED -> STARTING -> RUNNING."""
    act(ctx, FLEETS, "StartFleet", params["Name"])
    return {}


def stop_fleet(ctx: Context, params: Params) -> Response:
    """StopFleet: RUNNING -> STOPPING -> STOPPED; a STOPPED fleet stays as it is (success)."""
    act(ctx, FLEETS, "StopFleet", params["Name"])
    return {}


def _in_use(name: str) -> ServiceError:
    return ServiceError(
        "ResourceInUseException",
        f"The fleet {name} is associated with a stack. To delete the fleet, you must dissociate "
        "it from the stack.",
    )


def delete_fleet(ctx: Context, params: Params) -> Response:
    """DeleteFleet: a STOPPED fleet no stack is associated with; gone at once."""
    name = params["Name"]
    entry = read(ctx, FLEETS, name)
    if stacks_of(ctx, name):
        raise _in_use(name)
    if entry.state != "STOPPED":
        raise refusal(
            ctx,
            FLEETS,
            entry,
            "The fleet must be in a STOPPED state to delete.",
            "ResourceInUseException",
        )
    ctx.registry.remove(ctx.account, ctx.region, name, "DeleteFleet", FLEETS.collection)
    return {}


#: What UpdateFleet may change on a RUNNING fleet, by fleet type (AWS's API reference); a
#: STOPPED fleet takes every member, a STARTING or STOPPING one none.
RUNNING_UPDATES = {
    "INSTANCES": frozenset(
        {
            "DisplayName",
            "ComputeCapacity",
            "ImageName",
            "ImageArn",
            "IdleDisconnectTimeoutInSeconds",
            "DisconnectTimeoutInSeconds",
        }
    ),
    "ELASTIC": frozenset(
        {
            "DisplayName",
            "IdleDisconnectTimeoutInSeconds",
            "DisconnectTimeoutInSeconds",
            "MaxConcurrentSessions",
            "SessionScriptS3Location",
            "UsbDeviceFilterStrings",
        }
    ),
}

#: UpdateFleet's ``AttributesToDelete``: FleetAttribute -> the member it unsets.
DELETABLE = {
    "VPC_CONFIGURATION": "VpcConfig",
    "VPC_CONFIGURATION_SECURITY_GROUP_IDS": "VpcConfig",
    "DOMAIN_JOIN_INFO": "DomainJoinInfo",
    "IAM_ROLE_ARN": "IamRoleArn",
    "USB_DEVICE_FILTER_STRINGS": "UsbDeviceFilterStrings",
    "SESSION_SCRIPT_S3_LOCATION": "SessionScriptS3Location",
    "MAX_SESSIONS_PER_INSTANCE": "MaxSessionsPerInstance",
    "VOLUME_CONFIGURATION": "RootVolumeConfig",
}

#: UpdateFleet members that are not the fleet's attributes.
_NOT_ATTRIBUTES = ("Name", "AttributesToDelete", "DeleteVpcConfig")


def update_fleet(ctx: Context, params: Params) -> Response:
    """UpdateFleet: any attribute of a STOPPED fleet, a few of a RUNNING one (AWS's list per
    fleet type), none of a STARTING or STOPPING one; ``AttributesToDelete`` unsets some.
    ``Name`` is optional in the model, not to AWS: without it, ValidationException (ours)."""
    name = params.get("Name")
    if name is None:
        raise ServiceError(
            "ValidationException",
            message([problem(None, "name", "Member must not be null")]),
        )
    entry = read(ctx, FLEETS, name)
    record = entry.record
    elastic = getattr(record, "fleet_type", None) == "ELASTIC"
    deleted = list(params.get("AttributesToDelete", []))
    if params.get("DeleteVpcConfig"):
        deleted.append("VPC_CONFIGURATION")
    both = [DELETABLE[a] for a in deleted if DELETABLE[a] in params]
    if both:
        raise _combination(f"{both[0]} cannot be both set and deleted in one request.")
    image_name, image_arn = _image_member(params)
    if elastic:
        _check_elastic(params, creating=False)
        if "VPC_CONFIGURATION" in deleted:
            raise _combination("VpcConfig is required for ELASTIC fleets.")
    else:
        _check_instances(params)
    per_instance = params.get(
        "MaxSessionsPerInstance", getattr(record, "max_sessions_per_instance", None)
    )
    if "MAX_SESSIONS_PER_INSTANCE" in deleted:
        per_instance = None
    status = dict(getattr(record, "compute_capacity_status", None) or {})
    if "ComputeCapacity" in params:
        status = _desired(params, per_instance)
    elif elastic and "MaxConcurrentSessions" in params:
        status = {"Desired": params["MaxConcurrentSessions"]}
    changed = {m for m in params if m not in _NOT_ATTRIBUTES} | {DELETABLE[a] for a in deleted}
    if FLEETS.in_between(entry.state):
        raise refusal(ctx, FLEETS, entry, _NEEDS_TO_UPDATE, None)
    if (
        entry.state == "RUNNING"
        and not changed <= RUNNING_UPDATES["ELASTIC" if elastic else "INSTANCES"]
    ):
        raise ServiceError(
            "ResourceInUseException",
            f"Cannot update the attribute for fleet {name} when it is ACTIVE. The fleet must be "
            "stopped to complete this action.",
        )
    members = members_of("Fleet")
    changes: dict[str, Any] = {
        member: copy.deepcopy(value)
        for member, value in params.items()
        if member in members and member not in ("Name", "ImageName", "ImageArn")
    }
    changes["ComputeCapacityStatus"] = status
    for attribute in deleted:
        member = DELETABLE[attribute]
        if attribute == "VPC_CONFIGURATION_SECURITY_GROUP_IDS":
            vpc = dict(changes.get("VpcConfig") or getattr(record, "vpc_config", None) or {})
            vpc.pop("SecurityGroupIds", None)
            changes[member] = vpc or None
        else:
            changes[member] = None
    if image_name is not None or image_arn is not None:
        image = _fleet_image(ctx, image_name, image_arn)
        platform = getattr(image.record, "platform", None)
        if entry.state == "RUNNING" and platform != getattr(record, "platform", None):
            raise ServiceError(
                "IncompatibleImageException",
                f"The image {image.name} is for {platform}; the fleet {name} for account "
                f"{ctx.account} runs {getattr(record, 'platform', None)}. Stop the fleet to "
                "change its operating system.",
            )
        changes.update(ImageName=image.name, ImageArn=getattr(image.record, "arn"))  # noqa: B009
        if "Platform" not in params and platform:
            changes["Platform"] = platform
    set_members(ctx, entry, changes)
    return {"Fleet": shown(ctx, read(ctx, FLEETS, name))}


#: What UpdateFleet needs of a fleet's state, as its refusal says it.
_NEEDS_TO_UPDATE = "The fleet must be in a STOPPED or RUNNING state to update."


#: The operations of this module, by AWS name.
HANDLERS: dict[str, Handler] = {
    "CreateFleet": create_fleet,
    "StartFleet": start_fleet,
    "StopFleet": stop_fleet,
    "DeleteFleet": delete_fleet,
    "UpdateFleet": update_fleet,
    "DescribeFleets": describe_fleets,
}
