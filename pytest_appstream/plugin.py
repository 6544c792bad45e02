"""The pytest plugin: fixtures, markers, options and teardown checks.

Loaded through the ``pytest11`` entry point ``appstream``; a test asks for a fixture::

    @pytest.mark.appstream_builder("nightly", state="RUNNING")
    def test_stop(appstream, appstream_client):
        appstream_client.stop_image_builder(Name="nightly")
        appstream.assert_state("nightly", "STOPPING")
"""

from __future__ import annotations

import inspect
import os
from collections.abc import Callable, Generator, Iterator
from pathlib import Path
from typing import Any, NoReturn

import attrs
import pytest
from botocore.client import BaseClient

from . import _assertions as assertions
from . import _clients as clients
from . import _wire as wire
from ._data import entries, load
from ._errors import AppStreamUsageError, did_you_mean
from ._kinds import Kind, kind, kinds
from ._model import ImageBuilder
from ._seeding import show
from ._settings import (
    ALLOWED_SETTINGS,
    DEFAULT_ACCOUNT,
    DEFAULT_REGION,
    apply_environment,
    check_setting,
    environment,
)
from .fake import FakeAppStream
from .server import appstream_server  # noqa: F401  (defined beside the server it serves)
from .stub import Stubber

MARKERS = {
    **{
        of.marker: f"{of.marker_signature}: {of.marker_help}"
        for of in kinds()
        if of.marker is not None and of.build is not None
    },
    "appstream_builders_from": "appstream_builders_from(path): seed image builders from a JSON "
    "(or, with PyYAML installed, YAML) file relative to the test file: a list of objects like "
    "appstream_builder's arguments, with 'name'",
    "appstream_data": "appstream_data(path): seed resources of many kinds from a JSON (or, with "
    "PyYAML installed, YAML) file relative to the test file: an object with the keys "
    + ", ".join(of.data_key for of in kinds() if of.build is not None)
    + ", each a list of entries, each entry the keywords of its kind's marker (or add), with "
    "its name",
    "appstream_fault": "appstream_fault(operation, error_code, *, name=None, when=None, times=1, "
    "message=None, region=None): answer matching AppStream calls with an error",
    "appstream": "appstream(region='us-east-1', account_id='123456789012', "
    "transitions='polled', polls=1, now=None, assert_all_stubs_used=True, "
    "assert_all_faults_used=True): configure the AppStream fake for this test (now: freeze its "
    "clock at that instant, e.g. '2026-01-01T00:00:00Z')",
}


@attrs.frozen
class Settings:
    """The fake's configuration for one test: defaults < ini < command line < markers."""

    region: str = DEFAULT_REGION
    account_id: str = DEFAULT_ACCOUNT
    transitions: str = "polled"
    polls: int = 1
    now: object = None
    assert_all_stubs_used: bool = True
    assert_all_faults_used: bool = True

    def fake(self) -> FakeAppStream:
        """A new fake with these settings."""
        return FakeAppStream(
            region=self.region,
            account_id=self.account_id,
            transitions=self.transitions,
            polls=self.polls,
            now=self.now,
        )


_SETTING_NAMES = tuple(a.name for a in attrs.fields(Settings))
#: Every setting is also an ini option and a command-line option (``--appstream-account-id``, ...).
_OPTION_HELP = {
    "region": "region of the AppStream fake (default us-east-1)",
    "account_id": "account of the AppStream fake (default 123456789012)",
    "transitions": "how in-between states complete: immediate, polled (default), manual or timed",
    "polls": "DescribeImageBuilders reads an in-between state lasts under 'polled' (default 1)",
    "assert_all_stubs_used": "fail a test whose appstream_stubber responses were not all used "
    "(true or false, default true)",
    "assert_all_faults_used": "fail a test whose injected faults (with a fixed times) were not "
    "all used (true or false, default true)",
}
#: The ini type of each setting: native TOML values (``[tool.pytest]`` of pytest 9) arrive typed.
_INI_TYPES: dict[str, Any] = {
    "polls": "int" if pytest.version_tuple >= (8, 4) else None,
    "assert_all_stubs_used": "bool",
    "assert_all_faults_used": "bool",
}
_BOOLEANS = {"true": True, "yes": True, "on": True, "1": True}
_BOOLEANS.update({"false": False, "no": False, "off": False, "0": False})
_suite_settings = pytest.StashKey[Settings]()
_call_report = pytest.StashKey[pytest.TestReport]()
_blocked_before = pytest.StashKey[bool]()
_faked = pytest.StashKey[bool]()  # the test used the appstream fixture
_environment_before = pytest.StashKey[dict[str, "str | None"]]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("appstream", "AppStream fake (pytest-appstream)")
    for setting, help_ in _OPTION_HELP.items():
        ini = f"appstream_{setting}"
        metavar = "BOOL" if setting.startswith("assert_") else None
        flag = f"--appstream-{setting.replace('_', '-')}"
        group.addoption(flag, dest=ini, default=None, metavar=metavar, help=help_)
        parser.addini(ini, help_, type=_INI_TYPES.get(setting), default=None)
    group.addoption(
        "--appstream-block-real",
        action="store_true",
        default=None,
        help="make any AppStream call outside the fake fail instead of reaching AWS",
    )
    parser.addini(
        "appstream_block_real", "same as --appstream-block-real", type="bool", default=False
    )
    parser.addini(
        "appstream_session_environment",
        "from the start of the test session, fake AWS credentials and a default region "
        "(appstream_region) in the environment, so module-level clients can be created at "
        "import time (default false)",
        type="bool",
        default=False,
    )


