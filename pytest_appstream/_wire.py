"""AWS JSON 1.1 in and out, and the botocore hook that routes AppStream requests to the fake.

While a backend is attached (:func:`attach`), every AppStream request of every botocore client in
the process (created before or after) is answered by it at botocore's send step, as if the first
``before-send`` handler of every AppStream client (the others, moto's among them, still run but
come second): botocore serializes the request, :func:`answer` reads the JSON 1.1 body and writes
the JSON response or ``__type`` error, and botocore's own parser, retry handler and hooks take it
from there.
AppStream requests are not signed then (no credentials are needed); the fake reads the caller's
region from the ``Authorization`` credential scope, as AWS does. Other services are untouched.
Retries the fake causes (throttling, 5xx) are not slept: botocore's retry handler decides as
against AWS, but its delay (and adaptive mode's client-side rate-limit wait) is skipped.
Each activation starts every AppStream client's retry memory anew (standard mode's retry quota,
adaptive mode's rate limiter), at the client's first request of that activation: what one test
drained never reaches the next, while within a test the quota drains as against AWS.

Example, with the :class:`~pytest_appstream.FakeAppStream` as the backend::

    status, headers, body = answer(fake, {"X-Amz-Target": TARGET_PREFIX + "DescribeImageBuilders"}, b"{}")
    assert status == 200 and json.loads(body) == {"ImageBuilders": []}
"""

from __future__ import annotations

import contextvars
import datetime
import email.utils
import inspect
import json
import threading
import time
import types
import weakref
from collections.abc import Callable, Iterable
from typing import Any, Protocol

from botocore.awsrequest import AWSPreparedRequest, AWSRequest, AWSResponse
from botocore.endpoint import Endpoint
from botocore.hooks import HierarchicalEmitter, first_non_none_response
from botocore.model import OperationModel, ServiceId
from botocore.retries import adaptive, standard
from botocore.retries.bucket import TokenBucket
from botocore.signers import RequestSigner
from botocore.waiter import Waiter

from ._clock import Clock

CONTENT_TYPE = "application/x-amz-json-1.1"
TARGET_PREFIX = "PhotonAdminProxyService."
ENDPOINT_PREFIX = "appstream2"
SERVICE_ID = "AppStream"
SIGNING_NAME = "appstream"


class Backend(Protocol):
    """What answers requests: the :class:`~pytest_appstream.FakeAppStream` of the test."""

    def _handle(
        self, operation: str, params: dict[str, Any], region: str | None
    ) -> tuple[int, Any]:
        """Answer one call: the HTTP status and the JSON-ready body."""

    def _next_request_id(self) -> str:
        """A fresh ``x-amzn-RequestId``."""

    @property
    def clock(self) -> Clock:
        """The backend's time, for the ``Date`` header."""


class Headers(Protocol):
    """Request headers looked up case-insensitively (botocore's, http.server's, a dict)."""

    def get(self, name: str, /) -> Any:
        """The header's value, or None."""


class RealCallBlockedError(RuntimeError):
    """An AppStream call tried to reach AWS while ``--appstream-block-real`` was on."""


_lock = threading.Lock()
_backend: Backend | None = None
_block_real = False
# The private botocore methods patched below are typed Any: botocore's stubs do not describe them.
_original_send: Any = getattr(Endpoint, "_send")  # noqa: B009
_original_sign = RequestSigner.sign
_original_needs_retry: Any = getattr(Endpoint, "_needs_retry")  # noqa: B009
_original_emit = HierarchicalEmitter.emit
_original_acquire: Any = TokenBucket.acquire
_BEFORE_SEND = "before-send.appstream."
_AFTER_CALL = "after-call.appstream."


def _json_default(value: object) -> float:
    if isinstance(value, datetime.datetime):
        return value.timestamp()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


_encoder = json.JSONEncoder(default=_json_default, separators=(",", ":"))


def encode(body: Any) -> bytes:
    """A JSON 1.1 body: timestamps as epoch seconds."""
    return _encoder.encode(body).encode()


_date_cache: tuple[int, str] = (-1, "")


def http_date(at: float | None = None) -> str:
    """The ``Date`` header of ``at`` (epoch seconds; now by default): ``Sun, 29 Nov 2026 04:30:57 GMT``.

    >>> http_date(0)
    'Thu, 01 Jan 1970 00:00:00 GMT'
    """
    global _date_cache
    now = int(time.time() if at is None else at)
    if _date_cache[0] != now:
        _date_cache = (now, email.utils.formatdate(now, usegmt=True))
    return _date_cache[1]


