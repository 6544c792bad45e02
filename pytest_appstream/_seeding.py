"""Turning a seed (``add_builder`` / the ``appstream_builder`` marker) into an :class:`ImageBuilder`.

Every argument is checked against the installed botocore model before anything is stored: field
names, types, enums, lengths, patterns and nested wire-form keys. Unset fields get realistic values
that depend only on the seed (name, region, account, and how many builders were seeded before), so
the same seed always gives the same response.

>>> b = build_builder("my-builder", region="us-east-1", account_id="123456789012", index=0)
>>> b.arn, b.state, b.instance_type
('arn:aws:appstream:us-east-1:123456789012:image-builder/my-builder', 'RUNNING', 'stream.standard.medium')
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Mapping
from typing import Any

from botocore import xform_name
from botocore.model import ListShape, MapShape, Shape, StructureShape
from botocore.utils import parse_timestamp

from ._errors import AppStreamUsageError, did_you_mean
from ._model import (
    ImageBuilder,
    builder_states,
    fields_of,
    members_of,
    operation,
    shape,
)
from ._validation import WIRE, Problem, Rules, Step, compiled, problems, walk

#: Seeded builders are created one minute apart from this instant (deterministic responses).
BASE_CREATED_TIME = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
DEFAULT_INSTANCE_TYPE = "stream.standard.medium"
#: Agent versions are date-like on the wire (docs/state-rules.md); the date is ours.
DEFAULT_AGENT_VERSION = "10-02-2025"
#: ``AppstreamAgentVersion`` meaning "the newest agent" (the newest is ours: a date).
LATEST_AGENT = "LATEST"
DEFAULT_PLATFORM = "WINDOWS_SERVER_2022"
#: AWS-owned base images, one per platform (names in AWS's style; the dates are ours).
BASE_IMAGES = {
    "WINDOWS": "AppStream-WinServer2012R2-06-12-2023",
    "WINDOWS_SERVER_2016": "AppStream-WinServer2016-06-12-2023",
    "WINDOWS_SERVER_2019": "AppStream-WinServer2019-06-12-2023",
    "WINDOWS_SERVER_2022": "AppStream-WinServer2022-06-12-2023",
    "WINDOWS_SERVER_2025": "AppStream-WinServer2025-06-12-2025",
    "AMAZON_LINUX2": "AppStream-AmazonLinux2-06-12-2023",
    "RHEL8": "AppStream-RHEL8-06-12-2023",
    "ROCKY_LINUX8": "AppStream-RockyLinux8-06-12-2023",
    "UBUNTU_PRO_2404": "AppStream-UbuntuPro2404-06-12-2025",
}
#: Arguments of the seed that are not ``fields``.
POSITIONAL = ("name", "state")

_TYPE_WORDS = {
    "string": "a string",
    "boolean": "True or False",
    "integer": "an int",
    "long": "an int",
    "float": "a number",
    "double": "a number",
    "timestamp": "a datetime, epoch seconds or an ISO 8601 string",
    "blob": "bytes",
    "structure": "a dict",
    "map": "a dict",
    "list": "a list",
}


def _allowed(values: object) -> str:
    return ", ".join(str(v) for v in values)  # type: ignore[attr-defined]


def show(value: object, limit: int = 60) -> str:
    """``repr(value)``, shortened to about ``limit`` characters for error messages."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[: limit - 5]}...{text[-2:]}"


def _fullmatch(pattern: str, value: str) -> bool:
    """A model pattern (Java's dialect) matches all of ``value``: the validator's one regex path."""
    return compiled(pattern).fullmatch(value) is not None


# -- values -----------------------------------------------------------------------------------


def partition(region: str) -> str:
    """The ARN partition of a region: ``aws``, ``aws-cn`` or ``aws-us-gov``."""
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


def builder_arn(region: str, account_id: str, name: str) -> str:
    """``arn:aws:appstream:{region}:{account}:image-builder/{name}``."""
    return f"arn:{partition(region)}:appstream:{region}:{account_id}:image-builder/{name}"


def image_arn(region: str, platform: str) -> str:
    """The ARN of the AWS-owned base image of a platform (its account part is empty).

    >>> image_arn("eu-west-1", "WINDOWS_SERVER_2019")
    'arn:aws:appstream:eu-west-1::image/AppStream-WinServer2019-06-12-2023'
    """
    return named_image_arn(region, "", base_image(platform))


def base_image(platform: str) -> str:
    """The AWS base image name of a platform; a platform newer than :data:`BASE_IMAGES` gets one
    named after it, so every platform of a newer botocore model has its own image.

    >>> base_image("WINDOWS_11")
    'AppStream-Windows11-06-12-2025'
    """
    known = BASE_IMAGES.get(platform)
    if known is not None:
        return known
    return "AppStream-" + "".join(word.capitalize() for word in platform.split("_")) + "-06-12-2025"


