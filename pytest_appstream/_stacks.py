"""Stacks, which give users a fleet's applications: the kind and its operations.

A stack has no state in AWS's model (the fake says ``ACTIVE`` while it lives). The fleet
associated with it is kept in its entry's ``data["fleets"]`` (a list of at most one name).

>>> default_user_settings()[0]["Permission"]
'ENABLED'
"""

from __future__ import annotations

import copy
import datetime
import hashlib
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import attrs
from botocore import xform_name

from . import _fleets
from ._errors import AppStreamUsageError, ServiceError
from ._image_builders import set_members
from ._kinds import Kind, register
from ._model import Stateless, aware, members_of, shape
from ._registry import Entry
from ._seeding import BASE_CREATED_TIME, check_fields, check_name, check_state, partition, show
from ._service import (
    Context,
    Handler,
    Params,
    Response,
    expiry,
    find,
    indexed_page,
    named_page,
    page_of,
    paged,
    read,
    remove,
    streaming_url,
)


@attrs.frozen(kw_only=True)
class Stack(Stateless):
    """One Stack as the fake holds it: every member of its botocore shape, snake_case.

    Nested members keep their wire form; members a newer botocore adds live in ``extra``.
    """

    SHAPE: ClassVar[str] = "Stack"

    name: str
    arn: str | None = None
    description: str | None = None
    display_name: str | None = None
    created_time: datetime.datetime | None = attrs.field(default=None, converter=aware)
    storage_connectors: list[Any] | None = None
    redirect_url: str | None = None
    feedback_url: str | None = None
    stack_errors: list[Any] | None = None
    user_settings: list[Any] | None = None
    application_settings: Mapping[str, Any] | None = None
    access_endpoints: list[Any] | None = None
    embed_host_domains: list[Any] | None = None
    streaming_experience_settings: Mapping[str, Any] | None = None
    content_redirection: Mapping[str, Any] | None = None
    web_authn_redirection: Mapping[str, Any] | None = None
    agent_access_config: Mapping[str, Any] | None = None
    storage_connector_authentication: str | None = None
    extra: Mapping[str, Any] = attrs.field(factory=dict, repr=False)


#: A clipboard action's ``MaximumLength`` when none is given (AWS: 20,971,520 characters).
DEFAULT_CLIPBOARD_LENGTH = 20971520


def _clipboard(action: str) -> bool:
    return action.startswith("CLIPBOARD_COPY_")


def default_user_settings() -> list[dict[str, Any]]:
    """AWS's UserSettings of a stack created without them: every ``Action`` of the installed
    model ENABLED, the clipboard ones with their default ``MaximumLength``."""
    length = "MaximumLength" in members_of("UserSetting")
    settings: list[dict[str, Any]] = []
    for action in getattr(shape("Action"), "enum", ()):
        setting: dict[str, Any] = {"Action": action, "Permission": "ENABLED"}
        if length and _clipboard(action):
            setting["MaximumLength"] = DEFAULT_CLIPBOARD_LENGTH
        settings.append(setting)
    return settings


def stack_arn(region: str, account: str, name: str) -> str:
    """``arn:aws:appstream:REGION:ACCOUNT:stack/NAME``."""
    return f"arn:{partition(region)}:appstream:{region}:{account}:stack/{name}"


def build_stack(
    name: object,
    *,
    state: object = "ACTIVE",
    region: str,
    account_id: str,
    index: int,
    **fields: Any,
) -> Stack:
    """A checked :class:`Stack` with AWS's defaults for every unset field (every user setting
    ENABLED, no stack errors); see the ``appstream_stack`` marker."""
    checked_name = check_name(name, label="stack", source=("CreateStack", "Name"))
    check_state(state, states=STACKS.states, label="stack")
    snake = {xform_name(m): v for m, v in check_fields(fields, "Stack", "CreateStack").items()}
    values: dict[str, Any] = {
        "arn": stack_arn(region, account_id, checked_name),
        "created_time": BASE_CREATED_TIME + datetime.timedelta(minutes=index),
        "stack_errors": [],
        "user_settings": default_user_settings(),
        **snake,
    }
    return Stack.from_fields(name=checked_name, **values)


