"""Sphinx configuration of the pytest-appstream guide (built with ``sphinx-build -W``)."""

import sys
from pathlib import Path

import botocore

from pytest_appstream import service
from pytest_appstream.model import builder_states

sys.path.insert(0, str(Path(__file__).parent / "_ext"))

project = "pytest-appstream"
author = "pytest-appstream developers"
extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.intersphinx",
    "appstream_tables",
]
html_theme = "furo"
html_title = "pytest-appstream"
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
intersphinx_mapping: dict[str, tuple[str, None]] = {}
