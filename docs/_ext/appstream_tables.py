"""Tables of the guide generated from the code, so the docs cannot claim what is not built.

In a page::

    ```{appstream-table} state-rules
    ```

Each table is a function returning Markdown; add one to :data:`TABLES` to add a table.
"""

from __future__ import annotations

from collections.abc import Callable

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

from pytest_appstream import _image_builders as service
from pytest_appstream import plugin
from pytest_appstream._model import builder_states, modeled_errors
from pytest_appstream._operations import HANDLERS


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _short(code: str) -> str:
    return code.removesuffix("Exception")


def in_between_states() -> list[str]:
    """Every state of the installed model in which no action is accepted."""
    return [s for s in builder_states() if s not in service.STABLE_STATES]


def outcome(operation: str, state: str | None) -> str:
    """What ``operation`` does to a builder in ``state`` (``None``: no such builder), per ACTIONS."""
    action = service.ACTIONS[operation]
    if state is None:
        return "ResourceNotFound"
    if state in action.allowed:
        return f"ok → {action.via} → {action.to or 'gone'}"
    if state in service.STABLE_STATES and action.refused:
        return _short(action.refused)
    return "ConcurrentModification"


def state_rules() -> str:
    """The state-rule table: rows are builder states, columns the state-changing operations."""
    operations = list(service.ACTIONS)
    header = ["builder state when called"] + [
        f"{op}" if op in HANDLERS else f"{op} (not implemented yet)" for op in operations
    ]
    lines = [_row(header), _row(["---"] * len(header))]
    for state in service.STABLE_STATES:
        lines.append(_row([state] + [outcome(op, state) for op in operations]))
    groups: dict[tuple[str, ...], list[str]] = {}
    for state in in_between_states():
        groups.setdefault(tuple(outcome(op, state) for op in operations), []).append(state)
    for cells, states in groups.items():
        label = states[0] if len(states) == 1 else f"any in-between state ({', '.join(states)})"
        lines.append(_row([label, *cells]))
    lines.append(
        _row(["no such name in this account and region"] + [outcome(op, None) for op in operations])
    )
    return "\n".join(lines)


def modeled_error_table() -> str:
    """The errors each state-changing operation's botocore model lists."""
    lines = [_row(["operation", "errors its model lists"]), _row(["---", "---"])]
    for op in service.ACTIONS:
        lines.append(_row([op, ", ".join(modeled_errors(op))]))
    return "\n".join(lines)


def markers() -> str:
    """Every marker the plugin registers, with its signature and help."""
    lines = [_row(["marker", "what it does"]), _row(["---", "---"])]
    for text in plugin.MARKERS.values():
        signature, _, help_ = text.partition(": ")
        lines.append(_row([f"`@pytest.mark.{signature}`", help_.replace("|", "\\|")]))
    return "\n".join(lines)


def timed_durations() -> str:
    """How long each in-between state lasts under the ``timed`` policy, with the source."""
    lines = [_row(["in-between state", "lasts (fake's clock)", "source"]), _row(["---"] * 3)]
    for state in in_between_states():
        seconds, source = service.DURATIONS.get(
            state, (service.DEFAULT_DURATION, "ours: AWS gives no figure")
        )
        lines.append(_row([state, f"{seconds // 60} min ({seconds} s)", source]))
    return "\n".join(lines)


#: Table name -> generator of its Markdown text.
TABLES: dict[str, Callable[[], str]] = {
    "state-rules": state_rules,
    "timed-durations": timed_durations,
    "modeled-errors": modeled_error_table,
    "markers": markers,
}


class AppStreamTable(SphinxDirective):
    """``{appstream-table} NAME``: the generated table NAME, parsed as Markdown."""

    required_arguments = 1

    def run(self) -> list[nodes.Node]:
        name = self.arguments[0]
        if name not in TABLES:
            raise self.error(f"unknown table {name!r}; known: {', '.join(TABLES)}")
        container = nodes.container()
        self.state.nested_parse(StringList(TABLES[name]().splitlines()), 0, container)
        return container.children


def setup(app: Sphinx) -> dict[str, bool]:
    app.add_directive("appstream-table", AppStreamTable)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
