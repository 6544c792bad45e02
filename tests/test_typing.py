"""Typing: docs/typing.md's examples pass ``mypy --strict``, and the Literal types are current.

mypy runs once for the module (a cold run takes a few seconds), over the typing guide's files and
a file using the generated ``Literal`` types; each test reads its part of the report.
"""

from __future__ import annotations

import re
import runpy
import subprocess
import sys
from pathlib import Path
from typing import Any, get_args

import botocore
import pytest
from botocore.model import ServiceModel
from packaging.version import Version

from pytest_appstream import _literals
from pytest_appstream._model import builder_states, operation_names, service_model
from tests.test_docs_examples import code_blocks

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "typing.md"
SCRIPT = ROOT / "scripts" / "generate_literals.py"
MODULE = ROOT / "pytest_appstream" / "_literals.py"

#: A user's file typed with the generated literals: only the misspelt state is an error.
LITERALS_USER = """\
from pytest_appstream._literals import ImageBuilderState, OperationName

state: ImageBuilderState = "RUNNING"
operation: OperationName = "stop_image_builder"
aws_operation: OperationName = "StopImageBuilder"
typo: ImageBuilderState = "RUNING"
"""

#: A user's test with typos in the helpers' states and operation names: mypy must report each.
HELPERS_USER = """\
from pytest_appstream import FakeAppStream


def check(appstream: FakeAppStream) -> None:
    appstream.add_builder("b", state="STOPPED")
    appstream.assert_state("b", "RUNING")
    appstream.inject("stop_image_bulder", "ThrottlingException")
    appstream.assert_called("StopImageBuilder", Name="b")
"""


def page_files() -> dict[str, str]:
    """The typing guide's Python blocks as files: support files by path, tests by their role."""
    files: dict[str, str] = {}
    for block in code_blocks(PAGE):
        if block.language != "python":
            continue
        kind, value = block.directive or ("", "")
        if kind == "file":
            files[value] = block.source
        elif kind == "outcome":
            files["test_stop.py"] = block.source  # the page's example with typos
        else:
            files[f"test_clean_{block.line}.py"] = block.source
    return files


def shown_errors() -> list[str]:
    """The mypy errors the page shows, one per line."""
    shown = [b.source for b in code_blocks(PAGE) if b.language == "text"]
    assert len(shown) == 1, "docs/typing.md shows mypy's report in one ```text block"
    return shown[0].splitlines()


