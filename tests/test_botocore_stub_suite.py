"""botocore's own Stubber tests pass with ``botocore.stub`` replaced by ``pytest_appstream.stub``.

The proof that ``pytest_appstream.Stubber`` is a drop-in for ``botocore.stub.Stubber``: the source
distribution of the installed botocore is downloaded from PyPI (once, into ``.cache/``), its
``tests/functional/test_stub.py`` and ``tests/unit/test_stub.py`` and the helper modules of its
``tests`` package they import are extracted, and they run in a subprocess pytest whose conftest
makes ``botocore.stub`` *be* our module (``sys.modules`` and the ``botocore.stub`` attribute), so
``Stubber``, ``ANY`` and the ``botocore.stub.validate_parameters`` the unit tests patch are ours.
None of botocore's code is kept in this repository.

Without a network the test skips, saying so; with a network (and always when ``CI`` is set) a
failed download fails it.
"""

from __future__ import annotations

import ast
import os
import shutil
import socket
import subprocess
import sys
import tarfile
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlsplit

import botocore
import pytest

import pytest_appstream

VERSION = botocore.__version__
CACHE = Path(__file__).resolve().parent.parent / ".cache" / "botocore-sdist"
SUITE = ("tests/functional/test_stub.py", "tests/unit/test_stub.py")

#: Loaded first by the inner pytest: from here on, ``botocore.stub`` is ``pytest_appstream.stub``.
SHIM = """\
import sys

import botocore

import pytest_appstream.stub

sys.modules["botocore.stub"] = pytest_appstream.stub
botocore.stub = pytest_appstream.stub
"""

#: Proves the shim took: the suite's modules hold our classes, not botocore's.
SHIM_CHECK = """\
import botocore.stub
import pytest_appstream
import tests
import tests.functional.test_stub
import tests.unit.test_stub


def test_the_suite_runs_against_pytest_appstream_stub():
    assert botocore.stub.Stubber is pytest_appstream.Stubber
    assert botocore.stub.ANY is pytest_appstream.ANY
    assert tests.Stubber is pytest_appstream.Stubber
    assert tests.functional.test_stub.Stubber is pytest_appstream.Stubber
    assert tests.functional.test_stub.stub.ANY is pytest_appstream.ANY
    assert tests.unit.test_stub.Stubber is pytest_appstream.Stubber
"""


def _index_host() -> str:
    url = os.environ.get("PIP_INDEX_URL") or "https://pypi.org/simple"
    return urlsplit(url).hostname or "pypi.org"


def _network_absent() -> str | None:
    """Why the package index cannot be reached, or None when it can."""
    host = _index_host()
    try:
        socket.create_connection((host, 443), timeout=5).close()
    except OSError as error:
        return f"cannot reach {host}:443 ({error})"
    return None


def _sdist() -> Path:
    """The botocore sdist of the installed version, downloaded into the cache once."""
    target = CACHE / f"botocore-{VERSION}.tar.gz"
    if target.exists():
        return target
    CACHE.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=CACHE) as download:
        pip = subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--no-binary",
                ":all:",
                "--no-deps",
                "--retries",
                "2",
                "--timeout",
                "30",
                "--dest",
                download,
                f"botocore=={VERSION}",
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        found = list(Path(download).glob("botocore-*.tar.gz"))
        if pip.returncode != 0 or not found:
            absent = _network_absent()
            if absent and not os.environ.get("CI"):
                pytest.skip(f"botocore {VERSION} sdist not downloadable, no network: {absent}")
            pytest.fail(
                f"pip download botocore=={VERSION} failed:\n{pip.stdout}\n{pip.stderr}",
                pytrace=False,
            )
        found[0].replace(target)
    return target


def _helper_modules(source: str, members: set[str]) -> set[str]:
    """The files of botocore's ``tests`` package that ``source`` imports, present in the sdist."""
    wanted: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        modules: list[str] = []
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        for module in modules:
            if module == "tests" or module.startswith("tests."):
                path = module.replace(".", "/")
                wanted |= {f"{path}.py", f"{path}/__init__.py"} & members
    return wanted


