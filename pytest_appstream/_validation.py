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
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

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
    value, found = walk(shape, params, WIRE)
    wrong = _wrong_type(found)
    if wrong is not None:
        raise ServiceError("SerializationException", wrong)
    texts = _aws_problems(found, params, "")
    if texts:
        raise ServiceError("ValidationException", message(texts))
    return value


# -- the walk ----------------------------------------------------------------------------------


class Constraint(NamedTuple):
    """One constraint the model states for a value itself: ``kind`` (``max``, ``min``,
    ``pattern`` or ``enum``), its ``bound`` (a number, a pattern, the enum's values), the test
    of a value, and ``measure`` (``length`` or ``value``: what ``max`` and ``min`` bound).

    >>> [c.kind for c in constraints(operation("TagResource").input_shape.members["Tags"])]
    ['max', 'min']
    """

    kind: str
    bound: Any
    test: Check
    measure: str

    @property
    def text(self) -> str:
        """AWS's words: ``Member must have length less than or equal to 256``."""
        if self.kind == "max":
            return f"Member must have {self.measure} less than or equal to {_number(self.bound)}"
        if self.kind == "min":
            return f"Member must have {self.measure} greater than or equal to {_number(self.bound)}"
        if self.kind == "pattern":
            return f"Member must satisfy regular expression pattern: {self.bound}"
        return f"Member must satisfy enum value set: [{', '.join(self.bound)}]"


class Step(NamedTuple):
    """One step down from a container: a structure's ``member``, a list's ``item`` (``key`` is
    its index), a map's ``key`` or ``value`` (``key`` is the map key); ``rank`` orders siblings
    as AWS lists them (a member's place in the shape, an item's or entry's place in the value)."""

    kind: str
    key: Any
    rank: int


class Problem(NamedTuple):
    """What a value breaks, before any wording: where (``path`` of :class:`Step`), the
    ``value`` there and its ``shape``, and ``kind`` with its ``detail``:

    - ``type``: not of the JSON (or, seeding, Python) type of the shape;
    - ``overflow``: an integer past its Java type; ``detail`` is (Java type, low, high);
    - ``broken``: ``detail`` is the tuple of :class:`Constraint` the value breaks;
    - ``null``: a null item or map value of the container at ``path``; ``detail`` its step;
    - ``unknown``: ``detail`` is a key the structure at ``path`` does not have;
    - ``required``: ``detail`` is the tuple of required members the structure lacks.

    >>> [p.kind for p in walk(operation("TagResource").input_shape, {"Tags": {}, "x": 1}, WIRE)[1]]
    ['broken', 'unknown', 'required']
    """

    path: tuple[Step, ...]
    value: Any
    shape: Shape
    kind: str
    detail: Any = None


@dataclass(frozen=True)
class Rules:
    """What a walk takes as a value: ``types`` by model type (an instance of none is a
    ``type`` problem; a bool is a number only where listed), ``convert`` by model type (a
    scalar made normal after its type check: ``ValueError`` and the like make it a ``type``
    problem), and whether a null member counts as absent and a null item as a problem (AWS's
    deserializer) or as a value like any other (seeding)."""

    types: Mapping[str, tuple[type, ...]]
    null_is_absent: bool
    convert: Mapping[str, Callable[[Any], Any]] = field(default_factory=dict)


#: The wire, as AWS reads it: JSON types, null members dropped, null items refused.
WIRE = Rules(_JSON_TYPES, null_is_absent=True)


def walk(
    shape: Shape, value: Any, rules: Rules, metadata: Mapping[str, Any] | None = None
) -> tuple[Any, list[Problem]]:
    """``value`` checked against ``shape`` under ``rules``: (the value as read, its problems).

    The value as read keeps only the structures' known members (and, on the wire, the non-null
    ones), with the scalars ``rules`` convert converted; containers are copies. Problems come
    in the value's order (a node's own, then its children's, then its missing members);
    ``metadata``, when given, replaces the constraints of ``shape`` itself (not its members').

    >>> shape = operation("DescribeImageBuilders").input_shape
    >>> value, found = walk(shape, {"Names": ["b"], "x": 1}, WIRE)
    >>> value, [(p.kind, p.detail) for p in found]
    ({'Names': ['b']}, [('unknown', 'x')])
    """
    found: list[Problem] = []
    return _visit(shape, value, (), rules, found, metadata), found


