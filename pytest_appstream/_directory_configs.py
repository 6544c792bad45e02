"""Directory configs, for domain-joined fleets and image builders; and their operations.

A directory config has no state in the model: it exists (``ACTIVE``, ours) or is gone. AWS
returns the service account's name, never its password; the model's shape requires one, so the
fake answers :data:`HIDDEN_PASSWORD` in its place.

>>> DirectoryConfig.SHAPE
'DirectoryConfig'
>>> default_ous("corp.example.com")
['OU=AppStream,DC=corp,DC=example,DC=com']
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
from ._model import EXISTS, Record, Stateless, aware
from ._registry import Entry
from ._seeding import BASE_CREATED_TIME, check_fields, check_state, show
from ._service import (
    Context,
    Handler,
    Params,
    Response,
    named_page,
    page_of,
    paged,
    read,
    settled,
)


@attrs.frozen(kw_only=True)
class DirectoryConfig(Stateless):
    """One DirectoryConfig as the fake holds it: every member of its botocore shape, snake_case.

    Nested members keep their wire form; members a newer botocore adds live in ``extra``. The
    record keeps the service account's password (a test may read it); responses never show it.
    """

    SHAPE: ClassVar[str] = "DirectoryConfig"
    KEY_FIELD: ClassVar[str] = "directory_name"

    directory_name: str
    organizational_unit_distinguished_names: list[Any] | None = None
    service_account_credentials: Mapping[str, Any] | None = None
    created_time: datetime.datetime | None = attrs.field(default=None, converter=aware)
    certificate_based_auth_properties: Mapping[str, Any] | None = None
    extra: Mapping[str, Any] = attrs.field(factory=dict, repr=False)


def default_ous(directory_name: str) -> list[str]:
    """The organizational unit a seeded directory config joins computers to (ours)."""
    domain = ",".join(f"DC={part}" for part in directory_name.split(".") if part)
    return [f"OU=AppStream,{domain}" if domain else "OU=AppStream"]


def _check_directory_name(name: object) -> str:
    """A directory name: the model sets no pattern; AWS asks for a fully qualified name."""
    if not isinstance(name, str) or not name.strip() or len(name) > 2000:
        raise AppStreamUsageError(
            f"name={show(name)} is not a directory name; allowed: the fully qualified name of "
            "the directory, a non-empty string (e.g. 'corp.example.com')"
        )
    return name


def build_directory_config(
    name: object,
    *,
    state: object = EXISTS,
    region: str,
    account_id: str,
    index: int,
    **fields: Any,
) -> DirectoryConfig:
    """A checked :class:`DirectoryConfig`: ``name`` is the directory name; unset fields get an
    organizational unit under the domain and a ``CreatedTime`` one minute after the last seed.
    """
    del region, account_id
    checked = _check_directory_name(name)
    check_state(state, states=DIRECTORY_CONFIGS.states, label="directory config")
    if "directory_name" in fields:
        raise AppStreamUsageError(
            f"directory_name={show(fields['directory_name'])} is not allowed; allowed: the "
            "directory name as the first argument"
        )
    wire = check_fields(fields, "DirectoryConfig", "CreateDirectoryConfig")
    values: dict[str, Any] = {
        "organizational_unit_distinguished_names": default_ous(checked),
        "created_time": BASE_CREATED_TIME + datetime.timedelta(minutes=index),
        **{xform_name(member): value for member, value in wire.items()},
    }
    return DirectoryConfig.from_fields(directory_name=checked, **values)


DIRECTORY_CONFIGS = register(
    Kind(
        collection="directory_configs",
        label="directory config",
        data_key="directory_configs",
        marker=None,
        record=DirectoryConfig,
        arn_resource="directory-config",  # a directory config has no ARN: never matched
        states_shape="",
        state_values=(EXISTS,),
        default_state=EXISTS,
        resting_states=(EXISTS,),
        build=build_directory_config,
        create_operation="CreateDirectoryConfig",
        key_argument="directory_name",
        taggable=False,
        order=10,
    )
)


# -- operations ----------------------------------------------------------------------------------


#: What responses show for the service account's password (AWS: "this password is not returned
#: in the actual response"; the model's shape requires one: ours).
HIDDEN_PASSWORD = "********"


def shown(record: Record) -> dict[str, Any]:
    """A directory config as AWS answers it: the service account's name, never its password."""
    items = record.to_response()
    credentials = items.get("ServiceAccountCredentials")
    if credentials is not None:
        items["ServiceAccountCredentials"] = {**credentials, "AccountPassword": HIDDEN_PASSWORD}
    return items