@pytest.fixture(scope="module")
def mypy_report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    """``mypy --strict`` over the page's files and LITERALS_USER: error lines by file name."""
    where = tmp_path_factory.mktemp("typed_project")
    files = {**page_files(), "uses_literals.py": LITERALS_USER, "uses_helpers.py": HELPERS_USER}
    for name, source in files.items():
        (where / name).parent.mkdir(parents=True, exist_ok=True)
        (where / name).write_text(source, encoding="utf-8")
    (where / "myops" / "__init__.py").touch()
    mypy = [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(where / ".mypy_cache")]
    options = ["--no-error-summary", "--hide-error-context", "--no-pretty", "--no-color-output"]
    done = subprocess.run(
        [*mypy, *options, *sorted(name for name in files if name.endswith(".py"))],
        cwd=where,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode in (0, 1), done.stdout + done.stderr  # 2: mypy itself failed
    report: dict[str, list[str]] = {name: [] for name in files}
    for line in done.stdout.splitlines():
        path, _, rest = line.partition(":")
        if " error: " in rest:
            report.setdefault(path, []).append(line)
    return report


def test_the_typing_guide_is_clean_under_mypy_strict(mypy_report: dict[str, list[str]]) -> None:
    clean = [name for name in page_files() if name != "test_stop.py"]
    assert "myops/cleanup.py" in clean and any(n.startswith("test_clean_") for n in clean)
    assert {name: mypy_report[name] for name in clean} == {name: [] for name in clean}


def test_the_deliberate_errors_are_reported_as_the_page_shows(
    mypy_report: dict[str, list[str]],
) -> None:
    assert mypy_report["test_stop.py"] == shown_errors()
    assert any("[call-arg]" in line for line in mypy_report["test_stop.py"])


def test_the_page_annotates_every_fixture_with_its_documented_type() -> None:
    text = PAGE.read_text(encoding="utf-8")
    for annotation in (
        "appstream: FakeAppStream",
        "appstream_client: AppStreamClient",
        "appstream_stubber: Stubber",
    ):
        assert annotation in text
    assert "from mypy_boto3_appstream import AppStreamClient" in text


def test_a_misspelt_literal_is_a_mypy_error(mypy_report: dict[str, list[str]]) -> None:
    (error,) = mypy_report["uses_literals.py"]
    assert error.startswith("uses_literals.py:6: error:") and "'RUNING'" in error


def test_the_helpers_states_and_operations_are_typed(mypy_report: dict[str, list[str]]) -> None:
    errors = mypy_report["uses_helpers.py"]
    assert [line.split(":")[1] for line in errors] == ["6", "7"], errors
    assert "'RUNING'" in errors[0] and "'stop_image_bulder'" in errors[1]
    assert all("[arg-type]" in line for line in errors)


# -- the generated Literal types ------------------------------------------------------------------


@pytest.fixture(scope="module")
def generator() -> dict[str, Any]:
    return runpy.run_path(str(SCRIPT))


def test_the_committed_literals_are_what_the_generator_writes_now(
    generator: dict[str, Any],
) -> None:
    committed, current = (
        MODULE.read_text(encoding="utf-8"),
        generator["render"](service_model(), botocore.__version__),
    )
    stale = "pytest_appstream/_literals.py is stale: run python scripts/generate_literals.py"
    made_with = _literals.BOTOCORE_VERSION
    if made_with != botocore.__version__:
        if Version(botocore.__version__) > Version(made_with):
            # A newer model only adds: every committed value must still be the model's.
            for name, values in generator["state_shapes"](service_model()).items():
                if hasattr(_literals, name):
                    assert set(get_args(getattr(_literals, name))) <= set(values), (name, stale)
            assert set(get_args(_literals.AwsOperationName)) <= set(operation_names()), stale
        pytest.skip(
            f"pytest_appstream/_literals.py was generated from botocore {made_with}'s model (this "
            f"is {botocore.__version__}): rerun python scripts/generate_literals.py to refresh it"
        )
    assert committed == current, stale


def test_the_literals_are_the_models_values() -> None:
    if botocore.__version__ != _literals.BOTOCORE_VERSION:
        pytest.skip(f"generated from botocore {_literals.BOTOCORE_VERSION}'s model")
    assert get_args(_literals.ImageBuilderState) == builder_states()
    assert set(get_args(_literals.AwsOperationName)) == set(operation_names())
    assert "stop_image_builder" in get_args(_literals.SnakeOperationName)
    both = get_args(_literals.OperationName)
    assert len(both) == 2 * len(operation_names()) and "DescribeImageBuilders" in both
    assert "ResourceNotFoundException" in get_args(_literals.ModeledErrorCode)


SMALL_MODEL: dict[str, Any] = {
    "metadata": {"protocol": "json", "apiVersion": "2016-12-01", "endpointPrefix": "appstream"},
    "operations": {
        "StopWidget": {
            "name": "StopWidget",
            "input": {"shape": "Request"},
            "errors": [{"shape": "WidgetBusy"}],
        }
    },
    "shapes": {
        "Request": {"type": "structure", "members": {"State": {"shape": "WidgetState"}}},
        "WidgetState": {"type": "string", "enum": ["ON", "OFF"]},
        "WidgetColour": {"type": "string", "enum": ["RED"]},
        "WidgetBusy": {"type": "structure", "members": {}, "exception": True},
    },
}


def test_the_generator_reads_states_operations_and_errors_from_the_model(
    generator: dict[str, Any],
) -> None:
    text = generator["render"](ServiceModel(SMALL_MODEL), "9.9.9")
    assert 'BOTOCORE_VERSION = "9.9.9"' in text
    assert 'WidgetState: TypeAlias = Literal[\n    "ON",\n    "OFF",\n]' in text
    assert "WidgetColour" not in text  # an enumeration, but not a state
    assert 'AwsOperationName: TypeAlias = Literal[\n    "StopWidget",\n]' in text
    assert 'SnakeOperationName: TypeAlias = Literal[\n    "stop_widget",\n]' in text
    assert 'ModeledErrorCode: TypeAlias = Literal[\n    "WidgetBusy",\n]' in text
    namespace: dict[str, Any] = {}
    exec(compile(text, "_literals.py", "exec"), namespace)
    assert get_args(namespace["OperationName"]) == ("StopWidget", "stop_widget")


def test_a_new_state_in_the_model_makes_the_committed_module_stale(
    generator: dict[str, Any],
) -> None:
    grown = {**SMALL_MODEL, "shapes": dict(SMALL_MODEL["shapes"])}
    grown["shapes"]["WidgetState"] = {"type": "string", "enum": ["ON", "OFF", "BROKEN"]}
    before = generator["render"](ServiceModel(SMALL_MODEL), "9.9.9")
    assert generator["render"](ServiceModel(grown), "9.9.9") != before


def test_the_script_checks_from_the_command_line(generator: dict[str, Any]) -> None:
    current = MODULE.read_text(encoding="utf-8") == generator["render"](
        service_model(), botocore.__version__
    )
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--check"], capture_output=True, text=True, check=False
    )
    if current:
        assert done.returncode == 0, done.stderr
    else:
        assert done.returncode == 1
        assert re.search(r"is stale: run python scripts/generate_literals\.py", done.stderr)
