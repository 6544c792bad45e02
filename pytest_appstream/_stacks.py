"""Stacks, which give users a fleet's applications: the kind and its operations.

A stack has no state in AWS's model (the fake says ``ACTIVE`` while it lives). The fleet
associated with it is kept in its entry's ``data["fleets"]`` (a list of at most one name).

>>> default_user_settings()[0]["Permission"]
'ENABLED'
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import attrs
from botocore import xform_name

from . import _fleets
from ._errors import AppStreamUsageError
from ._kinds import Kind, register
from ._model import Stateless, aware, members_of, shape
from ._registry import Entry
from ._seeding import BASE_CREATED_TIME, check_fields, check_name, check_state, partition, show
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


#: The operations of this module, by AWS name.
HANDLERS: dict[str, Handler] = {
    "DescribeStacks": describe_stacks,
    "ListAssociatedFleets": list_associated_fleets,
    "ListAssociatedStacks": list_associated_stacks,
}
