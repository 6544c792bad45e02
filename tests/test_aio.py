"""Async clients: aiobotocore's and aioboto3's AppStream clients are answered by the same fake.

aiobotocore pins botocore to a narrow range, so it is not in the main test environment: these
tests skip there, saying why, and run in ``nox -s aio`` (CI), which sets
``PYTEST_APPSTREAM_REQUIRE_AIO=1`` so that a skip fails instead. Each test drives its coroutine
with ``asyncio.run`` (no async test plugin needed).
"""

from __future__ import annotations

import asyncio
import importlib.util
import os
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from pytest_appstream import FakeAppStream
from pytest_appstream import _wire as wire
from pytest_appstream._model import error_status

if importlib.util.find_spec("aiobotocore") is None:
    if os.environ.get("PYTEST_APPSTREAM_REQUIRE_AIO") == "1":
        raise RuntimeError("PYTEST_APPSTREAM_REQUIRE_AIO=1 but aiobotocore is not importable")
    pytest.skip(
        "aiobotocore is not installed (it pins botocore to a narrow range); run: nox -s aio",
        allow_module_level=True,
    )

from aiobotocore.session import get_session

T = TypeVar("T")


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coroutine)


def client(**config: Any) -> Any:
    """An aiobotocore AppStream client (an async context manager)."""
    return get_session().create_client(
        "appstream", region_name="us-east-1", config=Config(**config) if config else None
    )


