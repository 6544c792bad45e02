"""aiobotocore's (and so aioboto3's) AppStream clients, answered in-process by the same fake.

aiobotocore subclasses botocore's emitter, endpoint, signer and retry classes with ``async``
methods, so :mod:`~pytest_appstream._wire`'s patches do not reach its clients. This module holds
their async twins, which ``wire`` installs and removes with its own; without aiobotocore it has
none. The answer itself is ``wire``'s: :func:`wire.answer` writes the AWS JSON 1.1 response,
aiobotocore's own parser reads it. What each twin adds:

- ``AioHierarchicalEmitter.emit``: the fake answers AppStream's ``before-send`` first;
- ``AioEndpoint._needs_retry``: the retry handler decides, the delay is not slept;
- ``AioEndpoint._send`` and ``AioRequestSigner.sign``: unsigned requests, ``--appstream-block-real``;
- ``AsyncTokenBucket.acquire``: adaptive mode's rate limit does not wait;
- ``AIOWaiter.wait``: an AppStream waiter's pauses move the fake's clock (``asyncio.sleep`` of
  ``aiobotocore.waiter`` is the fake's while one waits).

Example (inside a test using the ``appstream`` fixture)::

    async with aiobotocore.session.get_session().create_client("appstream") as client:
        builders = (await client.describe_image_builders())["ImageBuilders"]
"""

from __future__ import annotations

import asyncio
import importlib
from typing import Any

from . import _wire as wire


def _load(module: str, name: str) -> Any:
    return getattr(importlib.import_module(module), name)


#: Why this aiobotocore cannot be served ("" when it can); wire refuses its clients then.
UNSUPPORTED = ""
PATCHES: tuple[tuple[Any, str, Any, Any], ...] = ()
RETRY_FACTORIES: list[Any] = []
RENEWED: tuple[type, ...] = ()

try:
    aiobotocore: Any = importlib.import_module("aiobotocore")
except ImportError:
    aiobotocore = None
    UNSUPPORTED = "aiobotocore is not installed"

try:
    _AioAWSResponse: Any = _load("aiobotocore.awsrequest", "AioAWSResponse")
    _AioEndpoint: Any = _load("aiobotocore.endpoint", "AioEndpoint")
    _AioEmitter: Any = _load("aiobotocore.hooks", "AioHierarchicalEmitter")
    _AioSigner: Any = _load("aiobotocore.signers", "AioRequestSigner")
    _AsyncTokenBucket: Any = _load("aiobotocore.retries.bucket", "AsyncTokenBucket")
    _aio_standard: Any = importlib.import_module("aiobotocore.retries.standard")
    _aio_adaptive: Any = importlib.import_module("aiobotocore.retries.adaptive")
    _AsyncClientRateLimiter: Any = _aio_adaptive.AsyncClientRateLimiter
    _original_needs_retry: Any = _AioEndpoint._needs_retry
    _original_send: Any = _AioEndpoint._send
    _original_sign: Any = _AioSigner.sign
    _original_acquire: Any = _AsyncTokenBucket.acquire
    _aio_waiter: Any = importlib.import_module("aiobotocore.waiter")
    _AIOWaiter: Any = _aio_waiter.AIOWaiter
    _original_wait: Any = _AIOWaiter.wait
except (ImportError, AttributeError) as error:  # an aiobotocore whose internals moved
    UNSUPPORTED = (
        f"aiobotocore {getattr(aiobotocore, '__version__', '?')} is not supported ({error})"
    )


class _Body:
    """The ``raw`` of an ``AioAWSResponse`` holding a complete body (aiobotocore awaits ``read``)."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    async def read(self) -> bytes:
        return self._data


def respond(request: Any, **_: object) -> Any:
    """The ``before-send`` answer of the attached fake, as aiobotocore's response (or None)."""
    answered = wire._answer_request(request)
    if answered is None:
        return None
    status, headers, data = answered
    return _AioAWSResponse(request.url, status, headers, _Body(data))