def _visit(
    shape: Shape,
    value: Any,
    path: tuple[Step, ...],
    rules: Rules,
    found: list[Problem],
    metadata: Mapping[str, Any] | None = None,
) -> Any:
    expected = rules.types.get(shape.type_name, (object,))
    if not isinstance(value, expected) or (isinstance(value, bool) and bool not in expected):
        found.append(Problem(path, value, shape, "type"))
        return value
    convert = rules.convert.get(shape.type_name)
    if convert is not None:
        try:
            value = convert(value)
        except (ValueError, TypeError, OverflowError, OSError):
            found.append(Problem(path, value, shape, "type"))
            return value
    if isinstance(shape, StructureShape):
        return _visit_structure(shape, value, path, rules, found)
    if shape.type_name in _RANGES and isinstance(value, int):
        java_type, low, high = _RANGES[shape.type_name]
        if not low <= value <= high:
            found.append(Problem(path, value, shape, "overflow", (java_type, low, high)))
    own = constraints(shape) if metadata is None else _read_constraints(shape, metadata)
    broken = tuple(c for c in own if not c.test(value))
    if broken:
        found.append(Problem(path, value, shape, "broken", broken))
    if isinstance(shape, ListShape):
        return [
            _item(shape, value, item, path, Step("item", i, i), rules, found)
            for i, item in enumerate(value)
        ]
    if isinstance(shape, MapShape):
        out = {}
        for rank, (key, item) in enumerate(value.items()):
            _visit(shape.key, key, (*path, Step("key", key, rank)), rules, found)
            out[key] = _item(shape, value, item, path, Step("value", key, rank), rules, found)
        return out
    return value


def _visit_structure(
    shape: StructureShape, value: Any, path: tuple[Step, ...], rules: Rules, found: list[Problem]
) -> dict[str, Any]:
    members, ranks = shape.members, _ranks(shape)
    out = {}
    for key, item in value.items():
        member = members.get(key)
        if member is None:
            found.append(Problem(path, value, shape, "unknown", key))
        elif item is not None or not rules.null_is_absent:
            out[key] = _visit(member, item, (*path, Step("member", key, ranks[key])), rules, found)
    missing = tuple(
        m
        for m in shape.required_members
        if m not in value or (rules.null_is_absent and value[m] is None)
    )
    if missing:
        found.append(Problem(path, value, shape, "required", missing))
    return out


def _item(
    container: ListShape | MapShape,
    value: Any,
    item: Any,
    path: tuple[Step, ...],
    step: Step,
    rules: Rules,
    found: list[Problem],
) -> Any:
    """A list's item or a map's value: a null one is the container's problem on the wire."""
    shape = container.member if isinstance(container, ListShape) else container.value
    if item is None and rules.null_is_absent:
        found.append(Problem(path, value, container, "null", step))
        return None
    return _visit(shape, item, (*path, step), rules, found)


@functools.cache
def _ranks(shape: StructureShape) -> dict[str, int]:
    return {member: rank for rank, member in enumerate(shape.members)}


def cleaned(shape: Shape, value: Any) -> Any:
    """``value`` (valid for ``shape``) as AWS reads it: null and unknown members dropped.

    Containers are copied; scalars are the caller's.

    >>> cleaned(operation("DescribeImageBuilders").input_shape, {"NextToken": None, "x": 1})
    {}
    """
    return walk(shape, value, WIRE)[0]


@functools.cache
def valid(shape: Shape) -> Callable[[Any], bool]:
    """A quick yes for a value the handler can take as it is: of the right JSON types, breaking
    no constraint of ``shape``, with no null and no unknown member at any depth.

    Most requests are like that, so they get this check, built once per shape; only a value it
    refuses is walked again by :func:`walk`.

    >>> check = valid(operation("DescribeImageBuilders").input_shape)
    >>> check({"Names": ["b"]}), check({"Names": None}), check({"Names": ["b"], "x": 1})
    (True, False, False)
    """
    own = [constraint.test for constraint in constraints(shape)]
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


#: Constraints by shape: the model's shapes live as long as the process (kept here too).
_constraints: dict[int, tuple[Shape, list[Constraint]]] = {}


def constraints(shape: Shape) -> list[Constraint]:
    """Every constraint the model states for ``shape`` itself, in AWS's order.

    >>> [c.text for c in constraints(operation("DeleteImageBuilder").input_shape.members["Name"])]
    ['Member must satisfy regular expression pattern: ^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,100}$']
    """
    cached = _constraints.get(id(shape))
    if cached is None or cached[0] is not shape:
        cached = _constraints[id(shape)] = (shape, _read_constraints(shape, shape.metadata))
    return cached[1]


def _read_constraints(shape: Shape, meta: Mapping[str, Any]) -> list[Constraint]:
    """The constraints of ``shape`` with ``meta`` for its limits and pattern (enums are the
    shape's own)."""
    sized = shape.type_name in _SIZED
    measure = "length" if sized else "value"

    def amount(value: Any) -> Any:
        return len(value) if sized else value

    out: list[Constraint] = []
    if "max" in meta:
        top = meta["max"]
        out.append(Constraint("max", top, lambda v: amount(v) <= top, measure))
    if "min" in meta:
        low = meta["min"]
        out.append(Constraint("min", low, lambda v: amount(v) >= low, measure))
    if "pattern" in meta:
        regex = compiled(meta["pattern"])
        test: Check = lambda v: regex.fullmatch(v) is not None  # noqa: E731
        out.append(Constraint("pattern", meta["pattern"], test, measure))
    enum = getattr(shape, "enum", None)
    if enum:
        out.append(Constraint("enum", enum, lambda v: v in enum, measure))
    return out


