"""Service-side input validation: the constraints the model states, answered in AWS's words.

botocore checks types, required members and minimums before sending; AWS checks again and also
checks what botocore does not (patterns, maximum lengths, enums, ranges of numbers). A request
that breaks them is answered ``ValidationException``, listing every problem::

    1 validation error detected: Value 'bad name!' at 'name' failed to satisfy constraint:
    Member must satisfy regular expression pattern: ^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,100}$

A value of the wrong JSON type never reaches validation: AWS answers ``SerializationException``.
What passes is handed to the operation's handler as AWS's deserializer would read it: a JSON
null member counts as absent and a member the model does not know is ignored, both dropped at
every depth, so a handler never sees a null, an unknown member or a wrong type. A null inside a
list, or as a map value, is a ``ValidationException`` (``Member must not be null``); a number out
of the range of its Java type (``integer``: 32 bits, ``long``: 64) is a ``SerializationException``.

>>> check_input("DeleteImageBuilder", {"Name": "nightly"})
{'Name': 'nightly'}
>>> check_input("DescribeImageBuilders", {"MaxResults": None, "Unknown": 1, "Names": ["b"]})
{'Names': ['b']}
>>> problems(operation("DeleteImageBuilder").input_shape, {"Name": "-x"})[0][:28]
"Value '-x' at 'name' failed "
"""

from __future__ import annotations

import functools
import re
import sys
import unicodedata
from collections.abc import Callable, Iterator
from typing import Any

from botocore.model import ListShape, MapShape, Shape, StructureShape

from ._errors import ServiceError
from ._model import operation

#: JSON types of the model's scalar types (a bool is not a number on the wire).
_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "boolean": (bool,),
    "integer": (int,),
    "long": (int,),
    "float": (int, float),
    "double": (int, float),
    "timestamp": (int, float, str),
    "blob": (str,),
    "structure": (dict,),
    "map": (dict,),
    "list": (list,),
}
#: How AWS's deserializer names a JSON scalar it cannot use, and the Java type it wanted.
_TOKENS = {str: "STRING_VALUE", bool: "BOOLEAN_VALUE", int: "NUMBER_VALUE", float: "NUMBER_VALUE"}
_JAVA_TYPES = {"integer": "an Integer", "timestamp": "a Date", "blob": "a ByteBuffer"}
#: The numbers a Java ``int`` and ``long`` hold, by model type and Java's name for the type.
_RANGES: dict[str, tuple[str, int, int]] = {
    "integer": ("int", -(2**31), 2**31 - 1),
    "long": ("long", -(2**63), 2**63 - 1),
}
_SIZED = ("string", "list", "map", "blob")
_NOT_NULL = "Member must not be null"

Check = Callable[[Any], bool]


def check_input(operation_name: str, params: Any) -> Any:
    """The parameters as the operation's handler gets them, or :class:`ServiceError` if AWS would
    refuse ``params`` before looking at any resource.

    ``SerializationException`` for a value of the wrong JSON type (or a number its Java type
    cannot hold), else ``ValidationException`` listing every broken constraint of the
    operation's input shape, else ``params`` without null and unknown members (``params``
    itself, not a copy, when it has none: the common case costs one quick check).

    >>> check_input("StopImageBuilder", {"Name": None})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    pytest_appstream._errors.ServiceError: ValidationException: ... Value null at 'name' ...
    """
    shape = operation(operation_name).input_shape
    if shape is None:
        return {}
    if valid(shape)(params):
        return params
    if params is None:  # an empty body
        params = {}
    wrong = wrong_type(shape, params)
    if wrong is not None:
        raise ServiceError("SerializationException", wrong)
    found = problems(shape, params)
    if found:
        raise ServiceError("ValidationException", message(found))
    return cleaned(shape, params)