def _emit(self: Any, event_name: str, **kwargs: Any) -> Any:
    """aiobotocore's emit (a coroutine), with :func:`respond` first in AppStream's before-send."""
    if wire._backend is None or not event_name.startswith(wire._BEFORE_SEND):
        return self._emit(event_name, kwargs)
    return _before_send(self, event_name, kwargs)


async def _before_send(emitter: Any, event_name: str, kwargs: dict[str, Any]) -> Any:
    wire._renew_for_activation(emitter, event_name)
    first = respond(**kwargs)
    return [(respond, first), *await emitter._emit(event_name, kwargs)]


async def _needs_retry(
    self: Any,
    attempts: int,
    operation_model: Any,
    request_dict: dict[str, Any],
    response: Any = None,
    caught_exception: Exception | None = None,
) -> bool:
    """aiobotocore's retry decision, asked of the client's own retry handler, minus the sleep."""
    if wire._backend is None or self._endpoint_prefix != wire.ENDPOINT_PREFIX:
        return bool(
            await _original_needs_retry(
                self, attempts, operation_model, request_dict, response, caught_exception
            )
        )
    responses = await self._event_emitter.emit(
        wire._needs_retry_event(operation_model),
        response=response,
        endpoint=self,
        operation=operation_model,
        attempts=attempts,
        caught_exception=caught_exception,
        request_dict=request_dict,
    )
    return wire._retries(responses)


async def _send(self: Any, request: Any) -> Any:
    wire._refuse_real_send(self, request)
    return await _original_send(self, request)


async def _sign(
    self: Any,
    operation_name: str,
    request: Any,
    region_name: str | None = None,
    signing_type: str = "standard",
    expires_in: int | None = None,
    signing_name: str | None = None,
) -> None:
    wire._refuse_real_sign(self, operation_name, region_name)
    if not wire._answers_unsigned(self, signing_type):
        return await _original_sign(  # type: ignore[no-any-return]
            self, operation_name, request, region_name, signing_type, expires_in, signing_name
        )
    wire._write_unsigned(self, request, region_name)
    return None


async def _acquire(self: Any, amount: int = 1, block: bool = True) -> bool:
    """Adaptive mode's client-side rate limit, minus the wait, for AppStream clients' buckets."""
    if wire._backend is not None and self in wire._quiet_buckets:
        return True
    return bool(await _original_acquire(self, amount, block))


async def _wait(self: Any, **kwargs: Any) -> Any:
    """aiobotocore's ``AIOWaiter.wait``; an AppStream waiter's pauses move the fake's clock."""
    backend = wire._backend
    if backend is None or not wire.is_appstream_client(wire.waiter_client(self)):
        return await _original_wait(self, **kwargs)
    token = wire.waiting_on.set(backend)
    try:
        return await _original_wait(self, **kwargs)
    finally:
        wire.waiting_on.reset(token)


class _WaiterAsyncio:
    """``asyncio`` as aiobotocore's waiter module sees it: ``sleep`` of an AppStream waiter moves
    the fake's clock and only yields to the event loop."""

    def __getattr__(self, name: str) -> Any:
        return getattr(asyncio, name)

    @staticmethod
    async def sleep(seconds: float) -> None:
        backend = wire.waiting_on.get()
        if backend is None:
            await asyncio.sleep(seconds)
        else:
            backend.clock.sleep(seconds)
            await asyncio.sleep(0)


if not UNSUPPORTED:
    PATCHES = (
        (_AIOWaiter, "wait", _original_wait, _wait),
        (_aio_waiter, "asyncio", asyncio, _WaiterAsyncio()),
        (_AioEmitter, "emit", wire._original_emit, _emit),
        (_AioEndpoint, "_needs_retry", _original_needs_retry, _needs_retry),
        (_AioEndpoint, "_send", _original_send, _send),
        (_AioSigner, "sign", _original_sign, _sign),
        (_AsyncTokenBucket, "acquire", _original_acquire, _acquire),
    )
    RETRY_FACTORIES = [_aio_standard.register_retry_handler, _aio_adaptive.register_retry_handler]
    RENEWED = (_AsyncClientRateLimiter,)
