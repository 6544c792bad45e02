"""Ready to publish: metadata, LICENSE, changelog, one version, README and docs settings.

The fast tests read the project's files; the slow ones (``pytest -m slow``) build the sdist and
wheel with ``python -m build``, check them with ``twine check``, look inside them, and install the
wheel into a fresh virtual environment outside the checkout to run a user's project against it.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import io
import os
import re
import runpy
import subprocess
import sys
import tarfile
import textwrap
import zipfile
from pathlib import Path
from typing import Any

import pytest

import pytest_appstream
from pytest_appstream._version import __version__

ROOT = Path(__file__).resolve().parent.parent
DOCS_HOME = "https://pytest-appstream.readthedocs.io"
SOURCE_HOME = "https://github.com/pytest-appstream/pytest-appstream"
#: sha256 of the Apache License 2.0 as the ASF publishes it (LICENSE-2.0.txt).
APACHE_2_0_SHA256 = "cfc7749b96f63bd31c3c42b5c471bf756814053e847c10f3eb003417bc523d30"
#: The README's two set-up commands for contributors; .ci/run runs the second one.
SET_UP_COMMANDS = """\
# the main job: the example ops package (examples/) and its test suite
python3 -m venv .venv && .venv/bin/pip install -e '.[examples]' && .venv/bin/pytest examples

