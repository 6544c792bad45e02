"""Sphinx configuration of the pytest-appstream guide (built with ``sphinx-build -W``)."""

import os
import sys
import zlib
from pathlib import Path

import botocore

from pytest_appstream import _service as service
from pytest_appstream._model import builder_states
from pytest_appstream._version import __version__

DOCS = Path(__file__).parent
sys.path.insert(0, str(DOCS / "_ext"))

project = "pytest-appstream"
author = "pytest-appstream developers"
copyright = "pytest-appstream developers"
release = __version__  # one version source: pytest_appstream/_version.py
version = ".".join(release.split(".")[:2])
extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.intersphinx",
    "appstream_tables",
]
html_theme = "furo"
html_title = f"pytest-appstream {release}"
html_theme_options = {
    "source_repository": "https://github.com/pytest-appstream/pytest-appstream/",
    "source_branch": "main",
    "source_directory": "docs/",
}
source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
exclude_patterns = ["_build"]
autodoc_member_order = "bysource"
autodoc_typehints = "signature"
# One line per public name in api.md: ``.. autoclass:: pytest_appstream.Stubber``.
autodoc_default_options = {"members": True, "show-inheritance": True}
myst_heading_anchors = 3
myst_enable_extensions = ["substitution"]
# Values the prose quotes, taken from the code so they cannot drift: {{ page_size }} in a page.
myst_substitutions = {
    "botocore_version": botocore.__version__,
    "state_count": len(builder_states()),
    "page_size": service.DEFAULT_PAGE_SIZE,
}
nitpicky = False


def offline_inventory() -> str:
    """An empty intersphinx inventory, written under ``_build``: the fallback of every mapping.

    CI has no network beyond the package registries and builds with ``-W``. Sphinx tries an
    entry's inventory locations in order and warns only when every one fails; when the remote
    inventory loads (Read the Docs) references link to Python, pytest and botocore, and when it
    cannot be fetched this empty one loads instead (logged at info level) and references render
    as plain code, as they would without intersphinx.
    """
    path = DOCS / "_build" / "offline-objects.inv"
    path.parent.mkdir(parents=True, exist_ok=True)
    header = (
        b"# Sphinx inventory version 2\n# Project: offline\n# Version: \n"
        b"# The remainder of this file is compressed using zlib.\n"
    )
    written = path.with_suffix(f".{os.getpid()}.tmp")  # parallel builds never read half a file
    written.write_bytes(header + zlib.compress(b""))
    os.replace(written, path)
    return str(path)


_OFFLINE = offline_inventory()
intersphinx_mapping = {
    "python": ("https://docs.python.org/3", (None, _OFFLINE)),
    "pytest": ("https://docs.pytest.org/en/stable", (None, _OFFLINE)),
    "botocore": ("https://botocore.amazonaws.com/v1/documentation/api/latest", (None, _OFFLINE)),
}
intersphinx_timeout = 10  # seconds: a registry-only network fails fast; a slow one stays bounded
