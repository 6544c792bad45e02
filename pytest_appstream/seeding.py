"""Turning a seed (``add_builder`` / the ``appstream_builder`` marker) into an :class:`ImageBuilder`.

Every argument is checked against the installed botocore model before anything is stored: field
names, types, enums and nested wire-form keys. Unset fields get realistic, deterministic values.

>>> b = build_builder("my-builder", region="us-east-1", account_id="123456789012", index=0)
>>> b.arn, b.state, b.instance_type
('arn:aws:appstream:us-east-1:123456789012:image-builder/my-builder', 'RUNNING', 'stream.standard.medium')
"""

from __future__ import annotations

import datetime
import difflib
import re
from collections.abc import Mapping
from typing import Any

from botocore import xform_name
from botocore.model import ListShape, MapShape, Shape, StructureShape
from botocore.utils import parse_timestamp
from botocore.validate import ParamValidator

from .errors import AppStreamUsageError
from .model import (
    RECORD_FIELDS,
    ImageBuilder,
    builder_members,
    builder_states,
    field_names,
    operation,
    shape,
)

#: Seeded builders are created one minute apart from this instant (deterministic responses).
BASE_CREATED_TIME = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
DEFAULT_INSTANCE_TYPE = "stream.standard.medium"
DEFAULT_AGENT_VERSION = "10-02-2025"
DEFAULT_PLATFORM = "WINDOWS_SERVER_2022"
#: AWS-owned base images, one per platform (names as AWS publishes them; dates are ours).
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
_POSITIONAL = ("name", "state")


def _allowed(values: object) -> str:
    return ", ".join(str(v) for v in values)  # type: ignore[attr-defined]


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
    """The ARN of the AWS-owned base image of a platform (its account part is empty)."""
    return named_image_arn(region, "", BASE_IMAGES.get(platform, BASE_IMAGES[DEFAULT_PLATFORM]))


def named_image_arn(region: str, account_id: str, image_name: str) -> str:
    """The ARN of an image by name; AWS's base images (``AppStream-...``) have an empty account.

    >>> named_image_arn("us-east-1", "123456789012", "my-golden-image")
    'arn:aws:appstream:us-east-1:123456789012:image/my-golden-image'
    """
    owner = "" if image_name.startswith("AppStream-") else account_id
    return f"arn:{partition(region)}:appstream:{region}:{owner}:image/{image_name}"


def _platform_of_image(arn: str) -> str | None:
    image = arn.rpartition("/")[2]
    for platform, base in BASE_IMAGES.items():
        if image.startswith(base.rsplit("-", 3)[0] + "-"):
            return platform
    return None


def check_name(name: object, argument: str = "name") -> str:
    """A builder name as AWS accepts it (CreateImageBuilder's ``Name`` pattern)."""
    create_input = operation("CreateImageBuilder").input_shape
    assert create_input is not None
    pattern = create_input.members["Name"].metadata["pattern"]
    if not isinstance(name, str) or not re.match(pattern, name):
        raise AppStreamUsageError(
            f"{argument}={name!r} is not a valid image builder name: "
            f"it must be a string matching {pattern} (1 to 101 characters)"
        )
    return name


def check_state(state: object, argument: str = "state") -> str:
    """A state of the installed model's ``ImageBuilderState``."""
    if state not in builder_states():
        raise AppStreamUsageError(
            f"{argument}={state!r} is not an image builder state; allowed: {_allowed(builder_states())}"
        )
    assert isinstance(state, str)
    return state


def _nested_problems(shape: Shape, value: Any, path: str) -> list[str]:
    """Enum values and snake_case keys in a wire-form value (ParamValidator checks the rest)."""
    problems: list[str] = []
    if isinstance(shape, StructureShape) and isinstance(value, Mapping):
        wire_of = {xform_name(m): m for m in shape.members}
        for key, item in value.items():
            if key in shape.members:
                problems += _nested_problems(shape.members[key], item, f"{path}.{key}")
            elif key in wire_of:
                problems.append(
                    f"{path}: key {key!r} must be written in wire form, {wire_of[key]!r} "
                    f"(nested values are given as in the AWS API)"
                )
    elif isinstance(shape, ListShape) and isinstance(value, list):
        for i, item in enumerate(value):
            problems += _nested_problems(shape.member, item, f"{path}[{i}]")
    elif isinstance(shape, MapShape) and isinstance(value, Mapping):
        for key, item in value.items():
            problems += _nested_problems(shape.value, item, f"{path}[{key!r}]")
    elif isinstance(value, str):
        enum = getattr(shape, "enum", None)
        if enum and value not in enum:
            problems.append(f"{path}={value!r} is not allowed; allowed: {_allowed(enum)}")
    return problems