def _option(config: pytest.Config, name: str) -> Any:
    value = config.getoption(name)
    return config.getini(name) if value is None else value


def _parsed(setting: str, value: str, source: str) -> Any:
    """An option's text as the setting's type (a bad value is left for the check to name)."""
    text = value.strip()
    if setting == "polls" and text.isdigit():
        return int(text)
    if setting.startswith("assert_"):
        if text.lower() not in _BOOLEANS:
            raise AppStreamUsageError(
                f"{source}={value!r} is not allowed; allowed: {_ALLOWED[setting]}"
            )
        return _BOOLEANS[text.lower()]
    return value


def _ini(config: pytest.Config, name: str, setting: str) -> Any:
    """An ini option's value, or a clear error for one pytest cannot read as the setting's type."""
    try:
        return config.getini(name)
    except (ValueError, TypeError, pytest.UsageError) as error:  # UsageError: pytest >= 9.1
        raise AppStreamUsageError(
            f"ini option {name} cannot be read ({error}); allowed: {_ALLOWED[setting]}"
        ) from None


#: What each setting allows, for errors about values pytest itself could not read.
_ALLOWED = {
    **ALLOWED_SETTINGS,
    "assert_all_stubs_used": "true or false",
    "assert_all_faults_used": "true or false",
}


def _suite(config: pytest.Config) -> Settings:
    """Whole-suite settings: command-line options over ini options over the defaults."""
    values: dict[str, Any] = {}
    for setting in _OPTION_HELP:
        dest = f"appstream_{setting}"
        value = config.getoption(dest)
        source = f"--appstream-{setting.replace('_', '-')}"
        try:
            if value is None:
                source = f"ini option {dest}"
                value = _ini(config, dest, setting)
            if value is None or value == "" or value == []:  # unset ([]: pytest < 8.1)
                continue
            if isinstance(value, str):
                value = _parsed(setting, value, source)
            check_setting(setting, value, source)
        except AppStreamUsageError as error:
            raise pytest.UsageError(f"pytest-appstream: {error}") from None
        values[setting] = value
    return Settings(**values)


def pytest_configure(config: pytest.Config) -> None:
    for line in MARKERS.values():
        config.addinivalue_line("markers", line)
    config.stash[_suite_settings] = _suite(config)
    if _option(config, "appstream_block_real"):
        config.stash[_blocked_before] = wire.block_real(True)
    if config.getini("appstream_session_environment"):
        variables = session_environment(config.stash[_suite_settings].region)
        before: dict[str, str | None] = {key: os.environ.get(key) for key in variables}
        config.stash[_environment_before] = before
        apply_environment(variables)


def session_environment(region: str) -> dict[str, str | None]:
    """What ``appstream_session_environment = true`` sets for the whole session: fake credentials,
    no AWS profile, and ``region`` where the environment names none.

    >>> sorted(session_environment("eu-west-1"))[:2]
    ['AWS_ACCESS_KEY_ID', 'AWS_DEFAULT_PROFILE']
    """
    named = os.environ.get("AWS_DEFAULT_REGION") or os.environ.get("AWS_REGION")
    return environment(None if named else region)


def pytest_unconfigure(config: pytest.Config) -> None:
    _release_leftovers(config)
    before = config.stash.get(_environment_before, None)
    if before is not None:
        apply_environment(before)
    if _blocked_before in config.stash:  # as it was before this run (an outer run may block too)
        wire.block_real(config.stash[_blocked_before])


