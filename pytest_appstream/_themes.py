"""Stack themes, the branding of a stack's streaming portal; and their operations.

A stack has at most one theme, keyed by the stack's name; its state is ``ENABLED`` or
``DISABLED`` (``UpdateThemeForStack(State=...)``, at once). AWS serves the logo and favicon it
copies from the S3 locations given at its own URLs; the fake's are made from the region, the
account, the stack and the S3 object (:func:`theme_url`), the same in every run. A theme whose
stack was deleted is gone too (dropped when next read).

>>> Theme.SHAPE
'Theme'
>>> theme_url("us-east-1", "123456789012", "s", "favicon", {"S3Bucket": "b", "S3Key": "f.ico"})
'https://appstream2-branding-us-east-1.s3.us-east-1.amazonaws.com/123456789012/s/favicon-d4fe2a7f45c13a7e'
"""

from __future__ import annotations

import copy
import datetime
import hashlib
from collections.abc import Mapping
from typing import Any, ClassVar

import attrs
from botocore import xform_name

from ._errors import AppStreamUsageError, ServiceError
from ._kinds import Kind, register
from ._model import Record, aware
from ._registry import Entry
from ._seeding import BASE_CREATED_TIME, check_fields, check_name, check_state, partition, show
from ._service import Context, Handler, Params, Response, settled


@attrs.frozen(kw_only=True)
class Theme(Record):
    """One Theme as the fake holds it: every member of its botocore shape, snake_case.

    Nested members keep their wire form; members a newer botocore adds live in ``extra``.
    """

    SHAPE: ClassVar[str] = "Theme"
    KEY_FIELD: ClassVar[str] = "stack_name"

    stack_name: str
    state: str
    theme_title_text: str | None = None
    theme_styling: str | None = None
    theme_footer_links: list[Any] | None = None
    theme_organization_logo_url: str | None = None
    theme_favicon_url: str | None = None
    created_time: datetime.datetime | None = attrs.field(default=None, converter=aware)
    extra: Mapping[str, Any] = attrs.field(factory=dict, repr=False)


#: The kind of the resource a theme belongs to (another engineer's kind: read, never written).
STACKS = "stacks"
#: A new theme's state: CreateThemeForStack takes none; the branding applies at once (ours).
DEFAULT_STATE = "ENABLED"
#: A seeded theme's colours when none are given (ours: the first of AWS's four).
DEFAULT_STYLING = "LIGHT_BLUE"


def theme_url(
    region: str, account: str, stack: str, image: str, location: Mapping[str, Any] | None
) -> str:
    """Where AWS serves a theme's ``image`` (``organization-logo``, ``favicon``) copied from
    ``location`` (ours: AWS's own bucket, a name made from the S3 object, deterministic)."""
    source = "" if location is None else f"{location.get('S3Bucket')}/{location.get('S3Key', '')}"
    digest = hashlib.sha256(f"{stack}/{image}/{source}".encode()).hexdigest()[:16]
    domain = "amazonaws.com.cn" if partition(region) == "aws-cn" else "amazonaws.com"
    return (
        f"https://appstream2-branding-{region}.s3.{region}.{domain}/{account}/{stack}/"
        f"{image}-{digest}"
    )


# -- seeding -------------------------------------------------------------------------------------


def build_theme(
    name: object,
    *,
    state: object = DEFAULT_STATE,
    region: str,
    account_id: str,
    index: int,
    **fields: Any,
) -> Theme:
    """A checked :class:`Theme` of the stack ``name`` (which must exist when it is seeded):
    the title is the stack's name, the styling light blue, the logo and favicon URLs made up.
    """
    checked = check_name(name, label="stack", source=("CreateThemeForStack", "StackName"))
    checked_state = check_state(state, states=THEMES.states, label="theme")
    if "stack_name" in fields:
        raise AppStreamUsageError(
            f"stack_name={show(fields['stack_name'])} is not allowed; allowed: the stack's name "
            "as the first argument"
        )
    wire = check_fields(fields, "Theme", "CreateThemeForStack")
    values: dict[str, Any] = {
        "theme_title_text": checked,
        "theme_styling": DEFAULT_STYLING,
        "theme_organization_logo_url": theme_url(
            region, account_id, checked, "organization-logo", None
        ),
        "theme_favicon_url": theme_url(region, account_id, checked, "favicon", None),
        "created_time": BASE_CREATED_TIME + datetime.timedelta(minutes=index),
        **{xform_name(member): value for member, value in wire.items()},
    }
    return Theme.from_fields(stack_name=checked, state=checked_state, **values)


def _on_seed(ctx: Context, entry: Entry, **_: Any) -> None:
    """A seeded theme belongs to a live stack of its region (seed the stack first)."""
    stack = ctx.registry.get(ctx.account, ctx.region, entry.name, STACKS)
    if stack is None:
        raise AppStreamUsageError(
            f"name={entry.name!r} names no stack in {ctx.account}/{ctx.region}; allowed: the "
            "name of a stack seeded or created before (appstream.stacks.add)"
        )
    entry.data["stack"] = stack.sequence