def _region_of(authorization: str) -> str | None:
    """The region of a SigV4 ``Credential=KEY/DATE/REGION/SERVICE/aws4_request`` scope."""
    _, found, rest = authorization.partition("Credential=")
    parts = rest.split("/", 4)
    return parts[2] if found and len(parts) > 3 else None


def _text(value: str | bytes | None) -> str:
    return value.decode() if isinstance(value, bytes) else (value or "")


def answer(
    backend: Backend, headers: Headers, body: bytes | str | None
) -> tuple[int, dict[str, str], bytes]:
    """Answer one AWS JSON 1.1 request: (status, headers, body). Also serves the HTTP endpoint."""
    target = _text(headers.get("X-Amz-Target"))
    operation = target[len(TARGET_PREFIX) :] if target.startswith(TARGET_PREFIX) else ""
    try:
        text = body.decode() if isinstance(body, bytes) else body  # UTF-8, as AWS requires
        params = json.loads(text or "{}")
        if not isinstance(params, dict):
            raise ValueError("the body of a JSON 1.1 request is an object")
    except (ValueError, RecursionError):  # RecursionError: a body nested too deeply to parse
        status, payload = 400, {"__type": "SerializationException", "message": "Invalid JSON"}
    else:
        region = _region_of(_text(headers.get("Authorization")))
        status, payload = backend._handle(operation, params, region)
    data = encode(payload)
    return (
        status,
        {
            "x-amzn-RequestId": backend._next_request_id(),
            "Content-Type": CONTENT_TYPE,
            "Content-Length": str(len(data)),
            "Date": http_date(backend.clock.timestamp()),
        },
        data,
    )


class _Body:
    """The ``raw`` of an :class:`AWSResponse` holding a complete body."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    def stream(self, **_: object) -> list[bytes]:
        return [self._data]


def respond(request: AWSPreparedRequest, **_: object) -> AWSResponse | None:
    """The ``before-send`` answer of the attached backend (None when nothing is attached)."""
    answered = _answer_request(request)
    if answered is None:
        return None
    status, headers, data = answered
    return AWSResponse(request.url, status, headers, _Body(data))  # type: ignore[arg-type]


def _answer_request(request: AWSPreparedRequest) -> tuple[int, dict[str, str], bytes] | None:
    """:func:`answer` for a prepared request, by the attached backend (None when none is)."""
    backend = _backend
    if backend is None:
        return None
    return answer(backend, request.headers, request.body)  # type: ignore[arg-type]


def _emit(self: Any, event_name: str, **kwargs: Any) -> Any:
    """botocore's emit, with :func:`respond` as the first handler of AppStream's before-send.

    Every event of every client passes here while the fake is attached, so the common case calls
    what botocore's own ``emit`` calls (``self._emit(event_name, kwargs)``, checked by a test)
    instead of going through one more frame. A client's first AppStream request of an activation
    first renews the client's retry memory (:func:`_renew_retry_memory`).
    """
    if _backend is None or not event_name.startswith(_BEFORE_SEND):
        return self._emit(event_name, kwargs)
    if _renewed.get(self) != _generation:
        if inspect.iscoroutinefunction(self._emit):  # aiobotocore's, and _aio could not adapt it
            raise _unsupported_async(event_name)
        _renew_retry_memory(self, event_name[len(_BEFORE_SEND) :])
    first = respond(**kwargs)
    return [(respond, first), *self._emit(event_name, kwargs)]


def _unsupported_async(event_name: str) -> RuntimeError:
    return RuntimeError(
        f"pytest-appstream cannot answer this async AppStream client ({event_name}): "
        f"{_aio.UNSUPPORTED or 'its emitter is not adapted'}. "
        "Nothing was sent and the fake did not act. See the docs' async page for what is supported."
    )


# -- per-client retry memory: as new at each activation -----------------------------------------

#: Bumped by every :func:`attach`: the activation a client's retry memory was last renewed for.
_generation = 0
_renewed: weakref.WeakKeyDictionary[Any, int] = weakref.WeakKeyDictionary()
#: The token buckets of AppStream clients' adaptive rate limiters: never waited on while attached.
_quiet_buckets: weakref.WeakSet[Any] = weakref.WeakSet()
_renew_lock = threading.Lock()


class _Registrations:
    """The ``meta.events`` of :func:`_fresh_retry_memory`'s stand-in client: keeps what is registered."""

    def __init__(self) -> None:
        self.handlers: list[Callable[..., Any]] = []

    def register(self, event_name: str, handler: Callable[..., Any], *_: Any, **__: Any) -> None:
        self.handlers.append(handler)


