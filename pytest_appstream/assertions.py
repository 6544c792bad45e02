"""Assertion helpers of :class:`~pytest_appstream.FakeAppStream` and their failure messages.

Each raises :class:`AssertionError` with what was expected beside what happened, and hides its
own frames so pytest points at the test's line::

    appstream.assert_transitions("b", ["RUNNING", "STOPPING", "STOPPED"])
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .errors import AppStreamUsageError
from .model import builder_states, operation_name, operation_names
from .seeding import check_state

if TYPE_CHECKING:
    from .fake import FakeAppStream


def _aws_operation(operation: str) -> str:
    try:
        return operation_name(operation)
    except KeyError:
        raise AppStreamUsageError(
            f"operation={operation!r} is not an AppStream operation; "
            f"allowed (either spelling): {', '.join(operation_names())}"
        ) from None


def _pending_note(fake: FakeAppStream, name: str) -> str:
    entry = fake.registry.get(fake.account_id, fake.region, name)
    if entry is None or entry.pending is None:
        return ""
    to = entry.pending.to_state or "deleted"
    left = entry.pending.reads_left
    when = (
        "on appstream.advance()"
        if left is None
        else f"after {left} more DescribeImageBuilders read(s)"
    )
    return f"\n  pending: -> {to} {when}"


def assert_state(fake: FakeAppStream, name: str, state: str) -> None:
    """``name`` is in ``state`` now (reading from the test completes no transition)."""
    __tracebackhide__ = True
    check_state(state)
    actual = fake.builder(name).state
    if actual != state:
        raise AssertionError(
            f"image builder {name!r} is {actual}, expected {state}{_pending_note(fake, name)}"
        )


def assert_transitions(fake: FakeAppStream, name: str, states: list[str | None]) -> None:
    """The exact sequence of states ``name`` has been in, seed state first (``None``: deleted)."""
    __tracebackhide__ = True
    if not isinstance(states, (list, tuple)):
        raise AppStreamUsageError(f"states={states!r} must be a list of states")
    for state in states:
        if state is not None and state not in builder_states():
            raise AppStreamUsageError(
                f"states: {state!r} is not an image builder state; "
                f"allowed: {', '.join(builder_states())} or None (deleted)"
            )
    actual = fake.states(name)
    if list(states) == actual:
        return
    history = fake.history(name)
    if len(actual) > len(history):
        causes = ["seeded"] + [t.operation for t in history]
    else:
        causes = [t.operation for t in history]
    first = next(
        (i for i, (e, a) in enumerate(zip(states, actual, strict=False)) if e != a),
        min(len(states), len(actual)),
    )
    lines = [
        f"image builder {name!r} went through other states than expected:",
        f"      {'expected':<24}{'actual':<24}caused by",
    ]
    for i in range(max(len(states), len(actual))):
        e = states[i] if i < len(states) else "-"
        a = ("(deleted)" if actual[i] is None else actual[i]) if i < len(actual) else "-"
        e_text = "(deleted)" if e is None else e
        cause = causes[i] if i < len(causes) else ""
        mark = ">" if i == first else " "
        lines.append(f"{mark} {i:>2}  {e_text:<24}{a:<24}{cause}")
    raise AssertionError("\n".join(lines) + _pending_note(fake, name))


def _describe_calls(calls: list[Any]) -> str:
    if not calls:
        return "  (no AppStream calls were made)"
    return "\n".join(
        f"  {i}. {c.operation}({', '.join(f'{k}={v!r}' for k, v in c.params.items())})"
        + (f" -> {c.error_code}" if c.error_code else "")
        for i, c in enumerate(calls, 1)
    )


def assert_called(
    fake: FakeAppStream, operation: str, *, times: int | None = None, **params: Any
) -> None:
    """``operation`` was called, ``times`` times if given, with ``params`` among its parameters."""
    __tracebackhide__ = True
    aws = _aws_operation(operation)
    calls = fake.calls
    matching = [
        c
        for c in calls
        if c.operation == aws and all(c.params.get(k, _MISSING) == v for k, v in params.items())
    ]
    if (times is None and matching) or (times is not None and len(matching) == times):
        return
    wanted = f"{aws}({', '.join(f'{k}={v!r}' for k, v in params.items())})"
    count = "at least once" if times is None else f"{times} time(s)"
    raise AssertionError(
        f"expected {wanted} to be called {count}, it was called {len(matching)} time(s); "
        f"calls made:\n{_describe_calls(calls)}"
    )


def assert_not_called(fake: FakeAppStream, operation: str) -> None:
    """``operation`` was never called."""
    __tracebackhide__ = True
    aws = _aws_operation(operation)
    calls = fake.calls
    made = [c for c in calls if c.operation == aws]
    if made:
        raise AssertionError(
            f"expected {aws} not to be called, it was called {len(made)} time(s); "
            f"calls made:\n{_describe_calls(calls)}"
        )


_MISSING = object()