def _seeded(ctx: Context, entry: Entry, fleets: object = ()) -> None:
    """Associate a seeded stack with the fleets it names (at most one, live in its region)."""
    if isinstance(fleets, str) or not isinstance(fleets, Sequence):
        raise AppStreamUsageError(
            f"fleets={show(fleets)} is not allowed; allowed: a list of at most one fleet name "
            "(a stack has at most one fleet)"
        )
    names = list(fleets)
    if len(names) > 1 or not all(isinstance(n, str) for n in names):
        raise AppStreamUsageError(
            f"fleets={show(fleets)} is not allowed; allowed: a list of at most one fleet name "
            "(a stack has at most one fleet)"
        )
    live = ctx.registry.store(ctx.account, ctx.region, _fleets.FLEETS.collection)
    missing = [n for n in names if n not in live]
    if missing:
        raise AppStreamUsageError(
            f"fleets={show(fleets)}: no fleet named {', '.join(map(repr, missing))} in "
            f"{ctx.account}/{ctx.region}; live fleets: {', '.join(live) or 'none'} (seed the "
            "fleet first, e.g. @pytest.mark.appstream_fleet)"
        )
    entry.data["fleets"] = names


STACKS = register(
    Kind(
        collection="stacks",
        label="stack",
        data_key="stacks",
        marker="appstream_stack",
        record=Stack,
        arn_resource="stack",
        states_shape="",
        state_values=("ACTIVE",),
        default_state="ACTIVE",
        resting_states=("ACTIVE",),
        build=build_stack,
        create_operation="CreateStack",
        on_seed=_seeded,
        links={"fleets": ()},
        marker_help="seed one AppStream stack, associated with the fleet ``fleets`` names (at "
        "most one, seeded in the same region; fields: snake_case Stack members)",
        order=3,
    )
)


def fleets_of(ctx: Context, entry: Entry) -> list[str]:
    """The live fleets a stack is associated with (a fleet deleted meanwhile is dropped)."""
    names: list[str] = entry.data.get("fleets", [])
    live = [n for n in names if find(ctx, _fleets.FLEETS, n) is not None]
    if live != names:
        entry.data["fleets"] = live
    return live


# -- operations ----------------------------------------------------------------------------------


def describe_stacks(ctx: Context, params: Params) -> Response:
    """DescribeStacks: by ``Names`` (an unknown one is ResourceNotFoundException) or all, in
    pages of 25 (ours) in creation order."""
    names = params.get("Names")
    operation = "DescribeStacks"
    if names is None:
        page, token = page_of(ctx, operation, params, list(ctx.store(STACKS).values()))
    else:
        page, token = named_page(
            ctx, operation, params, names, lambda name: read(ctx, STACKS, name)
        )
    return paged({"Stacks": [e.record.wire_items() for e in page]}, token)


def list_associated_fleets(ctx: Context, params: Params) -> Response:
    """ListAssociatedFleets: the fleet of a stack (an unknown stack has none: the model lists no
    error)."""
    entry = find(ctx, STACKS, params["StackName"])
    names = [] if entry is None else fleets_of(ctx, entry)
    page, token = indexed_page(ctx, "ListAssociatedFleets", params, names)
    return paged({"Names": page}, token)


def list_associated_stacks(ctx: Context, params: Params) -> Response:
    """ListAssociatedStacks: the stacks of a fleet (an unknown fleet has none: the model lists
    no error)."""
    fleet = find(ctx, _fleets.FLEETS, params["FleetName"])
    names = [] if fleet is None else _fleets.stacks_of(ctx, fleet.name)
    page, token = indexed_page(ctx, "ListAssociatedStacks", params, names)
    return paged({"Names": page}, token)


def _combination(text: str) -> ServiceError:
    return ServiceError("InvalidParameterCombinationException", text)


