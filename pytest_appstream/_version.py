"""The version of pytest-appstream: the one place it is written (pyproject.toml reads it).

>>> from pytest_appstream._version import __version__
>>> __version__.count(".")
2
"""

__version__ = "0.1.0"