def cleaned(shape: Shape, value: Any) -> Any:
    """``value`` (valid for ``shape``) as AWS reads it: null and unknown members dropped.

    Containers are copied; scalars are the caller's.

    >>> cleaned(operation("DescribeImageBuilders").input_shape, {"NextToken": None, "x": 1})
    {}
    """
    if isinstance(shape, StructureShape):
        members = shape.members
        return {
            member: cleaned(members[member], item)
            for member, item in value.items()
            if item is not None and member in members
        }
    if isinstance(shape, ListShape):
        return [cleaned(shape.member, item) for item in value]
    if isinstance(shape, MapShape):
        return {key: cleaned(shape.value, item) for key, item in value.items()}
    return value


@functools.cache
def valid(shape: Shape) -> Callable[[Any], bool]:
    """A quick yes for a value the handler can take as it is: of the right JSON types, breaking
    no constraint of ``shape``, with no null and no unknown member at any depth.

    Most requests are like that, so they get this check, built once per shape; only a value it
    refuses is walked again by :func:`wrong_type`, :func:`problems` and :func:`cleaned`.

    >>> check = valid(operation("DescribeImageBuilders").input_shape)
    >>> check({"Names": ["b"]}), check({"Names": None}), check({"Names": ["b"], "x": 1})
    (True, False, False)
    """
    own = [satisfied for _, satisfied in constraints(shape)]
    if shape.type_name in _RANGES:
        _, low, high = _RANGES[shape.type_name]
        own.insert(0, lambda v: low <= v <= high)
    expected = _JSON_TYPES.get(shape.type_name, (object,))
    exact = bool in expected or object in expected  # else a bool must not pass as an int

    def scalar(value: Any) -> bool:
        if not isinstance(value, expected) or (not exact and isinstance(value, bool)):
            return False
        return all(check(value) for check in own)

    # None (JSON null) is never taken as it is: a member is dropped, a list item refused.
    if isinstance(shape, StructureShape):
        checks = {member: valid(member_shape) for member, member_shape in shape.members.items()}
        required = frozenset(shape.required_members)

        def structure(value: Any) -> bool:
            if not isinstance(value, dict) or not required.issubset(value):
                return False
            for member, item in value.items():
                check = checks.get(member)
                if check is None or not check(item):
                    return False
            return True

        return structure
    if isinstance(shape, ListShape):
        item_valid = valid(shape.member)
        return lambda v: scalar(v) and all(map(item_valid, v))
    if isinstance(shape, MapShape):
        key_valid, value_valid = valid(shape.key), valid(shape.value)
        return lambda v: scalar(v) and all(key_valid(k) and value_valid(i) for k, i in v.items())
    return scalar


def message(found: list[str]) -> str:
    """AWS's summary of validation problems: ``N validation error(s) detected: a; b``."""
    plural = "error" if len(found) == 1 else "errors"
    return f"{len(found)} validation {plural} detected: " + "; ".join(found)


def problem(value: Any, path: str, constraint: str) -> str:
    """One problem in AWS's words: ``Value 'x' at 'name' failed to satisfy constraint: ...``."""
    shown = "null" if value is None else f"'{java(value)}'"
    return f"Value {shown} at '{path}' failed to satisfy constraint: {constraint}"


