"""Assertion helpers of :class:`~pytest_appstream.FakeAppStream` and their failure messages.

Each helper raises :class:`AssertionError` with what was expected beside what happened, and
hides its own frames, so pytest points at the test's line. A mistake in the arguments (an
unknown state, builder, operation or parameter) is an :class:`AppStreamUsageError`, never a
silent pass::

    appstream.assert_transitions("b", ["RUNNING", "STOPPING", "STOPPED"])

fails, under ``transitions="manual"``, with::

    AssertionError: image builder 'b' went through other states than expected (first difference at step 2):
          expected  actual    caused by
       0  RUNNING   RUNNING   seeded
       1  STOPPING  STOPPING  StopImageBuilder
    >  2  STOPPED   -
      pending: STOPPING -> STOPPED when the test calls appstream.advance('b') (transitions='manual')
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from ._errors import AppStreamUsageError, did_you_mean
from ._model import Call, ImageBuilder, builder_states, operation
from ._model import check_operation as _check_operation
from ._model import operation_names as _operation_names

if TYPE_CHECKING:
    from ._collections import Collection
    from ._kinds import Kind
    from .fake import FakeAppStream

#: Above this many calls, a failure lists only the calls of the asserted operation.
MAX_LISTED_CALLS = 30
_ABSENT = "-"
_DELETED = "(deleted)"


# -- argument checks -------------------------------------------------------------------------


def check_operation(operation_: object) -> str:
    """The AWS name of an operation given in either spelling, or a clear usage error.

    >>> check_operation("stop_image_builder")
    'StopImageBuilder'
    """
    __tracebackhide__ = True
    every = _operation_names()
    builder_ops = [op for op in every if "ImageBuilder" in op]
    return _check_operation(
        operation_,
        f": any of the {len(every)} operations of the botocore AppStream model, as "
        "StopImageBuilder or stop_image_builder; those on image builders: "
        f"{', '.join(builder_ops)}",
    )


def check_assert_state(
    state: object, argument: str = "state", of: Kind | None = None
) -> str | None:
    """A state of the kind's model enum (``ImageBuilderState`` by default), or None (deleted)."""
    __tracebackhide__ = True
    states, label = (builder_states(), "image builder") if of is None else (of.states, of.label)
    if state is None or (isinstance(state, str) and state in states):
        return state
    article = "an" if label[0] in "aeiou" else "a"
    raise AppStreamUsageError(
        f"{argument}={state!r} is not {article} {label} state{did_you_mean(state, states)}; "
        f"allowed: {', '.join(states)}, or None (deleted)"
    )


def _check_times(times: object) -> int | None:
    __tracebackhide__ = True
    if times is None or (isinstance(times, int) and not isinstance(times, bool) and times >= 0):
        return times
    raise AppStreamUsageError(f"times={times!r} must be an int >= 0, or None (at least once)")


def _check_params(aws: str, params: Mapping[str, Any]) -> None:
    __tracebackhide__ = True
    input_shape = operation(aws).input_shape
    allowed = list(input_shape.members) if input_shape is not None else []
    for key in params:
        if key not in allowed:
            raise AppStreamUsageError(
                f"{key}=...: {aws} has no parameter {key!r}{did_you_mean(key, allowed)}; "
                f"its parameters (wire names, as the client takes them): "
                f"{', '.join(allowed) or 'none'}"
            )


# -- reading the fake --------------------------------------------------------------------------


@attrs.frozen
class _Lineage:
    """What a test can know about one builder: states with their causes, and what is pending."""

    states: list[str | None]
    causes: list[str]
    pending: str  # "" when nothing is pending


def _lineage(col: Collection[Any], name: str, region: str) -> _Lineage:
    __tracebackhide__ = True
    with col._fake.registry.lock:
        states = col.states(name, region=region)
        history = col.history(name, region=region)
        pending = _pending_note(col, name, region)
    seeded = ["seeded"] if len(states) > len(history) else []
    return _Lineage(states, seeded + [t.operation for t in history], pending)


def _pending_note(col: Collection[Any], name: str, region: str) -> str:
    """How the resource's pending transition would complete, or ""."""
    fake = col._fake
    entry = fake.registry.get(fake.account_id, region, name, col.kind.collection)
    if entry is None or entry.pending is None:
        return ""
    now = entry.state
    to = entry.pending.to_state or "deleted"
    left = entry.pending.reads_left
    where = "" if region == fake.region else f", region={region!r}"
    advance = f"{col.kind.verbs_at}.advance({name!r}{where})"
    deadline = entry.pending.deadline
    if deadline is not None:
        seconds = max(0.0, (deadline - fake.clock.now()).total_seconds())
        return (
            f"pending: {now} -> {to} at {deadline.isoformat()} on the fake's clock, "
            f"{seconds:g} s from now (transitions='timed'); appstream.sleep({seconds:g}) or "
            f"{advance} completes it"
        )
    if left is None:
        return f"pending: {now} -> {to} when the test calls {advance} (transitions='manual')"
    if left == 0:
        when = "at the next AppStream call that reads it (e.g. DescribeImageBuilders)"
    else:
        when = f"after DescribeImageBuilders sees {now} {left} more time{'s' if left > 1 else ''}"
    return f"pending: {now} -> {to} {when}; {advance} completes it now"


