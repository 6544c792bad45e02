"""The quick check of valid input agrees with the detailed walk that words AWS's errors.

The quick yes is also a promise that the handler can take the value as it is: no null and no
unknown member to drop (what :func:`~pytest_appstream._validation.cleaned` would change).
"""

from __future__ import annotations

from typing import Any

from botocore.model import ListShape, MapShape, Shape, StructureShape
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pytest_appstream._model import operation
from pytest_appstream._operations import HANDLERS
from pytest_appstream._validation import cleaned, problems, valid, wrong_type

ANY_SCALAR = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 700_000),
    st.sampled_from([2**31 - 1, 2**31, -(2**31) - 1, 2**63]),  # past a Java int / long
    st.floats(allow_nan=False),
    st.text(max_size=6),
)


def values(shape: Shape, depth: int = 0) -> st.SearchStrategy[Any]:
    """Mostly well-typed values of ``shape``, near its limits, with wrong types mixed in."""
    if isinstance(shape, StructureShape) and depth < 3:
        members = {m: values(s, depth + 1) for m, s in shape.members.items()}
        right: st.SearchStrategy[Any] = st.fixed_dictionaries(
            {}, optional={**members, "Unknown": ANY_SCALAR}
        )
    elif isinstance(shape, ListShape) and depth < 3:
        right = st.lists(values(shape.member, depth + 1), max_size=3)
    elif isinstance(shape, MapShape) and depth < 3:
        right = st.dictionaries(st.text(max_size=3), values(shape.value, depth + 1), max_size=2)
    elif shape.type_name == "string":
        enum = getattr(shape, "enum", None) or []
        right = st.one_of(st.sampled_from(enum or ["a"]), st.text(max_size=4), st.just("n" * 120))
    elif shape.type_name in ("integer", "long"):
        right = st.integers(-2, 700_000)
    elif shape.type_name == "boolean":
        right = st.booleans()
    else:
        right = ANY_SCALAR
    return st.one_of(right, right, right, ANY_SCALAR)


SHAPES = [s for name in sorted(HANDLERS) if (s := operation(name).input_shape) is not None]


@settings(
    max_examples=300, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck)
)
@given(st.sampled_from(SHAPES).flatmap(lambda shape: st.tuples(st.just(shape), values(shape))))
def test_quick_yes_only_for_what_the_detailed_walk_finds_no_fault_in(
    case: tuple[Shape, Any],
) -> None:
    shape, value = case
    detailed_ok = wrong_type(shape, value) is None and not problems(shape, value)
    as_it_is = detailed_ok and value is not None and cleaned(shape, value) == value
    assert valid(shape)(value) == as_it_is
