"""Entitlements, which scope a stack's applications to SAML users; and their operations.

An entitlement belongs to a stack: its name is unique within the stack, so the fake keys it by
``"<stack>/<name>"`` (``appstream.entitlements["sales/finance"]``; a name has no ``/``). Its
applications are kept in its entry (``entry.data["applications"]``: application name -> the
application's creation number), and the stack it was made for by its creation number
(``entry.data["stack"]``): once that stack is deleted, its entitlements are gone too (removed at
the next call that reads the stack's entitlements).

>>> Entitlement(name="finance", stack_name="sales").key
'sales/finance'
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, ClassVar

import attrs
from botocore import xform_name

from ._app_blocks import linked, set_members
from ._applications import APPLICATIONS, fleet_applications
from ._errors import AppStreamUsageError, ServiceError
from ._kinds import Kind, register
from ._model import Stateless, aware
from ._registry import Entry
from ._seeding import BASE_CREATED_TIME, check_fields, check_name, check_state, show
from ._service import Context, Handler, Params, Response, find, indexed_page, paged, read
from ._validation import message, problem


@attrs.frozen(kw_only=True)
class Entitlement(Stateless):
    """One Entitlement as the fake holds it: every member of its botocore shape, snake_case.

    Nested members keep their wire form; members a newer botocore adds live in ``extra``.
    Its key in ``appstream.entitlements`` is :attr:`key`, ``"<stack>/<name>"``.
    """

    SHAPE: ClassVar[str] = "Entitlement"
    KEY_FIELD: ClassVar[str] = "key"

    name: str
    stack_name: str | None = None
    description: str | None = None
    app_visibility: str | None = None
    attributes: list[Any] | None = None
    created_time: datetime.datetime | None = attrs.field(default=None, converter=aware)
    last_modified_time: datetime.datetime | None = attrs.field(default=None, converter=aware)
    extra: Mapping[str, Any] = attrs.field(factory=dict, repr=False)

    @property
    def key(self) -> str:
        """``"<stack>/<name>"``: an entitlement's name is unique within its stack."""
        return f"{self.stack_name}/{self.name}"


def key(stack_name: str, name: str) -> str:
    """The registry key of entitlement ``name`` of stack ``stack_name``."""
    return f"{stack_name}/{name}"


#: The user attributes an entitlement may match (the API reference).
ATTRIBUTE_NAMES = (
    "roles",
    "department",
    "organization",
    "groups",
    "title",
    "costCenter",
    "userType",
)


def build_entitlement(
    name: object,
    *,
    state: object = "ACTIVE",
    region: str,
    account_id: str,
    index: int,
    **fields: Any,
) -> Entitlement:
    """A checked :class:`Entitlement` of the stack ``stack_name`` (required), ``ALL``
    applications and one attribute unless given."""
    del region, account_id
    checked_name = check_name(name, label="entitlement", source=("CreateEntitlement", "Name"))
    check_state(state, states=ENTITLEMENTS.states, label="entitlement")
    snake = {
        xform_name(m): v
        for m, v in check_fields(fields, "Entitlement", "CreateEntitlement").items()
    }
    if "stack_name" not in snake:
        raise AppStreamUsageError(
            "stack_name is missing; allowed: the name of a seeded stack (an entitlement "
            "belongs to a stack)"
        )
    for attribute in snake.get("attributes", []):
        if attribute["Name"] not in ATTRIBUTE_NAMES:
            raise AppStreamUsageError(
                f"attributes={show(snake['attributes'])}: Name={attribute['Name']!r} is not an "
                f"entitlement attribute; allowed: {', '.join(ATTRIBUTE_NAMES)}"
            )
    if snake.get("attributes") == []:
        raise AppStreamUsageError(
            "attributes=[] is not allowed; allowed: at least one {'Name': ..., 'Value': ...}"
        )
    created = BASE_CREATED_TIME + datetime.timedelta(minutes=index)
    values: dict[str, Any] = {
        "app_visibility": "ALL",
        "attributes": [{"Name": "roles", "Value": checked_name}],
        "created_time": created,
        "last_modified_time": created,
        **snake,
    }
    return Entitlement.from_fields(name=checked_name, **values)


