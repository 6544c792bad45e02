"""docs/operations.md is generated from the model and _operations.HANDLERS, and must be current."""

from __future__ import annotations

import re
import runpy
import subprocess
import sys
from pathlib import Path
from typing import Any

import botocore
import pytest

from pytest_appstream._model import operation_names
from pytest_appstream._operations import HANDLERS

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "operations_table.py"
PAGE = ROOT / "docs" / "operations.md"


@pytest.fixture(scope="module")
def generator() -> dict[str, Any]:
    return runpy.run_path(str(SCRIPT))


def rows(text: str) -> dict[str, list[str]]:
    """The table's rows by operation: [method, implemented, what the fake does]."""
    table = [line for line in text.splitlines() if line.startswith("| ") and "`" in line]
    cells = ([c.strip() for c in row.strip("|").split("|")] for row in table)
    return {row[0]: row[1:] for row in cells}


def test_the_committed_table_is_what_the_generator_writes_now(generator: dict[str, Any]) -> None:
    committed, current = PAGE.read_text(encoding="utf-8"), generator["render"]()
    stale = "docs/operations.md is stale: run python scripts/operations_table.py"
    implemented = {name: cells for name, cells in rows(current).items() if cells[1] == "yes"}
    # An older model lacks some operations: the committed rows of those it has must agree.
    committed_rows = {n: c for n, c in rows(committed).items() if c[1] == "yes"}
    assert {n: c for n, c in committed_rows.items() if n in operation_names()} == implemented, stale
    made_with = re.search(r"botocore (\d+\.\d+\.\d+)", committed)
    if made_with is None or made_with[1] != botocore.__version__:
        pytest.skip(
            f"docs/operations.md lists the operations of another botocore's model "
            f"({made_with and made_with[1]}; this is {botocore.__version__}): the implemented "
            "rows agree; rerun python scripts/operations_table.py to refresh the others"
        )
    assert committed == current, stale


def test_every_operation_of_the_model_has_one_row_saying_whether_it_is_implemented(
    generator: dict[str, Any],
) -> None:
    found = rows(generator["render"]())
    assert sorted(found) == sorted(operation_names())
    assert {name for name, cells in found.items() if cells[1] == "yes"} == set(HANDLERS)
    assert found["CreateImageBuilder"][0] == "`create_image_builder`"
    assert "PENDING → RUNNING" in found["CreateImageBuilder"][2]
    assert f"**{len(HANDLERS)} of the {len(operation_names())}**" in generator["render"]()


def test_every_handler_is_an_operation_of_the_model_with_a_summary() -> None:
    assert set(HANDLERS) <= set(operation_names())
    for name, handler in HANDLERS.items():
        assert (handler.__doc__ or "").startswith(f"{name}: "), name


def test_a_new_handler_makes_the_committed_table_stale(
    generator: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    def describe_fleets(ctx: object, params: object) -> dict[str, Any]:
        """DescribeFleets: pretend."""
        return {}

    monkeypatch.setitem(HANDLERS, "DescribeFleets", describe_fleets)
    assert PAGE.read_text(encoding="utf-8") != generator["render"]()
    assert "| DescribeFleets | `describe_fleets` | yes | Pretend. |" in generator["render"]()


def test_the_script_checks_from_the_command_line(generator: dict[str, Any]) -> None:
    current = PAGE.read_text(encoding="utf-8") == generator["render"]()
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--check"], capture_output=True, text=True, check=False
    )
    assert done.returncode == (0 if current else 1), done.stderr
    assert current or "is stale: run python scripts/operations_table.py" in done.stderr


def test_the_page_is_in_the_docs_toctree() -> None:
    index = (ROOT / "docs" / "index.md").read_text(encoding="utf-8")
    toctree = [
        entry for tree in index.split("```{toctree}")[1:] for entry in tree.split("```")[0].split()
    ]
    assert "operations" in toctree and "lifecycle" in toctree
