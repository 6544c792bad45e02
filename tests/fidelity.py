"""Checks that what the fake puts on the wire is what the botocore model allows.

Used by ``conftest.py`` on every call the fake answers in this test suite, so fidelity is checked
systematically, not by example.
"""

from __future__ import annotations

import datetime
import functools
import json
import re
from typing import Any

import hypothesis
from botocore import xform_name
from botocore.model import ListShape, MapShape, Shape, StructureShape
from botocore.validate import ParamValidator
from hypothesis import strategies as st

from pytest_appstream import _model as model
from pytest_appstream._faults import COMMON_ERRORS
from pytest_appstream._validation import compiled, constraints

#: Codes the fake may answer besides the modeled and common ones (unimplemented operations).
FAKE_ONLY_CODES = ("UnsupportedOperation", "UnknownOperationException", "SerializationException")

_SCALARS: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "boolean": (bool,),
    "integer": (int,),
    "long": (int,),
    "float": (int, float),
    "double": (int, float),
    "timestamp": (int, float),
}


def wire_problems(shape: Shape, value: Any, path: str = "") -> list[str]:
    """Every way a JSON value breaks its shape: unknown keys, types, enums, required members."""
    problems: list[str] = []
    if isinstance(shape, StructureShape):
        if not isinstance(value, dict):
            return [f"{path or shape.name}: expected an object, got {type(value).__name__}"]
        for key, item in value.items():
            if key not in shape.members:
                problems.append(f"{path}.{key}: not a member of {shape.name}")
            else:
                problems += wire_problems(shape.members[key], item, f"{path}.{key}")
        problems += [
            f"{path}.{m}: required, missing" for m in shape.required_members if m not in value
        ]
    elif isinstance(shape, ListShape):
        if not isinstance(value, list):
            return [f"{path}: expected a list, got {type(value).__name__}"]
        for i, item in enumerate(value):
            problems += wire_problems(shape.member, item, f"{path}[{i}]")
    elif isinstance(shape, MapShape):
        if not isinstance(value, dict):
            return [f"{path}: expected a map, got {type(value).__name__}"]
        for key, item in value.items():
            problems += wire_problems(shape.value, item, f"{path}[{key!r}]")
    else:
        expected = _SCALARS.get(shape.type_name, (object,))
        if not isinstance(value, expected) or (
            shape.type_name != "boolean" and isinstance(value, bool)
        ):
            problems.append(f"{path}: {value!r} is not a {shape.type_name}")
        enum = getattr(shape, "enum", None)
        if enum and value not in enum:
            problems.append(f"{path}: {value!r} not in enum {shape.name}")
    return problems


def check_response(operation: str, status: int, body: Any) -> None:
    """Raise AssertionError if a fake answer is not one AWS could give for ``operation``."""
    if status == 200:
        output = model.operation(operation).output_shape
        problems = (
            wire_problems(output, json.loads(json.dumps(body, default=_epoch))) if output else []
        )
        if output is not None:
            report = ParamValidator().validate(_parsed(body), output)
            if report.has_errors():
                problems.append(report.generate_report())
        assert not problems, f"{operation} response breaks its output shape: {problems}"
        return
    code = body["__type"]
    assert set(body) == {"__type", "message"}, body
    assert isinstance(body["message"], str) and body["message"], body
    allowed = (
        model.modeled_errors(operation) + tuple(COMMON_ERRORS) + FAKE_ONLY_CODES
        if operation in model.operation_names()
        else FAKE_ONLY_CODES
    )
    assert code in allowed, f"{operation} answered {code}, which its model does not list"
    assert status == (COMMON_ERRORS.get(code) or model.error_status(code)), (code, status)


def _epoch(value: object) -> float:
    assert isinstance(value, datetime.datetime) and value.tzinfo is not None, value
    return value.timestamp()


def _parsed(body: Any) -> Any:
    """The body as botocore hands it to users (timestamps stay datetimes)."""
    return body


# -- minimal valid inputs, from the model alone ---------------------------------------------------

#: The string every generated name is, where the model allows it, so that the resources a test
#: seeds under this name are the ones a minimal input is about.
MINIMAL_NAME = "minimal"
#: What a real caller sends where the model's constraints allow far more than the service takes
#: (a region, an account id, an instance type), by shape name or member name. A hint the
#: installed model's constraints refuse is not used: the generic value is.
HINTS: dict[str, str] = {
    "RegionName": "us-west-2",  # CopyImage's DestinationRegion: "1 to 32 characters"
    "AwsAccountId": "111122223333",  # ^\d+$
    "AuthenticationType": "USERPOOL",  # the model: "You must specify USERPOOL"
    "InstanceType": "stream.standard.small",  # a String of at least 1 character
    "BillingPeriod": "2026-10",  # the model: "Specify the value in yyyy-mm format"
}
#: The fixed instant of a generated timestamp.
MINIMAL_TIME = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
#: The ARN resource type of an ARN member that names no kind (``ResourceArn``): image builders,
#: the fake's first kind.
DEFAULT_ARN_RESOURCE = "image-builder"


def minimal_input(operation: str) -> dict[str, Any]:
    """The smallest valid input of ``operation``: its required members only, each value the
    simplest one that satisfies every constraint the model states (recursively), the same in
    every run. Names are :data:`MINIMAL_NAME` where the model allows it.

    >>> minimal_input("StopImageBuilder")
    {'Name': 'minimal'}
    """
    shape = model.operation(operation).input_shape
    return {} if shape is None else dict(minimal_value(shape))