def _number(value: Any) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


# -- AWS's words -------------------------------------------------------------------------------


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
    """Every constraint of ``shape`` that ``value`` (of the right JSON types) breaks, in AWS's
    words and order (a structure's members in the shape's order).

    A structure's members are named ``a.b``; a list's structures ``a.1.member``; a list of
    scalars, a map's keys and its scalar values are reported once, with every constraint.
    """
    if shape is None or value is None:
        return []
    return _aws_problems(walk(shape, value, WIRE)[1], value, path)


def wrong_type(shape: Shape, value: Any) -> str | None:
    """AWS's ``SerializationException`` message for the first value of the wrong JSON type."""
    return None if value is None else _wrong_type(walk(shape, value, WIRE)[1])


def _wrong_type(found: list[Problem]) -> str | None:
    """The first problem AWS's deserializer stops at, in its words (a map's keys are strings)."""
    for p in found:
        if p.kind in ("type", "overflow") and not (p.path and p.path[-1].kind == "key"):
            if p.kind == "overflow":
                java_type, low, high = p.detail
                number = _digits(p.value)
                return f"Numeric value ({number}) out of range of {java_type} ({low} - {high})"
            if isinstance(p.value, (dict, list)):
                kind = "list" if isinstance(p.value, list) else "structure or map"
                return f"Start of {kind} found where not expected."
            token = _TOKENS.get(type(p.value), "NULL_VALUE")
            name = p.shape.type_name
            return (
                f"{token} can not be converted to {_JAVA_TYPES.get(name, f'a {name.capitalize()}')}"
            )
    return None


#: How AWS words the items of a container, by step.
_ITEMS = {"item": "Member", "value": "Map value", "key": "Map keys"}
#: Where AWS lists a container's problems: its own, its keys', its null items', its items'.
_OWN, _KEYS, _NULLS, _CHILDREN = 0, 1, 2, 3


def _aws_problems(found: list[Problem], root: Any, prefix: str) -> list[str]:
    """Problems of a walk in AWS's words and order, each container's scalar items (and null
    items) reported once for the container; types and unknown members are not its concern."""
    ranked: dict[tuple[Any, ...], str] = {}
    for p in found:
        for rank, text in _aws_texts(p, root, prefix):
            ranked.setdefault(rank, text)
    return [ranked[rank] for rank in sorted(ranked)]


def _aws_texts(p: Problem, root: Any, prefix: str) -> Iterator[tuple[tuple[Any, ...], str]]:
    """(where AWS lists it, its words) for each message of ``p``: the place sorts a node's own
    problems before its children's, a structure's members in the shape's order; the scalar
    items of one container share a place, so they are reported once."""
    order = tuple((_CHILDREN, step.rank) for step in p.path)
    if p.kind == "required":
        ranks = _ranks(p.shape)
        for member in p.detail:
            where = _aws_path(prefix, (*p.path, Step("member", member, 0)))
            yield (*order, (_CHILDREN, ranks[member]), (_OWN,)), problem(None, where, _NOT_NULL)
    elif p.kind == "null":
        what = _ITEMS[p.detail.kind]
        text = f"{what} must satisfy constraint: [{_NOT_NULL}]"
        yield (*order, (_NULLS,)), problem(p.value, _aws_path(prefix, p.path), text)
    elif p.kind == "broken":
        last = p.path[-1] if p.path else None
        if last is not None and last.kind != "member" and not _nested(p.shape):
            container = _at(root, p.path[:-1])
            inner = ", ".join(c.text for c in constraints(p.shape))
            text = f"{_ITEMS[last.kind]} must satisfy constraint: [{inner}]"
            where = _aws_path(prefix, p.path[:-1])
            yield (
                (*order[:-1], (_KEYS if last.kind == "key" else _CHILDREN,)),
                problem(container, where, text),
            )
        else:
            where = _aws_path(prefix, p.path)
            for i, c in enumerate(p.detail):
                yield (*order, (_OWN, i)), problem(p.value, where, c.text)


def _nested(shape: Shape) -> bool:
    return isinstance(shape, (StructureShape, ListShape, MapShape))


def _at(root: Any, path: tuple[Step, ...]) -> Any:
    for step in path:
        root = root[step.key]
    return root


def _aws_path(prefix: str, path: tuple[Step, ...]) -> str:
    """``a.b``, ``a.1.member`` (a list's item), ``a.key`` (a map's value)."""
    where = prefix
    for step in path:
        if step.kind == "member":
            where = f"{where}.{location(step.key)}" if where else location(step.key)
        elif step.kind == "item":
            where = f"{where}.{step.key + 1}.member"
        else:
            where = f"{where}.{step.key}"
    return where


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