# the project's own tests
python3 -m venv .venv && .venv/bin/pip install -e '.[test]' && .venv/bin/pytest
"""

if sys.version_info >= (3, 11):
    import tomllib

    PYPROJECT: dict[str, Any] = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
else:  # pragma: no cover - Python 3.10
    PYPROJECT = {}

needs_tomllib = pytest.mark.skipif(not PYPROJECT, reason="reading pyproject.toml needs tomllib")


def read(name: str) -> str:
    return (ROOT / name).read_text(encoding="utf-8")


# -- metadata ------------------------------------------------------------------------------------


def test_the_license_file_is_the_apache_2_0_text_and_is_declared() -> None:
    assert hashlib.sha256((ROOT / "LICENSE").read_bytes()).hexdigest() == APACHE_2_0_SHA256
    if PYPROJECT:
        assert PYPROJECT["project"]["license"] == "Apache-2.0"
        assert PYPROJECT["project"]["license-files"] == ["LICENSE"]


@needs_tomllib
def test_the_project_urls_point_at_the_hosted_docs_and_the_repository() -> None:
    urls = PYPROJECT["project"]["urls"]
    assert set(urls) == {"Documentation", "Source", "Issues", "Changelog"}
    assert urls["Documentation"] == DOCS_HOME and urls["Source"] == SOURCE_HOME
    assert urls["Issues"] == f"{SOURCE_HOME}/issues"
    assert urls["Changelog"].startswith(DOCS_HOME) and "changelog" in urls["Changelog"]


@needs_tomllib
def test_classifiers_name_the_supported_pythons_and_the_development_status() -> None:
    project = PYPROJECT["project"]
    classifiers = project["classifiers"]
    pythons = sorted(
        (int(m[1]), int(m[2]))
        for c in classifiers
        if (m := re.fullmatch(r"Programming Language :: Python :: (\d+)\.(\d+)", c))
    )
    assert pythons == [(3, 10), (3, 11), (3, 12), (3, 13)]
    assert project["requires-python"] == f">={pythons[0][0]}.{pythons[0][1]}"
    assert [c for c in classifiers if c.startswith("Development Status ::")] == [
        "Development Status :: 4 - Beta"
    ]
    assert "Framework :: Pytest" in classifiers and "Typing :: Typed" in classifiers
    assert not [c for c in classifiers if c.startswith("License ::")]  # PEP 639: the expression
    assert project["authors"] == [{"name": "pytest-appstream developers"}]


@needs_tomllib
def test_the_dev_extra_builds_and_checks_and_the_test_extra_type_checks() -> None:
    extras = PYPROJECT["project"]["optional-dependencies"]
    assert {"build", "twine"} <= set(extras["dev"])
    assert {"mypy", "boto3-stubs[appstream]", "build", "twine"} <= set(extras["test"])
    assert set(extras["examples"]) >= {"boto3", "moto>=5"}  # the README's first command


# -- one version ---------------------------------------------------------------------------------


@needs_tomllib
def test_the_version_is_written_once_in_the_version_module() -> None:
    project = PYPROJECT["project"]
    assert "version" not in project and project["dynamic"] == ["version"]
    assert PYPROJECT["tool"]["hatch"]["version"]["path"] == "pytest_appstream/_version.py"
    assert PYPROJECT["build-system"]["requires"] == ["hatchling>=1.27"]  # license-files


def test_the_installed_metadata_has_the_version_modules_version() -> None:
    assert re.fullmatch(r"\d+\.\d+\.\d+", __version__)
    assert importlib.metadata.version("pytest-appstream") == __version__


def test_the_package_exports_the_version() -> None:
    assert pytest_appstream.__version__ == __version__
    assert "__version__" in pytest_appstream.__all__


def test_the_api_reference_lists_the_version() -> None:
    assert "pytest_appstream.__version__\n" in read("docs/api.md")


# -- changelog, README, docs ---------------------------------------------------------------------


def test_the_changelog_keeps_a_changelog_with_this_version() -> None:
    changelog = read("CHANGELOG.md")
    versions = re.findall(r"^## \[([^\]]+)\]", changelog, re.M)
    assert versions[:1] == ["Unreleased"] and __version__ in versions
    for version in versions:  # every heading links to its compare or release page
        assert re.search(rf"^\[{re.escape(version)}\]: {SOURCE_HOME}/\S+$", changelog, re.M)
    assert "keepachangelog.com" in changelog
    assert "```{include} ../CHANGELOG.md" in read("docs/changelog.md")


def toctree_entries() -> list[str]:
    index = read("docs/index.md")
    return [e for tree in index.split("```{toctree}")[1:] for e in tree.split("```")[0].split()]


def test_the_docs_index_states_the_install_line_and_lists_the_new_pages() -> None:
    assert "```sh\npip install pytest-appstream\n```" in read("docs/index.md")
    assert {"typing", "changelog"} <= set(toctree_entries())


def test_the_readme_starts_with_the_install_line() -> None:
    readme = read("README.md")
    first_block = re.search(r"```(\w*)\n(.*?)```", readme, re.S)
    assert first_block is not None
    assert first_block.groups() == ("sh", "pip install pytest-appstream\n")
    assert readme.index("```sh") < readme.index("```python")  # before the example


def test_the_readme_links_only_to_absolute_urls_with_the_hosted_docs() -> None:
    readme = read("README.md")
    links = re.findall(r"\]\(([^)]+)\)|<(https?://[^>]+)>", readme)
    targets = [a or b for a, b in links]
    assert targets and all(t.startswith("https://") for t in targets), targets
    assert f"{DOCS_HOME}/en/latest/typing.html" in targets and SOURCE_HOME in targets
    pages = {p.stem for p in (ROOT / "docs").glob("*.md")}
    for target in targets:
        if target.startswith(f"{DOCS_HOME}/en/latest/"):
            page = target.rsplit("/", 1)[1].removesuffix(".html")
            assert page in pages, f"{target}: no docs/{page}.md"


def test_the_readme_keeps_the_contributor_commands_and_the_supported_versions() -> None:
    readme = read("README.md")
    assert f"```sh\n{SET_UP_COMMANDS}```" in readme
    for requirement in PYPROJECT.get("project", {}).get("dependencies", []):
        name, _, bound = requirement.partition(">=")
        assert f"{name} {bound}+" in readme, f"the README does not state {requirement}"


@pytest.fixture(scope="module")
def sphinx_conf() -> dict[str, Any]:
    return runpy.run_path(str(ROOT / "docs" / "conf.py"))


def test_the_docs_show_the_version_and_link_the_source(sphinx_conf: dict[str, Any]) -> None:
    assert sphinx_conf["release"] == __version__
    assert __version__.startswith(sphinx_conf["version"])
    assert __version__ in sphinx_conf["html_title"]
    options = sphinx_conf["html_theme_options"]
    assert options["source_repository"].rstrip("/") == SOURCE_HOME
    assert (ROOT / options["source_directory"] / "index.md").is_file()


def test_intersphinx_links_python_pytest_botocore_with_an_offline_fallback(
    sphinx_conf: dict[str, Any],
) -> None:
    from sphinx.util.inventory import InventoryFile

    mapping = sphinx_conf["intersphinx_mapping"]
    assert set(mapping) == {"python", "pytest", "botocore"}
    for target, locations in mapping.values():
        assert target.startswith("https://") and locations[0] is None  # the remote objects.inv
        fallback = Path(locations[1])
        assert fallback.is_file()
        inventory = InventoryFile.loads(fallback.read_bytes(), uri=target)
        assert not inventory.data


def test_a_docs_build_without_network_is_warning_free(
    sphinx_conf: dict[str, Any], tmp_path: Path
) -> None:
    from sphinx.application import Sphinx

    (tmp_path / "index.md").write_text(
        "# Offline\n\nA {py:class}`botocore.client.BaseClient` and {py:class}`pytest.Pytester`.\n",
        encoding="utf-8",
    )
    unreachable = "http://127.0.0.1:9/objects.inv"  # refused at once, as CI's network would
    overrides = {
        "extensions": ["myst_parser", "sphinx.ext.intersphinx"],
        "intersphinx_mapping": {
            name: (target, (unreachable, locations[1]))
            for name, (target, locations) in sphinx_conf["intersphinx_mapping"].items()
        },
        "intersphinx_timeout": 2,
    }
    warnings = io.StringIO()
    app = Sphinx(
        str(tmp_path),
        None,
        str(tmp_path / "_build"),
        str(tmp_path / "_build" / ".doctrees"),
        "html",
        confoverrides=overrides,
        status=None,
        warning=warnings,
        freshenv=True,
    )
    app.build()
    assert app.statuscode == 0 and warnings.getvalue() == ""
    assert "BaseClient" in (tmp_path / "_build" / "index.html").read_text(encoding="utf-8")


# -- built distributions (slow) -------------------------------------------------------------------


def clean_environment() -> dict[str, str]:
    """This process's environment without what would point a subprocess back at the checkout."""
    dropped = {"PYTHONPATH", "PYTEST_ADDOPTS", "PYTEST_PLUGINS", "VIRTUAL_ENV", "PYTHONHOME"}
    return {k: v for k, v in os.environ.items() if k not in dropped}


