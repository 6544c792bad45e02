"""Sphinx configuration of the pytest-appstream guide (built with ``sphinx-build -W``)."""

project = "pytest-appstream"
author = "pytest-appstream developers"
extensions = ["myst_parser", "sphinx.ext.autodoc", "sphinx.ext.napoleon", "sphinx.ext.intersphinx"]
html_theme = "furo"
source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
exclude_patterns = ["_build"]
autodoc_member_order = "bysource"
autodoc_typehints = "description"
myst_heading_anchors = 3
nitpicky = False
intersphinx_mapping: dict[str, tuple[str, None]] = {}
