"""Checks that what the fake puts on the wire is what the botocore model allows.

Used by ``conftest.py`` on every call the fake answers in this test suite, so fidelity is checked
systematically, not by example.
"""

from __future__ import annotations

import datetime
import json
from typing import Any

from botocore.model import ListShape, MapShape, Shape, StructureShape
from botocore.validate import ParamValidator

from pytest_appstream import _model as model
from pytest_appstream._faults import COMMON_ERRORS

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
    assert status == COMMON_ERRORS.get(code, 400), (code, status)


def _epoch(value: object) -> float:
    assert isinstance(value, datetime.datetime) and value.tzinfo is not None, value
    return value.timestamp()


def _parsed(body: Any) -> Any:
    """The body as botocore hands it to users (timestamps stay datetimes)."""
    return body
