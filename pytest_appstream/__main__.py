"""The command line: ``python -m pytest_appstream serve`` (also the ``pytest-appstream`` script).

Serves a fake AppStream over HTTP on loopback until interrupted (Ctrl-C or SIGTERM: exit 0),
for clients that are not a pytest test: a shell session, a Node or Go program, Terraform. The
URL is the first line of standard output, so a script can read it::

    $ python -m pytest_appstream serve --port 4599 --transitions immediate --data world.json
    http://127.0.0.1:4599

A bad argument exits with status 2 and names the argument and what it allows.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from types import FrameType
from typing import Any

from ._data import seed_data
from ._errors import AppStreamUsageError
from ._kinds import kinds
from ._settings import ALLOWED_SETTINGS, DEFAULT_ACCOUNT, DEFAULT_REGION, check_setting
from .fake import FakeAppStream
from .server import FakeServer

PROG = "pytest-appstream"
#: How often the main thread looks for a stop request, in seconds (signals set it at once).
_WAKE = 0.5


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG, description="A fake AWS AppStream 2.0 endpoint (pytest-appstream)."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser(
        "serve",
        help="serve the fake over HTTP until interrupted; prints the URL first",
        description="Serve a fake AppStream over HTTP until interrupted (Ctrl-C, SIGTERM). "
        "The URL is the first line of standard output.",
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    serve.add_argument("--port", default="0", help="port to listen on (0: any free port)")
    serve.add_argument(
        "--region", default=DEFAULT_REGION, help=f"the fake's region: {ALLOWED_SETTINGS['region']}"
    )
    serve.add_argument(
        "--account-id", default=DEFAULT_ACCOUNT, help=f"{ALLOWED_SETTINGS['account_id']}"
    )
    serve.add_argument(
        "--transitions",
        default="polled",
        help=f"how in-between states complete: {ALLOWED_SETTINGS['transitions']} (polled)",
    )
    serve.add_argument(
        "--polls", default="1", help="describe calls an in-between state lasts under polled (1)"
    )
    serve.add_argument(
        "--data",
        metavar="FILE",
        help="a JSON file of resources to seed: "
        f"{{{', '.join(repr(of.data_key) for of in kinds())}: [...]}}",
    )
    return parser


def _port(text: str) -> int:
    if not (text.isdigit() and int(text) <= 65535):
        raise AppStreamUsageError(
            f"--port={text!r} is not allowed; allowed: an int from 0 to 65535 (0: any free port)"
        )
    return int(text)


def _polls(text: str) -> Any:
    return int(text) if text.lstrip("-").isdigit() else text


def _read_data(path: str) -> Any:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise AppStreamUsageError(
            f"--data={path!r} cannot be read ({error.strerror}); allowed: a readable JSON file"
        ) from None
    try:
        return json.loads(text)
    except ValueError as error:
        raise AppStreamUsageError(
            f"--data={path!r} is not valid JSON ({error}); allowed: a JSON file like "
            '{"image_builders": [{"name": "b", "state": "RUNNING"}]}'
        ) from None


def _factory(args: argparse.Namespace) -> tuple[FakeAppStream, Any]:
    """The fake to serve, and how to make it again for ``POST /_appstream/reset``."""
    settings = {
        "region": args.region,
        "account_id": args.account_id,
        "transitions": args.transitions,
        "polls": _polls(args.polls),
    }
    for setting, value in settings.items():
        check_setting(setting, value, f"--{setting.replace('_', '-')}")
    data = _read_data(args.data) if args.data else None
    source = f"--data={args.data!r}"

    def fresh() -> FakeAppStream:
        fake = FakeAppStream(**settings)
        if data is not None:
            seed_data(fake, data, source)
        return fake

    return fresh(), fresh


def _serve(args: argparse.Namespace) -> int:
    try:
        port = _port(args.port)
        fake, fresh = _factory(args)
    except AppStreamUsageError as error:
        print(f"{PROG} serve: error: {error}", file=sys.stderr)
        return 2
    try:
        server = FakeServer(fake, args.host, port, reset=fresh)
    except OSError as error:
        print(
            f"{PROG} serve: error: cannot listen on --host={args.host!r} --port={port}: "
            f"{error.strerror or error}",
            file=sys.stderr,
        )
        return 1
    stop = threading.Event()

    def interrupted(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {}
    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGINT, signal.SIGTERM):
            previous[signum] = signal.signal(signum, interrupted)
    try:
        with server:
            print(server.url, flush=True)
            print(
                f"{PROG}: serving a fake AppStream ({fake.region}, account {fake.account_id}, "
                f"transitions {fake.transitions}) at {server.url}; control endpoints under "
                f"{server.url}/_appstream/; Ctrl-C to stop",
                file=sys.stderr,
                flush=True,
            )
            while not stop.wait(_WAKE):
                pass
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status.

    >>> main(["serve", "--transitions", "sometimes"])
    2
    """
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exit_:  # --help, or an error argparse printed
        return exit_.code if isinstance(exit_.code, int) else 2
    return _serve(args)


if __name__ == "__main__":
    sys.exit(main())
