"""Bad input sweep: every public entry point, given wrong types and values.

Each row calls one entry point wrongly and expects a clear error that names the argument (an
:class:`~pytest_appstream.AppStreamUsageError`, or a setup error for a marker, or a usage error
for an option), never a raw ``TypeError``/``KeyError`` from inside the plugin; and the fake's
whole state (builders, pending transitions, histories, calls, faults) is compared before and
after, so a rejected call provably changed nothing.

Python's own ``TypeError`` for a call that does not fit a method's signature (too many positional
arguments, an unknown keyword of a method without ``**fields``) is kept: it names the argument,
as in every Python API.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import attrs
import pytest
from botocore.exceptions import ParamValidationError

from pytest_appstream import AppStreamUsageError, FakeAppStream, Stubber

ACCOUNT, REGION = "123456789012", "us-east-1"


@attrs.frozen
class Row:
    """One wrong call: what it does, the error it must raise, what the message must say."""

    id: str
    call: Callable[[Any], object]
    says: str  # a regular expression the message must match (it names the argument)
    error: type[BaseException] = AppStreamUsageError


def fake_with_state() -> FakeAppStream:
    """A fake with something in every part of its state: builders, pending, history, calls, faults."""
    fake = FakeAppStream(transitions="manual")
    fake.add_builder("b")
    fake.add_builder("s", state="STOPPED", description="seeded stopped")
    fake._handle("StopImageBuilder", {"Name": "b"}, None)  # b: STOPPING, pending -> STOPPED
    fake._handle("StopImageBuilder", {"Name": "ghost"}, None)  # an error call
    fake.inject("describe_image_builders", "ResourceNotFoundException", name="s", times=2)
    return fake


def snapshot(fake: FakeAppStream) -> dict[str, Any]:
    """Everything a wrong call could corrupt."""
    with fake.registry.lock:
        return {
            "settings": (fake.region, fake.account_id, fake.transitions, fake.polls),
            "builders": dict(fake.builders),
            "pending": {
                name: attrs.asdict(entry.pending) if entry.pending else None
                for name, entry in fake.registry.store(ACCOUNT, REGION).items()
            },
            "histories": {key: fake.registry.history(*key) for key in fake.registry.names()},
            "states": {key: fake.registry.states(*key) for key in fake.registry.names()},
            "calls": fake.calls,
            "faults": [
                attrs.asdict(fault, filter=lambda a, _: a.name != "when")
                for fault in fake.faults._faults
            ],
            "seeded": fake._seeded,
        }


# fmt: off
FAKE_ROWS = [
    # -- FakeAppStream(...) ----------------------------------------------------------------------
    Row("init region=5", lambda f: FakeAppStream(region=5), r"region=5 "),
    Row("init region=''", lambda f: FakeAppStream(region=""), r"region='' "),
    Row("init account_id int", lambda f: FakeAppStream(account_id=1), r"account_id=1 .*12 digits"),
    Row("init account_id short", lambda f: FakeAppStream(account_id="123"), r"account_id='123' "),
    Row("init transitions", lambda f: FakeAppStream(transitions="slow"), r"transitions='slow'.*polled"),
    Row("init polls=-1", lambda f: FakeAppStream(polls=-1), r"polls=-1 "),
    Row("init polls='1'", lambda f: FakeAppStream(polls="1"), r"polls='1' "),
    Row("init polls=True", lambda f: FakeAppStream(polls=True), r"polls=True "),
    Row("init positional", lambda f: FakeAppStream("us-east-1"), r"positional", TypeError),
    Row("init unknown keyword", lambda f: FakeAppStream(regoin="x"), r"'regoin'", TypeError),
    # -- add_builder -----------------------------------------------------------------------------
    Row("add_builder name=5", lambda f: f.add_builder(5), r"name=5 is not a valid image builder name"),
    Row("add_builder name=None", lambda f: f.add_builder(None), r"name=None "),
    Row("add_builder name=''", lambda f: f.add_builder(""), r"name='' "),
    Row("add_builder name list", lambda f: f.add_builder(["x"]), r"name=\['x'\] "),
    Row("add_builder name pattern", lambda f: f.add_builder("bad name"), r"name='bad name' "),
    Row("add_builder name too long", lambda f: f.add_builder("x" * 102), r"name='x+.*101"),
    Row("add_builder duplicate", lambda f: f.add_builder("b"), r"name='b' is already seeded"),
    Row("add_builder state", lambda f: f.add_builder("x", state="NAPPING"), r"state='NAPPING' .*RUNNING"),
    Row("add_builder state case", lambda f: f.add_builder("x", state="running"), r"state='running' "),
    Row("add_builder state None", lambda f: f.add_builder("x", state=None), r"state=None "),
    Row("add_builder state list", lambda f: f.add_builder("x", state=["RUNNING"]), r"state=\['RUNNING'\] "),
    Row("add_builder unknown field", lambda f: f.add_builder("x", instance="s"), r"instance='s' .*instance_type"),
    Row("add_builder wire-case field", lambda f: f.add_builder("x", InstanceType="s"), r"InstanceType='s' "),
    Row("add_builder field type", lambda f: f.add_builder("x", instance_type=5), r"instance_type.*5"),
    Row("add_builder enum", lambda f: f.add_builder("x", platform="MSDOS"), r"platform='MSDOS' .*WINDOWS"),
    Row("add_builder bool", lambda f: f.add_builder("x", enable_default_internet_access="yes"),
        r"enable_default_internet_access"),
    Row("add_builder nested str", lambda f: f.add_builder("x", vpc_config="subnet-1"), r"vpc_config.*subnet-1"),
    Row("add_builder nested snake key", lambda f: f.add_builder("x", vpc_config={"subnet_ids": []}),
        r"vpc_config: key 'subnet_ids'.*SubnetIds"),
    Row("add_builder nested unknown key", lambda f: f.add_builder("x", vpc_config={"Subnets": []}),
        r"vpc_config.*Subnets"),
    Row("add_builder nested enum", lambda f: f.add_builder("x", state_change_reason={"Code": "NOPE"}),
        r"state_change_reason.Code='NOPE'"),
    Row("add_builder list given a dict", lambda f: f.add_builder("x", image_builder_errors={"ErrorCode": "x"}),
        r"image_builder_errors"),
    Row("add_builder created_time", lambda f: f.add_builder("x", created_time="yesterday"),
        r"created_time.*yesterday"),
    Row("add_builder arn", lambda f: f.add_builder("x", arn=5), r"arn.*5"),
    Row("add_builder positional state", lambda f: f.add_builder("x", "RUNNING"), r"positional", TypeError),
    # -- builder / history / states / advance ----------------------------------------------------
    Row("builder unknown", lambda f: f.builder("ghost"), r"'ghost' .*live builders: b, s"),
    Row("builder int", lambda f: f.builder(5), r"name=5 "),
    Row("builder list", lambda f: f.builder(["b"]), r"name=\['b'\] "),
    Row("history unknown", lambda f: f.history("ghost"), r"'ghost'"),
    Row("history list", lambda f: f.history(["b"]), r"name=\['b'\] "),
    Row("states dict", lambda f: f.states({"b": 1}), r"name=\{'b': 1\} "),
    Row("advance unknown", lambda f: f.advance("ghost"), r"'ghost'"),
    Row("advance list", lambda f: f.advance(["b"]), r"name=\['b'\] "),
    Row("advance int", lambda f: f.advance(0), r"name=0 "),
    # -- set_state -------------------------------------------------------------------------------
    Row("set_state unknown", lambda f: f.set_state("ghost", "FAILED"), r"'ghost'"),
    Row("set_state name list", lambda f: f.set_state(["b"], "FAILED"), r"name=\['b'\] "),
    Row("set_state state", lambda f: f.set_state("b", "NAPPING"), r"state='NAPPING' "),
    Row("set_state state None", lambda f: f.set_state("b", None), r"state=None "),
    Row("set_state reason str", lambda f: f.set_state("b", "FAILED", reason="boom"), r"reason='boom' is not a dict"),
    Row("set_state reason code", lambda f: f.set_state("b", "FAILED", reason={"Code": "NOPE"}), r"Code='NOPE'"),
    Row("set_state reason snake", lambda f: f.set_state("b", "FAILED", reason={"code": "INTERNAL_ERROR"}),
        r"key 'code'.*'Code'"),
    Row("set_state errors dict", lambda f: f.set_state("b", "FAILED", errors={"ErrorCode": "x"}),
        r"errors=\{'ErrorCode': 'x'\} is not a list"),
    Row("set_state errors item", lambda f: f.set_state("b", "FAILED", errors=[5]), r"errors\[0\]=5 "),
    # -- inject and its helpers ------------------------------------------------------------------
    Row("inject operation", lambda f: f.inject("stop", "ResourceNotFoundException"),
        r"operation='stop' is not an AppStream operation"),
    Row("inject operation None", lambda f: f.inject(None, "ResourceNotFoundException"), r"operation=None "),
    Row("inject operation list", lambda f: f.inject(["stop_image_builder"], "ResourceNotFoundException"),
        r"operation=\[.*\] "),
    Row("inject error_code", lambda f: f.inject("stop_image_builder", "Boom"),
        r"error_code='Boom' .*ConcurrentModificationException"),
    Row("inject error_code list", lambda f: f.inject("stop_image_builder", ["X"]), r"error_code=\['X'\] "),
    Row("inject error_code of another op",
        lambda f: f.inject("describe_image_builders", "OperationNotPermittedException"),
        r"error_code='OperationNotPermittedException' .*DescribeImageBuilders"),
    Row("inject name", lambda f: f.inject("stop_image_builder", "ThrottlingException", name=5), r"name=5 "),
    Row("inject when", lambda f: f.inject("stop_image_builder", "ThrottlingException", when=5), r"when=5 .*callable"),
    Row("inject times 0", lambda f: f.inject("stop_image_builder", "ThrottlingException", times=0), r"times=0 "),
    Row("inject times str", lambda f: f.inject("stop_image_builder", "ThrottlingException", times="1"), r"times='1' "),
    Row("inject times bool", lambda f: f.inject("stop_image_builder", "ThrottlingException", times=True),
        r"times=True "),
    Row("inject message", lambda f: f.inject("stop_image_builder", "ThrottlingException", message=5), r"message=5 "),
    Row("resource_not_found operation", lambda f: f.resource_not_found("stop"), r"operation='stop' "),
    Row("resource_not_found times", lambda f: f.resource_not_found(times=-1), r"times=-1 "),
    Row("resource_not_found when", lambda f: f.resource_not_found(when="Names"), r"when='Names' is not callable"),
    Row("operation_not_permitted unmodeled", lambda f: f.operation_not_permitted("describe_image_builders"),
        r"error_code='OperationNotPermittedException'"),
    Row("operation_not_permitted message", lambda f: f.operation_not_permitted(message=["m"]), r"message=\['m'\] "),
    Row("concurrent_modification name", lambda f: f.concurrent_modification(name=["b"]), r"name=\['b'\] "),
    # -- assertions ------------------------------------------------------------------------------
    Row("assert_state state", lambda f: f.assert_state("b", "NAPPING"), r"state='NAPPING' "),
    Row("assert_state unknown", lambda f: f.assert_state("ghost", "RUNNING"), r"'ghost'"),
    Row("assert_state name list", lambda f: f.assert_state(["b"], "RUNNING"), r"name=\['b'\] "),
    Row("assert_transitions str", lambda f: f.assert_transitions("b", "RUNNING"), r"states='RUNNING' "),
    Row("assert_transitions state", lambda f: f.assert_transitions("b", ["NAPPING"]), r"'NAPPING'"),
    Row("assert_transitions nested", lambda f: f.assert_transitions("b", [["RUNNING"]]), r"\['RUNNING'\]"),
    Row("assert_transitions unknown", lambda f: f.assert_transitions("ghost", ["RUNNING"]), r"'ghost'"),
    Row("assert_transitions name int", lambda f: f.assert_transitions(5, ["RUNNING"]), r"name=5 "),
    Row("assert_called operation", lambda f: f.assert_called("stop"), r"operation='stop' "),
    Row("assert_called operation list", lambda f: f.assert_called(["stop_image_builder"]), r"operation=\[.*\] "),
    Row("assert_called times str", lambda f: f.assert_called("stop_image_builder", times="1"), r"times='1' "),
    Row("assert_called times -1", lambda f: f.assert_called("stop_image_builder", times=-1), r"times=-1 "),
    Row("assert_called snake param", lambda f: f.assert_called("stop_image_builder", name="b"), r"name=.*'Name'"),
    Row("assert_not_called operation", lambda f: f.assert_not_called("stop"), r"operation='stop' "),
    Row("assert_not_called None", lambda f: f.assert_not_called(None), r"operation=None "),
]

# -- Stubber ------------------------------------------------------------------------------------
# The Stubber layer keeps botocore.stub's errors (ValueError, ParamValidationError) for
# compatibility; the check is that the message names the bad value and that nothing was queued.
STUBBER_ROWS = [
    Row("add_response method", lambda s: s.add_response("stop_image_bulder", {}), r"stop_image_bulder", ValueError),
    Row("add_response response", lambda s: s.add_response("stop_image_builder", {"ImageBuilder": {"State": 5}}),
        r"State", ParamValidationError),
    Row("add_response unknown member", lambda s: s.add_response("stop_image_builder", {"Builder": {}}),
        r"Builder", ParamValidationError),
    Row("add_client_error method", lambda s: s.add_client_error("no_such_method"), r"no_such_method", ValueError),
    Row("resource_not_found method", lambda s: s.resource_not_found("stop_image_bulder"),
        r"stop_image_bulder.*did you mean 'stop_image_builder'", ValueError),
    Row("operation_not_permitted unmodeled", lambda s: s.operation_not_permitted("describe_image_builders"),
        r"'OperationNotPermittedException' is not an error DescribeImageBuilders", ValueError),
    Row("concurrent_modification message", lambda s: s.concurrent_modification(message=5), r"message=5 "),
    Row("Stubber client", lambda s: Stubber("client"), r"client='client' is not a botocore client"),
    Row("add_client_error code (pass-through)",
        lambda s: s.add_client_error("stop_image_builder", "NotAnError"), r"NotAnError", ValueError),
]
# fmt: on


@pytest.mark.parametrize("row", FAKE_ROWS, ids=[row.id for row in FAKE_ROWS])
def test_wrong_call_is_a_clear_error_and_changes_nothing(row: Row) -> None:
    fake = fake_with_state()
    before = snapshot(fake)
    with pytest.raises(row.error) as info:
        row.call(fake)
    message = str(info.value)
    assert re.search(row.says, message), f"{message!r} does not match {row.says!r}"
    assert snapshot(fake) == before
    if row.error is AppStreamUsageError:
        assert "pytest_appstream" not in message  # no internals in the message


def test_the_fake_still_works_after_every_wrong_call() -> None:
    fake = fake_with_state()
    for row in FAKE_ROWS:
        with pytest.raises(row.error):
            row.call(fake)
    fake.advance("b")
    fake.set_state("b", "RUNNING")
    assert fake._handle("StopImageBuilder", {"Name": "b"}, None)[0] == 200
    assert fake.states("b") == ["RUNNING", "STOPPING", "STOPPED", "RUNNING", "STOPPING"]
    assert len(fake.calls) == 3


@pytest.mark.parametrize("row", STUBBER_ROWS, ids=[row.id for row in STUBBER_ROWS])
def test_wrong_stubber_call_is_a_clear_error_and_queues_nothing(
    row: Row, appstream: FakeAppStream, appstream_client: Any
) -> None:
    appstream.add_builder("b")
    appstream_client.stop_image_builder(Name="b")
    before = snapshot(appstream)
    stubber = Stubber(appstream_client, passthrough=True)
    with pytest.raises(row.error) as info:
        row.call(stubber)
    assert re.search(row.says, str(info.value)), str(info.value)
    stubber.assert_no_pending_responses()
    assert snapshot(appstream) == before


def test_a_when_predicate_that_raises_is_a_clear_error_and_changes_nothing() -> None:
    fake = fake_with_state()
    fault = fake.inject("stop_image_builder", "ThrottlingException", when=lambda p: p["Nope"])
    before = snapshot(fake)
    with pytest.raises(
        AppStreamUsageError, match=r"when= predicate .*StopImageBuilder.* raised KeyError: 'Nope'"
    ):
        fake._handle("StopImageBuilder", {"Name": "s"}, None)
    assert snapshot(fake) == before
    assert fault.used == 0


# -- markers ---------------------------------------------------------------------------------------

#: (marker, what the setup error must say): each is one test of an inner run.
# fmt: off
MARKER_ROWS = [
    ("appstream_builder()", r"missing a required argument: 'name'; signature: appstream_builder\(name"),
    ('appstream_builder("a", "b")', r"too many positional arguments; signature: appstream_builder\(name"),
    ("appstream_builder(5)", r"name=5 "),
    ('appstream_builder("bad name")', r"name='bad name' "),
    ('appstream_builder("x", state="NAPPING")', r"state='NAPPING' .*RUNNING"),
    ('appstream_builder("x", instance="s")', r"instance='s' .*instance_type"),
    ('appstream_builder("x", instance_type=5)', r"instance_type.*5"),
    ('appstream_builder("x", vpc_config={"subnet_ids": []})', r"key 'subnet_ids'.*SubnetIds"),
    ('appstream_fault("stop_image_builder")', r"missing a required argument: 'error_code'"),
    ('appstream_fault("stop", "ResourceNotFoundException")', r"operation='stop' "),
    ('appstream_fault("stop_image_builder", "Boom")', r"error_code='Boom' "),
    ('appstream_fault("stop_image_builder", "ThrottlingException", times=0)', r"times=0 "),
    ('appstream_fault("stop_image_builder", "ThrottlingException", name=5)', r"name=5 "),
    ('appstream_fault("stop_image_builder", "ThrottlingException", when=5)', r"when=5 is not callable"),
    ('appstream_fault("stop_image_builder", "ThrottlingException", after=1)', r"unexpected keyword argument 'after'"),
    ('appstream("eu-west-1")', r"keyword arguments only"),
    ("appstream(regoin='x')", r"unknown argument 'regoin'.*region"),
    ("appstream(region=5)", r"region=5 "),
    ("appstream(account_id='1')", r"account_id='1' "),
    ("appstream(transitions='slow')", r"transitions='slow' .*manual"),
    ("appstream(polls=-1)", r"polls=-1 "),
    ("appstream(assert_all_faults_used='yes')", r"assert_all_faults_used='yes' .*True or False"),
    ("appstream_builders_from()", r"missing a required argument: 'path'"),
    ('appstream_builders_from("missing.json")', r"cannot read .*missing.json"),
    ('appstream_builders_from("not_json.json")', r"not_json.json is not valid JSON"),
    ('appstream_builders_from("not_a_list.json")', r"not_a_list.json holds dict; allowed: a list of objects"),
    ('appstream_builders_from("no_name.json")', r"entry 0: 'name' is missing"),
    ('appstream_builders_from("bad_field.json")', r"entry 1: .*instance='s' "),
]
# fmt: on


def test_every_bad_marker_fails_its_test_at_setup_naming_marker_and_argument(
    pytester: pytest.Pytester,
) -> None:
    pytester.makefile(".json", not_json="{", not_a_list=json.dumps({"name": "a"}))
    pytester.makefile(".json", no_name=json.dumps([{"state": "RUNNING"}]))
    pytester.makefile(
        ".json", bad_field=json.dumps([{"name": "a"}, {"name": "b", "instance": "s"}])
    )
    tests = [
        f"@pytest.mark.{marker}\ndef test_{i}(appstream):\n    pass\n"
        for i, (marker, _) in enumerate(MARKER_ROWS)
    ]
    clean = (
        "def test_zz_the_next_test_gets_a_clean_fake(appstream):\n"
        "    assert appstream.builders == {} and appstream.calls == []\n"
        "    assert appstream.faults.unused() == []\n"
    )
    pytester.makepyfile("\n\n".join(["import pytest", *tests, clean]))
    result = pytester.runpytest(
        "-p", "no:randomly", "-p", "no:cacheprovider", "-p", "no:hypothesispytest"
    )
    result.assert_outcomes(errors=len(MARKER_ROWS), passed=1)
    output = result.stdout.str()
    assert "Traceback" not in output and "pytest_appstream/" not in output
    unclear = []
    for i, (marker, says) in enumerate(MARKER_ROWS):
        name = marker.split("(")[0]
        pattern = rf"ERROR at setup of test_{i} _+\n@pytest\.mark\.{name}\(.*\): .*{says}"
        if not re.search(pattern, output):
            unclear.append(f"{marker}: no error matches {pattern!r}")
    assert unclear == [], output


# -- options -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("option", "says"),
    [
        ("--appstream-region=Mars", r"--appstream-region='Mars' "),
        ("--appstream-account-id=123", r"--appstream-account-id='123' .*12 digits"),
        ("--appstream-transitions=slow", r"--appstream-transitions='slow' .*manual"),
        ("--appstream-polls=many", r"--appstream-polls='many' .*int >= 0"),
        ("--appstream-polls=-2", r"--appstream-polls='-2' "),
        (
            "--appstream-assert-all-stubs-used=maybe",
            r"--appstream-assert-all-stubs-used='maybe' .*allowed: true or false",
        ),
        (
            "--appstream-assert-all-faults-used=2",
            r"--appstream-assert-all-faults-used='2' .*allowed: true or false",
        ),
    ],
)
def test_bad_option_is_a_usage_error_naming_it(
    pytester: pytest.Pytester, option: str, says: str
) -> None:
    pytester.makepyfile("def test_x(): pass")
    result = pytester.runpytest("-p", "no:randomly", "-p", "no:hypothesispytest", option)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert re.search(says, result.stderr.str()), result.stderr.str()


SETTINGS_TEST = """
import pytest

