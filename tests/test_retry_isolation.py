"""Nothing a test does reaches the next test through botocore's per-client retry memory.

botocore's ``standard`` and ``adaptive`` retry modes keep memory in each client: a retry quota
(every retry takes from it; once it is empty the client stops retrying) and adaptive mode's
client-side rate limiter (once throttled, it waits before each send). The pooled
``appstream_client`` and clients the code creates at import time live through the whole run, so
without care 50 throttling tests leave the next ones with one attempt instead of three. Each
activation of a fake makes that memory as new for every AppStream client, at the client's first
request; within one activation it drains as against AWS.

The unit tests at the end pin each botocore internal this relies on, so they fail the day botocore
changes it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import botocore.session
import pytest
from botocore.client import BaseClient
from botocore.config import Config
from botocore.exceptions import ClientError
from botocore.retries import adaptive, standard
from botocore.retries.bucket import TokenBucket

from pytest_appstream import FakeAppStream
from pytest_appstream import _wire as wire

# -- 200 throttled tests in a row: the last behaves as the first ----------------------------------

TESTS = 200

CONFTEST = """
import os

import boto3
from botocore.config import Config

MODE = os.environ["UNDER_TEST_MODE"]
# Created at import time, before any test, and shared by all of them.
if os.environ["UNDER_TEST_HOW"] == "config":
    MODULE_CLIENT = boto3.client(
        "appstream", region_name="us-east-1", config=Config(retries={"mode": MODE})
    )
else:  # AWS_RETRY_MODE is in the environment
    MODULE_CLIENT = boto3.client("appstream", region_name="us-east-1")
"""

SUITE = """
import os

import pytest
from botocore.exceptions import ClientError

from conftest import MODE, MODULE_CLIENT


def plain(params):
    return "MaxResults" not in params


def endless(params):
    return params.get("MaxResults") == 5


@pytest.mark.parametrize("n", range({tests}))
def test_throttled(appstream, appstream_client, n):
    clients = {{"module-level": MODULE_CLIENT, "pooled": appstream_client}}
    if os.environ["UNDER_TEST_HOW"] == "env":
        assert appstream_client.meta.config.retries["mode"] == MODE
    assert MODULE_CLIENT.meta.config.retries["mode"] == MODE
    calls = 0
    for which, client in clients.items():
        # With "config", the pooled client has botocore's default mode, which depends on its
        # version: legacy (no quota) makes 5 attempts, standard and adaptive 3.
        attempts = 5 if client.meta.config.retries["mode"] == "legacy" else 3
        # Throttled twice, answered at the third attempt.
        appstream.inject("describe_image_builders", "ThrottlingException", times=2, when=plain)
        response = client.describe_image_builders()
        assert response["ResponseMetadata"]["RetryAttempts"] == 2, (which, n)
        # Throttled at every attempt: the client gives up after all of its attempts.
        appstream.inject("describe_image_builders", "ThrottlingException", times=None, when=endless)
        with pytest.raises(ClientError) as info:
            client.describe_image_builders(MaxResults=5)
        assert info.value.response["ResponseMetadata"]["RetryAttempts"] == attempts - 1, (which, n)
        calls += 3 + attempts
    assert len(appstream.calls) == calls
