"""Tables of the guide generated from the code, so the docs cannot claim what is not built.

In a page::

    ```{appstream-table} state-rules images
    ```

Each table is a function returning Markdown; add one to :data:`TABLES` to add a table.
"""

from __future__ import annotations

from collections.abc import Callable

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

from pytest_appstream import plugin
from pytest_appstream._kinds import Kind, kind
from pytest_appstream._model import modeled_errors
from pytest_appstream._operations import HANDLERS


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _short(code: str) -> str:
    return code.removesuffix("Exception")


def in_between_states(of: Kind) -> list[str]:
    """Every state of the installed model in which the kind accepts no action."""
    return [s for s in of.states if of.in_between(s)]


def outcome(of: Kind, operation: str, state: str | None) -> str:
    """What ``operation`` does to a resource in ``state`` (``None``: none by that name)."""
    action = of.actions[operation]
    if state is None:
        return "ResourceNotFound"
    if state in action.unchanged:
        return "ok, no change"
    if state in action.allowed:
        if action.via == action.to:
            return f"ok → {action.via}"
        return f"ok → {action.via} → {action.to or 'gone'}"
    if not of.in_between(state) and action.refused:
        return _short(action.refused)
    return "ConcurrentModification"


def state_rules(of: Kind) -> str:
    """The state-rule table of a kind: rows are its states, columns its state-changing operations."""
    operations = list(of.actions)
    header = [f"{of.label} state when called"] + [
        f"{op}" if op in HANDLERS else f"{op} (not implemented yet)" for op in operations
    ]
    lines = [_row(header), _row(["---"] * len(header))]
    for state in of.resting_states:
        lines.append(_row([state] + [outcome(of, op, state) for op in operations]))
    groups: dict[tuple[str, ...], list[str]] = {}
    for state in in_between_states(of):
        groups.setdefault(tuple(outcome(of, op, state) for op in operations), []).append(state)
    for cells, states in groups.items():
        label = states[0] if len(states) == 1 else f"any in-between state ({', '.join(states)})"
        lines.append(_row([label, *cells]))
    lines.append(
        _row(
            ["no such name in this account and region"]
            + [outcome(of, op, None) for op in operations]
        )
    )
    return "\n".join(lines)


def modeled_error_table(of: Kind) -> str:
    """The errors each state-changing operation of a kind's botocore model lists."""
    lines = [_row(["operation", "errors its model lists"]), _row(["---", "---"])]
    for op in of.actions:
        lines.append(_row([op, ", ".join(modeled_errors(op))]))
    return "\n".join(lines)


def markers(of: Kind) -> str:
    """Every marker the plugin registers, with its signature and help."""
    del of
    lines = [_row(["marker", "what it does"]), _row(["---", "---"])]
    for text in plugin.MARKERS.values():
        signature, _, help_ = text.partition(": ")
        lines.append(_row([f"`@pytest.mark.{signature}`", help_.replace("|", "\\|")]))
    return "\n".join(lines)


def timed_durations(of: Kind) -> str:
    """How long each in-between state of a kind lasts under ``timed``, with the source."""
    lines = [_row(["in-between state", "lasts (fake's clock)", "source"]), _row(["---"] * 3)]
    for state in in_between_states(of):
        seconds, source = of.durations.get(
            state, (of.default_duration, "ours: AWS gives no figure")
        )
        lines.append(_row([state, f"{seconds // 60} min ({seconds} s)", source]))
    return "\n".join(lines)


#: Table name -> generator of its Markdown text, for a kind.
TABLES: dict[str, Callable[[Kind], str]] = {
    "state-rules": state_rules,
    "timed-durations": timed_durations,
    "modeled-errors": modeled_error_table,
    "markers": markers,
}


class AppStreamTable(SphinxDirective):
    """``{appstream-table} NAME [KIND]``: the generated table NAME of a kind (its collection
    name; ``builders`` by default), parsed as Markdown."""

    required_arguments = 1
    optional_arguments = 1

    def run(self) -> list[nodes.Node]:
        name = self.arguments[0]
        if name not in TABLES:
            raise self.error(f"unknown table {name!r}; known: {', '.join(TABLES)}")
        container = nodes.container()
        of = kind(self.arguments[1] if len(self.arguments) > 1 else "builders")
        self.state.nested_parse(StringList(TABLES[name](of).splitlines()), 0, container)
        return container.children


def setup(app: Sphinx) -> dict[str, bool]:
    app.add_directive("appstream-table", AppStreamTable)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