def _seeded(ctx: Context, entry: Entry, *, applications: object = ()) -> None:
    """A seeded entitlement's stack (it must be seeded) and ``applications`` (names of seeded
    applications)."""
    record: Any = entry.record
    stack = ctx.registry.get(ctx.account, ctx.region, record.stack_name, "stacks")
    if stack is None:
        live = ", ".join(ctx.registry.store(ctx.account, ctx.region, "stacks")) or "none"
        raise AppStreamUsageError(
            f"stack_name={record.stack_name!r} is not a stack of {ctx.account}/{ctx.region}; "
            f"allowed: the name of a seeded stack (live stacks: {live})"
        )
    if isinstance(applications, str) or not isinstance(applications, (list, tuple)):
        raise AppStreamUsageError(
            f"applications={show(applications)} is not allowed; allowed: a list of application "
            "names"
        )
    links: dict[str, int] = {}
    for name in applications:
        application = find(ctx, APPLICATIONS, name) if isinstance(name, str) else None
        if application is None:
            live = ", ".join(ctx.store(APPLICATIONS)) or "none"
            raise AppStreamUsageError(
                f"applications={show(applications)}: {show(name)} is not an application of "
                f"{ctx.account}/{ctx.region}; allowed: names of seeded applications (live: "
                f"{live})"
            )
        links[name] = application.sequence
    entry.data.update(stack=stack.sequence, applications=links)


ENTITLEMENTS = register(
    Kind(
        collection="entitlements",
        label="entitlement",
        data_key="entitlements",
        marker=None,
        record=Entitlement,
        arn_resource="entitlement",
        states_shape="",
        state_values=("ACTIVE",),
        default_state="ACTIVE",
        resting_states=("ACTIVE",),
        build=build_entitlement,
        create_operation="CreateEntitlement",
        on_seed=_seeded,
        links={"applications": ()},
        not_found_error="EntitlementNotFoundException",
        part_of=("stacks", "stack_name"),
        seed_key=lambda arguments: key(str(arguments.get("stack_name")), str(arguments["name"])),
        taggable=False,
        order=9,
    )
)


# -- reading -------------------------------------------------------------------------------------


def _stack(ctx: Context, name: str) -> Entry:
    """The live stack ``name``, or ResourceNotFoundException."""
    stack = ctx.registry.get(ctx.account, ctx.region, name, "stacks")
    if stack is None:
        raise ServiceError(
            "ResourceNotFoundException",
            f"The stack {name} for account {ctx.account} does not exist.",
        )
    return stack


def _of_stack(ctx: Context, stack: Entry) -> list[Entry]:
    """The live entitlements of ``stack``, in creation order (those of a stack of that name
    deleted before went with their stack: no call finds them)."""
    return [
        entry
        for entry in list(ctx.store(ENTITLEMENTS).values())
        if getattr(entry.record, "stack_name", None) == stack.name
        and entry.data.get("stack") == stack.sequence
    ]


def _read(ctx: Context, stack_name: str, name: str) -> Entry:
    """Entitlement ``name`` of the live stack ``stack_name``, or AWS's error (the stack:
    ResourceNotFoundException; the entitlement: EntitlementNotFoundException)."""
    stack = _stack(ctx, stack_name)
    for entry in _of_stack(ctx, stack):
        if getattr(entry.record, "name", None) == name:
            return entry
    raise ServiceError(
        "EntitlementNotFoundException",
        f"The entitlement {name} for stack {stack_name} in account {ctx.account} does not exist.",
    )


def live_applications(ctx: Context, entry: Entry) -> dict[str, Entry]:
    """The live applications associated with the entitlement ``entry`` (none once its stack is
    gone)."""
    record: Any = entry.record
    stack = ctx.registry.get(ctx.account, ctx.region, record.stack_name, "stacks")
    if stack is None or entry.data.get("stack") != stack.sequence:
        return {}
    return linked(ctx, APPLICATIONS.collection, entry.data.get("applications", {}))


def _check_attributes(params: Params) -> None:
    for position, attribute in enumerate(params.get("Attributes", []), 1):
        if attribute["Name"] not in ATTRIBUTE_NAMES:
            raise ServiceError(
                "ValidationException",
                message(
                    [
                        problem(
                            attribute["Name"],
                            f"attributes.{position}.member.name",
                            f"Member must satisfy enum value set: [{', '.join(ATTRIBUTE_NAMES)}]",
                        )
                    ]
                ),
            )


# -- operations ----------------------------------------------------------------------------------


def create_entitlement(ctx: Context, params: Params) -> Response:
    """CreateEntitlement: on a live stack; a name unique within the stack."""
    name, stack_name = params["Name"], params["StackName"]
    _check_attributes(params)
    stack = _stack(ctx, stack_name)
    if any(getattr(e.record, "name", None) == name for e in _of_stack(ctx, stack)):
        raise ServiceError(
            "EntitlementAlreadyExistsException",
            f"The entitlement {name} already exists for stack {stack_name} in account "
            f"{ctx.account}.",
        )
    stale = find(ctx, ENTITLEMENTS, key(stack_name, name))
    if stale is not None:  # an entitlement of a stack deleted before: it went with its stack
        ctx.registry.remove(ctx.account, ctx.region, stale.name, "DeleteStack", stale.kind)
    now = ctx.clock.now()
    record = Entitlement.from_fields(
        name=name,
        stack_name=stack_name,
        description=params.get("Description"),
        app_visibility=params["AppVisibility"],
        attributes=[dict(a) for a in params["Attributes"]],
        created_time=now,
        last_modified_time=now,
    )
    entry = ctx.registry.seed(
        ctx.account, ctx.region, record, "CreateEntitlement", ENTITLEMENTS.collection
    )
    entry.data.update(stack=stack.sequence, applications={})
    return {"Entitlement": record.wire_items()}


