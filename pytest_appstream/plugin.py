"""The pytest plugin: fixtures, markers, options and teardown checks.

Loaded through the ``pytest11`` entry point ``appstream``; a test asks for a fixture::

    @pytest.mark.appstream_builder("nightly", state="RUNNING")
    def test_stop(appstream, appstream_client):
        appstream_client.stop_image_builder(Name="nightly")
        appstream.assert_state("nightly", "STOPPING")
"""

from __future__ import annotations

import json
from collections.abc import Generator, Iterator, Mapping
from pathlib import Path
from typing import Any, NoReturn

import attrs
import pytest
from botocore.client import BaseClient

from . import clients, wire
from .errors import AppStreamUsageError
from .fake import FakeAppStream, check_settings
from .stub import Stubber

MARKERS = {
    "appstream_builder": "appstream_builder(name, *, state='RUNNING', **fields): seed one "
    "AppStream image builder (fields: snake_case ImageBuilder members, nested values in wire form)",
    "appstream_builders_from": "appstream_builders_from(path): seed image builders from a JSON "
    "file (a list of objects like appstream_builder's keyword arguments, with 'name')",
    "appstream_fault": "appstream_fault(operation, error_code, *, name=None, times=1, "
    "message=None): answer matching AppStream calls with an error",
    "appstream": "appstream(region='us-east-1', account_id='123456789012', "
    "transitions='polled', polls=1, assert_all_stubs_used=True, assert_all_faults_used=True): "
    "configure the AppStream fake for this test",
}


@attrs.frozen
class Settings:
    """The fake's configuration for one test: defaults < ini < command line < markers."""

    region: str = "us-east-1"
    account_id: str = "123456789012"
    transitions: str = "polled"
    polls: int = 1
    assert_all_stubs_used: bool = True
    assert_all_faults_used: bool = True

    def fake(self) -> FakeAppStream:
        """A new fake with these settings."""
        return FakeAppStream(
            region=self.region,
            account_id=self.account_id,
            transitions=self.transitions,
            polls=self.polls,
        )


_SETTING_NAMES = tuple(a.name for a in attrs.fields(Settings))
_suite_settings = pytest.StashKey[Settings]()
_call_report = pytest.StashKey[pytest.TestReport]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("appstream", "AppStream fake (pytest-appstream)")
    for name, help_ in (
        ("region", "region of the AppStream fake (default us-east-1)"),
        ("account-id", "account of the AppStream fake (default 123456789012)"),
        ("transitions", "how in-between states complete: immediate, polled (default) or manual"),
        (
            "polls",
            "DescribeImageBuilders reads an in-between state lasts under 'polled' (default 1)",
        ),
    ):
        ini = "appstream_" + name.replace("-", "_")
        group.addoption(f"--appstream-{name}", dest=ini, default=None, help=help_)
        parser.addini(ini, help_, default=None)
    group.addoption(
        "--appstream-block-real",
        action="store_true",
        default=None,
        help="make any AppStream call outside the fake fail instead of reaching AWS",
    )
    parser.addini(
        "appstream_block_real", "same as --appstream-block-real", type="bool", default=False
    )


def _option(config: pytest.Config, name: str) -> Any:
    value = config.getoption(name)
    return config.getini(name) if value is None else value


def pytest_configure(config: pytest.Config) -> None:
    for line in MARKERS.values():
        config.addinivalue_line("markers", line)
    values: dict[str, Any] = {}
    for setting in ("region", "account_id", "transitions", "polls"):
        value = _option(config, f"appstream_{setting}")
        if value is not None:
            values[setting] = value
    if "polls" in values:
        try:
            values["polls"] = int(values["polls"])
        except ValueError:
            raise pytest.UsageError(
                f"appstream_polls={values['polls']!r} must be an int >= 0"
            ) from None
    settings = Settings(**values)
    try:
        check_settings(settings.region, settings.account_id, settings.transitions, settings.polls)
    except AppStreamUsageError as error:
        raise pytest.UsageError(f"pytest-appstream options: {error}") from None
    config.stash[_suite_settings] = settings
    if _option(config, "appstream_block_real"):
        wire.block_real(True)


def pytest_unconfigure(config: pytest.Config) -> None:
    if _option(config, "appstream_block_real"):
        wire.block_real(False)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    if report.when == "call":
        item.stash[_call_report] = report
    return report