THEMES = register(
    Kind(
        collection="themes",
        label="theme",
        data_key="themes",
        marker=None,
        record=Theme,
        arn_resource="theme",  # a theme has no ARN: never matched
        states_shape="ThemeState",
        default_state=DEFAULT_STATE,
        resting_states=("ENABLED", "DISABLED"),
        build=build_theme,
        create_operation="CreateThemeForStack",
        on_seed=_on_seed,
        key_argument="stack_name",
        part_of=("stacks", "stack_name"),
        taggable=False,
        order=11,
    )
)


# -- operations ----------------------------------------------------------------------------------


def _stack(ctx: Context, name: str) -> Entry:
    """The live stack ``name`` (a theme its deleted namesake left is dropped), or AWS's
    ResourceNotFoundException."""
    stack = settled(ctx, ctx.registry.get(ctx.account, ctx.region, name, STACKS))
    theme = ctx.registry.get(ctx.account, ctx.region, name, THEMES.collection)
    if theme is not None and (stack is None or theme.data.get("stack") != stack.sequence):
        ctx.registry.remove(ctx.account, ctx.region, name, "DeleteStack", THEMES.collection)
    if stack is None:
        raise ServiceError(
            "ResourceNotFoundException",
            f"The stack {name} for account {ctx.account} does not exist.",
        )
    return stack


def _theme(ctx: Context, stack: Entry) -> Entry | None:
    """The theme of the live ``stack`` (after :func:`_stack`), if it has one."""
    return ctx.registry.get(ctx.account, ctx.region, stack.name, THEMES.collection)


def _read(ctx: Context, name: str) -> Entry:
    """The theme of the stack ``name``: the stack and its theme exist, else ResourceNotFound."""
    entry = _theme(ctx, _stack(ctx, name))
    if entry is None:
        raise ServiceError(
            "ResourceNotFoundException",
            f"The theme for stack {name} for account {ctx.account} does not exist.",
        )
    return entry


def _images(ctx: Context, name: str, params: Params) -> dict[str, str]:
    """The URLs of the logo and favicon a request gives S3 locations of, by snake_case field."""
    urls = {}
    for member, field, image in (
        ("OrganizationLogoS3Location", "theme_organization_logo_url", "organization-logo"),
        ("FaviconS3Location", "theme_favicon_url", "favicon"),
    ):
        if member in params:
            urls[field] = theme_url(ctx.region, ctx.account, name, image, params[member])
    return urls


def create_theme_for_stack(ctx: Context, params: Params) -> Response:
    """CreateThemeForStack: the stack's one theme, ENABLED; a second is ResourceAlreadyExists."""
    name = params["StackName"]
    stack = _stack(ctx, name)
    if _theme(ctx, stack) is not None:
        raise ServiceError(
            "ResourceAlreadyExistsException",
            f"The theme for stack {name} already exists for account {ctx.account}.",
        )
    record = Theme.from_fields(
        stack_name=name,
        state=DEFAULT_STATE,
        theme_title_text=params["TitleText"],
        theme_styling=params["ThemeStyling"],
        theme_footer_links=copy.deepcopy(params.get("FooterLinks")),
        created_time=ctx.clock.now(),
        **_images(ctx, name, params),
    )
    entry = ctx.registry.seed(
        ctx.account, ctx.region, record, "CreateThemeForStack", THEMES.collection
    )
    entry.data["stack"] = stack.sequence
    return {"Theme": record.to_response()}


def update_theme_for_stack(ctx: Context, params: Params) -> Response:
    """UpdateThemeForStack: the members given replace the theme's; ``State`` applies at once.

    ``AttributesToDelete=["FOOTER_LINKS"]`` removes the footer links.
    """
    name = params["StackName"]
    deleted = params.get("AttributesToDelete", [])
    if "FooterLinks" in params and "FOOTER_LINKS" in deleted:
        raise ServiceError(
            "InvalidParameterCombinationException",
            "FooterLinks cannot be both set and deleted in one request.",
        )
    entry = _read(ctx, name)
    changes: dict[str, Any] = _images(ctx, name, params)
    for member, field in (
        ("TitleText", "theme_title_text"),
        ("ThemeStyling", "theme_styling"),
        ("FooterLinks", "theme_footer_links"),
    ):
        if member in params:
            changes[field] = copy.deepcopy(params[member])
    if "FOOTER_LINKS" in deleted:
        changes["theme_footer_links"] = None
    state = params.get("State", entry.state)
    entry = ctx.registry.set_state(
        ctx.account, ctx.region, name, state, "UpdateThemeForStack", THEMES.collection, **changes
    )
    return {"Theme": entry.record.to_response()}


def describe_theme_for_stack(ctx: Context, params: Params) -> Response:
    """DescribeThemeForStack: the stack's theme; none is ResourceNotFoundException."""
    return {"Theme": _read(ctx, params["StackName"]).record.to_response()}


def delete_theme_for_stack(ctx: Context, params: Params) -> Response:
    """DeleteThemeForStack: the stack's theme is gone (the stack stays)."""
    name = params["StackName"]
    _read(ctx, name)
    ctx.registry.remove(ctx.account, ctx.region, name, "DeleteThemeForStack", THEMES.collection)
    return {}


#: The operations of this module, by AWS name.
HANDLERS: dict[str, Handler] = {
    "CreateThemeForStack": create_theme_for_stack,
    "UpdateThemeForStack": update_theme_for_stack,
    "DescribeThemeForStack": describe_theme_for_stack,
    "DeleteThemeForStack": delete_theme_for_stack,
}