@pytest.fixture(scope="module")
def dists(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The sdist and the wheel, as ``python -m build`` makes them (the wheel from the sdist)."""
    out = tmp_path_factory.mktemp("dist")
    done = subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)],
        capture_output=True,
        text=True,
        check=False,
        env=clean_environment(),
    )
    assert done.returncode == 0, done.stdout + done.stderr
    (sdist,) = out.glob("pytest_appstream-*.tar.gz")
    (wheel,) = out.glob("pytest_appstream-*-py3-none-any.whl")
    return {"sdist": sdist, "wheel": wheel}


@pytest.mark.slow
def test_twine_check_passes(dists: dict[str, Path]) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "twine", "check", "--strict", *map(str, dists.values())],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("PASSED") == 2


#: Paths no distribution may hold: the repository's tests, docs, tools and caches.
JUNK = re.compile(
    r"(^|/)(tests|docs|examples|benchmarks|scripts|\.ci|\.github|__pycache__|\.venv|dist"
    r"|\.mypy_cache|\.ruff_cache|\.pytest_cache|_build)(/|$)|\.pyc$|^noxfile\.py$"
)


@pytest.mark.slow
def test_the_wheel_holds_the_package_license_and_metadata_only(dists: dict[str, Path]) -> None:
    with zipfile.ZipFile(dists["wheel"]) as wheel:
        names = wheel.namelist()
        info = f"pytest_appstream-{__version__}.dist-info"
        metadata = wheel.read(f"{info}/METADATA").decode()
        entry_points = wheel.read(f"{info}/entry_points.txt").decode()
    assert {
        "pytest_appstream/py.typed",
        "pytest_appstream/_literals.py",
        f"{info}/licenses/LICENSE",
    } <= set(names)
    assert all(n.startswith(("pytest_appstream/", f"{info}/")) for n in names), names
    assert not [n for n in names if JUNK.search(n)]
    assert "License-Expression: Apache-2.0" in metadata and "License-File: LICENSE" in metadata
    assert f"Version: {__version__}\n" in metadata
    assert f"Project-URL: Documentation, {DOCS_HOME}" in metadata
    assert "Classifier: Development Status :: 4 - Beta" in metadata
    assert "Description-Content-Type: text/markdown" in metadata
    runtime = re.findall(r"^Requires-Dist: ([A-Za-z0-9_.-]+)[^;\n]*$", metadata, re.M)
    assert sorted(runtime) == ["attrs", "botocore", "pytest"]
    assert "appstream = pytest_appstream.plugin" in entry_points


@pytest.mark.slow
def test_the_sdist_holds_the_sources_license_and_changelog_only(dists: dict[str, Path]) -> None:
    with tarfile.open(dists["sdist"]) as sdist:
        names = [n.split("/", 1)[1] for n in sdist.getnames() if "/" in n]
    required = {"LICENSE", "README.md", "CHANGELOG.md", "pyproject.toml", "PKG-INFO"}
    assert required | {"pytest_appstream/py.typed", "pytest_appstream/_version.py"} <= set(names)
    assert not [n for n in names if JUNK.search(n)], names


#: A user's project: markers, fixtures, a fault and a failing assertion, run against the wheel.
USER_TESTS = """
import pytest
import pytest_appstream


def test_the_plugin_is_the_installed_one():
    print("PLUGIN_FILE", pytest_appstream.__file__)


@pytest.mark.appstream_builder("nightly")
@pytest.mark.appstream_fault("describe_image_builders", "ThrottlingException", times=None)
def test_a_fault(appstream_client):
    with pytest.raises(appstream_client.exceptions.ClientError) as info:
        appstream_client.describe_image_builders()
    assert info.value.response["Error"]["Code"] == "ThrottlingException"


@pytest.mark.appstream_builder("nightly")
def test_stop(appstream, appstream_client):
    appstream_client.stop_image_builder(Name="nightly")
    appstream.assert_transitions("nightly", ["RUNNING", "STOPPING"])
    assert appstream.calls[-1].operation == "StopImageBuilder"


@pytest.mark.appstream_builder("nightly")
def test_fails_with_a_readable_message(appstream, appstream_client):
    appstream_client.stop_image_builder(Name="nightly")
    appstream.assert_state("nightly", "STOPPED")
"""


@pytest.mark.slow
def test_the_installed_wheel_serves_a_user_project(dists: dict[str, Path], tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    env = clean_environment()
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", str(dists["wheel"])],
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )
    assert install.returncode == 0, install.stdout + install.stderr
    project = tmp_path / "project"
    project.mkdir()
    (project / "test_user.py").write_text(textwrap.dedent(USER_TESTS), encoding="utf-8")
    done = subprocess.run(
        [str(python), "-m", "pytest", "-s", "-p", "no:cacheprovider", "--strict-markers"],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert re.search(r"^=+ 1 failed, 3 passed in ", output, re.M), output
    assert "FAILED test_user.py::test_fails_with_a_readable_message" in output
    failure = [line for line in output.splitlines() if line.startswith("E ")]
    assert failure and "AssertionError" in failure[0], output
    assert all(word in failure[0] for word in ("'nightly'", "STOPPING", "STOPPED")), failure
    plugin_file = Path(re.findall(r"PLUGIN_FILE (\S+)", output)[0])
    assert plugin_file.is_relative_to(venv) and not plugin_file.is_relative_to(ROOT)
    version = subprocess.run(
        [str(python), "-c", "import importlib.metadata as m; print(m.version('pytest-appstream'))"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert version.stdout.strip() == __version__
