"""Teardown always cleans up: whatever a test or a fixture does, nothing of the fake is left.

Each scenario is a real inner pytest run in this process (so that the process's botocore classes
and environment are what the inner run left), followed by three checks: botocore's patched
attributes are botocore's own again, a real AppStream call tries the network, and the fake
credentials are gone from the environment.
"""

from __future__ import annotations

import os
import socket

import botocore.exceptions
import botocore.session
import pytest
from botocore.config import Config
from botocore.endpoint import Endpoint
from botocore.hooks import HierarchicalEmitter
from botocore.signers import RequestSigner

from pytest_appstream import _wire as wire
from pytest_appstream._settings import FAKE_CREDENTIALS
from pytest_appstream.fake import FakeAppStream

#: The botocore attributes pytest_appstream._wire patches, and where botocore defines them.
BOTOCORE_OWN = [
    (HierarchicalEmitter, "emit", "botocore.hooks"),
    (Endpoint, "_send", "botocore.endpoint"),
    (Endpoint, "_needs_retry", "botocore.endpoint"),
    (RequestSigner, "sign", "botocore.signers"),
]

#: Inner runs load no plugin they do not need (hypothesis's imports cost ~1 s per in-process run).
QUIET = ("-p", "no:randomly", "-p", "no:cacheprovider", "-p", "no:hypothesispytest")

#: What the environment holds before each scenario; the fake must leave exactly this.
BEFORE = {"AWS_DEFAULT_REGION": "eu-north-1", "AWS_ACCESS_KEY_ID": None}

FIXTURES = """
import os
import socket
import botocore.session
import pytest
from botocore.config import Config

def offline_client():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return botocore.session.get_session().create_client(
        "appstream", region_name="us-east-1", endpoint_url=f"http://127.0.0.1:{port}",
        aws_access_key_id="k", aws_secret_access_key="s",
        config=Config(retries={"total_max_attempts": 1}, connect_timeout=1),
    )

@pytest.fixture
def setup_raises(appstream):
    appstream.add_builder("b")
    raise RuntimeError("boom in setup")

@pytest.fixture
def teardown_raises(appstream):
    yield appstream
    raise RuntimeError("boom in teardown")

@pytest.fixture
def setup_interrupted(appstream):
    raise KeyboardInterrupt

@pytest.fixture
def teardown_interrupted(appstream):
    yield appstream
    raise KeyboardInterrupt

@pytest.fixture
def setup_fails(appstream):
    pytest.fail("failed in setup")
"""

#: name -> (inner test module, expected outcomes, interrupted)
SCENARIOS: dict[str, tuple[str, dict[str, int], bool]] = {
    "test fails": (
        """
        def test_it(appstream, appstream_client):
            appstream.add_builder("b")
            appstream_client.stop_image_builder(Name="b")
            assert False
        """,
        {"failed": 1},
        False,
    ),
    "uncaught service error": (
        """
        def test_it(appstream_client):
            appstream_client.stop_image_builder(Name="ghost")
        """,
        {"failed": 1},
        False,
    ),
    "SystemExit in the test": (
        """
        import sys
        def test_it(appstream):
            sys.exit(3)
        """,
        {"failed": 1},
        False,
    ),
    "user fixture setup raises": (
        """
        def test_it(setup_raises):
            pass
        """,
        {"errors": 1},
        False,
    ),
    "user fixture setup calls pytest.fail": (
        """
        def test_it(setup_fails):
            pass
        """,
        {"errors": 1},
        False,
    ),
    "user fixture teardown raises": (
        """
        def test_it(teardown_raises, appstream_client):
            appstream_client.describe_image_builders()
        """,
        {"passed": 1, "errors": 1},
        False,
    ),
    "plugin teardown fails (unused fault)": (
        """
        def test_it(appstream):
            appstream.resource_not_found()
        """,
        {"passed": 1, "errors": 1},
        False,
    ),
    "bad marker at setup": (
        """
        import pytest
        @pytest.mark.appstream_builder("ok")
        @pytest.mark.appstream_builder("bad", state="NAPPING")
        def test_it(appstream):
            pass
        """,
        {"errors": 1},
        False,
    ),
    "skip and xfail after activation": (
        """
        import pytest
        def test_skip(appstream):
            pytest.skip("later")
        @pytest.mark.xfail(strict=True)
        def test_xfail(appstream):
            assert False
        """,
        {"skipped": 1, "xfailed": 1},
        False,
    ),
    "with-block and activate() inside the fixture's test": (
        """
        from pytest_appstream import _wire as wire
        def test_it(appstream):
            with appstream:
                appstream.activate()
            assert wire.is_attached()  # still answered after the block
        """,
        {"passed": 1},
        False,
    ),
    "monkeypatch of AWS variables, monkeypatch first": (
        """
        def test_it(monkeypatch, appstream):
            monkeypatch.setenv("AWS_ACCESS_KEY_ID", "user-value")
            monkeypatch.delenv("AWS_DEFAULT_REGION")
        """,
        {"passed": 1},
        False,
    ),
    "monkeypatch of AWS variables, appstream first": (
        """
        def test_it(appstream, monkeypatch):
            monkeypatch.setenv("AWS_ACCESS_KEY_ID", "user-value")
            monkeypatch.delenv("AWS_DEFAULT_REGION")
        """,
        {"passed": 1},
        False,
    ),
    "KeyboardInterrupt in the test": (
        """
        def test_it(appstream):
            raise KeyboardInterrupt
        """,
        {},
        True,
    ),
    "KeyboardInterrupt in user fixture setup": (
        """
        def test_it(setup_interrupted):
            pass
        """,
        {},
        True,
    ),
    "KeyboardInterrupt in user fixture teardown": (
        """
        def test_it(teardown_interrupted):
            pass
        """,
        {"passed": 1},
        True,
    ),
}