def check_fields(fields: Mapping[str, Any]) -> dict[str, Any]:
    """Validate snake_case fields against the model; return them keyed by wire name."""
    names = field_names()
    unknown = [f for f in fields if f not in names or f in _POSITIONAL]
    if unknown:
        field = unknown[0]
        close = difflib.get_close_matches(field, list(names), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        choices = _allowed(f for f in names if f not in _POSITIONAL)
        raise AppStreamUsageError(
            f"{field}={fields[field]!r} is not a field of ImageBuilder{hint}; allowed: {choices}"
        )
    wire = {names[f]: v for f, v in fields.items() if v is not None}
    members = builder_members()
    problems: list[str] = []
    for member, value in wire.items():
        problems += _nested_problems(members[member], value, xform_name(member))
    report = ParamValidator().validate({"Name": "name", **wire}, shape("ImageBuilder"))
    if report.has_errors() and not problems:
        problems = [_snake_head(line) for line in report.generate_report().splitlines()]
    if problems:
        raise AppStreamUsageError("; ".join(problems))
    return {member: _aware(members[member], value) for member, value in wire.items()}


def _aware(shape: Shape, value: Any) -> Any:
    """``value`` with every timestamp in it as a timezone-aware datetime (as botocore returns)."""
    if shape.type_name == "timestamp":
        if isinstance(value, datetime.datetime):
            return value if value.tzinfo else value.replace(tzinfo=datetime.timezone.utc)
        return parse_timestamp(value)
    if isinstance(shape, StructureShape) and isinstance(value, Mapping):
        return {
            k: _aware(shape.members[k], v) if k in shape.members else v for k, v in value.items()
        }
    if isinstance(shape, ListShape) and isinstance(value, list):
        return [_aware(shape.member, item) for item in value]
    return value


def _snake_head(line: str) -> str:
    """ParamValidator names members in wire form; name the top one as the seed does."""
    return re.sub(
        r"(parameter |in )([A-Z][A-Za-z0-9]*)", lambda m: m[1] + xform_name(m[2]), line, count=1
    )


def build_builder(
    name: object,
    *,
    state: object = "RUNNING",
    region: str,
    account_id: str,
    index: int,
    **fields: Any,
) -> ImageBuilder:
    """A checked :class:`ImageBuilder` with realistic defaults for every unset field.

    ``index`` (the count of builders seeded before it) makes ``CreatedTime`` deterministic.
    """
    checked_name = check_name(name)
    checked_state = check_state(state)
    wire = check_fields(fields)
    snake = {xform_name(member): value for member, value in wire.items()}
    platform = snake.get("platform")
    if platform is None:
        given_image = snake.get("image_arn")
        platform = (given_image and _platform_of_image(given_image)) or DEFAULT_PLATFORM
    created = snake.pop("created_time", None)
    if created is not None and not isinstance(created, datetime.datetime):
        created = parse_timestamp(created)
    values: dict[str, Any] = {
        "arn": builder_arn(region, account_id, checked_name),
        "image_arn": image_arn(region, platform),
        "display_name": checked_name,
        "instance_type": DEFAULT_INSTANCE_TYPE,
        "platform": platform,
        "enable_default_internet_access": False,
        "appstream_agent_version": DEFAULT_AGENT_VERSION,
        "latest_appstream_agent_version": "TRUE",
        "disable_imdsv1": False,
        "created_time": created or BASE_CREATED_TIME + datetime.timedelta(minutes=index),
    }
    values.update(snake)
    members = field_names()
    known = {k: v for k, v in values.items() if k in RECORD_FIELDS and k in members}
    extra = {members[k]: v for k, v in values.items() if k not in RECORD_FIELDS}
    return ImageBuilder(name=checked_name, state=checked_state, extra=extra, **known)