#: A run's fixture fakes not torn down yet, with the environment from before the fixture. pytest
#: skips the rest of a test's teardown when a fixture's teardown raises KeyboardInterrupt, ours
#: among it: then :func:`_release_leftovers` deactivates them after the test (or at the end).
_Live = dict[int, tuple[FakeAppStream, dict[str, str | None]]]
_live = pytest.StashKey[_Live]()


def _release_leftovers(config: pytest.Config) -> None:
    live = config.stash.setdefault(_live, {})
    while live:
        _, (fake, environment) = live.popitem()
        try:
            fake.deactivate()
        finally:
            apply_environment(environment)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item) -> Generator[None, None, None]:
    try:
        result = yield
    finally:
        _release_leftovers(item.config)
    _check_markers_acted(item)
    return result


def _check_markers_acted(item: pytest.Item) -> None:
    """Error a passed test whose own ``appstream*`` marker did nothing: it never used the fake.

    Only markers written on the test function count (decorators, ``pytest.param(marks=...)``);
    those of its class, module or added by a conftest apply to the tests that use the fake.
    """
    report = item.stash.get(_call_report, None)
    if item.stash.get(_faked, False) or report is None or not report.passed:
        return
    callspec = getattr(item, "callspec", None)
    written = [
        *getattr(getattr(item, "function", None), "pytestmark", ()),
        *getattr(callspec, "marks", ()),
    ]
    for mark in written:
        if mark.name in MARKERS:
            pytest.fail(
                f"{item.nodeid}: {_describe(mark)} did nothing: the test never used the "
                "appstream fixture; allowed: add appstream (or appstream_client, "
                "appstream_stubber) to its arguments, or @pytest.mark.usefixtures('appstream')",
                pytrace=False,
            )


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Error a test with a misspelled ``appstream_*`` marker: the plugin owns the prefix, so such
    a marker would otherwise only warn (without ``--strict-markers``) and silently do nothing.
    """
    for mark in item.iter_markers():
        if mark.name.startswith("appstream_") and mark.name not in MARKERS:
            pytest.fail(
                f"{item.nodeid}: @pytest.mark.{mark.name} is not a pytest-appstream marker"
                f"{did_you_mean(mark.name, MARKERS, cutoff=0)}; allowed: "
                f"{', '.join(f'@pytest.mark.{name}' for name in MARKERS)}",
                pytrace=False,
            )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    if report.when == "call":
        item.stash[_call_report] = report
    return report


# -- markers ------------------------------------------------------------------------------------
#
# Markers apply from the test function, its class and its module (``pytestmark``). They are read
# in the order pytest's ``item.iter_markers()`` yields them: the test's own first (stacked
# decorators from the one nearest ``def`` upwards), then the class's, then the module's. Where two
# levels conflict (a setting, a builder of the same name), the closest wins.


def _describe(mark: pytest.Mark) -> str:
    args = [show(a) for a in mark.args] + [f"{k}={show(v)}" for k, v in mark.kwargs.items()]
    return f"@pytest.mark.{mark.name}({', '.join(args)})"


def _bad_marker(mark: pytest.Mark, problem: object) -> NoReturn:
    """Error the test at setup with one message naming the marker, without a traceback."""
    __tracebackhide__ = True
    raise pytest.fail.Exception(f"{_describe(mark)}: {problem}", pytrace=False) from None


def _marks(request: pytest.FixtureRequest, *names: str) -> list[list[pytest.Mark]]:
    """The markers called ``names`` per level, closest level (the test) first."""
    return [
        [m for m in node.own_markers if m.name in names]
        for node in reversed(request.node.listchain())
    ]


def _bind(mark: pytest.Mark, signature: inspect.Signature) -> dict[str, Any]:
    """The marker's arguments by parameter name, or a setup error quoting the signature."""
    __tracebackhide__ = True
    try:
        bound = signature.bind(*mark.args, **mark.kwargs)
    except TypeError as error:
        _bad_marker(mark, f"{error}; signature: {mark.name}{signature}")
    arguments = dict(bound.arguments)
    arguments.update(arguments.pop("fields", {}))
    return arguments


def _signature(function: Callable[..., object]) -> inspect.Signature:
    """The marker's signature as users read it (no ``self``, no annotations)."""
    signature = inspect.signature(function)
    return signature.replace(
        parameters=[
            p.replace(annotation=inspect.Parameter.empty)
            for p in signature.parameters.values()
            if p.name != "self"
        ],
        return_annotation=inspect.Signature.empty,
    )