def named_image_arn(region: str, account_id: str, image_name: str) -> str:
    """The ARN of an image by name; AWS's base images (``AppStream-...``) have an empty account.

    >>> named_image_arn("us-east-1", "123456789012", "my-golden-image")
    'arn:aws:appstream:us-east-1:123456789012:image/my-golden-image'
    """
    owner = "" if image_name.startswith("AppStream-") else account_id
    return f"arn:{partition(region)}:appstream:{region}:{owner}:image/{image_name}"


def _platforms() -> tuple[str, ...]:
    return tuple(getattr(shape("PlatformType"), "enum", ()))


def default_platform() -> str:
    """:data:`DEFAULT_PLATFORM`, or the newest Windows Server an older installed model knows.

    >>> default_platform()
    'WINDOWS_SERVER_2022'
    """
    known = _platforms()
    if DEFAULT_PLATFORM in known or not known:
        return DEFAULT_PLATFORM
    windows = [p for p in known if p.startswith("WINDOWS")]
    return (windows or list(known))[-1]


def platform_of_image(arn: str) -> str | None:
    """The platform whose :func:`base_image` this is (any date), or None for another image."""
    image = arn.rpartition("/")[2]
    for platform in _platforms():
        if image.startswith(f"AppStream-{base_image(platform).split('-')[1]}-"):
            return platform
    return None


def _digest(*parts: str) -> str:
    """Hex digits that depend only on ``parts`` (never on the process, unlike ``hash``)."""
    return hashlib.sha256("/".join(parts).encode()).hexdigest()


def defaults(
    name: str, *, region: str, account_id: str, index: int, platform: str
) -> dict[str, Any]:
    """Realistic values, by snake_case field, for a builder seeded without them.

    Identifiers (subnet, security group, ENI, private IP) are derived from the account, region and
    name; ``CreatedTime`` is :data:`BASE_CREATED_TIME` plus ``index`` minutes.
    """
    h = _digest(account_id, region, name)
    return {
        "arn": builder_arn(region, account_id, name),
        "image_arn": image_arn(region, platform),
        "display_name": name,
        "instance_type": DEFAULT_INSTANCE_TYPE,
        "platform": platform,
        "vpc_config": {"SubnetIds": [f"subnet-{h[:17]}"], "SecurityGroupIds": [f"sg-{h[17:34]}"]},
        "network_access_configuration": {
            "EniPrivateIpAddress": f"10.0.{int(h[34:36], 16)}.{int(h[36:38], 16) % 250 + 4}",
            "EniId": f"eni-{h[38:55]}",
        },
        "enable_default_internet_access": False,
        "appstream_agent_version": DEFAULT_AGENT_VERSION,
        "latest_appstream_agent_version": "TRUE",
        "disable_imdsv1": False,
        "created_time": BASE_CREATED_TIME + datetime.timedelta(minutes=index),
    }


def agent_fields(version: str | None) -> dict[str, str]:
    """The agent fields of a builder asked for agent ``version`` (``LATEST``: the newest, ours).

    >>> agent_fields("LATEST")["latest_appstream_agent_version"]
    'TRUE'
    """
    if version is None:
        return {}
    if version == LATEST_AGENT:
        version = DEFAULT_AGENT_VERSION
    latest = "TRUE" if version == DEFAULT_AGENT_VERSION else "FALSE"
    return {"appstream_agent_version": version, "latest_appstream_agent_version": latest}


# -- checks -----------------------------------------------------------------------------------


def check_name(
    name: object,
    argument: str = "name",
    *,
    label: str = "image builder",
    source: tuple[str, str] = ("CreateImageBuilder", "Name"),
) -> str:
    """A name as AWS accepts it: the pattern the model sets on ``source`` (operation, member).

    >>> check_name("golden", label="image", source=("CopyImage", "DestinationImageName"))
    'golden'
    """
    operation_, member = source
    input_shape = operation(operation_).input_shape
    assert input_shape is not None
    pattern = input_shape.members[member].metadata["pattern"]
    if not isinstance(name, str) or not _fullmatch(pattern, name):
        size = f" ({len(name)} characters)" if isinstance(name, str) else ""
        raise AppStreamUsageError(
            f"{argument}={show(name)}{size} is not a valid {label} name; allowed: "
            f"1 to 101 letters, digits, '_', '.' or '-', starting with a letter or digit "
            f"(pattern {pattern})"
        )
    return name


