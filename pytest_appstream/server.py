"""The fake behind a real HTTP endpoint, for clients outside the test process (AWS CLI, SDKs).

The same :func:`~pytest_appstream._wire.answer` serves it, so an SDK pointed at the URL meets the
same service as in-process clients; the caller's region comes from its SigV4 credential scope::

    with serve(fake) as url:
        subprocess.run(["aws", "appstream", "describe-image-builders", "--endpoint-url", url])

The server speaks HTTP/1.1 with keep-alive, as AWS endpoints do: every answer has a
``Content-Length`` and a connection stays open until the client closes it, it idles for
:data:`IDLE_TIMEOUT` seconds or the server stops. Besides the API (``POST /`` with an
``X-Amz-Target``), it answers control endpoints: ``GET /`` (health), ``GET /_appstream/calls``,
``GET /_appstream/resources``, ``POST /_appstream/advance``, ``POST /_appstream/data`` and
``POST /_appstream/reset`` (see docs/clients.md).
"""

from __future__ import annotations

import contextlib
import json
import socket
import socketserver
import sys
import threading
from collections.abc import Callable, Iterator, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

import attrs
import pytest

from ._data import seed_data
from ._errors import AppStreamUsageError
from ._kinds import kinds
from ._settings import FAKE_CREDENTIALS
from ._wire import CONTENT_TYPE, TARGET_PREFIX, Backend, answer, encode, http_date
from .fake import FakeAppStream

#: The largest request body read, in bytes (AppStream's requests are a few kilobytes).
MAX_BODY = 8 * 1024 * 1024
#: Seconds a connection may idle (or a request stall) before the server closes it: longer than
#: the SDKs' own idle timeouts (Go's 90 s), so a client never reuses a connection being closed.
IDLE_TIMEOUT = 120.0
#: Seconds :meth:`FakeServer.close` waits for the connections' threads to end.
CLOSE_TIMEOUT = 5.0

# -- data files and resources ------------------------------------------------------------


def resources(fake: FakeAppStream) -> dict[str, list[dict[str, Any]]]:
    """The live resources of every region of the fake's account, by kind, in wire form.

    Callers over HTTP pick their region (SigV4), so a builder may live outside the fake's own
    region; its ``Arn`` says where.

    >>> resources(FakeAppStream())["fleets"]
    []
    """
    registry = fake.registry
    found: dict[str, list[dict[str, Any]]] = {}
    with registry.lock:
        for of in kinds():
            found[of.data_key] = [
                entry.record.to_response()
                for entry in registry.every(fake.account_id, of.collection)
            ]
    return found


# -- the HTTP server --------------------------------------------------------------------------


class _HTTPError(Exception):
    """An answer that is not the fake's: a malformed request, a control endpoint's error."""

    def __init__(self, status: int, code: str, message: str, *, close: bool = False) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.close = status, code, message, close


def _unknown_operation(target: str) -> dict[str, str]:
    """AWS's answer to a JSON 1.1 request whose ``X-Amz-Target`` it does not serve."""
    named = f"Unknown operation {target!r}" if target else "Missing X-Amz-Target header"
    return {
        "__type": "UnknownOperationException",
        "message": f"{named}: this endpoint serves AppStream only "
        f"(X-Amz-Target {TARGET_PREFIX}<Operation>).",
    }