def create_directory_config(ctx: Context, params: Params) -> Response:
    """CreateDirectoryConfig: a new directory config; a name in use is ResourceAlreadyExists."""
    name = params["DirectoryName"]
    if ctx.registry.get(ctx.account, ctx.region, name, DIRECTORY_CONFIGS.collection):
        raise ServiceError(
            "ResourceAlreadyExistsException",
            f"The directory config {name} already exists for account {ctx.account}.",
        )
    fields = {
        xform_name(member): copy.deepcopy(params[member])
        for member in (
            "OrganizationalUnitDistinguishedNames",
            "ServiceAccountCredentials",
            "CertificateBasedAuthProperties",
        )
        if member in params
    }
    record = DirectoryConfig.from_fields(
        directory_name=name, created_time=ctx.clock.now(), **fields
    )
    ctx.registry.seed(
        ctx.account, ctx.region, record, "CreateDirectoryConfig", DIRECTORY_CONFIGS.collection
    )
    return {"DirectoryConfig": shown(record)}


def update_directory_config(ctx: Context, params: Params) -> Response:
    """UpdateDirectoryConfig: the members given replace the config's; the others stay."""
    name = params["DirectoryName"]
    read(ctx, DIRECTORY_CONFIGS, name)
    changes = {
        xform_name(member): copy.deepcopy(params[member])
        for member in (
            "OrganizationalUnitDistinguishedNames",
            "ServiceAccountCredentials",
            "CertificateBasedAuthProperties",
        )
        if member in params
    }
    entry = ctx.registry.update(
        ctx.account, ctx.region, name, DIRECTORY_CONFIGS.collection, **changes
    )
    return {"DirectoryConfig": shown(entry.record)}


def entries_of(ctx: Context, collection: str) -> list[Entry]:
    """The resources of a kind in the caller's account and region, in creation order, read
    without making the registry hold an (empty) store for them."""
    if (ctx.account, ctx.region) not in ctx.registry.stores(collection):
        return []
    return list(ctx.registry.store(ctx.account, ctx.region, collection).values())


def users_of(ctx: Context, directory_name: str) -> list[str]:
    """The live fleets and image builders whose ``DomainJoinInfo`` names the directory."""
    found = []
    for collection, label in (("fleets", "fleet"), ("builders", "image builder")):
        for entry in entries_of(ctx, collection):
            live: Entry | None = settled(ctx, entry)
            join = getattr(live.record, "domain_join_info", None) if live else None
            if live is not None and join and join.get("DirectoryName") == directory_name:
                found.append(f"{label} {live.name}")
    return found


def delete_directory_config(ctx: Context, params: Params) -> Response:
    """DeleteDirectoryConfig: refused while a fleet or image builder is joined to the domain."""
    name = params["DirectoryName"]
    read(ctx, DIRECTORY_CONFIGS, name)
    users = users_of(ctx, name)
    if users:
        raise ServiceError(
            "ResourceInUseException",
            f"The directory config {name} for account {ctx.account} is in use by "
            f"{', '.join(users)}. Remove their domain join information or delete them, then "
            "try again.",
        )
    ctx.registry.remove(
        ctx.account, ctx.region, name, "DeleteDirectoryConfig", DIRECTORY_CONFIGS.collection
    )
    return {}


def describe_directory_configs(ctx: Context, params: Params) -> Response:
    """DescribeDirectoryConfigs: by ``DirectoryNames`` or all, in pages of ``MaxResults``.

    An unknown name is ResourceNotFoundException; a page holds 25 without ``MaxResults``.
    """
    names = params.get("DirectoryNames")
    operation = "DescribeDirectoryConfigs"
    if names is None:
        entries = entries_of(ctx, DIRECTORY_CONFIGS.collection)
        page, token = page_of(ctx, operation, params, entries)
    else:
        page, token = named_page(
            ctx, operation, params, names, lambda name: read(ctx, DIRECTORY_CONFIGS, name)
        )
    return paged({"DirectoryConfigs": [shown(e.record) for e in page]}, token)


#: The operations of this module, by AWS name.
HANDLERS: dict[str, Handler] = {
    "CreateDirectoryConfig": create_directory_config,
    "UpdateDirectoryConfig": update_directory_config,
    "DeleteDirectoryConfig": delete_directory_config,
    "DescribeDirectoryConfigs": describe_directory_configs,
}