def check_state(
    state: object,
    argument: str = "state",
    states: tuple[str, ...] | None = None,
    label: str = "image builder",
) -> str:
    """A state of the installed model's enum (``ImageBuilderState`` unless ``states`` is given)."""
    allowed = builder_states() if states is None else states
    if not isinstance(state, str) or state not in allowed:
        raise AppStreamUsageError(
            f"{argument}={show(state)} is not an {label} state; allowed: {_allowed(allowed)}"
            if label[0] in "aeiou"
            else f"{argument}={show(state)} is not a {label} state; allowed: {_allowed(allowed)}"
        )
    return state


def _timestamp(value: Any) -> datetime.datetime:
    """A timestamp as an aware UTC datetime (a naive datetime is taken as UTC).

    >>> _timestamp("2026-01-01T01:00:00+01:00")
    datetime.datetime(2026, 1, 1, 0, 0, tzinfo=datetime.timezone.utc)
    """
    if isinstance(value, datetime.datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=datetime.timezone.utc)
        return aware.astimezone(datetime.timezone.utc)
    if isinstance(value, str):
        return parse_timestamp(value).astimezone(datetime.timezone.utc)
    return datetime.datetime.fromtimestamp(value, datetime.timezone.utc)


#: A seed's values: the wire's types, and Python's where they differ (datetimes, bytes, tuples,
#: any mapping); a null is a value (of the wrong type) wherever it is given.
SEED = Rules(
    types={
        **WIRE.types,
        "timestamp": (datetime.datetime, str, int, float),
        "blob": (bytes, bytearray, str),
        "structure": (Mapping,),
        "map": (Mapping,),
        "list": (list, tuple),
    },
    null_is_absent=False,
    convert={"timestamp": _timestamp},
)


def _seed_path(field: str, path: tuple[Step, ...]) -> str | None:
    """``field.Member[0]['key']``; None for a map's key (seeding does not check keys)."""
    where = field
    for step in path:
        if step.kind == "key":
            return None
        where += f".{step.key}" if step.kind == "member" else f"[{step.key!r}]"
    return where


def _limits(size: int, metadata: Mapping[str, Any], unit: str) -> str:
    low, high = metadata.get("min"), metadata.get("max")
    if low is not None and high is not None:
        bounds = f"{low} to {high}"
    else:
        bounds = f"at least {low}" if low is not None else f"at most {high}"
    return f"has {size} {unit}; allowed: {bounds} {unit}"


def _usage(found: Problem, field: str, metadata: Mapping[str, Any]) -> str | None:
    """A problem of a seeded field in the words of a usage error, or None for one seeding lets
    pass (a map's keys and size, a number past its Java type, limits of floats and blobs).

    ``metadata`` holds the field's own constraints (its member's, with the create operation's).
    """
    path = _seed_path(field, found.path)
    value, shape, kind = found.value, found.shape, found.kind
    if path is None or kind in ("overflow", "null"):
        return None
    if kind == "unknown" and isinstance(shape, StructureShape):
        wire_of = {xform_name(m): m for m in shape.members}
        if found.detail in wire_of:
            return (
                f"{path}: key {found.detail!r} must be given in wire form, as in the AWS API: "
                f"{wire_of[found.detail]!r}"
            )
        return (
            f"{path}: key {show(found.detail)} is not a member of {shape.name}; "
            f"allowed: {_allowed(shape.members)}"
        )
    if kind == "required" and isinstance(shape, StructureShape):
        return f"{path}: {shape.name} requires the key(s) {_allowed(found.detail)}"
    if kind == "type":
        return _wrong_type(path, value, shape)
    meta = metadata if not found.path else shape.metadata
    broken = {constraint.kind: constraint.bound for constraint in found.detail}
    if shape.type_name == "string":  # one problem a string, the first of enum, pattern, length
        if "enum" in broken:
            return (
                f"{path}={show(value)} is not a {shape.name}; allowed: {_allowed(broken['enum'])}"
            )
        if "pattern" in broken:
            allowed = f"strings matching {broken['pattern']}"
            return f"{path}={show(value)} is not allowed; allowed: {allowed}"
        return f"{path}={show(value)} {_limits(len(value), meta, 'characters')}"
    if shape.type_name in ("integer", "long"):
        return f"{path}={value!r} is out of range; allowed: {meta.get('min')} to {meta.get('max')}"
    if shape.type_name == "list":
        return f"{path}={show(value)} {_limits(len(value), meta, 'items')}"
    return None