class _Handler(BaseHTTPRequestHandler):
    """One connection: requests answered in turn while it is kept alive."""

    protocol_version = "HTTP/1.1"
    server_version = "pytest-appstream"
    sys_version = ""
    timeout = IDLE_TIMEOUT
    disable_nagle_algorithm = True  # headers and body leave at once, not 40 ms apart
    server: _HTTPServer

    def _handle(self) -> None:
        self.close_connection = True
        self.handle_one_request()
        while not self.close_connection and not self.server.owner.closing:
            self.handle_one_request()

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def _dispatch(self, method: str) -> None:
        try:
            body = self._body()
        except _HTTPError as error:
            self._fail(error)
            return
        except OSError:  # the client went away mid-request: nothing to answer
            self.close_connection = True
            return
        try:
            answered = self._answer(method, body)
        except _HTTPError as error:
            self._fail(error)
            return
        except Exception as error:  # never let an exception of the fake escape to the client
            self._fail(_HTTPError(500, "InternalFailure", f"{type(error).__name__}: {error}"))
            return
        try:
            self._send(*answered)
        except OSError:
            self.close_connection = True

    def _answer(self, method: str, body: bytes) -> tuple[int, dict[str, str], bytes]:
        path = self.path.partition("?")[0]
        if method == "POST" and (path == "/" or self.headers.get("X-Amz-Target")):
            return self._api(body)
        route = _ROUTES.get(path)
        if route is None:
            raise _HTTPError(404, "NotFound", f"{method} {path}: no such endpoint; {_ALLOWED}")
        allowed, action = route
        if method != allowed:
            raise _HTTPError(405, "MethodNotAllowed", f"{path} takes {allowed}; {_ALLOWED}")
        return 200, {}, encode(action(self.server.owner, body))

    def _api(self, body: bytes) -> tuple[int, dict[str, str], bytes]:
        backend = self.server.owner.backend
        target = self.headers.get("X-Amz-Target") or ""
        if target.startswith(TARGET_PREFIX):
            return answer(backend, self.headers, body)
        data = encode(_unknown_operation(target))
        return (
            400,
            {"x-amzn-RequestId": backend._next_request_id(), "Content-Type": CONTENT_TYPE},
            data,
        )

    def _body(self) -> bytes:
        """The request body; a request with neither length nor chunks has none (RFC 9112)."""
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            return self._chunked()
        text = self.headers.get("Content-Length")
        if text is None:
            return b""
        if not text.strip().isdigit():
            raise _HTTPError(
                400, "BadRequest", f"Content-Length {text!r} is not a length", close=True
            )
        length = int(text)
        if length > MAX_BODY:
            raise _HTTPError(
                413, "RequestEntityTooLarge", f"body over {MAX_BODY} bytes", close=True
            )
        body = self.rfile.read(length)
        if len(body) < length:
            raise OSError("the client closed the connection mid-body")
        return body

    def _chunked(self) -> bytes:
        body = b""
        while True:  # bounded: every chunk adds to the body, which is capped at MAX_BODY
            line = self.rfile.readline(1024)
            try:
                size = int(line.split(b";", 1)[0].strip(), 16)
            except ValueError:
                raise _HTTPError(400, "BadRequest", "malformed chunked body", close=True) from None
            if size == 0:
                break
            if len(body) + size > MAX_BODY:
                raise _HTTPError(
                    413, "RequestEntityTooLarge", f"body over {MAX_BODY} bytes", close=True
                )
            chunk = self.rfile.read(size + 2)
            if len(chunk) < size + 2:
                raise OSError("the client closed the connection mid-body")
            body += chunk[:size]
        for _ in range(100):  # trailers, up to the blank line
            if self.rfile.readline(1024).strip() == b"":
                break
        return body

    def _send(self, status: int, headers: Mapping[str, str], body: bytes) -> None:
        self.send_response_only(status)
        self.send_header("Server", self.server_version)
        backend = getattr(self.server.owner, "backend", None)
        clock = getattr(backend, "clock", None)
        now = None if clock is None else clock.timestamp()
        self.send_header("Date", headers.get("Date") or http_date(now))
        self.send_header("Content-Type", headers.get("Content-Type") or "application/json")
        for key, value in headers.items():
            if key.lower() not in ("date", "content-type", "content-length", "connection"):
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        if self.close_connection or self.server.owner.closing:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _fail(self, error: _HTTPError) -> None:
        if error.close:
            self.close_connection = True
        extra = {"Allow": "GET, POST"} if error.status == 405 else {}
        try:
            self._send(
                error.status, extra, encode({"__type": error.code, "message": error.message})
            )
        except OSError:
            self.close_connection = True

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """http.server's own errors (bad request line, unsupported method), as JSON."""
        self.close_connection = code >= 400 and code != 404
        self.request_version = "HTTP/1.1"  # a garbled request line still gets status and headers
        text = message or self.responses.get(code, ("Error",))[0]
        self._fail(_HTTPError(code, "BadRequest" if code == 400 else f"HTTP{code}", text))

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the fake's call log records every call."""


def _health(owner: FakeServer, body: bytes) -> dict[str, Any]:
    fake = owner.backend
    if not isinstance(fake, FakeAppStream):
        return {"status": "ok", "service": "appstream"}
    return {
        "status": "ok",
        "service": "appstream",
        "region": fake.region,
        "account_id": fake.account_id,
        "transitions": fake.transitions,
        "polls": fake.polls,
    }


def _fake(owner: FakeServer) -> FakeAppStream:
    fake = owner.backend
    if not isinstance(fake, FakeAppStream):
        raise _HTTPError(501, "NotImplemented", "this backend has no control endpoints")
    return fake