def _fresh_retry_memory() -> dict[type, Any]:
    """New retry state from botocore's own factories, by class of the object holding it.

    The factories get a stand-in client that only keeps the handlers they register; each handler's
    owner is what a new client would hold::

        fresh = _fresh_retry_memory()
        assert fresh[standard.RetryQuotaChecker]._quota.available_capacity == 500
    """
    events = _Registrations()
    stand_in = types.SimpleNamespace(
        meta=types.SimpleNamespace(
            events=events, service_model=types.SimpleNamespace(service_id=ServiceId(SERVICE_ID))
        ),
        _endpoint=types.SimpleNamespace(http_session=object()),  # aiobotocore's factories read it
    )
    for factory in _retry_factories:
        factory(stand_in)
    fresh: dict[type, Any] = {}
    for owner in _owners(events.handlers):  # botocore's own first: aiobotocore reuses its classes
        fresh.setdefault(type(owner), owner)
    return fresh


def _owners(handlers: Iterable[Any]) -> list[Any]:
    """The objects that bound handlers belong to, each once, e.g. a client's ``RetryQuotaChecker``."""
    seen: dict[int, Any] = {}
    for handler in handlers:
        owner = getattr(handler, "__self__", None)
        if owner is not None:
            seen.setdefault(id(owner), owner)
    return list(seen.values())


#: botocore's factories of per-client retry state (aiobotocore's are added when it is importable).
_retry_factories: list[Callable[[Any], object]] = [
    standard.register_retry_handler,
    adaptive.register_retry_handler,
]
#: The classes of per-client retry memory, renewed in place (their identity is kept: the client's
#: handlers are bound to them). botocore's other retry handlers keep no state.
_RENEWED: tuple[type, ...] = (standard.RetryQuotaChecker, adaptive.ClientRateLimiter)
#: Attributes that are how a client was built, not what it remembers: kept as they are.
_COMPOSITION = frozenset({"_throttling_detector"})


def _renew_for_activation(emitter: Any, event_name: str) -> None:
    """:func:`_renew_retry_memory` at a client's first ``before-send`` of the activation."""
    if _renewed.get(emitter) != _generation:
        _renew_retry_memory(emitter, event_name[len(_BEFORE_SEND) :])


def _renew_retry_memory(emitter: Any, operation: str) -> None:
    """Make the retry memory of the client that owns ``emitter`` as new, once per activation.

    The owners are found among the client's ``before-send`` handlers (adaptive mode's rate limiter)
    and ``after-call`` handlers (standard mode's retry quota, shared with its ``needs-retry``
    handler); each gets the state of a freshly built one.
    """
    with _renew_lock:
        if _renewed.get(emitter) == _generation:
            return
        found = [
            *emitter._handlers.prefix_search(_BEFORE_SEND + operation),
            *emitter._handlers.prefix_search(_AFTER_CALL + operation),
        ]
        owners = [owner for owner in _owners(found) if isinstance(owner, _RENEWED)]
        fresh = _fresh_retry_memory() if owners else {}
        for owner in owners:
            if type(owner) in fresh:
                new = vars(fresh[type(owner)])
                vars(owner).update({k: v for k, v in new.items() if k not in _COMPOSITION})
            if "_token_bucket" in vars(owner):  # a rate limiter
                _quiet_buckets.add(vars(owner)["_token_bucket"])
        _renewed[emitter] = _generation


def _blocked(operation: str, where: str) -> RealCallBlockedError:
    return RealCallBlockedError(
        f"pytest-appstream blocked a real AppStream call: {operation} {where} was about to reach "
        "AWS outside the fake (--appstream-block-real / ini appstream_block_real is on). Use the "
        "appstream or appstream_client fixture, or `with FakeAppStream():`, around the call."
    )


def _send(self: Any, request: AWSPreparedRequest) -> Any:
    _refuse_real_send(self, request)
    return _original_send(self, request)