def describe_entitlements(ctx: Context, params: Params) -> Response:
    """DescribeEntitlements: the stack's entitlements, or the one ``Name`` names, in pages."""
    stack_name, name = params["StackName"], params.get("Name")
    stack = _stack(ctx, stack_name)
    found = _of_stack(ctx, stack) if name is None else [_read(ctx, stack_name, name)]
    page, token = indexed_page(ctx, "DescribeEntitlements", params, found)
    return paged({"Entitlements": [e.record.wire_items() for e in page]}, token)


def update_entitlement(ctx: Context, params: Params) -> Response:
    """UpdateEntitlement: description, visibility and attributes."""
    entry = _read(ctx, params["StackName"], params["Name"])
    _check_attributes(params)
    changes: dict[str, Any] = {
        xform_name(member): params[member]
        for member in ("Description", "AppVisibility")
        if member in params
    }
    if "Attributes" in params:
        changes["attributes"] = [dict(a) for a in params["Attributes"]]
    changes["last_modified_time"] = ctx.clock.now()
    set_members(ctx, entry, changes)
    return {"Entitlement": entry.record.wire_items()}


def delete_entitlement(ctx: Context, params: Params) -> Response:
    """DeleteEntitlement: gone at once (its application associations with it)."""
    entry = _read(ctx, params["StackName"], params["Name"])
    ctx.registry.remove(ctx.account, ctx.region, entry.name, "DeleteEntitlement", entry.kind)
    return {}


def associate_application_to_entitlement(ctx: Context, params: Params) -> Response:
    """AssociateApplicationToEntitlement: ``ApplicationIdentifier`` is an application's name."""
    entry = _read(ctx, params["StackName"], params["EntitlementName"])
    application = read(ctx, APPLICATIONS, params["ApplicationIdentifier"])
    links = {name: e.sequence for name, e in live_applications(ctx, entry).items()}
    links[application.name] = application.sequence
    entry.data["applications"] = links
    return {}


def disassociate_application_from_entitlement(ctx: Context, params: Params) -> Response:
    """DisassociateApplicationFromEntitlement: not associated: nothing to do."""
    entry = _read(ctx, params["StackName"], params["EntitlementName"])
    application = read(ctx, APPLICATIONS, params["ApplicationIdentifier"])
    entry.data["applications"] = {
        name: e.sequence
        for name, e in live_applications(ctx, entry).items()
        if name != application.name
    }
    return {}


def entitled(ctx: Context, entry: Entry) -> list[str]:
    """The applications an entitlement gives: ``ALL``: every application associated with its
    stack's fleet; ``ASSOCIATED``: those associated with it. In creation order."""
    record: Any = entry.record
    if record.app_visibility == "ASSOCIATED":
        chosen = live_applications(ctx, entry).values()
        return [e.name for e in sorted(chosen, key=lambda e: e.sequence)]
    stack = ctx.registry.get(ctx.account, ctx.region, record.stack_name, "stacks")
    fleets = [] if stack is None else list(stack.data.get("fleets", []))
    names: dict[str, int] = {}
    for fleet_name in fleets:
        for application in fleet_applications(ctx, fleet_name):
            names[application.name] = application.sequence
    return sorted(names, key=lambda n: names[n])


def list_entitled_applications(ctx: Context, params: Params) -> Response:
    """ListEntitledApplications: what :func:`entitled` says, in pages."""
    entry = _read(ctx, params["StackName"], params["EntitlementName"])
    rows = [{"ApplicationIdentifier": name} for name in entitled(ctx, entry)]
    page, token = indexed_page(ctx, "ListEntitledApplications", params, rows)
    return paged({"EntitledApplications": page}, token)


#: The operations of this module, by AWS name.
HANDLERS: dict[str, Handler] = {
    "CreateEntitlement": create_entitlement,
    "DescribeEntitlements": describe_entitlements,
    "UpdateEntitlement": update_entitlement,
    "DeleteEntitlement": delete_entitlement,
    "AssociateApplicationToEntitlement": associate_application_to_entitlement,
    "DisassociateApplicationFromEntitlement": disassociate_application_from_entitlement,
    "ListEntitledApplications": list_entitled_applications,
}