def _extract(sdist: Path) -> Path:
    """The suite's files and the helpers they import, with our shim, in a run directory."""
    run_dir = CACHE / f"botocore-{VERSION}-stub-suite"
    if not run_dir.exists():
        tmp = Path(tempfile.mkdtemp(dir=CACHE))
        with tarfile.open(sdist) as tar:
            prefix = tar.getnames()[0].split("/")[0] + "/"
            files = {
                m.name[len(prefix) :]: m
                for m in tar.getmembers()
                if m.isfile() and m.name.startswith(prefix + "tests/")
            }
            todo = list(SUITE)
            for path in SUITE:  # every package on the way is imported
                parts = path.split("/")[:-1]
                todo += [f"{'/'.join(parts[: i + 1])}/__init__.py" for i in range(len(parts))]
            done: set[str] = set()
            while todo:
                path = todo.pop()
                if path in done:
                    continue
                done.add(path)
                member = tar.extractfile(files[path])
                assert member is not None
                data = member.read()
                (tmp / path).parent.mkdir(parents=True, exist_ok=True)
                (tmp / path).write_bytes(data)
                todo += sorted(_helper_modules(data.decode(), set(files)) - done)
        try:
            tmp.rename(run_dir)
        except OSError:  # extracted meanwhile by another process
            shutil.rmtree(tmp)
    (run_dir / "conftest.py").write_text(SHIM)
    (run_dir / "test_shim_check.py").write_text(SHIM_CHECK)
    (run_dir / "pytest.ini").write_text("[pytest]\n")
    return run_dir


def _test_count(run_dir: Path) -> int:
    """How many tests botocore's two files hold (test_* methods of Test* classes)."""
    count = 0
    for path in SUITE:
        tree = ast.parse((run_dir / path).read_text())
        for cls in tree.body:
            if isinstance(cls, ast.ClassDef) and cls.name.startswith("Test"):
                count += sum(
                    isinstance(f, ast.FunctionDef) and f.name.startswith("test") for f in cls.body
                )
    return count


@pytest.mark.slow
def test_botocores_stubber_suite_passes_against_ours(tmp_path: Path) -> None:
    run_dir = _extract(_sdist())
    package_root = str(Path(pytest_appstream.__file__).resolve().parent.parent)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "PYTEST_"))}
    env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"  # a plain pytest, as botocore runs its tests
    # botocore's ``tests`` package must come before ours (our repository has one too).
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(run_dir), package_root, env.get("PYTHONPATH")) if p
    )
    report = tmp_path / "report.xml"
    inner = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-c",
            "pytest.ini",
            "--rootdir",
            str(run_dir),
            "-p",
            "no:cacheprovider",
            f"--junitxml={report}",
            *SUITE,
            "test_shim_check.py",
        ],
        cwd=run_dir,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    output = inner.stdout[-5000:] + inner.stderr[-2000:]
    assert inner.returncode == 0, output
    suite = ET.parse(report).getroot().find("testsuite")
    assert suite is not None, output
    outcome = {k: int(suite.get(k, "0")) for k in ("tests", "failures", "errors", "skipped")}
    expected = _test_count(run_dir) + 1
    assert expected > 30, f"botocore {VERSION}'s Stubber tests look truncated: {expected - 1}"
    assert outcome == {"tests": expected, "failures": 0, "errors": 0, "skipped": 0}, output


def test_helper_modules_are_found_from_imports() -> None:
    members = {"tests/__init__.py", "tests/unit/__init__.py", "tests/helpers.py"}
    source = "from tests import mock, unittest\nimport tests.helpers\nfrom other import x\n"
    assert _helper_modules(source, members) == {"tests/__init__.py", "tests/helpers.py"}


def test_cache_directory_is_git_ignored() -> None:
    root = Path(__file__).resolve().parent.parent
    if shutil.which("git") is None or not (root / ".git").exists():
        pytest.skip("not a git checkout")
    ignored = subprocess.run(["git", "check-ignore", "-q", str(CACHE / "x")], cwd=root, check=False)
    assert ignored.returncode == 0


@pytest.fixture
def failing_download(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No cached sdist, and pip download fails as without a network."""
    monkeypatch.setattr(sys.modules[__name__], "CACHE", tmp_path)
    failed = subprocess.CompletedProcess([], 1, "", "ERROR: No matching distribution found")
    monkeypatch.setattr(subprocess, "run", lambda *a, **k: failed)


@pytest.mark.usefixtures("failing_download")
def test_without_network_the_suite_skips_saying_why(monkeypatch: pytest.MonkeyPatch) -> None:
    def unreachable(*args: object, **kwargs: object) -> socket.socket:
        raise OSError("Network is unreachable")

    monkeypatch.setattr(socket, "create_connection", unreachable)
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("PIP_INDEX_URL", raising=False)
    with pytest.raises(pytest.skip.Exception, match=r"no network: cannot reach pypi\.org:443"):
        _sdist()
    monkeypatch.setenv("CI", "true")  # CI has PyPI: there a failed download is a failure
    with pytest.raises(pytest.fail.Exception, match="No matching distribution"):
        _sdist()


@pytest.mark.usefixtures("failing_download")
def test_with_network_a_failed_download_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(socket, "create_connection", lambda *a, **k: socket.socket())
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("PIP_INDEX_URL", raising=False)
    with pytest.raises(pytest.fail.Exception, match=r"pip download botocore==.* failed"):
        _sdist()