def _state_text(state: str | None) -> str:
    return _DELETED if state is None else state


# -- the assertions ----------------------------------------------------------------------------


def _named(name: str, col: Collection[Any], region: str) -> str:
    """``image builder 'b'``, with its region when that is not the fake's."""
    return f"{col.kind.label} {name!r}" + (
        "" if region == col._fake.region else f" in region {region}"
    )


def assert_state(col: Collection[Any], name: str, state: str | None, region: str) -> None:
    """``name`` is in ``state`` now (``None``: it was deleted).

    Reading from the test never completes a pending transition; the failure says how it would.

    Example::

        appstream_client.stop_image_builder(Name="b")
        appstream.assert_state("b", "STOPPING")
    """
    __tracebackhide__ = True
    col._check_name(name)
    expected = check_assert_state(state, of=col.kind)
    lineage = _lineage(col, name, region)
    actual = lineage.states[-1] if lineage.states else None
    if actual == expected:
        return
    path = " -> ".join(
        f"{_state_text(s)} ({cause})"
        for s, cause in zip(lineage.states, lineage.causes, strict=True)
    )
    lines = [
        f"{_named(name, col, region)} is {_state_text(actual)}, expected {_state_text(expected)}"
    ]
    if lineage.pending:
        lines.append(f"  {lineage.pending}")
    lines.append(f"  states: {path}")
    raise AssertionError("\n".join(lines))


def assert_transitions(
    col: Collection[Any], name: str, states: Sequence[str | None], region: str
) -> None:
    """The exact sequence of states ``name`` has been in, seed state first (``None``: deleted).

    Example::

        appstream.assert_transitions("b", ["RUNNING", "STOPPING", "STOPPED"])
    """
    __tracebackhide__ = True
    col._check_name(name)
    if isinstance(states, str) or not isinstance(states, Sequence):
        raise AppStreamUsageError(
            f"states={states!r} must be a list of states, e.g. ['RUNNING', 'STOPPING']"
        )
    for i, state in enumerate(states):
        check_assert_state(state, f"states[{i}]", col.kind)
    lineage = _lineage(col, name, region)
    actual = lineage.states
    if list(states) == actual:
        return
    first = next(
        (i for i, (e, a) in enumerate(zip(states, actual, strict=False)) if e != a),
        min(len(states), len(actual)),
    )
    raise AssertionError(_transitions_diff(_named(name, col, region), list(states), lineage, first))


def _transitions_diff(named: str, expected: list[str | None], lineage: _Lineage, first: int) -> str:
    """Expected and actual states side by side, the first difference marked with ``>``."""
    actual = lineage.states
    rows = []
    for i in range(max(len(expected), len(actual))):
        rows.append(
            (
                _state_text(expected[i]) if i < len(expected) else _ABSENT,
                _state_text(actual[i]) if i < len(actual) else _ABSENT,
                lineage.causes[i] if i < len(actual) else "",
            )
        )
    width = max(len("expected"), *(max(len(e), len(a)) for e, a, _ in rows)) + 2
    lines = [
        f"{named} went through other states than expected (first difference at step {first}):",
        f"      {'expected':<{width}}{'actual':<{width}}caused by",
    ]
    for i, (e, a, cause) in enumerate(rows):
        mark = ">" if i == first else " "
        lines.append(f"{mark} {i:>2}  {e:<{width}}{a:<{width}}{cause}".rstrip())
    if lineage.pending:
        lines.append(f"  {lineage.pending}")
    if "advance" in lineage.causes:
        lines.append(
            "  (advance: a pending transition completed, by DescribeImageBuilders polls "
            "or appstream.advance())"
        )
    return "\n".join(lines)


def _call_text(call: Call, default_region: str, default_account: str) -> str:
    args = ", ".join(f"{k}={v!r}" for k, v in call.params.items())
    text = f"{call.operation}({args})"
    if call.error_code:
        text += f" -> {call.error_code}"
    if (call.region, call.account_id) != (default_region, default_account):
        text += f"  [{call.account_id}/{call.region}]"
    return text


def _times(n: int) -> str:
    return f"{n} time" if n == 1 else f"{n} times"