def _wrong_type(path: str, value: Any, shape: Shape) -> str:
    if isinstance(shape, StructureShape):
        return (
            f"{path}={show(value)} is not a dict; allowed: a {shape.name} in wire form "
            f"with keys {_allowed(shape.members)}"
        )
    if isinstance(shape, ListShape):
        return f"{path}={show(value)} is not a list; allowed: a list of {shape.member.name}"
    if isinstance(shape, MapShape):
        return f"{path}={show(value)} is not a dict; allowed: a {shape.name}"
    kind = shape.type_name
    return (
        f"{path}={show(value)} has the wrong type ({type(value).__name__}); "
        f"allowed: {_TYPE_WORDS.get(kind, kind)}"
    )


def _create_constraints(member: str, create_operation: str | None) -> Mapping[str, Any]:
    """The create operation's constraints on a member of the same name (e.g. Description <= 256)."""
    if create_operation is None:
        return {}
    create_input = operation(create_operation).input_shape
    assert create_input is not None
    found = create_input.members.get(member)
    return found.metadata if found is not None and found.type_name == "string" else {}


def _unknown_field(field: str, value: object, shape_name: str) -> str:
    names = fields_of(shape_name)
    choices = [f for f in names if f not in POSITIONAL]
    if field in names.values():
        hint = f" (fields are snake_case: did you mean {xform_name(field)!r}?)"
    else:
        hint = did_you_mean(field, choices)
    return (
        f"{field}={show(value)} is not a field of {shape_name}{hint}; allowed: {_allowed(choices)}"
    )


def check_fields(
    fields: Mapping[str, Any],
    shape_name: str = "ImageBuilder",
    create_operation: str | None = "CreateImageBuilder",
) -> dict[str, Any]:
    """Validate snake_case fields against a shape of the model; return copies keyed by wire name.

    ``None`` means "not set". Nested values are in wire form and checked against their shape;
    strings also against the create operation's constraints on the member of the same name.

    >>> check_fields({"vpc_config": {"SubnetIds": ["subnet-1"]}})
    {'VpcConfig': {'SubnetIds': ['subnet-1']}}
    """
    names = fields_of(shape_name)
    unknown = [f for f in fields if f not in names or f in POSITIONAL]
    if unknown:
        raise AppStreamUsageError(_unknown_field(unknown[0], fields[unknown[0]], shape_name))
    members = members_of(shape_name)
    problems: list[str] = []
    wire: dict[str, Any] = {}
    for field, value in fields.items():
        if value is None:
            continue
        member = names[field]
        metadata = {**members[member].metadata, **_create_constraints(member, create_operation)}
        wire[member], found = walk(members[member], value, SEED, metadata)
        problems += [text for p in found if (text := _usage(p, field, metadata)) is not None]
    if problems:
        raise AppStreamUsageError("; ".join(problems))
    return wire


def build_builder(
    name: object,
    *,
    state: object = "RUNNING",
    region: str,
    account_id: str,
    index: int,
    **fields: Any,
) -> ImageBuilder:
    """A checked :class:`ImageBuilder` with realistic :func:`defaults` for every unset field.

    ``index`` (the count of builders seeded before it) makes ``CreatedTime`` deterministic. The
    platform follows a given ``image_arn`` of an AWS base image, and the image follows a given
    ``platform``; of another image, it is left for seeding to take from that image.
    """
    checked_name = check_name(name)
    checked_state = check_state(state)
    snake = {xform_name(member): value for member, value in check_fields(fields).items()}
    platform = snake.get("platform")
    given_image = snake.get("image_arn")
    own_image = platform is None and given_image and not platform_of_image(given_image)
    if platform is None:
        platform = (given_image and platform_of_image(given_image)) or default_platform()
    values = defaults(
        checked_name, region=region, account_id=account_id, index=index, platform=platform
    )
    if own_image:  # the account's image: its platform, once seeded (see _image_builders)
        values["platform"] = None
    values.update(agent_fields(snake.pop("appstream_agent_version", None)))
    values.update(snake)  # a given latest_appstream_agent_version wins over the derived one
    return ImageBuilder.from_fields(name=checked_name, state=checked_state, **values)


def check_tags(tags: object, argument: str = "tags") -> dict[str, str]:
    """Seeded tags as TagResource would accept them: a dict of str to str within the model's limits.

    >>> check_tags({"Skip_Stop": "true"})
    {'Skip_Stop': 'true'}
    """
    __tracebackhide__ = True
    if tags is None:
        return {}
    if not isinstance(tags, Mapping) or not all(
        isinstance(key, str) and isinstance(value, str) for key, value in tags.items()
    ):
        raise AppStreamUsageError(
            f"{argument}={show(tags)} is not allowed; allowed: a dict of tag keys to values "
            "(str to str), as ListTagsForResource answers them"
        )
    found = problems(shape("Tags"), dict(tags), argument)
    if found:
        raise AppStreamUsageError(f"{argument}={show(tags)} is not allowed: {'; '.join(found)}")
    return dict(tags)
