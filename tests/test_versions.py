"""The declared version range is the tested one, and the reliability guide says what the code does."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import botocore.session
import pytest

from pytest_appstream import _wire as wire

ROOT = Path(__file__).parent.parent
GUIDE = (ROOT / "docs" / "reliability.md").read_text(encoding="utf-8")

if sys.version_info >= (3, 11):
    import tomllib

    PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
else:  # pragma: no cover - Python 3.10
    PYPROJECT = None


def lower_bounds() -> dict[str, str]:
    if PYPROJECT is None:
        pytest.skip("reading pyproject.toml needs tomllib (Python 3.11+)")
    bounds = {}
    for requirement in PYPROJECT["project"]["dependencies"]:
        found = re.fullmatch(r"([A-Za-z0-9_.-]+)\s*>=\s*([0-9][0-9A-Za-z.]*)", requirement)
        assert found, f"{requirement!r} has no '>=' lower bound for nox -s oldest to install"
        bounds[found[1]] = found[2]
    return bounds


def test_runtime_dependencies_are_pytest_botocore_attrs_with_lower_bounds() -> None:
    assert set(lower_bounds()) == {"pytest", "botocore", "attrs"}


def test_the_guide_states_the_declared_oldest_versions() -> None:
    for name, version in lower_bounds().items():
        assert re.search(rf"^\| {name} \| {re.escape(version)} \|", GUIDE, re.M), name
    assert PYPROJECT is not None and PYPROJECT["project"]["requires-python"] == ">=3.10"
    assert re.search(r"^\| Python \| 3\.10 \|", GUIDE, re.M)


def test_ci_runs_the_oldest_pins_and_checks_python_3_10() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert re.search(r"^\.venv/bin/nox -s oldest$", ci, re.M)
    assert re.search(r"^\.venv/bin/mypy --python-version 3\.10", ci, re.M)
    noxfile = (ROOT / "noxfile.py").read_text(encoding="utf-8")
    assert "def oldest(" in noxfile and "def latest(" in noxfile


def test_the_guide_shows_the_real_blocked_call_message() -> None:
    client = botocore.session.get_session().create_client(
        "appstream", region_name="us-east-1", aws_access_key_id="k", aws_secret_access_key="s"
    )
    previous = wire.block_real(True)
    try:
        with pytest.raises(wire.RealCallBlockedError) as info:
            client.describe_image_builders()
    finally:
        wire.block_real(previous)
    shown = re.search(r"```text\nRealCallBlockedError: (.*?)```", GUIDE, re.S)
    assert shown is not None
    assert " ".join(shown[1].split()) == str(info.value)
