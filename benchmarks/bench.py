"""pytest-appstream's benchmark: run ``python benchmarks/bench.py`` and read the figures.

Prints, measured in one run on this machine:
- per call: the fake vs botocore's own wire floor (a plain unsigned client answered at
  ``before-send`` by a do-nothing responder returning a fixed body) and vs ``botocore.stub.Stubber``;
- per test: the overhead of a test using ``appstream_client`` and making one call, minus an empty
  test (inner pytest runs of N tests each, in subprocesses).
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import botocore
import botocore.session
from botocore.awsrequest import AWSResponse
from botocore.config import Config
from botocore.stub import Stubber

from pytest_appstream import FakeAppStream, clients
from pytest_appstream.wire import encode

NAME = "bench"


def best_of(fn: Callable[[], Any], calls: int, rounds: int) -> float:
    """Best per-call time in microseconds over ``rounds`` rounds of ``calls`` calls."""
    for _ in range(min(calls, 200)):
        fn()
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(calls):
            fn()
        times.append((time.perf_counter() - start) / calls * 1e6)
    return min(times)


def per_call(calls: int, rounds: int) -> dict[str, float]:
    session = botocore.session.get_session()
    with FakeAppStream(transitions="manual") as fake:
        fake.add_builder(NAME)
        fake_client = clients.lease("us-east-1")
        params = {"Names": [NAME]}
        body = encode(fake.handle("DescribeImageBuilders", params, None)[1])
        fake_call = lambda: fake_client.describe_image_builders(**params)  # noqa: E731
        fake_us = best_of(fake_call, calls, rounds)

    class Raw:
        def stream(self, **_: object) -> list[bytes]:
            return [body]

    headers = {"x-amzn-RequestId": "r", "Content-Type": "application/x-amz-json-1.1"}
    floor_client = session.create_client(
        "appstream", "us-east-1", config=Config(signature_version=botocore.UNSIGNED)
    )
    floor_client.meta.events.register(
        "before-send.appstream",
        lambda request, **_: AWSResponse(request.url, 200, headers, Raw()),
    )
    floor_us = best_of(lambda: floor_client.describe_image_builders(**params), calls, rounds)

    stub_client = session.create_client(
        "appstream", "us-east-1", aws_access_key_id="k", aws_secret_access_key="s"
    )
    stubber = Stubber(stub_client)
    response = json.loads(body)
    stubber.activate()

    def stubbed() -> None:
        stubber.add_response("describe_image_builders", response, params)
        stub_client.describe_image_builders(**params)

    stub_us = best_of(stubbed, calls, rounds)
    return {"fake_us": fake_us, "floor_us": floor_us, "stubber_us": stub_us}


EMPTY_TEST = "def test_{i}():\n    pass\n"
FIXTURE_TEST = textwrap.dedent(
    """
    def test_{i}(appstream, appstream_client):
        appstream_client.describe_image_builders()
    """
)


def pytest_run_seconds(template: str, tests: int, workdir: Path) -> float:
    path = workdir / "test_generated.py"
    path.write_text("".join(template.format(i=i) for i in range(tests)))
    start = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:randomly",
            "-p",
            "no:cacheprovider",
            str(path),
        ],
        check=True,
        capture_output=True,
        cwd=workdir,
    )
    return time.perf_counter() - start


def per_test(tests: int, rounds: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        empty = [pytest_run_seconds(EMPTY_TEST, tests, workdir) for _ in range(rounds)]
        fixture = [pytest_run_seconds(FIXTURE_TEST, tests, workdir) for _ in range(rounds)]
    return {
        "tests": tests,
        "empty_s": statistics.median(empty),
        "fixture_s": statistics.median(fixture),
        "overhead_ms": (statistics.median(fixture) - statistics.median(empty)) / tests * 1e3,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--tests", type=int, default=2000)
    parser.add_argument("--quick", action="store_true", help="small numbers, for CI smoke runs")
    args = parser.parse_args()
    if args.quick:
        args.calls, args.rounds, args.tests = 300, 2, 200
    print(
        f"machine: {platform.machine()}, {platform.python_implementation()} "
        f"{platform.python_version()}, botocore {botocore.__version__}"
    )
    call = per_call(args.calls, args.rounds)
    print(f"per call (DescribeImageBuilders, best of {args.rounds} x {args.calls}):")
    print(f"  wire floor         {call['floor_us']:8.1f} us")
    print(
        f"  pytest-appstream   {call['fake_us']:8.1f} us  = {call['fake_us'] / call['floor_us']:.2f}x floor"
    )
    print(
        f"  botocore Stubber   {call['stubber_us']:8.1f} us  "
        f"(fake = {call['fake_us'] / call['stubber_us']:.2f}x Stubber)"
    )
    test = per_test(args.tests, max(1, args.rounds // 2))
    print(f"per test ({test['tests']} tests, median of runs):")
    print(f"  empty tests        {test['empty_s']:8.2f} s")
    print(f"  fixture + 1 call   {test['fixture_s']:8.2f} s")
    print(f"  overhead           {test['overhead_ms']:8.3f} ms per test")


if __name__ == "__main__":
    main()