def _describe(mark: pytest.Mark) -> str:
    args = [repr(a) for a in mark.args] + [f"{k}={v!r}" for k, v in mark.kwargs.items()]
    return f"@pytest.mark.{mark.name}({', '.join(args)})"


def _bad_marker(request: pytest.FixtureRequest, mark: pytest.Mark, problem: object) -> NoReturn:
    __tracebackhide__ = True
    pytest.fail(f"{request.node.nodeid}: {_describe(mark)}: {problem}", pytrace=False)


def _marks(request: pytest.FixtureRequest, name: str) -> list[list[pytest.Mark]]:
    """``name`` markers per level, closest level (the test) first."""
    return [
        [m for m in node.own_markers if m.name == name]
        for node in reversed(request.node.listchain())
    ]


def _settings(request: pytest.FixtureRequest) -> Settings:
    __tracebackhide__ = True
    settings = request.config.stash.get(_suite_settings, Settings())
    marks = [m for level in _marks(request, "appstream") for m in level]
    if not marks:
        return settings
    values: dict[str, Any] = {}
    for mark in reversed(marks):  # farthest first, so the closest wins
        if mark.args:
            _bad_marker(request, mark, "takes keyword arguments only: " + ", ".join(_SETTING_NAMES))
        unknown = [k for k in mark.kwargs if k not in _SETTING_NAMES]
        if unknown:
            _bad_marker(
                request,
                mark,
                f"unknown argument {unknown[0]!r}; allowed: {', '.join(_SETTING_NAMES)}",
            )
        for flag in ("assert_all_stubs_used", "assert_all_faults_used"):
            if flag in mark.kwargs and not isinstance(mark.kwargs[flag], bool):
                _bad_marker(request, mark, f"{flag}={mark.kwargs[flag]!r} must be True or False")
        try:
            check_settings(
                **{
                    k: mark.kwargs.get(k, getattr(settings, k))
                    for k in ("region", "account_id", "transitions", "polls")
                }
            )
        except AppStreamUsageError as error:
            _bad_marker(request, mark, error)
        values.update(mark.kwargs)
    return attrs.evolve(settings, **values)


def _seed_file(request: pytest.FixtureRequest, mark: pytest.Mark) -> list[dict[str, Any]]:
    __tracebackhide__ = True
    if len(mark.args) != 1 or mark.kwargs or not isinstance(mark.args[0], (str, Path)):
        _bad_marker(request, mark, "takes one argument: the path of a JSON file")
    path = Path(request.node.path).parent / mark.args[0]
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        _bad_marker(request, mark, f"cannot read {path}: {error.strerror}")
    try:
        entries = json.loads(text)
    except ValueError as error:
        _bad_marker(request, mark, f"{path} is not valid JSON: {error}")
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        _bad_marker(request, mark, f"{path} must hold a JSON list of objects, each with a 'name'")
    return entries


def _builder_marks(
    request: pytest.FixtureRequest,
) -> list[tuple[pytest.Mark, Mapping[str, Any], str | None]]:
    """Every builder to seed: (marker, its arguments, file entry label), closest name wins."""
    __tracebackhide__ = True
    chosen: dict[str, tuple[pytest.Mark, Mapping[str, Any], str | None]] = {}
    order: list[tuple[int, str]] = []
    levels = list(
        zip(
            _marks(request, "appstream_builder"),
            _marks(request, "appstream_builders_from"),
            strict=True,
        )
    )
    for depth, (builder_marks, file_marks) in enumerate(levels):
        here: set[str] = set()
        seeds: list[tuple[pytest.Mark, Mapping[str, Any], str | None]] = []
        for mark in file_marks:
            for i, entry in enumerate(_seed_file(request, mark)):
                seeds.append((mark, entry, f"entry {i}"))
        for mark in builder_marks:
            if len(mark.args) != 1:
                _bad_marker(request, mark, "takes one positional argument, the builder name")
            seeds.append((mark, {"name": mark.args[0], **mark.kwargs}, None))
        for mark, kwargs, label in seeds:
            name = kwargs.get("name")
            if not isinstance(name, str):
                where = f"{label}: " if label else ""
                _bad_marker(
                    request, mark, f"{where}name={name!r} must be a builder name (a string)"
                )
            if name in here:
                _bad_marker(
                    request, mark, f"name={name!r}: an image builder of that name is already seeded"
                )
            here.add(name)
            if name not in chosen:
                chosen[name] = (mark, kwargs, label)
                order.append((-depth, name))
    return [chosen[name] for _, name in sorted(order, key=lambda o: o[0])]


