"""Records of the fake: image builders, transitions and calls, read from the botocore model.

The botocore service model installed next to this package is the source of truth: states,
member names and shapes come from it at run time, so a newer botocore brings its own.

>>> builder_states()[:3]
('PENDING', 'UPDATING_AGENT', 'RUNNING')
"""

from __future__ import annotations

import copy
import datetime
import functools
import re
from collections.abc import Mapping
from typing import Any, ClassVar, TypeVar, cast

import attrs
import botocore.session
from botocore import xform_name
from botocore.model import OperationModel, ServiceModel, Shape, StructureShape

from ._errors import AppStreamUsageError, did_you_mean

SERVICE_NAME = "appstream"

#: Where the fake is when nothing says otherwise (every default of the plugin starts here).
DEFAULT_REGION = "us-east-1"
DEFAULT_ACCOUNT = "123456789012"

#: Region names look like ``us-east-1``, ``us-gov-west-1``, ``ap-southeast-5``.
REGION_NAME = re.compile(r"[a-z]{2}(-[a-z]+)+-[0-9]+")


@functools.cache
def botocore_session() -> botocore.session.Session:
    """The one botocore session of the process (a new session costs ~150 ms).

    It reads no AWS profile (``AWS_PROFILE`` naming one the machine lacks must not matter): it
    serves the model and the plugin's own clients, which carry their credentials and region.
    """
    return botocore.session.get_session({"profile": (None, None, None, None)})


@functools.cache
def service_model() -> ServiceModel:
    """The installed botocore model of AppStream."""
    return botocore_session().get_service_model(SERVICE_NAME)


@functools.cache
def shape(name: str) -> Shape:
    """A named shape of the model, e.g. ``shape("ImageBuilder")``."""
    return service_model().shape_for(name)


@functools.cache
def operation(name: str) -> OperationModel:
    """The operation model for an AWS name (``StopImageBuilder``)."""
    return service_model().operation_model(name)


@functools.cache
def operation_names() -> tuple[str, ...]:
    """Every operation of the installed model, in AWS spelling."""
    return tuple(service_model().operation_names)


@functools.cache
def _snake_to_operation() -> dict[str, str]:
    return {xform_name(op): op for op in operation_names()}


def operation_name(name: str) -> str:
    """The AWS name of an operation given in either spelling.

    >>> operation_name("stop_image_builder")
    'StopImageBuilder'

    Raises :class:`KeyError` for a name the model does not have.
    """
    if name in _snake_to_operation():
        return _snake_to_operation()[name]
    if name in operation_names():
        return name
    raise KeyError(name)


def check_operation(operation_: object, allowed: str, cutoff: float = 0.6) -> str:
    """The AWS name of an operation given in either spelling, or a usage error: ``operation=...
    is not an AppStream operation (did you mean ...?); allowed`` followed by ``allowed``.

    >>> check_operation("stop_image_builder", ": ...")
    'StopImageBuilder'
    """
    __tracebackhide__ = True
    if isinstance(operation_, str):
        try:
            return operation_name(operation_)
        except KeyError:
            pass
    every = operation_names()
    spellings = [*every, *(xform_name(op) for op in every)]
    raise AppStreamUsageError(
        f"operation={operation_!r} is not an AppStream operation"
        f"{did_you_mean(operation_, spellings, cutoff)}; allowed{allowed}"
    )


def modeled_errors(operation_name_: str) -> tuple[str, ...]:
    """The error codes an operation's model lists, e.g. for ``StopImageBuilder``."""
    return tuple(error.name for error in operation(operation_name_).error_shapes)


@functools.cache
def error_status(code: str) -> int:
    """The HTTP status AWS answers the modeled error ``code`` with: the model's
    ``httpStatusCode`` (botocore 1.44's gives ResourceNotFoundException 404), else 400.

    >>> error_status("OperationNotPermittedException")
    400
    """
    if code not in service_model().shape_names:
        return 400
    found = service_model().shape_for(code).metadata.get("error", {})
    return int(found.get("httpStatusCode", 400))


@functools.cache
def builder_states() -> tuple[str, ...]:
    """Every ``ImageBuilderState`` of the installed model, in model order."""
    return tuple(getattr(service_model().shape_for("ImageBuilderState"), "enum", ()))


@functools.cache
def members_of(shape_name: str) -> dict[str, Shape]:
    """The members of a structure shape of the model, by wire name (``members_of("Image")``)."""
    found = service_model().shape_for(shape_name)
    assert isinstance(found, StructureShape)
    return dict(found.members)


@functools.cache
def fields_of(shape_name: str) -> dict[str, str]:
    """snake_case field name -> wire member name, for every member of a structure shape."""
    return {xform_name(member): member for member in members_of(shape_name)}


