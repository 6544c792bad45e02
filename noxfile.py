"""The supported version range, tested: the oldest and the newest pytest, botocore and attrs.

``oldest`` installs exactly the lower bounds that ``pyproject.toml`` declares for the runtime
dependencies (read from it, so the declaration and the test cannot drift apart); ``latest``
installs the newest releases. Both install from the package index, with the ``test`` and ``docs``
extras (the docs tests need docutils), and run the whole test suite and the example suite::

    nox -s oldest latest

CI (``.ci/run``) runs ``oldest``; its main run already installs the newest releases.

``aio`` installs the ``aio`` extra (aiobotocore and aioboto3, which pin botocore to a narrow range
of their own) and runs the async tests, which may not skip there, then the whole suite::

    nox -s aio
"""

from __future__ import annotations

import re

import nox

nox.options.sessions = ["oldest", "latest"]
nox.options.reuse_venv = "yes"

PYPROJECT = nox.project.load_toml("pyproject.toml")


def lower_bounds() -> list[str]:
    """``name==version`` for each runtime dependency's ``>=`` bound, e.g. ``pytest==8.0``."""
    pins = []
    for requirement in PYPROJECT["project"]["dependencies"]:
        found = re.fullmatch(r"([A-Za-z0-9_.-]+)\s*>=\s*([0-9][0-9A-Za-z.]*)", requirement)
        if found is None:
            raise ValueError(f"{requirement!r}: every runtime dependency needs a '>=' lower bound")
        pins.append(f"{found[1]}=={found[2]}")
    return pins


def run_suites(session: nox.Session) -> None:
    session.run("python", "-m", "pip", "list", "--format=freeze", silent=False)
    session.run("pytest", *session.posargs)
    session.run("pytest", "examples")


@nox.session(python=None)
def oldest(session: nox.Session) -> None:
    """The oldest pytest, botocore and attrs that pyproject.toml declares."""
    session.install("-e", ".[test,docs]", *lower_bounds())
    run_suites(session)


@nox.session(python=None)
def latest(session: nox.Session) -> None:
    """The newest releases of everything."""
    session.install("--upgrade", "--upgrade-strategy=eager", "-e", ".[test,docs]")
    run_suites(session)


@nox.session(python=None)
def aio(session: nox.Session) -> None:
    """aiobotocore and aioboto3 clients against the fake, with the botocore they pin."""
    session.install("-e", ".[test,aio]")
    session.run("python", "-m", "pip", "list", "--format=freeze", silent=False)
    # tests/test_aio.py fails instead of skipping when aiobotocore is missing.
    session.env["PYTEST_APPSTREAM_REQUIRE_AIO"] = "1"
    session.run("pytest", "tests/test_aio.py", "-rs", *session.posargs)
    session.run("pytest", "-n", "2", *session.posargs)  # the whole suite, on this botocore