def _seed(request: pytest.FixtureRequest, fake: FakeAppStream) -> None:
    __tracebackhide__ = True
    for mark, kwargs, label in _builder_marks(request):
        arguments = dict(kwargs)
        name = arguments.pop("name")
        try:
            fake.add_builder(name, **arguments)
        except AppStreamUsageError as error:
            _bad_marker(request, mark, f"{label}: {error}" if label else error)
        except TypeError as error:
            _bad_marker(request, mark, error)
    for level in reversed(_marks(request, "appstream_fault")):
        for mark in level:
            if len(mark.args) != 2:
                _bad_marker(request, mark, "takes two positional arguments: operation, error_code")
            unknown = set(mark.kwargs) - {"name", "times", "message"}
            if unknown:
                _bad_marker(
                    request,
                    mark,
                    f"unknown argument {sorted(unknown)[0]!r}; allowed: name, times, message",
                )
            try:
                fake.inject(*mark.args, **mark.kwargs)
            except AppStreamUsageError as error:
                _bad_marker(request, mark, error)


@pytest.fixture
def appstream(request: pytest.FixtureRequest) -> Iterator[FakeAppStream]:
    """The in-memory AppStream service of this test, answering every AppStream client.

    Seeded from ``appstream_builder`` / ``appstream_builders_from`` markers, configured by the
    ``appstream`` marker. At teardown, injected faults that were never used fail the test.
    """
    settings = _settings(request)
    fake = settings.fake()
    _seed(request, fake)
    fake.activate()
    try:
        yield fake
    finally:
        fake.deactivate()
    report = request.node.stash.get(_call_report, None)
    if settings.assert_all_faults_used and (report is None or report.passed):
        unused = fake.faults.unused()
        if unused:
            lines = "\n".join(
                f"  {f.operation} -> {f.error_code}"
                + (f" (name={f.name!r})" if f.name else "")
                + f": used {f.used} of {f.times} time(s)"
                for f in unused
            )
            pytest.fail(
                "pytest-appstream: injected faults were not used up:\n"
                f"{lines}\n(opt out with @pytest.mark.appstream(assert_all_faults_used=False))",
                pytrace=False,
            )


@pytest.fixture
def appstream_client(appstream: FakeAppStream) -> Iterator[BaseClient]:
    """A real botocore AppStream client in the fake's region, answered by ``appstream``."""
    client = clients.lease(appstream.region)
    try:
        yield client
    finally:
        clients.give_back(client)


@pytest.fixture
def appstream_stubber(
    request: pytest.FixtureRequest, appstream: FakeAppStream, appstream_client: BaseClient
) -> Iterator[Stubber]:
    """A pass-through :class:`~pytest_appstream.Stubber` active on ``appstream_client``.

    Queued responses answer first, in order; then the fake answers. At teardown, queued responses
    never used fail the test (opt out with ``@pytest.mark.appstream(assert_all_stubs_used=False)``),
    and so does any call the stubber refused, even if the code under test caught the error.
    """
    settings = _settings(request)
    stubber = Stubber(appstream_client, passthrough=True)
    stubber.activate()
    try:
        yield stubber
    finally:
        stubber.deactivate()
    report = request.node.stash.get(_call_report, None)
    if report is not None and not report.passed:
        return
    problems = []
    if stubber.unexpected_calls:
        problems.append(
            "calls the stubber refused (the code under test may have caught the error):\n"
            + "\n".join(f"  {error}" for error in stubber.unexpected_calls)
        )
    if settings.assert_all_stubs_used and stubber.pending:
        problems.append(
            "queued responses were not used:\n"
            + "\n".join(f"  {queued}" for queued in stubber.pending)
            + "\n(opt out with @pytest.mark.appstream(assert_all_stubs_used=False))"
        )
    if problems:
        pytest.fail("pytest-appstream: appstream_stubber: " + "\n".join(problems), pytrace=False)