def builder_members() -> dict[str, Shape]:
    """The members of the ``ImageBuilder`` shape, by their wire names."""
    return members_of("ImageBuilder")


def field_names() -> dict[str, str]:
    """snake_case field name -> wire member name, for every ``ImageBuilder`` member."""
    return fields_of("ImageBuilder")


def _to_aware(value: datetime.datetime) -> datetime.datetime:
    return value if value.tzinfo else value.replace(tzinfo=datetime.timezone.utc)


def aware(value: datetime.datetime | None) -> datetime.datetime | None:
    return None if value is None else _to_aware(value)


RecordT = TypeVar("RecordT", bound="Record")


class Record:
    """What every record class shares: its model shape, its wire form and its response.

    A record class is an attrs class naming the members of its shape in snake_case; members a
    newer botocore adds that the class does not name live in ``extra``, under their wire names.
    """

    #: The model shape the record holds (``"ImageBuilder"``).
    SHAPE: ClassVar[str]
    #: The field that names a record in its collection.
    KEY_FIELD: ClassVar[str] = "name"
    extra: Mapping[str, Any]

    def changed(self: RecordT, fields: Mapping[str, Any]) -> RecordT:
        """A copy with snake_case ``fields`` set (``None``: unset), the class's own fields and
        the members kept in ``extra`` alike.

        >>> ImageBuilder(name="b", arn="a", state="RUNNING").changed({"description": "d"}).description
        'd'
        """
        own, members = _own_fields(type(self)), fields_of(self.SHAPE)
        extra = dict(self.extra)
        mine: dict[str, Any] = {}
        for field, value in fields.items():
            if field in own:
                mine[field] = value
            elif value is None:
                extra.pop(members[field], None)
            else:
                extra[members[field]] = value
        return cast(RecordT, attrs.evolve(cast(Any, self), extra=extra, **mine))

    def with_state(self: RecordT, state: str, **changes: Any) -> RecordT:
        """A copy in ``state``, with other fields changed (snake_case); see :class:`Stateless`."""
        return cast(RecordT, attrs.evolve(cast(Any, self.changed(changes)), state=state))

    @classmethod
    def from_fields(cls: type[RecordT], **fields: Any) -> RecordT:
        """A record from snake_case fields: its own as attributes, the others in ``extra``.

        >>> ImageBuilder.from_fields(name="b", arn="arn:...", state="RUNNING").state
        'RUNNING'
        """
        own, members = _own_fields(cls), fields_of(cls.SHAPE)
        extra = {members[k]: v for k, v in fields.items() if k not in own and k in members}
        make: Any = cls  # an attrs subclass: its own fields are keyword arguments
        return cast(RecordT, make(extra=extra, **{k: v for k, v in fields.items() if k in own}))

    @classmethod
    def own_fields(cls) -> frozenset[str]:
        """The snake_case fields this class names (``extra`` holds the others)."""
        return _own_fields(cls)

    def wire_items(self) -> dict[str, Any]:
        """The wire members that are set, sharing nested values (the fake's fast path).

        A record never changes (a change is a new record), so its members are gathered once and
        kept beside it; each call answers a new top-level dict.
        """
        cached: dict[str, Any] | None = self.__dict__.get("_wire")
        if cached is None:
            plan = _PLANS.get(type(self))
            if plan is None:
                plan = _PLANS[type(self)] = _plan(type(self))
            extra = self.extra
            cached = {}
            for field, member in plan:
                value = getattr(self, field) if field else extra.get(member)
                if value is not None:
                    cached[member] = value
            self.__dict__["_wire"] = cached
        return dict(cached)

    def to_response(self) -> dict[str, Any]:
        """The record as botocore returns it (an item of the Describe call's list), a deep copy."""
        return copy.deepcopy(self.wire_items())


#: The one state of a kind whose model has none (a stack exists, or is gone): ours.
EXISTS = "ACTIVE"


class Stateless(Record):
    """A record of a kind whose model shape has no state (stacks, entitlements, ...): the fake
    says it is :data:`EXISTS` while it lives, so its history reads like every kind's.
    """

    @property
    def state(self) -> str:
        """Always :data:`EXISTS`."""
        return EXISTS

    def with_state(self: RecordT, state: str, **changes: Any) -> RecordT:
        """A copy with ``changes`` (its state never changes)."""
        del state
        return self.changed(changes)


#: Per record class: (its field, or "" for one kept in ``extra``; wire member), in model order.
_PLANS: dict[type, list[tuple[str, str]]] = {}