def closed_port() -> int:
    """A port on 127.0.0.1 nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def offline_client() -> object:
    return botocore.session.get_session().create_client(
        "appstream",
        region_name="us-east-1",
        endpoint_url=f"http://127.0.0.1:{closed_port()}",
        aws_access_key_id="real-looking",
        aws_secret_access_key="real-looking",
        config=Config(retries={"total_max_attempts": 1}, connect_timeout=1),
    )


def assert_clean() -> None:
    """Nothing of any fake is left in this process."""
    __tracebackhide__ = True
    for cls, name, module in BOTOCORE_OWN:
        attribute = getattr(cls, name)
        assert attribute.__module__ == module, f"{cls.__name__}.{name} is still {attribute}"
    assert not wire.is_attached()
    assert wire._backend is None
    with pytest.raises(botocore.exceptions.EndpointConnectionError):
        offline_client().describe_image_builders()  # type: ignore[attr-defined]
    for key, value in BEFORE.items():
        assert os.environ.get(key) == value, f"{key}={os.environ.get(key)!r}, expected {value!r}"
    for key, value in FAKE_CREDENTIALS.items():
        assert os.environ.get(key) != value, f"fake credential {key} left in the environment"


@pytest.fixture
def known_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in FAKE_CREDENTIALS:
        monkeypatch.delenv(key, raising=False)
    for key, value in BEFORE.items():
        if value is None:
            monkeypatch.delenv(key, raising=False)
        else:
            monkeypatch.setenv(key, value)
    assert_clean()


@pytest.mark.usefixtures("known_environment")
@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_nothing_is_left_after(pytester: pytest.Pytester, scenario: str) -> None:
    source, outcomes, interrupted = SCENARIOS[scenario]
    pytester.makeconftest(FIXTURES)
    pytester.makepyfile(source)
    result = pytester.runpytest(*QUIET, no_reraise_ctrlc=True)
    if interrupted:
        assert result.ret == pytest.ExitCode.INTERRUPTED
        result.stdout.fnmatch_lines(["*KeyboardInterrupt*"])
    if outcomes or not interrupted:
        result.assert_outcomes(**outcomes)
    assert_clean()


@pytest.mark.usefixtures("known_environment")
def test_a_later_test_in_the_same_run_reaches_the_network(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(FIXTURES)
    pytester.makepyfile(
        f"""
        import os
        import botocore.exceptions
        import pytest
        from conftest import offline_client

        def test_fails(appstream, appstream_client):
            appstream.add_builder("b")
            assert offline_client().describe_image_builders()["ImageBuilders"]
            assert os.environ["AWS_ACCESS_KEY_ID"] == "testing"
            assert False

        def test_errors(teardown_raises):
            pass

        def test_later():
            with pytest.raises(botocore.exceptions.EndpointConnectionError):
                offline_client().describe_image_builders()
            assert os.environ.get("AWS_ACCESS_KEY_ID") is None
            assert os.environ["AWS_DEFAULT_REGION"] == {BEFORE["AWS_DEFAULT_REGION"]!r}
        """
    )
    result = pytester.runpytest(*QUIET)
    result.assert_outcomes(passed=2, failed=1, errors=1)
    assert_clean()


def test_activation_that_fails_changes_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_ACCESS_KEY_ID", raising=False)
    with FakeAppStream() as first:
        second = FakeAppStream(region="eu-west-1")
        with pytest.raises(RuntimeError, match="another FakeAppStream is already active"):
            second.activate()
        assert not second.active
        assert os.environ["AWS_DEFAULT_REGION"] == "us-east-1"  # the first fake's
        assert wire._backend is first
    assert "AWS_ACCESS_KEY_ID" not in os.environ
    assert not wire.is_attached()


def test_deactivate_is_idempotent_and_safe_on_an_inactive_fake(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "ap-south-1")
    fake = FakeAppStream()
    fake.deactivate()
    fake.activate()
    fake.activate()
    assert os.environ["AWS_DEFAULT_REGION"] == "us-east-1"
    fake.deactivate()
    fake.deactivate()
    assert os.environ["AWS_DEFAULT_REGION"] == "ap-south-1"
    assert not fake.active
    assert not wire.is_attached()