"""


@pytest.mark.parametrize(
    ("mode", "how"),
    [("standard", "env"), ("adaptive", "env"), ("standard", "config"), ("adaptive", "config")],
)
def test_the_200th_throttled_test_retries_like_the_first(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, mode: str, how: str
) -> None:
    """Each inner test drains 15 of 500 quota units per client, and adaptive mode's rate limiter
    is enabled by the first throttle: without renewal, the 34th test would get fewer attempts
    (and a module-level adaptive client would wait seconds before each send)."""
    monkeypatch.setenv("UNDER_TEST_MODE", mode)
    monkeypatch.setenv("UNDER_TEST_HOW", how)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(pytester.path / "no-aws-config"))
    if how == "env":
        monkeypatch.setenv("AWS_RETRY_MODE", mode)
    else:
        monkeypatch.delenv("AWS_RETRY_MODE", raising=False)
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(test_throttled=SUITE.format(tests=TESTS))
    result = pytester.runpytest_subprocess("-q", "-p", "no:randomly", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=TESTS)


# -- the renewal, unit by unit ---------------------------------------------------------------------


def make_client(mode: str, service: str = "appstream") -> BaseClient:
    return botocore.session.get_session().create_client(
        service,
        region_name="us-east-1",
        aws_access_key_id="k",
        aws_secret_access_key="s",
        config=Config(retries={"mode": mode}),
    )


def owners(client: BaseClient, event: str) -> list[Any]:
    """The objects that own the client's handlers of ``event`` (bound methods' ``__self__``)."""
    events: Any = client.meta.events
    handlers = getattr(events, "_emitter", events)._handlers.prefix_search(event)
    found = {id(h.__self__): h.__self__ for h in handlers if hasattr(h, "__self__")}
    return list(found.values())


def quota_of(client: BaseClient, service: str = "appstream") -> Any:
    """The client's ``RetryQuotaChecker`` (its ``after-call`` handler's owner)."""
    found = owners(client, f"after-call.{service}.X")
    [checker] = [o for o in found if isinstance(o, standard.RetryQuotaChecker)]
    return checker


def limiter_of(client: BaseClient, service: str = "appstream") -> Any:
    """The client's adaptive ``ClientRateLimiter`` (its ``before-send`` handler's owner)."""
    found = owners(client, f"before-send.{service}.X")
    [limiter] = [o for o in found if isinstance(o, adaptive.ClientRateLimiter)]
    return limiter


def give_up(client: BaseClient) -> int:
    """One call throttled at every attempt; the number of retries the client made."""
    with pytest.raises(ClientError) as info:
        client.describe_image_builders(MaxResults=5)
    return int(info.value.response["ResponseMetadata"]["RetryAttempts"])


@pytest.fixture
def endless_throttle() -> Iterator[FakeAppStream]:
    fake = FakeAppStream()
    fake.inject("describe_image_builders", "ThrottlingException", times=None)
    with fake:
        yield fake


@pytest.mark.parametrize("mode", ["standard", "adaptive"])
def test_the_quota_drains_within_an_activation_and_is_new_at_the_next(mode: str) -> None:
    client = make_client(mode)  # created before any fake, like a module-level client
    with FakeAppStream() as fake:
        fake.inject("describe_image_builders", "ThrottlingException", times=None)
        retries = [give_up(client) for _ in range(60)]
        # As against AWS: 2 retries a call while the 500 units last (10 a call), then none.
        assert retries == [2] * 50 + [0] * 10
        assert quota_of(client)._quota.available_capacity == 0
    with FakeAppStream() as fake:
        fake.inject("describe_image_builders", "ThrottlingException", times=None)
        assert give_up(client) == 2
        assert quota_of(client)._quota.available_capacity == 490


def test_an_activation_renews_each_client_once_at_its_first_request() -> None:
    client = make_client("standard")
    checker = quota_of(client)
    checker._quota.acquire(500)
    with FakeAppStream():
        assert checker._quota.available_capacity == 0  # renewed lazily, at the first request
        client.describe_image_builders()
        assert quota_of(client) is checker  # renewed in place: the handlers still hold it
        assert checker._quota.available_capacity == 500
        checker._quota.acquire(100)
        client.describe_image_builders()  # not renewed again within the activation
        assert checker._quota.available_capacity == 401


def test_a_with_block_inside_an_active_fake_is_not_a_new_activation() -> None:
    client = make_client("standard")
    with FakeAppStream() as fake:
        client.describe_image_builders()
        quota_of(client)._quota.acquire(100)
        with fake:
            client.describe_image_builders()
        assert quota_of(client)._quota.available_capacity == 401


def test_the_rate_limiter_is_new_at_each_activation_and_never_waits(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    waited: list[TokenBucket] = []
    monkeypatch.setattr(wire, "_original_acquire", lambda bucket, *_: waited.append(bucket))
    client = make_client("adaptive")  # before any fake: its handlers are botocore's own
    limiter = limiter_of(client)
    with FakeAppStream() as fake:
        fake.inject("describe_image_builders", "ThrottlingException", times=None)
        give_up(client)
        assert limiter._enabled  # throttled: from now on botocore would wait before each send
        give_up(client)
        assert waited == []  # ... but not for the fake
        bucket = limiter._token_bucket
    assert limiter._enabled  # outside the fake nothing is touched
    with FakeAppStream():
        client.describe_image_builders()
        assert not limiter._enabled
        assert limiter._token_bucket is not bucket
    assert waited == []


def test_other_services_clients_are_untouched(monkeypatch: pytest.MonkeyPatch) -> None:
    waited: list[TokenBucket] = []
    monkeypatch.setattr(wire, "_original_acquire", lambda bucket, *_: waited.append(bucket))
    other = make_client("adaptive", "sts")
    checker, limiter = quota_of(other, "sts"), limiter_of(other, "sts")
    checker._quota.acquire(100)
    with FakeAppStream():
        make_client("adaptive").describe_image_builders()
        assert checker._quota.available_capacity == 400
        limiter._enabled = True
        limiter.on_sending_request(request=None)  # another service's limiter still waits
    assert waited == [limiter._token_bucket]


# -- the botocore internals this relies on -----------------------------------------------------------


def test_a_clients_handlers_are_found_by_prefix_search() -> None:
    """``HierarchicalEmitter._handlers.prefix_search`` lists what ``_emit`` would call."""
    client = make_client("standard")

    def handler(**_: Any) -> None:
        pass

    client.meta.events.register("after-call.appstream", handler)
    events: Any = client.meta.events
    emitter = getattr(events, "_emitter", events)
    assert handler in list(emitter._handlers.prefix_search("after-call.appstream.X"))


def test_the_quota_checker_after_call_releases_to_is_the_one_retries_take_from() -> None:
    client = make_client("standard")
    checker = quota_of(client)
    found = owners(client, "needs-retry.appstream.X")
    [handler] = [o for o in found if isinstance(o, standard.RetryHandler)]
    assert handler._retry_quota is checker
    assert checker._quota.available_capacity == 500


def test_the_rate_limiter_waits_through_its_token_bucket() -> None:
    limiter = limiter_of(make_client("adaptive"))
    acquired: list[str] = []

    class Bucket:
        def acquire(self, *_: Any) -> None:
            acquired.append("acquire")

    limiter._token_bucket = Bucket()
    limiter.on_sending_request(request=None)
    assert acquired == []  # not enabled before a throttle
    limiter._enabled = True
    limiter.on_sending_request(request=None)
    assert acquired == ["acquire"]


def test_botocores_retry_factories_build_only_known_state() -> None:
    """Every object botocore's retry factories hang on a client is renewed or keeps no state.

    A new kind of per-client retry memory in a future botocore fails here: add it to
    ``wire._RENEWED`` (or, if it keeps no state, to the list below).
    """
    stateless = tuple(
        kind
        for kind in [standard.RetryHandler, getattr(standard, "MaxAttemptsSeeder", None)]
        if kind is not None
    )  # aiobotocore's subclasses of these keep no state either

    def known(kind: type) -> bool:
        return issubclass(kind, stateless) or kind in wire._RENEWED

    fresh = wire._fresh_retry_memory()
    assert set(wire._RENEWED) <= set(fresh)
    assert all(known(kind) for kind in fresh), set(fresh)
    for mode in ["standard", "adaptive", "legacy"]:
        client = make_client(mode)
        found = {
            type(o)
            for stage in ["before-send", "needs-retry", "after-call", "request-created"]
            for o in owners(client, f"{stage}.appstream.DescribeImageBuilders")
            if type(o).__module__.startswith("botocore.retr")
        }
        assert all(known(kind) for kind in found), (mode, found)
    for kind in wire._RENEWED:
        assert "__slots__" not in vars(kind)  # its state is in vars(), which renewal replaces


def test_fresh_retry_memory_is_what_a_new_client_has() -> None:
    fresh = wire._fresh_retry_memory()
    client = make_client("adaptive")
    capacity = fresh[standard.RetryQuotaChecker]._quota.available_capacity
    assert capacity == quota_of(client)._quota.available_capacity == 500
    new, real = fresh[adaptive.ClientRateLimiter], limiter_of(client)
    assert sorted(vars(new)) == sorted(vars(real))
    assert new._enabled == real._enabled
    assert new._token_bucket.max_rate == real._token_bucket.max_rate