def calls_listing(fake: FakeAppStream, calls: list[Call], marked: Sequence[Call], aws: str) -> str:
    """The calls made, numbered from 1, ``*`` marking ``marked``; indented for a failure message.

    Beyond :data:`MAX_LISTED_CALLS` calls, only the ``aws`` ones are listed, the others counted.
    """
    if not calls:
        return "  no AppStream calls were made"
    ids = {id(c) for c in marked}
    numbered = list(enumerate(calls, 1))
    which = ""
    notes = []
    if len(calls) > MAX_LISTED_CALLS:
        same = [(i, c) for i, c in numbered if c.operation == aws]
        numbered = same[:MAX_LISTED_CALLS]
        which = f", the {aws} ones"
        if len(same) > len(numbered):
            notes.append(f"{len(same) - len(numbered)} more {aws}")
        others = Counter(c.operation for c in calls if c.operation != aws)
        if others:
            notes.append("other calls: " + ", ".join(f"{op} x{n}" for op, n in others.items()))
    legend = ", * marks the matching ones" if ids else ""
    lines = [f"  AppStream calls made ({len(calls)}){which}{legend}:"]
    width = len(str(len(calls)))
    for i, call in numbered:
        mark = "*" if id(call) in ids else " "
        lines.append(f"    {mark} {i:>{width}}. {_call_text(call, fake.region, fake.account_id)}")
    if notes:
        lines.append(f"    ... {'; '.join(notes)} (appstream.calls has them all)")
    return "\n".join(lines)


def _matches(call: Call, aws: str, params: Mapping[str, Any]) -> bool:
    # The expected value is on the left, so matchers such as unittest.mock.ANY decide.
    return call.operation == aws and all(
        key in call.params and value == call.params[key] for key, value in params.items()
    )


def assert_called(
    fake: FakeAppStream, operation_: str, *, times: int | None = None, **params: Any
) -> None:
    """``operation_`` (either spelling) was called: ``times`` times if given, else at least once.

    ``params`` (wire names, as the client takes them) must be among the call's parameters;
    failed calls count too. Every call the fake answered counts, in any region.

    Example::

        appstream.assert_called("stop_image_builder", times=1, Name="b")
    """
    __tracebackhide__ = True
    aws = check_operation(operation_)
    expected = _check_times(times)
    _check_params(aws, params)
    calls = fake.calls
    matching = [c for c in calls if _matches(c, aws, params)]
    if (expected is None and matching) or len(matching) == expected:
        return
    wanted = aws + (" with " + ", ".join(f"{k}={v!r}" for k, v in params.items()) if params else "")
    want = "at least once" if expected is None else _times(expected)
    raise AssertionError(
        f"{wanted} was called {_times(len(matching))}, expected {want}\n"
        + calls_listing(fake, calls, matching, aws)
    )


def assert_not_called(fake: FakeAppStream, operation_: str) -> None:
    """``operation_`` (either spelling) was never called, in any region.

    Example::

        appstream.assert_not_called("DeleteImageBuilder")
    """
    __tracebackhide__ = True
    aws = check_operation(operation_)
    calls = fake.calls
    made = [c for c in calls if c.operation == aws]
    if made:
        raise AssertionError(
            f"{aws} was called {_times(len(made))}, expected never\n"
            + calls_listing(fake, calls, made, aws)
        )


# -- ImageBuilder == ImageBuilder (pytest_assertrepr_compare) --------------------------------


def _differences(path: str, left: Any, right: Any) -> list[str]:
    """``path: left != right`` for each differing leaf; mappings are compared key by key."""
    if left == right:
        return []
    if isinstance(left, Mapping) and isinstance(right, Mapping):
        lines: list[str] = []
        for key in [*left, *(k for k in right if k not in left)]:
            sub = f"{path}[{key!r}]"
            if key not in right:
                lines.append(f"{sub}: {left[key]!r} != (absent)")
            elif key not in left:
                lines.append(f"{sub}: (absent) != {right[key]!r}")
            else:
                lines.extend(_differences(sub, left[key], right[key]))
        return lines
    return [f"{path}: {left!r} != {right!r}"]


def compare_builders(left: ImageBuilder, right: ImageBuilder) -> list[str]:
    """pytest's explanation of a failing ``left == right``: only the differing fields.

    >>> compare_builders(ImageBuilder(name="b", arn="a", state="RUNNING"),
    ...                  ImageBuilder(name="b", arn="a", state="STOPPED"))[1:3]
    ['Differing fields (left != right):', "  state: 'RUNNING' != 'STOPPED'"]
    """
    lines: list[str] = []
    differing = 0
    fields = attrs.fields(ImageBuilder)
    for field in fields:
        found = _differences(field.name, getattr(left, field.name), getattr(right, field.name))
        differing += bool(found)
        lines.extend(f"  {line}" for line in found)
    return [
        f"{_short(left)} == {_short(right)}",
        "Differing fields (left != right):",
        *lines,
        f"({len(fields) - differing} identical fields not shown)",
    ]


def _short(builder: ImageBuilder) -> str:
    return f"ImageBuilder(name={builder.name!r}, state={builder.state!r}, ...)"