def _path_marker(path: str) -> None: ...


def _seed_signature(of: Kind) -> inspect.Signature:
    """A seeding marker's signature: ``(name, *, state=<usual>, region=None, tags=None, **fields)``."""
    keyword = inspect.Parameter.KEYWORD_ONLY
    return inspect.Signature(
        [
            inspect.Parameter(of.key_argument, inspect.Parameter.POSITIONAL_OR_KEYWORD),
            inspect.Parameter("state", keyword, default=of.default_state),
            *(inspect.Parameter(key, keyword, default=value) for key, value in of.links.items()),
            inspect.Parameter("region", keyword, default=None),
            inspect.Parameter("tags", keyword, default=None),
            inspect.Parameter("fields", inspect.Parameter.VAR_KEYWORD),
        ]
    )


#: The markers take what the methods they stand for take.
_FAULT = _signature(FakeAppStream.inject)
_PATH = _signature(_path_marker)
#: Every seeding marker, with its kind (``appstream_builder``, ``appstream_image``, ...).
_SEEDING = {of.marker: of for of in kinds() if of.marker is not None and of.build is not None}
_SIGNATURES = {marker: _seed_signature(of) for marker, of in _SEEDING.items()}


def _settings(request: pytest.FixtureRequest) -> Settings:
    """The suite settings, overridden by ``appstream`` markers (the closest wins)."""
    __tracebackhide__ = True
    settings = request.config.stash.get(_suite_settings, Settings())
    values: dict[str, Any] = {}
    for level in reversed(_marks(request, "appstream")):  # farthest first: the closest wins
        for mark in level:
            if mark.args:
                _bad_marker(
                    mark, f"takes keyword arguments only; allowed: {', '.join(_SETTING_NAMES)}"
                )
            for key, value in mark.kwargs.items():
                if key not in _SETTING_NAMES:
                    _bad_marker(
                        mark, f"unknown argument {key!r}; allowed: {', '.join(_SETTING_NAMES)}"
                    )
                if key.startswith("assert_") and not isinstance(value, bool):
                    _bad_marker(mark, f"{key}={value!r} is not allowed; allowed: True or False")
                try:
                    check_setting(key, value)
                except AppStreamUsageError as error:
                    _bad_marker(mark, error)
                values[key] = value
    return attrs.evolve(settings, **values)


_DATA_SUFFIXES = (".json", ".yaml", ".yml")


def _data_file(request: pytest.FixtureRequest, mark: pytest.Mark) -> Any:
    """The content of the file a marker names, relative to the test file's folder."""
    __tracebackhide__ = True
    given = _bind(mark, _PATH)["path"]
    if not isinstance(given, (str, os.PathLike)):
        _bad_marker(mark, f"path={given!r} is not allowed; allowed: a str or pathlib.Path")
    path = Path(request.node.path).parent / given
    if path.suffix not in _DATA_SUFFIXES:
        _bad_marker(
            mark, f"path={str(given)!r} is not allowed; allowed: a {', '.join(_DATA_SUFFIXES)} file"
        )
    try:
        return load(path)
    except OSError as error:
        _bad_marker(
            mark,
            f"cannot read path={str(given)!r} ({path}, relative to the test file's folder): "
            f"{error.strerror}",
        )
    except (ImportError, ValueError) as error:
        _bad_marker(mark, error)


def _builders_file(request: pytest.FixtureRequest, mark: pytest.Mark) -> list[dict[str, Any]]:
    """The entries of an ``appstream_builders_from`` file: a list of builders."""
    __tracebackhide__ = True
    entries = _data_file(request, mark)
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        path = Path(request.node.path).parent / _bind(mark, _PATH)["path"]
        _bad_marker(
            mark,
            f"{path} holds {type(entries).__name__}; allowed: a list of objects, each with a "
            "'name' and the other arguments of appstream_builder (state, snake_case fields)",
        )
    return entries


#: One resource to seed: the marker, its kind, its arguments (with ``name``), and a label for
#: the entries of a file.
_Seed = tuple[pytest.Mark, Kind, dict[str, Any], str]


def _marked_seeds(request: pytest.FixtureRequest, mark: pytest.Mark) -> list[_Seed]:
    """What one seeding marker seeds."""
    __tracebackhide__ = True
    if mark.name in _SEEDING:
        return [(mark, _SEEDING[mark.name], _bind(mark, _SIGNATURES[mark.name]), "")]
    if mark.name == "appstream_builders_from":
        builders = kind("builders")
        return [
            (mark, builders, dict(entry), f"entry {i}: ")
            for i, entry in enumerate(_builders_file(request, mark))
        ]
    try:
        seeds = entries(_data_file(request, mark), "the file")
    except AppStreamUsageError as error:
        _bad_marker(mark, error)
    return [(mark, of, dict(entry), f"{of.data_key}[{i}]: ") for of, i, entry in seeds]


