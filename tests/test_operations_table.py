"""docs/operations.md is generated from the model and _operations.HANDLERS, and must be current."""

from __future__ import annotations

import re
import runpy
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import botocore
import pytest
from botocore import xform_name

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


def disagreeing_rows(committed: str, current: str, model: Iterable[str]) -> set[str]:
    """The operations whose "implemented" rows differ between the committed page and the page
    written now, among those of the installed ``model``: a page made with another botocore's
    model lists other operations, but the rows of the implemented ones must agree."""
    known = set(model)
    ours = {n: c for n, c in rows(committed).items() if c[1] == "yes" and n in known}
    now = {n: c for n, c in rows(current).items() if c[1] == "yes"}
    return {n for n in ours.keys() | now.keys() if ours.get(n) != now.get(n)}


def test_the_committed_table_is_what_the_generator_writes_now(generator: dict[str, Any]) -> None:
    committed, current = PAGE.read_text(encoding="utf-8"), generator["render"]()
    stale = "docs/operations.md is stale: run python scripts/operations_table.py"
    assert not disagreeing_rows(committed, current, operation_names()), stale
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


def test_another_botocores_model_changes_only_the_rows_of_operations_it_has_or_lacks() -> None:
    yes, no = "| `{}` | yes | Stops. |", "| `{}` | no | |"
    committed = "\n".join(
        [f"| StopImageBuilder {yes.format('stop_image_builder')}", f"| Gone {yes.format('gone')}"]
    )
    # An older model lacks "Gone" (and the fake does not serve it then); a newer one has "New".
    current = "\n".join(
        [f"| StopImageBuilder {yes.format('stop_image_builder')}", f"| New {no.format('new')}"]
    )
    assert disagreeing_rows(committed, current, ["StopImageBuilder", "New"]) == set()
    assert disagreeing_rows(committed, current, ["StopImageBuilder", "Gone"]) == {"Gone"}
    changed = current.replace("Stops.", "Stops it.")
    assert disagreeing_rows(committed, changed, ["StopImageBuilder"]) == {"StopImageBuilder"}


def missing_operations_message(missing: list[str], documented: Iterable[str]) -> str:
    """What the fake lacks, by name, the operations the committed docs table does not list
    (those a newer botocore brought) first."""
    known = set(documented)
    new = [name for name in missing if name not in known]
    lines = [
        f"The fake lacks {len(missing)} of the {len(operation_names())} operations of the "
        f"AppStream model of the installed botocore {botocore.__version__}: a client calling "
        "one gets UnsupportedOperation."
    ]
    if new:
        lines.append(
            f"New in this botocore (not in docs/operations.md): {', '.join(new)}. "
            "Read their model (input, output, errors) in botocore/data/appstream/."
        )
    lines += [f"  - {name} (client.{xform_name(name)})" for name in missing]
    lines.append(
        "Implement each as a handler in its kind's module (its HANDLERS, merged into "
        "pytest_appstream._operations.HANDLERS), then run python scripts/operations_table.py; "
        "tests/test_minimal_input.py and tests/test_wire_fuzz.py then cover it by themselves."
    )
    return "\n".join(lines)


def test_the_fake_implements_every_operation_of_the_installed_model() -> None:
    missing = sorted(set(operation_names()) - set(HANDLERS))
    if missing:
        pytest.fail(missing_operations_message(missing, rows(PAGE.read_text("utf-8"))), False)


def test_the_message_of_a_missing_operation_names_it_and_what_to_do() -> None:
    text = missing_operations_message(["CreateFleet", "NewThing"], ["CreateFleet"])
    assert f"lacks 2 of the {len(operation_names())} operations" in text
    assert "New in this botocore (not in docs/operations.md): NewThing." in text
    assert "  - CreateFleet (client.create_fleet)" in text
    assert "python scripts/operations_table.py" in text
    assert "New in this botocore" not in missing_operations_message(
        ["CreateFleet"], ["CreateFleet"]
    )