@pytest.mark.appstream_fault("stop_image_builder", "ThrottlingException")
def test_settings(appstream, appstream_stubber, appstream_client):
    appstream_stubber.resource_not_found()  # never used: no teardown error either
    assert (appstream.region, appstream.polls, appstream.transitions) == ("eu-west-1", 2, "manual")
"""


@pytest.mark.parametrize(
    "table",
    [
        pytest.param("[tool.pytest.ini_options]", id="ini_options strings"),
        pytest.param(
            "[tool.pytest]",
            id="pytest 9 native TOML types",
            marks=pytest.mark.skipif(
                pytest.version_tuple < (9,), reason="[tool.pytest] is pytest 9's"
            ),
        ),
    ],
)
def test_every_setting_reads_from_pyproject(pytester: pytest.Pytester, table: str) -> None:
    native = table == "[tool.pytest]"
    polls, false = ("2", "false") if native else ('"2"', '"false"')
    pytester.makepyprojecttoml(
        f"""
        {table}
        appstream_region = "eu-west-1"
        appstream_transitions = "manual"
        appstream_polls = {polls}
        appstream_assert_all_stubs_used = {false}
        appstream_assert_all_faults_used = {false}
        """
    )
    pytester.makepyfile(SETTINGS_TEST)
    result = pytester.runpytest("-p", "no:randomly", "-p", "no:hypothesispytest")
    result.assert_outcomes(passed=1)


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ("appstream_polls = many", r"appstream_polls.*allowed: an int >= 0"),
        (
            "appstream_assert_all_stubs_used = maybe",
            r"appstream_assert_all_stubs_used.*allowed: true or false",
        ),
    ],
)
def test_a_bad_ini_value_of_a_typed_setting_is_a_usage_error(
    pytester: pytest.Pytester, line: str, says: str
) -> None:
    pytester.makeini(f"[pytest]\n{line}\n")
    pytester.makepyfile("def test_x(): pass")
    result = pytester.runpytest("-p", "no:randomly", "-p", "no:hypothesispytest")
    assert result.ret == pytest.ExitCode.USAGE_ERROR, result.stdout.str()
    assert re.search(says, result.stderr.str()), result.stderr.str()
    assert "Traceback" not in result.stderr.str() + result.stdout.str()


def test_bad_ini_value_is_a_usage_error_naming_it(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nappstream_transitions = slow\n")
    pytester.makepyfile("def test_x(): pass")
    result = pytester.runpytest("-p", "no:randomly", "-p", "no:hypothesispytest")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert re.search(r"appstream_transitions='slow' .*manual", result.stderr.str())