@pytest.fixture
def slept(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Every ``asyncio.sleep`` with a delay (there must be none while the fake answers)."""
    waits: list[float] = []
    original: Callable[..., Awaitable[Any]] = asyncio.sleep

    async def recording(delay: float, *args: Any, **kwargs: Any) -> Any:
        if delay:
            waits.append(delay)
        return await original(0, *args, **kwargs)

    monkeypatch.setattr(asyncio, "sleep", recording)
    return waits


def test_an_async_client_is_answered_by_the_fake(appstream: FakeAppStream) -> None:
    appstream.add_builder("nightly")

    async def scenario() -> tuple[list[str], str]:
        async with client() as c:
            builders = (await c.describe_image_builders())["ImageBuilders"]
            stopped = await c.stop_image_builder(Name="nightly")
        return [b["Name"] for b in builders], stopped["ImageBuilder"]["State"]

    assert run(scenario()) == (["nightly"], "STOPPING")
    assert [call.operation for call in appstream.calls] == [
        "DescribeImageBuilders",
        "StopImageBuilder",
    ]
    appstream.assert_transitions("nightly", ["RUNNING", "STOPPING"])


def test_modeled_errors_are_the_clients_exception_classes(appstream: FakeAppStream) -> None:
    async def scenario() -> ClientError:
        async with client() as c:
            with pytest.raises(c.exceptions.ResourceNotFoundException) as info:
                await c.stop_image_builder(Name="missing")
        return info.value

    error = run(scenario())
    assert error.response["Error"]["Code"] == "ResourceNotFoundException"
    assert error.response["ResponseMetadata"]["HTTPStatusCode"] == error_status(
        "ResourceNotFoundException"
    )
    assert appstream.calls[0].error_code == "ResourceNotFoundException"


def test_paginators_page_through_the_fake(appstream: FakeAppStream) -> None:
    for name in ["a", "b", "c"]:
        appstream.add_builder(name)

    async def scenario() -> list[list[str]]:
        async with client() as c:
            paginator = c.get_paginator("describe_image_builders")
            pages = paginator.paginate(PaginationConfig={"PageSize": 2})
            return [[b["Name"] for b in page["ImageBuilders"]] async for page in pages]

    assert run(scenario()) == [["a", "b"], ["c"]]


@pytest.mark.parametrize("mode", ["standard", "adaptive"])
def test_retries_are_botocores_and_never_sleep(
    appstream: FakeAppStream, slept: list[float], monkeypatch: pytest.MonkeyPatch, mode: str
) -> None:
    from pytest_appstream import _aio

    waited: list[object] = []

    async def recording(bucket: object, *_: Any) -> bool:
        waited.append(bucket)
        return True

    monkeypatch.setattr(_aio, "_original_acquire", recording)

    async def scenario() -> list[int]:
        async with client(retries={"mode": mode}) as c:
            appstream.inject(
                "describe_image_builders", "ThrottlingException", times=2, when=lambda p: not p
            )
            answered = await c.describe_image_builders()
            appstream.inject(
                "describe_image_builders", "ThrottlingException", times=None, when=lambda p: p
            )
            with pytest.raises(ClientError) as info:
                await c.describe_image_builders(MaxResults=5)
            # Adaptive mode now limits this client's rate: its next send would wait.
            again = await c.describe_image_builders()
            return [
                answered["ResponseMetadata"]["RetryAttempts"],
                info.value.response["ResponseMetadata"]["RetryAttempts"],
                again["ResponseMetadata"]["RetryAttempts"],
            ]

    assert run(scenario()) == [2, 2, 0]
    assert len(appstream.calls) == 7
    assert slept == []
    assert waited == []


def test_an_async_clients_retry_memory_is_new_at_each_activation() -> None:
    async def give_up(c: Any) -> int:
        with pytest.raises(ClientError) as info:
            await c.describe_image_builders()
        return int(info.value.response["ResponseMetadata"]["RetryAttempts"])

    async def scenario() -> tuple[list[int], int]:
        async with client(retries={"mode": "adaptive"}) as c:
            with FakeAppStream() as fake:
                fake.inject("describe_image_builders", "ThrottlingException", times=None)
                drained = [await give_up(c) for _ in range(55)]
            with FakeAppStream() as fake:
                fake.inject("describe_image_builders", "ThrottlingException", times=None)
                return drained, await give_up(c)

    drained, next_activation = run(scenario())
    assert drained == [2] * 50 + [0] * 5  # the quota drains within an activation, as on AWS
    assert next_activation == 2


def test_no_credentials_are_needed(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")

    async def scenario() -> list[Any]:
        async with client() as c:  # created with no credentials anywhere
            with FakeAppStream():  # which puts back, on deactivation, the environment it found
                del os.environ["AWS_ACCESS_KEY_ID"]  # not even the fake's credentials
                del os.environ["AWS_SECRET_ACCESS_KEY"]
                return list((await c.describe_image_builders())["ImageBuilders"])

    assert run(scenario()) == []


def test_block_real_raises_the_plugins_error_before_anything_is_sent() -> None:
    async def scenario() -> str:
        async with client() as c:
            with pytest.raises(wire.RealCallBlockedError) as info:
                await c.describe_image_builders()
        return str(info.value)

    previous = wire.block_real(True)
    try:
        message = run(scenario())
    finally:
        wire.block_real(previous)
    assert "DescribeImageBuilders in us-east-1" in message
    assert "--appstream-block-real" in message


def test_an_async_emitter_that_cannot_be_served_is_refused_before_the_fake_acts(
    appstream: FakeAppStream, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If aiobotocore's emitter were not adapted (its internals moved), the call fails up front."""
    from aiobotocore.hooks import AioHierarchicalEmitter

    monkeypatch.setattr(AioHierarchicalEmitter, "emit", wire._emit)
    appstream.add_builder("nightly")

    async def scenario() -> str:
        async with client() as c:
            with pytest.raises(RuntimeError) as info:
                await c.stop_image_builder(Name="nightly")
        return str(info.value)

    assert "cannot answer this async AppStream client" in run(scenario())
    assert appstream.calls == []
    appstream.assert_state("nightly", "RUNNING")


def test_aioboto3_clients_are_answered(appstream: FakeAppStream) -> None:
    if os.environ.get("PYTEST_APPSTREAM_REQUIRE_AIO") == "1":
        import aioboto3
    else:
        aioboto3 = pytest.importorskip("aioboto3", reason="aioboto3 is not installed")
    appstream.add_builder("nightly")

    async def scenario() -> list[str]:
        async with aioboto3.Session().client("appstream") as c:
            return [b["Name"] for b in (await c.describe_image_builders())["ImageBuilders"]]

    assert run(scenario()) == ["nightly"]


def test_the_patches_are_aiobotocores_own_again_after_the_fake() -> None:
    from pytest_appstream import _aio

    assert not _aio.UNSUPPORTED
    with FakeAppStream():
        assert all(getattr(cls, name) is ours for cls, name, _, ours in _aio.PATCHES)
    assert all(getattr(cls, name) is original for cls, name, original, _ in _aio.PATCHES)


USERS_SUITE = """
import asyncio

import pytest
from aiobotocore.session import get_session

SESSION = get_session()  # module level, created before any test


async def builder_states():
    async with SESSION.create_client("appstream", region_name="us-east-1") as client:
        pages = client.get_paginator("describe_image_builders").paginate()
        return {b["Name"]: b["State"] async for page in pages for b in page["ImageBuilders"]}


@pytest.mark.appstream_builder("dev-alice")
@pytest.mark.appstream_builder("dev-bob", state="STOPPED")
def test_states(appstream):
    assert asyncio.run(builder_states()) == {"dev-alice": "RUNNING", "dev-bob": "STOPPED"}


@pytest.mark.appstream_fault("describe_image_builders", "ThrottlingException", times=2)
def test_throttled(appstream):
    assert asyncio.run(builder_states()) == {}
    assert [c.error_code for c in appstream.calls] == ["ThrottlingException"] * 2 + [None]


def test_outside_the_fake_is_blocked():
    from pytest_appstream._wire import RealCallBlockedError

    with pytest.raises(RealCallBlockedError):
        asyncio.run(builder_states())
"""


def test_a_users_async_code_under_the_plugin(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_users=USERS_SUITE)
    result = pytester.runpytest_subprocess(
        "-q", "-p", "no:randomly", "-p", "no:cacheprovider", "--appstream-block-real"
    )
    result.assert_outcomes(passed=3)


def test_each_patched_aiobotocore_method_still_takes_what_ours_takes() -> None:
    """An aiobotocore release that changes a patched method's parameters fails here first."""
    import inspect

    from pytest_appstream import _aio

    for cls, name, original, ours in _aio.PATCHES:
        if inspect.ismodule(original):  # a module a waiter sleeps through: tested by its use
            continue
        if name != "emit":  # botocore's own emit, inherited; tests/test_wire.py pins it
            assert inspect.iscoroutinefunction(original), (cls, name)
        assert list(inspect.signature(original).parameters) == list(
            inspect.signature(ours).parameters
        ), (cls, name)


@pytest.mark.appstream(transitions="polled", polls=2, now="2026-01-01T00:00:00Z")
@pytest.mark.appstream_builder("b", state="PENDING")
def test_an_async_waiter_pauses_on_the_fakes_clock(
    appstream: FakeAppStream, slept: list[float]
) -> None:
    from aiobotocore.waiter import create_waiter_with_client

    from tests.test_waiters import BUILDER_RUNNING

    async def scenario() -> None:
        async with client() as c:
            waiter = create_waiter_with_client("BuilderRunning", BUILDER_RUNNING, c)
            await waiter.wait(Names=["b"])

    run(scenario())
    assert slept == []
    assert appstream.clock.now().isoformat() == "2026-01-01T00:01:00+00:00"  # 2 pauses of 30 s
    appstream.assert_transitions("b", ["PENDING", "RUNNING"])