def java(value: Any) -> str:
    """A value as AWS (Java) prints it: ``true``, ``[a, null]``, ``{k=v}``.

    >>> java({"k": [True, None]})
    '{k=[true, null]}'
    """
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{java(k)}={java(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(java(v) for v in value) + "]"
    return str(value)


def location(member: str) -> str:
    """The name AWS gives a member in messages: its wire name with a lower-case first letter."""
    return member[:1].lower() + member[1:]


def problems(shape: Shape | None, value: Any, path: str = "") -> list[str]:
    """Every constraint of ``shape`` that ``value`` (of the right JSON types) breaks.

    A structure's members are named ``a.b``; a list's structures ``a.1.member``; a list of
    scalars, a map's keys and its scalar values are reported once, with every constraint.
    """
    if shape is None or value is None:
        return []
    if isinstance(shape, StructureShape):
        found: list[str] = []
        for member, member_shape in shape.members.items():
            item = value.get(member)
            if item is None and member not in shape.required_members:
                continue
            where = f"{path}.{location(member)}" if path else location(member)
            if item is None:
                found.append(problem(None, where, _NOT_NULL))
            else:
                found += problems(member_shape, item, where)
        return found
    found = [problem(value, path, text) for text in broken(shape, value)]
    if isinstance(shape, ListShape):
        found += _parts(value, path, "Member", shape.member, value, ".member")
    elif isinstance(shape, MapShape):
        if not all(satisfies(shape.key, key) for key in value):
            found.append(problem(value, path, _all_of("Map keys", shape.key)))
        found += _parts(value, path, "Map value", shape.value, value, "")
    return found


def _parts(value: Any, path: str, what: str, shape: Shape, items: Any, suffix: str) -> list[str]:
    """Problems of a container's items (a list, or a map's values): a null item once, for the
    container; each nested one by place (``a.1.member``, ``a.key``); scalars reported together."""
    places = list(enumerate(items, 1) if isinstance(items, list) else items.items())
    found = []
    if any(item is None for _, item in places):
        found.append(problem(value, path, f"{what} must satisfy constraint: [{_NOT_NULL}]"))
    if isinstance(shape, (StructureShape, ListShape, MapShape)):
        found += [p for key, item in places for p in problems(shape, item, f"{path}.{key}{suffix}")]
    elif not all(item is None or satisfies(shape, item) for _, item in places):
        found.append(problem(value, path, _all_of(what, shape)))
    return found


def _all_of(what: str, shape: Shape) -> str:
    inner = ", ".join(text for text, _ in constraints(shape))
    return f"{what} must satisfy constraint: [{inner}]"


#: Constraints by shape: the model's shapes live as long as the process (kept here too).
_constraints: dict[int, tuple[Shape, list[tuple[str, Check]]]] = {}


def constraints(shape: Shape) -> list[tuple[str, Check]]:
    """Every constraint the model states for ``shape`` itself: (AWS's words, test of a value).

    >>> [text for text, _ in constraints(operation("DeleteImageBuilder").input_shape.members["Name"])]
    ['Member must satisfy regular expression pattern: ^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,100}$']
    """
    cached = _constraints.get(id(shape))
    if cached is None or cached[0] is not shape:
        cached = _constraints[id(shape)] = (shape, _read_constraints(shape))
    return cached[1]


def _read_constraints(shape: Shape) -> list[tuple[str, Check]]:
    meta = shape.metadata
    sized = shape.type_name in _SIZED
    measure = "length" if sized else "value"

    def amount(value: Any) -> Any:
        return len(value) if sized else value

    out: list[tuple[str, Check]] = []
    if "max" in meta:
        top = meta["max"]
        out.append(
            (
                f"Member must have {measure} less than or equal to {_number(top)}",
                lambda v: amount(v) <= top,
            )
        )
    if "min" in meta:
        low = meta["min"]
        out.append(
            (
                f"Member must have {measure} greater than or equal to {_number(low)}",
                lambda v: amount(v) >= low,
            )
        )
    if "pattern" in meta:
        regex = compiled(meta["pattern"])
        out.append(
            (
                f"Member must satisfy regular expression pattern: {meta['pattern']}",
                lambda v: regex.fullmatch(v) is not None,
            )
        )
    enum = getattr(shape, "enum", None)
    if enum:
        out.append(
            (f"Member must satisfy enum value set: [{', '.join(enum)}]", lambda v: v in enum)
        )
    return out


def satisfies(shape: Shape, value: Any) -> bool:
    """True when ``value`` breaks none of the constraints of ``shape`` itself."""
    return all(satisfied(value) for _, satisfied in constraints(shape))


def broken(shape: Shape, value: Any) -> list[str]:
    """The constraints of ``shape`` itself (not its members') that ``value`` breaks."""
    return [text for text, satisfied in constraints(shape) if not satisfied(value)]


def _number(value: Any) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def wrong_type(shape: Shape, value: Any) -> str | None:
    """AWS's ``SerializationException`` message for the first value of the wrong JSON type."""
    if value is None:
        return None
    mismatch = _mismatch(shape, value)
    if mismatch is not None:
        return mismatch
    if isinstance(shape, StructureShape):
        members = shape.members
        pairs: Any = ((members.get(k), v) for k, v in value.items())
    elif isinstance(shape, ListShape):
        pairs = ((shape.member, v) for v in value)
    elif isinstance(shape, MapShape):
        pairs = ((shape.value, v) for v in value.values())
    else:
        return None
    for item_shape, item in pairs:
        found = None if item_shape is None else wrong_type(item_shape, item)
        if found is not None:
            return found
    return None


def _mismatch(shape: Shape, value: object) -> str | None:
    expected = _JSON_TYPES.get(shape.type_name, (object,))
    if isinstance(value, expected) and not (isinstance(value, bool) and bool not in expected):
        if shape.type_name in _RANGES and isinstance(value, int):
            java_type, low, high = _RANGES[shape.type_name]
            if not low <= value <= high:
                return (
                    f"Numeric value ({_digits(value)}) out of range of {java_type} ({low} - {high})"
                )
        return None
    if isinstance(value, (dict, list)):
        kind = "list" if isinstance(value, list) else "structure or map"
        return f"Start of {kind} found where not expected."
    token = _TOKENS.get(type(value), "NULL_VALUE")
    wanted = _JAVA_TYPES.get(shape.type_name, f"a {shape.type_name.capitalize()}")
    return f"{token} can not be converted to {wanted}"


def _digits(number: int) -> str:
    """``number`` in decimal; Python refuses past 4300 digits (JSON input never has them)."""
    try:
        return str(number)
    except ValueError:
        return f"a number of {number.bit_length()} bits"


# -- Java regular expressions ------------------------------------------------------------------

_PROPERTY = re.compile(r"\\([pP])\{(\w+)\}")


@functools.cache
def compiled(pattern: str) -> re.Pattern[str]:
    """A model pattern (Java syntax) as a Python regex with Java's meaning.

    Java's ``\\w``, ``\\d`` and ``\\s`` are ASCII; ``\\p{L}`` and friends (Unicode general
    categories) become explicit ranges. Use :meth:`re.Pattern.fullmatch`, as Java's ``matches``.
    """
    return re.compile(_translate(pattern), re.ASCII)


def _translate(pattern: str) -> str:
    out: list[str] = []
    in_class = False
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            found = _PROPERTY.match(pattern, i)
            if found is not None:
                ranges = _category_ranges(found[2])
                negated = found[1] == "P"
                if in_class and negated:
                    raise ValueError(f"unsupported \\P{{...}} inside a class in {pattern!r}")
                out.append(ranges if in_class else f"[{'^' if negated else ''}{ranges}]")
                i = found.end()
                continue
            out.append(pattern[i : i + 2])
            i += 2
            continue
        if char == "[" and not in_class:
            in_class = True
        elif char == "]" and in_class and out[-1] not in ("[", "[^"):
            in_class = False
        out.append(char)
        i += 1
    return "".join(out)


@functools.cache
def _category_ranges(category: str) -> str:
    """A regex class body for a Unicode general category (``L``) or subcategory (``Lu``)."""
    return "".join(
        re.escape(chr(lo)) if lo == hi else f"{re.escape(chr(lo))}-{re.escape(chr(hi))}"
        for lo, hi in _ranges(category)
    )


def _ranges(category: str) -> Iterator[tuple[int, int]]:
    start: int | None = None
    for code in _codepoints():
        if unicodedata.category(chr(code)).startswith(category):
            if start is None:
                start = last = code
            elif code == last + 1:
                last = code
            else:
                yield start, last
                start = last = code
    if start is not None:
        yield start, last


def _codepoints() -> Iterator[int]:
    """Every code point that can have a category other than unassigned or private use."""
    yield from range(0x40000)  # planes 0-3
    yield from range(0xE0000, min(0xE1000, sys.maxunicode + 1))  # plane 14