def _calls(owner: FakeServer, body: bytes) -> list[dict[str, Any]]:
    return [
        {
            "operation": call.operation,
            "params": dict(call.params),
            "error_code": call.error_code,
            "region": call.region,
            "account_id": call.account_id,
        }
        for call in _fake(owner).calls
    ]


def _resources(owner: FakeServer, body: bytes) -> dict[str, Any]:
    return resources(_fake(owner))


def _parsed(body: bytes, path: str) -> Any:
    try:
        return json.loads(body or b"{}")
    except ValueError as error:
        raise _HTTPError(
            400, "SerializationException", f"{path}: not valid JSON: {error}"
        ) from None


def _advance(owner: FakeServer, body: bytes) -> dict[str, Any]:
    fake = _fake(owner)
    request = _parsed(body, "/_appstream/advance")
    if not isinstance(request, dict) or set(request) - {"name"}:
        raise _HTTPError(
            400,
            "ValidationException",
            f"/_appstream/advance: {request!r} is not allowed; "
            'allowed: no body, {} or {"name": "<image builder name>"}',
        )
    name = request.get("name")
    try:
        fake.advance(name)
    except AppStreamUsageError as error:
        raise _HTTPError(400, "ValidationException", f"/_appstream/advance: {error}") from None
    return resources(fake)


def _data(owner: FakeServer, body: bytes) -> dict[str, Any]:
    fake = _fake(owner)
    try:
        seed_data(fake, _parsed(body, "/_appstream/data"), "/_appstream/data")
    except AppStreamUsageError as error:
        raise _HTTPError(400, "ValidationException", str(error)) from None
    return resources(fake)


def _reset(owner: FakeServer, body: bytes) -> dict[str, Any]:
    if owner.reset is None:
        raise _HTTPError(
            409,
            "Conflict",
            "/_appstream/reset: this server serves a test's own fake (the appstream_server "
            "fixture), which each test gets fresh; allowed: reset on a server started with "
            "`python -m pytest_appstream serve`",
        )
    owner.backend = owner.reset()
    return _health(owner, body)


_ROUTES: dict[str, tuple[str, Callable[[FakeServer, bytes], Any]]] = {
    "/": ("GET", _health),
    "/_appstream/calls": ("GET", _calls),
    "/_appstream/resources": ("GET", _resources),
    "/_appstream/advance": ("POST", _advance),
    "/_appstream/data": ("POST", _data),
    "/_appstream/reset": ("POST", _reset),
}
_ALLOWED = "allowed: POST / (the AppStream API), " + ", ".join(
    f"{method} {path}" for path, (method, _) in _ROUTES.items()
)


class _HTTPServer(ThreadingHTTPServer):
    """A threading HTTP server that tracks its connections, to close them when it stops."""

    daemon_threads = True
    block_on_close = False

    def __init__(self, owner: FakeServer, host: str, port: int) -> None:
        self.owner = owner
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.connections: dict[socket.socket, threading.Thread] = {}
        self.connections_lock = threading.Lock()
        super().__init__((host, port), _Handler)

    def server_bind(self) -> None:
        """Bind without HTTPServer's reverse DNS lookup of the host (seconds on some machines)."""
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = str(self.server_address[0]), self.server_address[1]

    def process_request(self, request: Any, client_address: Any) -> None:
        thread = threading.Thread(
            target=self._serve_connection,
            args=(request, client_address),
            name="pytest-appstream-connection",
            daemon=True,
        )
        with self.connections_lock:
            self.connections[request] = thread
            if not self.owner.closing:  # not close()'s own wake-up call
                self.owner.connections_accepted += 1
        thread.start()

    def _serve_connection(self, request: Any, client_address: Any) -> None:
        try:
            self.finish_request(request, client_address)
        except Exception:
            self.handle_error(request, client_address)
        finally:
            with self.connections_lock:
                self.connections.pop(request, None)
            self.shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A connection's error ends that connection only; a bug in the server says so once."""
        error = sys.exc_info()[1]
        if not isinstance(error, OSError):
            print(f"pytest-appstream server: {type(error).__name__}: {error}", file=sys.stderr)

    def close_connections(self) -> list[threading.Thread]:
        """Wake every connection's thread (its reads end), letting answers in flight finish."""
        with self.connections_lock:
            connections = list(self.connections.items())
        for connection, _ in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RD)
        return [thread for _, thread in connections]