def _user_settings(
    current: list[dict[str, Any]], given: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """``current`` with the settings ``given`` replacing theirs, by Action (in model order; an
    Action not given keeps its setting). MaximumLength is for an ENABLED clipboard action only;
    an ENABLED clipboard action without one gets AWS's default."""
    actions = [s["Action"] for s in given]
    repeated = sorted({a for a in actions if actions.count(a) > 1})
    if repeated:
        raise _combination(f"UserSettings names the action {repeated[0]} more than once.")
    for setting in given:
        if "MaximumLength" in setting and not (
            _clipboard(setting["Action"]) and setting["Permission"] == "ENABLED"
        ):
            raise _combination(
                f"MaximumLength is only supported for an ENABLED CLIPBOARD_COPY_* action, not "
                f"{setting['Action']} {setting['Permission']}."
            )
    merged = {s["Action"]: dict(s) for s in current}
    length = "MaximumLength" in members_of("UserSetting")
    for setting in given:
        new = dict(setting)
        if length and _clipboard(new["Action"]) and new["Permission"] == "ENABLED":
            new.setdefault("MaximumLength", DEFAULT_CLIPBOARD_LENGTH)
        merged[new["Action"]] = new
    order = list(getattr(shape("Action"), "enum", ()))
    return sorted(
        merged.values(),
        key=lambda s: order.index(s["Action"]) if s["Action"] in order else len(order),
    )


def _application_settings(ctx: Context, name: str, given: Mapping[str, Any]) -> dict[str, Any]:
    """ApplicationSettings as a stack answers them: with the S3 bucket AWS makes when enabled
    (``appstream-app-settings-<region>-<account>-<id>``; the id is ours, from the stack)."""
    answer: dict[str, Any] = dict(given)
    if given.get("Enabled"):
        digest = hashlib.sha256(f"{ctx.account}/{ctx.region}/{name}".encode()).hexdigest()
        answer["S3BucketName"] = f"appstream-app-settings-{ctx.region}-{ctx.account}-{digest[:8]}"
    return answer


#: Members of CreateStack/UpdateStack that are not the stack's attributes.
_NOT_ATTRIBUTES = ("Name", "Tags", "AttributesToDelete", "DeleteStorageConnectors")


def _changes(ctx: Context, name: str, params: Params, current: list[Any]) -> dict[str, Any]:
    """The Stack members a CreateStack or UpdateStack request sets, in wire form."""
    members = members_of("Stack")
    changes: dict[str, Any] = {
        member: copy.deepcopy(value)
        for member, value in params.items()
        if member in members and member not in _NOT_ATTRIBUTES
    }
    if "UserSettings" in params:
        changes["UserSettings"] = _user_settings(current, params["UserSettings"])
    if "ApplicationSettings" in params:
        changes["ApplicationSettings"] = _application_settings(
            ctx, name, params["ApplicationSettings"]
        )
    return changes


def create_stack(ctx: Context, params: Params) -> Response:
    """CreateStack: a new stack, every user setting ENABLED unless the request says otherwise."""
    name = params["Name"]
    changes = _changes(ctx, name, params, default_user_settings())
    if find(ctx, STACKS, name) is not None:
        raise ServiceError(
            "ResourceAlreadyExistsException",
            f"The stack {name} already exists for account {ctx.account}.",
        )
    fields = {xform_name(member): value for member, value in changes.items()}
    try:
        stack = build_stack(
            name,
            region=ctx.region,
            account_id=ctx.account,
            index=0,
            created_time=ctx.clock.now(),
            **fields,
        )
    except AppStreamUsageError as error:  # input validation lets nothing through to here
        raise ServiceError("ValidationException", str(error)) from None
    entry = ctx.registry.seed(ctx.account, ctx.region, stack, "CreateStack", STACKS.collection)
    entry.tags = dict(params.get("Tags", {}))
    entry.data["fleets"] = []
    return {"Stack": entry.record.wire_items()}


#: UpdateStack's ``AttributesToDelete``: StackAttribute -> the member it unsets; a storage
#: connector type removes that connector only; THEME_NAME and IAM_ROLE_ARN are not members of
#: the Stack shape (a theme is its own resource), so they change nothing here.
DELETABLE: dict[str, str | None] = {
    "STORAGE_CONNECTORS": "StorageConnectors",
    "STORAGE_CONNECTOR_HOMEFOLDERS": "StorageConnectors",
    "STORAGE_CONNECTOR_GOOGLE_DRIVE": "StorageConnectors",
    "STORAGE_CONNECTOR_ONE_DRIVE": "StorageConnectors",
    "REDIRECT_URL": "RedirectURL",
    "FEEDBACK_URL": "FeedbackURL",
    "THEME_NAME": None,
    "USER_SETTINGS": "UserSettings",
    "EMBED_HOST_DOMAINS": "EmbedHostDomains",
    "IAM_ROLE_ARN": None,
    "ACCESS_ENDPOINTS": "AccessEndpoints",
    "STREAMING_EXPERIENCE_SETTINGS": "StreamingExperienceSettings",
    "CONTENT_REDIRECTION": "ContentRedirection",
    "WEB_AUTHN_REDIRECTION": "WebAuthnRedirection",
    "AGENT_ACCESS_CONFIG": "AgentAccessConfig",
    "STORAGE_CONNECTOR_AUTHENTICATION": "StorageConnectorAuthentication",
    "AGENT_ACCESS_CONFIG_KMS_KEY_ARN": "AgentAccessConfig",
}
_CONNECTOR_TYPES = {
    "STORAGE_CONNECTOR_HOMEFOLDERS": "HOMEFOLDERS",
    "STORAGE_CONNECTOR_GOOGLE_DRIVE": "GOOGLE_DRIVE",
    "STORAGE_CONNECTOR_ONE_DRIVE": "ONE_DRIVE",
}


def _deleted(record: Any, attribute: str, member: str) -> Any:
    """What ``member`` becomes when ``attribute`` is deleted (None: unset)."""
    if attribute in _CONNECTOR_TYPES:
        kept = [
            c
            for c in record.storage_connectors or []
            if c.get("ConnectorType") != _CONNECTOR_TYPES[attribute]
        ]
        return kept or None
    if attribute == "USER_SETTINGS":
        return default_user_settings()  # AWS's defaults again (ours)
    if attribute == "AGENT_ACCESS_CONFIG_KMS_KEY_ARN":
        config = dict(getattr(record, "agent_access_config", None) or {})
        config.pop("KmsKeyArn", None)
        return config or None
    del member
    return None


def update_stack(ctx: Context, params: Params) -> Response:
    """UpdateStack: the members given, ``AttributesToDelete`` unset (``DeleteStorageConnectors``:
    every storage connector); user settings change by Action, the others stay."""
    name = params["Name"]
    entry = read(ctx, STACKS, name)
    record = entry.record
    deleted = [a for a in params.get("AttributesToDelete", []) if DELETABLE.get(a)]
    if params.get("DeleteStorageConnectors"):
        deleted.append("STORAGE_CONNECTORS")
    both = [a for a in deleted if DELETABLE[a] in params]
    if both:
        raise _combination(f"{DELETABLE[both[0]]} cannot be both set and deleted ({both[0]}).")
    changes = _changes(ctx, name, params, list(getattr(record, "user_settings", None) or []))
    for attribute in deleted:
        member = DELETABLE[attribute]
        assert member is not None
        changes[member] = _deleted(entry.record, attribute, member)
        if member in ("StorageConnectors", "AgentAccessConfig"):  # several may apply in turn
            set_members(ctx, entry, {member: changes[member]})
    set_members(ctx, entry, changes)
    return {"Stack": read(ctx, STACKS, name).record.wire_items()}


def delete_stack(ctx: Context, params: Params) -> Response:
    """DeleteStack: a stack no fleet is associated with; gone at once."""
    name = params["Name"]
    entry = read(ctx, STACKS, name)
    if fleets_of(ctx, entry):
        raise ServiceError(
            "ResourceInUseException",
            f"Cannot delete stack {name}. This stack has fleets associated with it. Only stacks "
            "with no fleets associated with it can be deleted.",
        )
    remove(ctx, STACKS, name, "DeleteStack")  # with its entitlements and theme
    return {}


def _pair(ctx: Context, params: Params) -> tuple[Entry, Entry]:
    """The stack and the fleet a call names (ResourceNotFoundException for either)."""
    stack = read(ctx, STACKS, params["StackName"])
    fleet = read(ctx, _fleets.FLEETS, params["FleetName"])
    return stack, fleet


def associate_fleet(ctx: Context, params: Params) -> Response:
    """AssociateFleet: a stack has at most one fleet (another one: OperationNotPermitted, ours);
    the fleet may be in any state; associating the stack's own fleet again changes nothing."""
    stack, fleet = _pair(ctx, params)
    current = fleets_of(ctx, stack)
    if current and current != [fleet.name]:
        raise ServiceError(
            "OperationNotPermittedException",
            f"The stack {stack.name} for account {ctx.account} already has the fleet "
            f"{current[0]} associated with it. A stack can have one fleet: disassociate "
            f"{current[0]} first.",
        )
    stack.data["fleets"] = [fleet.name]
    return {}


def disassociate_fleet(ctx: Context, params: Params) -> Response:
    """DisassociateFleet: the fleet need not be stopped; a fleet not associated with the stack is
    ResourceNotFoundException (ours)."""
    stack, fleet = _pair(ctx, params)
    if fleet.name not in fleets_of(ctx, stack):
        raise ServiceError(
            "ResourceNotFoundException",
            f"The fleet {fleet.name} is not associated with the stack {stack.name} for account "
            f"{ctx.account}.",
        )
    stack.data["fleets"] = []
    return {}


#: CreateStreamingURL ``Validity`` in seconds, by default (API reference).
DEFAULT_VALIDITY = 60


def streamable(ctx: Context, stack_name: str, fleet_name: str) -> tuple[Entry, Entry]:
    """The stack and fleet a user may stream from, or the error CreateStreamingURL answers: both
    exist (ResourceNotFound), the fleet is the stack's (InvalidParameterCombination), not joined
    to a domain (OperationNotPermitted) and RUNNING (ResourceNotAvailable)."""
    stack, fleet = _pair(ctx, {"StackName": stack_name, "FleetName": fleet_name})
    if fleet.name not in fleets_of(ctx, stack):
        raise _combination(
            f"The fleet {fleet.name} is not associated with the stack {stack.name} for account "
            f"{ctx.account}."
        )
    if getattr(fleet.record, "domain_join_info", None):
        raise ServiceError(
            "OperationNotPermittedException",
            f"The fleet {fleet.name} for account {ctx.account} is joined to a directory: its "
            "users sign in through SAML, not with a streaming URL.",
        )
    if fleet.state != "RUNNING":
        raise ServiceError(
            "ResourceNotAvailableException",
            f"The fleet {fleet.name} for account {ctx.account} is {fleet.state}. The fleet must "
            "be in a RUNNING state to stream.",
        )
    return stack, fleet


def create_streaming_url(ctx: Context, params: Params) -> Response:
    """CreateStreamingURL: a URL for a user of a stack's RUNNING, non-domain-joined fleet;
    ``Validity`` 1-604800 s (default 60); ``Expires`` from the fake's clock."""
    expires = expiry(ctx, params, DEFAULT_VALIDITY)
    stack, fleet = streamable(ctx, params["StackName"], params["FleetName"])
    token = {
        "type": "END_USER",
        "expires": int(expires.timestamp()),
        "awsAccountId": ctx.account,
        "userId": params["UserId"],
        "stackName": stack.name,
        "fleetName": fleet.name,
        **({"applicationId": params["ApplicationId"]} if "ApplicationId" in params else {}),
        **({"sessionContext": params["SessionContext"]} if "SessionContext" in params else {}),
    }
    return {"StreamingURL": streaming_url(ctx.region, token), "Expires": expires}


#: The operations of this module, by AWS name.
HANDLERS: dict[str, Handler] = {
    "CreateStack": create_stack,
    "UpdateStack": update_stack,
    "DeleteStack": delete_stack,
    "AssociateFleet": associate_fleet,
    "DisassociateFleet": disassociate_fleet,
    "CreateStreamingURL": create_streaming_url,
    "DescribeStacks": describe_stacks,
    "ListAssociatedFleets": list_associated_fleets,
    "ListAssociatedStacks": list_associated_stacks,
}