def _refuse_real_send(endpoint: Any, request: AWSPreparedRequest) -> None:
    """Raise :class:`RealCallBlockedError` for an AppStream request about to leave the process."""
    if _block_real and _backend is None and endpoint._endpoint_prefix == ENDPOINT_PREFIX:
        target = _text(request.headers.get("X-Amz-Target"))
        raise _blocked(target.removeprefix(TARGET_PREFIX) or "a request", f"to {request.url}")


def _refuse_real_sign(signer: Any, operation_name: str, region_name: str | None) -> None:
    """Raise :class:`RealCallBlockedError` before an AppStream request is signed for AWS."""
    if _block_real and _backend is None and signer._service_id == SERVICE_ID:
        # Before signing, so the error is the same whether or not the machine has credentials.
        raise _blocked(operation_name, f"in {region_name or signer._region_name}")


def _sign(
    self: Any,
    operation_name: str,
    request: AWSRequest,
    region_name: str | None = None,
    signing_type: str = "standard",
    expires_in: int | None = None,
    signing_name: str | None = None,
) -> None:
    _refuse_real_sign(self, operation_name, region_name)
    if not _answers_unsigned(self, signing_type):
        return _original_sign(
            self, operation_name, request, region_name, signing_type, expires_in, signing_name
        )
    _write_unsigned(self, request, region_name)
    return None


def _answers_unsigned(signer: Any, signing_type: str) -> bool:
    """True when the fake answers this signer's request, which then goes unsigned."""
    return _backend is not None and signer._service_id == SERVICE_ID and signing_type == "standard"


def _write_unsigned(signer: Any, request: AWSRequest, region_name: str | None) -> None:
    """In place of a signature: the caller's region in a SigV4-shaped credential scope."""
    region = region_name or request.context.get("signing", {}).get("region") or signer._region_name
    day = time.strftime("%Y%m%d", time.gmtime())
    request.headers["Authorization"] = (
        f"AWS4-HMAC-SHA256 Credential=FAKE/{day}/{region}/{SIGNING_NAME}/aws4_request, "
        "SignedHeaders=host;x-amz-target, Signature=unsigned-pytest-appstream"
    )


def _needs_retry(
    self: Any,
    attempts: int,
    operation_model: OperationModel,
    request_dict: dict[str, Any],
    response: Any = None,
    caught_exception: Exception | None = None,
) -> bool:
    """botocore's retry decision, asked of the client's own retry handler, minus the sleep."""
    if _backend is None or self._endpoint_prefix != ENDPOINT_PREFIX:
        return bool(
            _original_needs_retry(
                self, attempts, operation_model, request_dict, response, caught_exception
            )
        )
    responses = self._event_emitter.emit(
        _needs_retry_event(operation_model),
        response=response,
        endpoint=self,
        operation=operation_model,
        attempts=attempts,
        caught_exception=caught_exception,
        request_dict=request_dict,
    )
    return _retries(responses)


def _retries(responses: Any) -> bool:
    """The needs-retry handlers' decision (a delay means: retry), without sleeping the delay."""
    delay = first_non_none_response(responses)
    return bool(delay is not None and delay is not False)


def _needs_retry_event(operation_model: OperationModel) -> str:
    return (
        f"needs-retry.{operation_model.service_model.service_id.hyphenize()}.{operation_model.name}"
    )


def _acquire(self: TokenBucket, amount: int = 1, block: bool = True) -> bool:
    """Adaptive retry mode's client-side rate limit, which waits in wall time, minus the wait.

    Only for the buckets of AppStream clients (:func:`_renew_retry_memory` lists them) while a
    fake is attached.
    """
    if _backend is not None and self in _quiet_buckets:
        return True
    return bool(_original_acquire(self, amount, block))


# -- waiters: their pauses on the fake's clock ---------------------------------------------------

#: The backend whose clock an AppStream waiter of this thread (or task) pauses on, while it waits.
waiting_on: contextvars.ContextVar[Backend | None] = contextvars.ContextVar(
    "pytest_appstream_waiting_on", default=None
)
_original_wait: Any = Waiter.wait
_waiter_module: Any = inspect.getmodule(Waiter)


def is_appstream_client(client: object) -> bool:
    """True for a botocore (or aiobotocore) AppStream client."""
    meta = getattr(client, "meta", None)
    return getattr(getattr(meta, "service_model", None), "service_name", None) == SIGNING_NAME


