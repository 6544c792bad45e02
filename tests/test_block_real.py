"""The safety net: ``--appstream-block-real`` / ini ``appstream_block_real = true``.

With it, an AppStream call outside the fake raises :class:`~pytest_appstream._wire.RealCallBlockedError`
instead of reaching AWS; other services still reach the network; calls inside a test with the fixture
are answered. Every client points at a closed port on 127.0.0.1, so "reaching AWS" shows as
``EndpointConnectionError`` and nothing ever leaves the machine.
"""

from __future__ import annotations

import pytest

from pytest_appstream import _wire as wire

QUIET = ("-p", "no:randomly", "-p", "no:cacheprovider", "-p", "no:hypothesispytest")

SUITE = """
import os
import socket

import botocore
import botocore.exceptions
import botocore.session
import pytest
from botocore.config import Config

from pytest_appstream import FakeAppStream
from pytest_appstream._wire import RealCallBlockedError

BLOCKED = os.environ["EXPECT_BLOCKED"] == "1"
SESSION = botocore.session.get_session()


def closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def client(service, **config):
    return SESSION.create_client(
        service, region_name="us-east-1", endpoint_url=f"http://127.0.0.1:{closed_port()}",
        aws_access_key_id="k", aws_secret_access_key="s",
        config=Config(retries={"total_max_attempts": 1}, connect_timeout=1, **config),
    )


# Created at import time, before the run's first test.
MODULE_LEVEL = client("appstream")


def outside(call, unblocked=botocore.exceptions.EndpointConnectionError):
    if BLOCKED:
        with pytest.raises(RealCallBlockedError, match="--appstream-block-real") as info:
            call()
        return str(info.value)
    with pytest.raises(unblocked):
        call()
    return None


def test_appstream_outside_the_fake():
    message = outside(lambda: client("appstream").describe_image_builders())
    assert message is None or "DescribeImageBuilders" in message
    outside(lambda: MODULE_LEVEL.stop_image_builder(Name="b"))


def test_unsigned_appstream_client_outside_the_fake():
    outside(lambda: client("appstream", signature_version=botocore.UNSIGNED).describe_image_builders())


def test_client_without_credentials_outside_the_fake():
    # The machine has no credentials (see the outer test): blocked before signing all the same.
    bare = SESSION.create_client(
        "appstream", region_name="us-east-1", endpoint_url=f"http://127.0.0.1:{closed_port()}"
    )
    outside(lambda: bare.describe_image_builders(), botocore.exceptions.NoCredentialsError)


def test_other_services_are_never_blocked():
    with pytest.raises(botocore.exceptions.EndpointConnectionError):
        client("s3").list_buckets()
    with pytest.raises(botocore.exceptions.EndpointConnectionError):
        client("sts").get_caller_identity()


@pytest.mark.appstream_builder("b")
def test_inside_a_test_with_the_fixture_calls_are_answered(appstream, appstream_client):
    assert MODULE_LEVEL.describe_image_builders()["ImageBuilders"][0]["Name"] == "b"
    assert appstream_client.stop_image_builder(Name="b")["ImageBuilder"]["State"] == "STOPPING"
    assert client("appstream").describe_image_builders()["ImageBuilders"][0]["State"] == "STOPPING"
    assert len(appstream.calls) == 3


def test_inside_a_fake_used_as_a_context_manager():
    with FakeAppStream() as fake:
        fake.add_builder("c")
        assert MODULE_LEVEL.describe_image_builders()["ImageBuilders"][0]["Name"] == "c"
    outside(lambda: MODULE_LEVEL.describe_image_builders())


def test_and_after_it_outside_again():
    outside(lambda: MODULE_LEVEL.describe_image_builders())
"""

PASSED = 7


def no_credentials_on_the_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent/config")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


def assert_outer_process_untouched() -> None:
    __tracebackhide__ = True
    assert not wire.is_blocking_real()
    assert not wire.is_attached()
    assert not wire._patched()


@pytest.mark.parametrize(
    ("how", "args", "ini", "blocked"),
    [
        ("off", (), None, False),
        ("command line", ("--appstream-block-real",), None, True),
        ("ini", (), "appstream_block_real = true", True),
        (
            "ini false, command line on",
            ("--appstream-block-real",),
            "appstream_block_real = false",
            True,
        ),
    ],
)
def test_block_real(
    pytester: pytest.Pytester,
    monkeypatch: pytest.MonkeyPatch,
    how: str,
    args: tuple[str, ...],
    ini: str | None,
    blocked: bool,
) -> None:
    monkeypatch.setenv("EXPECT_BLOCKED", "1" if blocked else "0")
    no_credentials_on_the_machine(monkeypatch)
    if ini:
        pytester.makeini(f"[pytest]\n{ini}\n")
    pytester.makepyfile(SUITE)
    result = pytester.runpytest(*QUIET, *args)
    result.assert_outcomes(passed=PASSED)
    assert_outer_process_untouched()


def test_block_real_under_xdist_workers(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EXPECT_BLOCKED", "1")
    no_credentials_on_the_machine(monkeypatch)
    pytester.makeini("[pytest]\nappstream_block_real = true\n")
    pytester.makepyfile(SUITE)
    result = pytester.runpytest_subprocess(*QUIET, "-n", "2")
    result.assert_outcomes(passed=PASSED)


def test_an_inner_run_restores_the_outer_setting(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EXPECT_BLOCKED", "1")
    no_credentials_on_the_machine(monkeypatch)
    pytester.makepyfile(SUITE)
    assert wire.block_real(True) is False
    try:
        pytester.runpytest(*QUIET, "--appstream-block-real").assert_outcomes(passed=PASSED)
        assert wire.is_blocking_real()
    finally:
        assert wire.block_real(False) is True
    assert_outer_process_untouched()


def test_the_option_and_ini_are_documented(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--help")
    result.stdout.fnmatch_lines(
        [
            "*--appstream-block-real",
            "*make any AppStream call outside the fake fail*",
            "*appstream_block_real (bool):",
            "*same as --appstream-block-real",
        ]
    )