def minimal_value(shape: Shape, member: str = "", variant: int = 0, depth: int = 0) -> Any:
    """The simplest value of ``shape`` (the ``variant``-th, for the items of a list or map).

    Structures get their required members; lists and maps their minimum number of entries, at
    least one; strings an enum value, a hint, an ARN for an ARN member, :data:`MINIMAL_NAME`, or
    failing those a string made from the pattern (hypothesis, deterministic); numbers 1 or their
    minimum; booleans False; blobs bytes; timestamps :data:`MINIMAL_TIME`.
    """
    if depth > 30:
        raise ValueError(f"{shape.name}: required members nest without end")
    if isinstance(shape, StructureShape):
        return {
            name: minimal_value(shape.members[name], name, 0, depth + 1)
            for name in shape.required_members
        }
    if isinstance(shape, ListShape):
        return [minimal_value(shape.member, member, i, depth + 1) for i in range(_entries(shape))]
    if isinstance(shape, MapShape):
        return {
            minimal_value(shape.key, member, i, depth + 1): minimal_value(
                shape.value, member, i, depth + 1
            )
            for i in range(_entries(shape))
        }
    kind = shape.type_name
    if kind == "string":
        return minimal_string(shape, member, variant)
    if kind in ("integer", "long", "float", "double"):
        number = _bounded(shape, 1 + variant)
        return float(number) if kind in ("float", "double") else int(number)
    if kind == "boolean":
        return bool(variant % 2)
    if kind == "timestamp":
        return MINIMAL_TIME + datetime.timedelta(seconds=variant)
    if kind == "blob":
        return _sized(shape, f"{MINIMAL_NAME}{variant or ''}").encode()
    raise ValueError(f"{shape.name}: no minimal value for type {kind}")


def _entries(shape: Shape) -> int:
    """How many items a required list or map gets: its minimum, at least one, at most its max."""
    count = max(int(shape.metadata.get("min", 0)), 1)
    return min(count, int(shape.metadata.get("max", count)))


def _bounded(shape: Shape, preferred: int) -> Any:
    low, high = shape.metadata.get("min"), shape.metadata.get("max")
    value = preferred if low is None else max(preferred, low)
    return value if high is None else min(value, high)


def _sized(shape: Shape, text: str) -> str:
    """``text`` padded to the shape's minimum length and cut to its maximum."""
    low, high = int(shape.metadata.get("min", 0)), shape.metadata.get("max")
    text = text + "x" * max(low - len(text), 0)
    return text if high is None else text[: int(high)]


def minimal_string(shape: Shape, member: str = "", variant: int = 0) -> str:
    """The simplest string of ``shape`` (see :func:`minimal_value`)."""
    enum = getattr(shape, "enum", None)
    if enum:
        hint = HINTS.get(shape.name, HINTS.get(member))
        return hint if hint in enum and not variant else enum[variant % len(enum)]
    suffix = str(variant + 1) if variant else ""
    candidates = [
        *(HINTS[key] + suffix for key in (shape.name, member) if key in HINTS),
        *([arn_for(member, MINIMAL_NAME + suffix)] if _is_arn(shape, member) else []),
        MINIMAL_NAME + suffix,
        _sized(shape, MINIMAL_NAME + suffix),
    ]
    for candidate in candidates:
        if fits(shape, candidate):
            return candidate
    return string_from_pattern(shape, variant)


def _is_arn(shape: Shape, member: str) -> bool:
    return member.endswith("Arn") or shape.name == "Arn" or member == "AssociatedResource"


def arn_for(member: str, name: str) -> str:
    """The ARN an ARN member most likely names: ``AppBlockArn`` an app block's, ``IamRoleArn``
    a role's, one naming no resource type (``ResourceArn``) an image builder's."""
    if "Role" in member:
        return f"arn:aws:iam::{model.DEFAULT_ACCOUNT}:role/{name}"
    resource = xform_name(member.removesuffix("Arn")).replace("_", "-")
    if not member.endswith("Arn") or resource in ("resource", ""):
        resource = DEFAULT_ARN_RESOURCE
    return f"arn:aws:appstream:{model.DEFAULT_REGION}:{model.DEFAULT_ACCOUNT}:{resource}/{name}"


def fits(shape: Shape, value: Any) -> bool:
    """True if ``value`` satisfies every constraint the model states for ``shape`` itself."""
    return all(constraint.test(value) for constraint in constraints(shape))


def string_from_pattern(shape: Shape, variant: int = 0) -> str:
    """A string of ``shape``'s length that its (Java) pattern matches, found by hypothesis from
    the pattern (derandomized, generation only: the same string in every run, in milliseconds).
    """
    return _from_pattern(shape.metadata.get("pattern", ""), *_lengths(shape), variant)


def _lengths(shape: Shape) -> tuple[int, int]:
    return int(shape.metadata.get("min", 0)), int(shape.metadata.get("max", 1 << 16))


@functools.cache
def _from_pattern(pattern: str, low: int, high: int, variant: int) -> str:
    regex = compiled(pattern) if pattern else re.compile(r"[a-z]*")
    strings = st.from_regex(regex, fullmatch=True) if pattern else st.text("abcdefghij")
    found: list[str] = []

    def wanted(text: str) -> bool:
        fitting = low <= len(text) <= high and regex.fullmatch(text) is not None
        if fitting and text not in found:
            found.append(text)
        return len(found) > variant

    hypothesis.find(strings, wanted, settings=_FIND)
    return found[variant]


_FIND = hypothesis.settings(
    database=None,
    derandomize=True,
    max_examples=2000,
    phases=[hypothesis.Phase.generate],
    suppress_health_check=list(hypothesis.HealthCheck),
)