def _plan(cls: type[Record]) -> list[tuple[str, str]]:
    own = _own_fields(cls)
    return [(field if field in own else "", m) for field, m in fields_of(cls.SHAPE).items()]


_OWN_FIELDS: dict[type, frozenset[str]] = {}


def _own_fields(cls: type) -> frozenset[str]:
    found = _OWN_FIELDS.get(cls)
    if found is None:
        found = _OWN_FIELDS[cls] = frozenset(a.name for a in attrs.fields(cls)) - {"extra"}
    return found


@attrs.frozen(kw_only=True)
class ImageBuilder(Record):
    """One image builder, as the fake holds it: every member of the botocore ``ImageBuilder`` shape.

    Nested members keep their wire form (``vpc_config={"SubnetIds": ["subnet-1"]}``). Members a
    newer botocore adds that this class does not name live in ``extra``, under their wire names.

    >>> b = ImageBuilder(name="b", arn="arn:aws:appstream:us-east-1:123456789012:image-builder/b",
    ...                  state="RUNNING")
    >>> b.to_response()["State"]
    'RUNNING'
    >>> ImageBuilder(name="b", arn="arn:...", state="STOPPED").to_response()
    {'Name': 'b', 'Arn': 'arn:...', 'State': 'STOPPED'}
    """

    SHAPE: ClassVar[str] = "ImageBuilder"

    name: str
    arn: str
    state: str
    image_arn: str | None = None
    description: str | None = None
    display_name: str | None = None
    vpc_config: Mapping[str, Any] | None = None
    instance_type: str | None = None
    platform: str | None = None
    iam_role_arn: str | None = None
    state_change_reason: Mapping[str, Any] | None = None
    created_time: datetime.datetime | None = attrs.field(default=None, converter=aware)
    enable_default_internet_access: bool | None = None
    domain_join_info: Mapping[str, Any] | None = None
    network_access_configuration: Mapping[str, Any] | None = None
    image_builder_errors: list[Mapping[str, Any]] | None = None
    appstream_agent_version: str | None = None
    access_endpoints: list[Mapping[str, Any]] | None = None
    root_volume_config: Mapping[str, Any] | None = None
    latest_appstream_agent_version: str | None = None
    disable_imdsv1: bool | None = None
    extra: Mapping[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.frozen(kw_only=True)
class Image(Record):
    """One image, as the fake holds it: every member of the botocore ``Image`` shape.

    >>> Image(name="golden", arn="arn:aws:appstream:us-east-1:123456789012:image/golden",
    ...       state="AVAILABLE", visibility="PRIVATE").to_response()["Visibility"]
    'PRIVATE'
    """

    SHAPE: ClassVar[str] = "Image"

    name: str
    arn: str
    state: str
    base_image_arn: str | None = None
    display_name: str | None = None
    visibility: str | None = None
    image_builder_supported: bool | None = None
    image_builder_name: str | None = None
    platform: str | None = None
    description: str | None = None
    state_change_reason: Mapping[str, Any] | None = None
    applications: list[Mapping[str, Any]] | None = None
    created_time: datetime.datetime | None = attrs.field(default=None, converter=aware)
    public_base_image_released_date: datetime.datetime | None = attrs.field(
        default=None, converter=aware
    )
    appstream_agent_version: str | None = None
    image_permissions: Mapping[str, Any] | None = None
    image_errors: list[Mapping[str, Any]] | None = None
    latest_appstream_agent_version: str | None = None
    supported_instance_families: list[str] | None = None
    dynamic_app_providers_enabled: str | None = None
    image_shared_with_others: str | None = None
    managed_software_included: bool | None = None
    image_type: str | None = None
    image_software_metadata: list[Mapping[str, Any]] | None = None
    extra: Mapping[str, Any] = attrs.field(factory=dict, repr=False)


@attrs.frozen
class Transition:
    """One state change of a builder: ``Transition("RUNNING", "STOPPING", "StopImageBuilder")``.

    ``operation`` is the API call that caused it, ``"advance"`` for a pending transition that
    completed, ``"set_state"`` for a forced one. ``to_state`` is ``None`` once a builder is deleted.
    """

    from_state: str | None
    to_state: str | None
    operation: str


@attrs.frozen
class Call:
    """One AppStream call the fake answered: its AWS name, parameters and error code (or None).

    ``region`` and ``account_id`` say where it went, but equality leaves them out, so a call is
    written as it reads: ``Call("StopImageBuilder", {"Name": "b"}, None) in appstream.calls``.
    """

    operation: str
    params: Mapping[str, Any]
    error_code: str | None = None
    region: str = attrs.field(default=DEFAULT_REGION, eq=False)
    account_id: str = attrs.field(default=DEFAULT_ACCOUNT, eq=False)