def waiter_client(waiter: object) -> object:
    """The client a botocore waiter polls (its operation method is bound to it)."""
    method = getattr(getattr(waiter, "_operation_method", None), "_client_method", None)
    return getattr(method, "__self__", None)


def _wait(self: Waiter, **kwargs: Any) -> None:
    """botocore's ``Waiter.wait``; an AppStream waiter's pauses move the fake's clock instead."""
    backend = _backend
    if backend is None or not is_appstream_client(waiter_client(self)):
        return _original_wait(self, **kwargs)  # type: ignore[no-any-return]
    token = waiting_on.set(backend)
    try:
        return _original_wait(self, **kwargs)  # type: ignore[no-any-return]
    finally:
        waiting_on.reset(token)


class _WaiterTime:
    """``time`` as botocore's waiter module sees it: ``sleep`` of an AppStream waiter answered by
    a fake moves the fake's clock (its polls count for the ``polled`` policy), without waiting."""

    def __getattr__(self, name: str) -> Any:
        return getattr(time, name)

    @staticmethod
    def sleep(seconds: float) -> None:
        backend = waiting_on.get()
        if backend is None:
            time.sleep(seconds)
        else:
            backend.clock.sleep(seconds)


_waiter_time = _WaiterTime()

#: (class or module, attribute, botocore's original, ours): every patch, installed and removed
#: together.
_PATCHES: tuple[tuple[Any, str, Any, Any], ...] = (
    (HierarchicalEmitter, "emit", _original_emit, _emit),
    (Endpoint, "_send", _original_send, _send),
    (Endpoint, "_needs_retry", _original_needs_retry, _needs_retry),
    (TokenBucket, "acquire", _original_acquire, _acquire),
    (RequestSigner, "sign", _original_sign, _sign),
    (Waiter, "wait", _original_wait, _wait),
    (_waiter_module, "time", time, _waiter_time),
)


def _patched() -> bool:
    return all(getattr(cls, name) is ours for cls, name, _, ours in _PATCHES)


def _install() -> None:
    for cls, name, original, ours in _PATCHES:
        if getattr(cls, name) is original:
            setattr(cls, name, ours)


def _uninstall() -> None:
    if _backend is not None or _block_real:
        return
    for cls, name, original, ours in _PATCHES:
        if getattr(cls, name) is ours:  # left alone if someone patched over us
            setattr(cls, name, original)


def attach(backend: Backend) -> None:
    """Route every AppStream request of the process to ``backend`` until :func:`detach`."""
    global _backend, _generation
    with _lock:
        if _backend is not None and _backend is not backend:
            raise RuntimeError("another FakeAppStream is already active in this process")
        if _backend is None:
            _generation += 1  # every client's retry memory is renewed at its next request
        _backend = backend
        _install()


def detach(backend: Backend) -> None:
    """Stop routing to ``backend``: AppStream clients reach AWS again (or are blocked)."""
    global _backend
    with _lock:
        if _backend is backend:
            _backend = None
        _uninstall()


def block_real(enabled: bool) -> bool:
    """With ``enabled``, an AppStream call with no fake attached raises :class:`RealCallBlockedError`.

    Returns the previous setting, to restore it::

        previous = block_real(True)
        ...
        block_real(previous)
    """
    global _block_real
    with _lock:
        previous, _block_real = _block_real, enabled
        if enabled:
            _install()
        else:
            _uninstall()
        return previous


def is_blocking_real() -> bool:
    """True while AppStream calls outside a fake raise :class:`RealCallBlockedError`."""
    return _block_real


def attached() -> Backend | None:
    """The backend answering AppStream requests now (the active fake), or None."""
    return _backend


def is_attached() -> bool:
    """True while a backend answers AppStream requests (the hook is in place)."""
    return _backend is not None and _patched()


# aiobotocore's clients, when it is installed: its patches go first (its classes subclass botocore's,
# so they must be replaced before botocore's are), installed and removed with the others.
from . import _aio  # noqa: E402  # it uses this module's helpers

_PATCHES = (*_aio.PATCHES, *_PATCHES)
_retry_factories.extend(_aio.RETRY_FACTORIES)
_RENEWED = (*_RENEWED, *_aio.RENEWED)