def _seeds(request: pytest.FixtureRequest, region: str) -> list[_Seed]:
    """Every resource to seed, in dependency order; the closest level wins on a name (a seed
    that names ``region``, the fake's, is the same as one that names none)."""
    __tracebackhide__ = True
    chosen: dict[str, _Seed] = {}
    names = (*_SEEDING, "appstream_builders_from", "appstream_data")
    for level in _marks(request, *names):
        here: dict[str, str] = {}
        for mark in level:
            for seed in _marked_seeds(request, mark):
                _, of, arguments, label = seed
                name = arguments.get(of.key_argument)
                if name is None:
                    _bad_marker(
                        mark,
                        f"{label}{of.key_argument!r} is missing; allowed: {of.article} "
                        f"{of.key_argument}",
                    )
                key = repr((of.collection, of.key_of(arguments), arguments.get("region") or region))
                if key in here:
                    _bad_marker(
                        mark,
                        f"{label}name={name!r} is seeded twice at the same level (also by "
                        f"{here[key]}); allowed: one {of.collection[:-1]} per name and level (a closer "
                        "level overrides a farther one)",
                    )
                here[key] = _describe(mark)
                chosen.setdefault(key, seed)
    return sorted(chosen.values(), key=lambda seed: seed[1].order)


def _seed(request: pytest.FixtureRequest, fake: FakeAppStream) -> None:
    """Seed the resources and inject the faults of the test's markers."""
    __tracebackhide__ = True
    for mark, of, arguments, label in _seeds(request, fake.region):
        arguments = dict(arguments)
        name = arguments.pop(of.key_argument)
        try:
            fake._collections[of.collection].add(name, **arguments)
        except AppStreamUsageError as error:
            _bad_marker(mark, f"{label}{error}")
    for mark in request.node.iter_markers("appstream_fault"):
        try:
            fake.inject(**_bind(mark, _FAULT))
        except AppStreamUsageError as error:
            _bad_marker(mark, error)


@pytest.fixture
def appstream(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[FakeAppStream]:
    """The in-memory AppStream service of this test, answering every AppStream client.

    Seeded from ``appstream_builder`` / ``appstream_builders_from`` markers, faults from
    ``appstream_fault``, configured by the ``appstream`` marker. At teardown of a passed test,
    faults injected with a fixed ``times`` that were not used up fail it.
    """
    request.node.stash[_faked] = True
    settings = _settings(request)
    fake = settings.fake()
    _seed(request, fake)
    variables = fake.environment()
    live = request.config.stash.setdefault(_live, {})
    live[id(fake)] = (fake, {key: os.environ.get(key) for key in variables})
    try:
        # Through monkeypatch as well, so that the test's own monkeypatch.setenv/delenv of these
        # variables is undone in order, whichever fixture the test asked for first.
        for key, value in variables.items():
            if value is None:
                monkeypatch.delenv(key, raising=False)
            else:
                monkeypatch.setenv(key, value)
        fake.activate()  # last: a failure above leaves nothing to undo
        yield fake
    finally:
        live.pop(id(fake), None)
        fake.deactivate()
    if fake._internal_errors:
        pytest.fail(
            "pytest-appstream failed on a call (the client got InternalFailure); please report "
            "it with this text:\n" + "\n".join(fake._internal_errors),
            pytrace=False,
        )
    report = request.node.stash.get(_call_report, None)
    if settings.assert_all_faults_used and report is not None and report.passed:
        unused = fake.faults.unused()
        if unused:
            lines = "\n".join(f"  {f.describe()}: used {f.used} time(s)" for f in unused)
            pytest.fail(
                f"pytest-appstream: {len(unused)} injected fault(s) not used up:\n{lines}\n"
                "(opt out with @pytest.mark.appstream(assert_all_faults_used=False))",
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


def pytest_assertrepr_compare(
    config: pytest.Config, op: str, left: object, right: object
) -> list[str] | None:
    """Explain a failing ``builder == other_builder``: only the fields that differ."""
    if op == "==" and isinstance(left, ImageBuilder) and isinstance(right, ImageBuilder):
        return assertions.compare_builders(left, right)
    return None


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
