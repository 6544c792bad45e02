"""The fake behind a real HTTP endpoint, for clients outside the test process (AWS CLI, SDKs).

The same :func:`~pytest_appstream.wire.answer` serves it, so an SDK pointed at the URL meets the
same service as in-process clients; the caller's region comes from its SigV4 credential scope::

    with serve(fake) as url:
        subprocess.run(["aws", "appstream", "describe-image-builders", "--endpoint-url", url])
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import attrs
import pytest

from .wire import Backend, answer


def _handler_for(backend: Backend) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            status, headers, body = answer(backend, self.headers, self.rfile.read(length))
            self.send_response(status)
            for key, value in headers.items():
                if key != "Date":  # send_response() writes the Date header itself
                    self.send_header(key, value)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            """Quiet: the fake's call log records every call."""

    return Handler


@contextlib.contextmanager
def serve(backend: Backend, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """Serve ``backend`` over HTTP on ``host`` (loopback) until the block ends; yields the URL."""
    server = ThreadingHTTPServer((host, port), _handler_for(backend))
    thread = threading.Thread(
        target=server.serve_forever, name="pytest-appstream-server", daemon=True
    )
    thread.start()
    try:
        yield f"http://{host}:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@attrs.frozen
class ServedFake:
    """What the ``appstream_server`` fixture yields: the endpoint's URL and a subprocess's environment."""

    url: str
    env: dict[str, str]


@pytest.fixture
def appstream_server(appstream: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[ServedFake]:
    """The test's ``appstream`` fake behind a loopback HTTP endpoint, its environment set.

    Subprocesses inherit ``AWS_ENDPOINT_URL_APPSTREAM``, the region and fake credentials::

        def test_cli(appstream, appstream_server):
            subprocess.run(["aws", "appstream", "describe-image-builders"], check=True)
    """
    with serve(appstream) as url:
        env = {
            "AWS_ENDPOINT_URL_APPSTREAM": url,
            "AWS_REGION": appstream.region,
            "AWS_DEFAULT_REGION": appstream.region,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
        }
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        yield ServedFake(url, env)