def _url(host: str, port: int) -> str:
    """A URL a client can use: a wildcard address becomes the loopback one."""
    if host in ("", "0.0.0.0"):
        host = "127.0.0.1"
    elif host == "::":
        host = "::1"
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


class FakeServer:
    """A fake served over HTTP until :meth:`close` (or the end of its ``with`` block).

    ``reset``, if given, makes a fresh backend for ``POST /_appstream/reset``::

        with FakeServer(FakeAppStream(), reset=FakeAppStream) as server:
            print(server.url)  # http://127.0.0.1:49152
    """

    def __init__(
        self,
        backend: Backend,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        reset: Callable[[], Backend] | None = None,
    ) -> None:
        self.backend = backend
        self.reset = reset
        self.closing = False
        #: Connections accepted so far: clients that keep connections alive open few.
        self.connections_accepted = 0
        self._server = _HTTPServer(self, host, port)
        self.url = _url(host, self._server.server_address[1])
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.5},
            name="pytest-appstream-server",
            daemon=True,
        )
        self._thread.start()

    @property
    def open_connections(self) -> int:
        """Connections open now (kept alive between requests, or answering one)."""
        with self._server.connections_lock:
            return len(self._server.connections)

    def close(self) -> None:
        """Stop: no new connection, open ones closed once their answer in flight is sent."""
        if self.closing:
            return
        self.closing = True
        stopper = threading.Thread(target=self._server.shutdown, name="pytest-appstream-stop")
        stopper.start()
        address = (str(self._server.server_address[0]), int(self._server.server_address[1]))
        while stopper.is_alive():  # bounded: serve_forever() notices within its poll interval
            with contextlib.suppress(OSError):  # a connection wakes it at once
                socket.create_connection(address, timeout=CLOSE_TIMEOUT).close()
            stopper.join(0.05)
        self._thread.join()
        for thread in self._server.close_connections():
            thread.join(CLOSE_TIMEOUT)
        self._server.server_close()

    def __enter__(self) -> FakeServer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


@contextlib.contextmanager
def serve(backend: Backend, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """Serve ``backend`` over HTTP on ``host`` (loopback) until the block ends; yields the URL.

    >>> with serve(FakeAppStream()) as url:
    ...     url.startswith("http://127.0.0.1:")
    True
    """
    with FakeServer(backend, host, port) as server:
        yield server.url


# -- the fixture ------------------------------------------------------------------------------


@attrs.frozen
class ServedFake:
    """What the ``appstream_server`` fixture yields: the endpoint's URL and a subprocess's environment.

    ``{**os.environ, **served.env}`` is what a subprocess needs; the fixture has set it already.
    """

    url: str
    env: dict[str, str]
    _server: FakeServer | None = attrs.field(default=None, repr=False, eq=False, alias="server")

    @property
    def connections_accepted(self) -> int:
        """Connections clients opened so far: an SDK that keeps its connection alive opens one."""
        return 0 if self._server is None else self._server.connections_accepted


def environment(url: str, region: str) -> dict[str, str]:
    """What a subprocess needs to reach the fake at ``url``: endpoint, region, fake credentials.

    >>> environment("http://127.0.0.1:8000", "eu-west-1")["AWS_ENDPOINT_URL_APPSTREAM"]
    'http://127.0.0.1:8000'
    """
    return {
        "AWS_ENDPOINT_URL_APPSTREAM": url,
        "AWS_REGION": region,
        "AWS_DEFAULT_REGION": region,
        **FAKE_CREDENTIALS,
    }


#: Set on the machine, it would make SDKs ignore ``AWS_ENDPOINT_URL_APPSTREAM``: unset in the test.
_IGNORED_ENDPOINTS = "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"


@pytest.fixture
def appstream_server(
    appstream: FakeAppStream, monkeypatch: pytest.MonkeyPatch
) -> Iterator[ServedFake]:
    """The test's ``appstream`` fake behind a loopback HTTP endpoint, its environment set.

    Subprocesses inherit ``AWS_ENDPOINT_URL_APPSTREAM``, the region and fake credentials::

        def test_cli(appstream, appstream_server):
            subprocess.run(["aws", "appstream", "describe-image-builders"], check=True)
    """
    with FakeServer(appstream) as server:
        env = environment(server.url, appstream.region)
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        monkeypatch.delenv(_IGNORED_ENDPOINTS, raising=False)
        yield ServedFake(server.url, env, server=server)
