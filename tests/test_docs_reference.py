"""The API reference (docs/api.md) names everything public: a new name or option fails here first."""

from __future__ import annotations

import doctest
import importlib
import importlib.util
import pkgutil
import re
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from botocore import xform_name
from botocore.exceptions import ClientError

import pytest_appstream
from pytest_appstream import FakeAppStream, _image_builders, _operations, plugin
from pytest_appstream._kinds import Kind, kind, kinds
from tests.fidelity import minimal_input

API = (Path(__file__).resolve().parent.parent / "docs" / "api.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", pytest_appstream.__all__)
def test_every_public_name_is_documented(name: str) -> None:
    assert f"pytest_appstream.{name}\n" in API, (
        f"docs/api.md does not document pytest_appstream.{name}: add one line, "
        f"'.. autoclass:: pytest_appstream.{name}' (or autoexception / autodata)"
    )


#: Every module's docstring examples run; seeding's under a newer model, in test_seeding.py.
MODULES = [
    m.name
    for m in pkgutil.iter_modules(pytest_appstream.__path__, "pytest_appstream.")
    if m.name != "pytest_appstream._seeding"
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name))
    assert result.failed == 0


def test_every_option_and_ini_setting_is_documented(pytester: pytest.Pytester) -> None:
    help_text = pytester.runpytest("--help").stdout.str()
    options = set(re.findall(r"--appstream-[a-z-]+", help_text))
    ini_names = set(re.findall(r"^\s+(appstream_[a-z_]+)", help_text, re.MULTILINE))
    assert "--appstream-region" in options and "appstream_region" in ini_names
    missing = sorted(n for n in options | ini_names if f"`{n}`" not in API)
    assert not missing, f"docs/api.md does not document: {', '.join(missing)}"


def _tables() -> ModuleType:
    path = Path(__file__).resolve().parent.parent / "docs" / "_ext" / "appstream_tables.py"
    spec = importlib.util.spec_from_file_location("appstream_tables", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


TABLES = _tables()
BUILDERS = kind("builders")
CELLS = [
    pytest.param(of, operation, state, id=f"{of.collection}-{operation}-{state}")
    for of in kinds()
    for operation in of.actions
    if operation in _operations.HANDLERS
    for state in [*of.states, None]
]


@pytest.mark.parametrize(("of", "operation", "state"), CELLS)
def test_the_state_rule_table_says_what_the_fake_does(
    appstream: FakeAppStream, appstream_client: Any, of: Kind, operation: str, state: str | None
) -> None:
    """Each cell of docs/state-rules.md's generated tables, checked against a real call."""
    collection = appstream._collections[of.collection]
    if state is not None:
        collection.add("b", state=state)
    before = appstream.registry.history(appstream.account_id, appstream.region, "b", of.collection)
    params = {
        member: "b" if member.endswith("Name") else value
        for member, value in minimal_input(operation).items()
    }
    if "AuthenticationType" in params:
        params["AuthenticationType"] = "USERPOOL"
    try:
        answer = getattr(appstream_client, xform_name(operation))(**params)
    except ClientError as error:
        seen = error.response["Error"]["Code"].removesuffix("Exception")
    else:
        shown = (
            answer[of.record.SHAPE]["State"]
            if of.record.SHAPE in answer
            else collection["b"].state  # an answer without the resource (StartFleet: {})
        )
        appstream.advance()
        after = collection.get("b")
        history = appstream.registry.history(
            appstream.account_id, appstream.region, "b", of.collection
        )
        if history == before:
            seen = "ok, no change"
        elif after is not None and shown == after.state:
            seen = f"ok → {shown}"
        else:
            seen = f"ok → {shown} → {after.state if after else 'gone'}"
    assert seen == TABLES.outcome(of, operation, state)


def test_the_generated_tables_name_every_operation_and_marker() -> None:
    rules = TABLES.state_rules(BUILDERS)
    assert all(op in rules for op in _image_builders.ACTIONS)
    assert all(f"\n| {state} |" in rules for state in _image_builders.STABLE_STATES)
    assert "PENDING" in rules and "\n| no such name" in rules
    markers = TABLES.markers(BUILDERS)
    assert all(f"@pytest.mark.{name}(" in markers for name in plugin.MARKERS)
