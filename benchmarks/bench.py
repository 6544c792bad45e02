"""pytest-appstream's benchmark: run ``python benchmarks/bench.py`` and read the figures.

Prints, measured in one run on this machine:

- per call: the fake (DescribeImageBuilders of one builder) vs botocore's own wire floor (a plain
  unsigned client answered at ``before-send`` by a do-nothing responder returning a fixed body) and
  vs ``botocore.stub.Stubber``; moto's ``mock_aws`` on a comparable JSON 1.1 call
  (CloudWatch Logs DescribeLogGroups of one group; moto has no AppStream) vs that call's floor;
- per test: the overhead of a test using ``appstream_client`` and making one call, minus an empty
  test (inner pytest runs of N tests each, in subprocesses); the same for a ``@mock_aws`` test
  making one call with a module-level client;
- over loopback HTTP: a boto3 client against the served fake (``pytest_appstream.server.serve``,
  DescribeImageBuilders of a few builders) beside one against moto's ``ThreadedMotoServer`` (Logs
  DescribeLogGroups of as many groups; left out, saying why, without ``moto[server]``);
- 10,000 builders: seeded through ``add_builder``, then walked through ``get_paginator``; for moto,
  10,000 log groups created through the API, then walked through its paginator.

``--quick`` runs small numbers (a smoke run of a few seconds); ``--json`` prints the figures as JSON.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.request
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import botocore
import botocore.session
from botocore.awsrequest import AWSResponse
from botocore.config import Config
from botocore.stub import Stubber

from pytest_appstream import FakeAppStream
from pytest_appstream import _clients as clients
from pytest_appstream._wire import encode

NAME = "bench"
GOALS = {"per_test_ms": 2.0, "per_call_x_floor": 1.2, "builders_10k_s": 2.0}
FAKE_ENV = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}


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


class _Raw:
    """A complete response body, as botocore reads it from ``AWSResponse.raw``."""

    def __init__(self, body: bytes) -> None:
        self.body = body

    def stream(self, **_: object) -> list[bytes]:
        return [self.body]


def floor_client(service: str, body: bytes) -> Any:
    """botocore's wire floor: an unsigned client whose every call is answered by ``body``."""
    headers = {"x-amzn-RequestId": "r", "Content-Type": "application/x-amz-json-1.1"}
    client = botocore.session.get_session().create_client(
        service, "us-east-1", config=Config(signature_version=botocore.UNSIGNED)
    )
    client.meta.events.register(
        f"before-send.{client.meta.service_model.endpoint_prefix}",
        lambda request, **_: AWSResponse(request.url, 200, headers, _Raw(body)),
    )
    return client


@contextmanager
def environment(values: dict[str, str]) -> Iterator[None]:
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def per_call(calls: int, rounds: int) -> dict[str, float]:
    """Microseconds per DescribeImageBuilders call: fake, wire floor, botocore Stubber."""
    params = {"Names": [NAME]}
    with FakeAppStream(transitions="manual") as fake:
        fake.add_builder(NAME)
        fake_client = clients.lease("us-east-1")
        body = encode(fake._handle("DescribeImageBuilders", params, None)[1])
        fake_us = best_of(lambda: fake_client.describe_image_builders(**params), calls, rounds)
        clients.give_back(fake_client)

    plain = floor_client("appstream", body)
    floor_us = best_of(lambda: plain.describe_image_builders(**params), calls, rounds)

    stub_client = botocore.session.get_session().create_client(
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


def moto_per_call(calls: int, rounds: int) -> dict[str, float]:
    """Microseconds per DescribeLogGroups call of one group: moto's mock_aws and its floor."""
    from moto import mock_aws

    params = {"logGroupNamePrefix": NAME}
    with environment(FAKE_ENV), mock_aws():
        client = botocore.session.get_session().create_client("logs", "us-east-1")
        client.create_log_group(logGroupName=NAME)
        answer = client.describe_log_groups(**params)
        moto_us = best_of(lambda: client.describe_log_groups(**params), calls, rounds)
    answer.pop("ResponseMetadata")
    plain = floor_client("logs", json.dumps(answer, default=str).encode())
    floor_us = best_of(lambda: plain.describe_log_groups(**params), calls, rounds)
    return {"moto_us": moto_us, "moto_floor_us": floor_us}


#: Resources behind the HTTP rows: a few, each answered in one page.
SERVED = 3


def http_per_call(calls: int, rounds: int) -> dict[str, float]:
    """Microseconds per DescribeImageBuilders of a few builders: a boto3 client over loopback HTTP.

    The fake is served by :func:`pytest_appstream.server.serve` and not activated, so the
    request really crosses the socket (signed, kept alive), as an SDK outside the process does.
    """
    import boto3  # type: ignore[import-untyped, unused-ignore]

    from pytest_appstream.server import serve

    fake = FakeAppStream(transitions="manual")
    for i in range(SERVED):
        fake.add_builder(f"{NAME}-{i}")
    with serve(fake) as url:
        client = boto3.client(
            "appstream",
            "us-east-1",
            endpoint_url=url,
            **_keys(),
        )
        assert len(client.describe_image_builders()["ImageBuilders"]) == SERVED
        return {"http_us": best_of(client.describe_image_builders, calls, rounds)}


def _keys() -> dict[str, str]:
    return {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


def moto_http_per_call(calls: int, rounds: int) -> dict[str, Any]:
    """Microseconds per DescribeLogGroups of a few groups against moto's server, over loopback.

    Needs ``moto[server]`` (Flask); without it the figure is left out, saying why.
    """
    import boto3  # type: ignore[import-untyped, unused-ignore]

    try:
        with warnings.catch_warnings():  # moto warns before failing when Flask is missing
            warnings.simplefilter("ignore")
            from moto.server import ThreadedMotoServer
    except ImportError as error:
        return {"moto_http_missing": f"moto's server is not installed ({error})"}
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per request on stderr
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        # moto's backends live as long as the process: start from an empty one.
        reset = urllib.request.Request(f"http://{host}:{port}/moto-api/reset", method="POST")
        urllib.request.urlopen(reset, timeout=60).close()
        client = boto3.client(
            "logs",
            "us-east-1",
            endpoint_url=f"http://{host}:{port}",
            **_keys(),
        )
        for i in range(SERVED):
            client.create_log_group(logGroupName=f"{NAME}-{i}")
        assert len(client.describe_log_groups()["logGroups"]) == SERVED
        return {"moto_http_us": best_of(client.describe_log_groups, calls, rounds)}
    finally:
        server.stop()


def builders(count: int, rounds: int) -> dict[str, float]:
    """Seconds to seed ``count`` builders (add_builder) and walk them (paginator): best round."""
    return min((_builders_once(count) for _ in range(rounds)), key=lambda r: r["total_s"])


def _builders_once(count: int) -> dict[str, float]:
    with FakeAppStream(transitions="manual") as fake:
        start = time.perf_counter()
        for i in range(count):
            fake.add_builder(f"builder-{i:05}")
        seeded = time.perf_counter()
        client = clients.lease("us-east-1")
        pages = client.get_paginator("describe_image_builders").paginate()
        walked = sum(len(page["ImageBuilders"]) for page in pages)
        done = time.perf_counter()
        clients.give_back(client)
    assert walked == count, (walked, count)
    return {"seed_s": seeded - start, "walk_s": done - seeded, "total_s": done - start}


def moto_builders(count: int, rounds: int) -> dict[str, float]:
    """Seconds to create ``count`` log groups through moto's API and walk them: best round."""
    return min((_moto_builders_once(count) for _ in range(rounds)), key=lambda r: r["total_s"])


def _moto_builders_once(count: int) -> dict[str, float]:
    from moto import mock_aws

    with environment(FAKE_ENV), mock_aws():
        client = botocore.session.get_session().create_client("logs", "us-east-1")
        start = time.perf_counter()
        for i in range(count):
            client.create_log_group(logGroupName=f"group-{i:05}")
        seeded = time.perf_counter()
        pages = client.get_paginator("describe_log_groups").paginate()
        walked = sum(len(page["logGroups"]) for page in pages)
        done = time.perf_counter()
    assert walked == count, (walked, count)
    return {"seed_s": seeded - start, "walk_s": done - seeded, "total_s": done - start}


EMPTY_TEST = "def test_{i}():\n    pass\n"
FIXTURE_TEST = textwrap.dedent(
    """
    def test_{i}(appstream, appstream_client):
        appstream_client.describe_image_builders()
    """
)
MOTO_HEADER = textwrap.dedent(
    """
    import boto3  # type: ignore[import-untyped, unused-ignore]
    from moto import mock_aws

    LOGS = boto3.client("logs", region_name="us-east-1")
    """
)
MOTO_TEST = textwrap.dedent(
    """
    @mock_aws
    def test_{i}():
        LOGS.describe_log_groups()
    """
)


def pytest_run_seconds(source: str, workdir: Path) -> float:
    """Wall time of one inner pytest run of ``source`` in a fresh interpreter."""
    path = workdir / "test_generated.py"
    path.write_text(source)
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
        env={**os.environ, **FAKE_ENV},
    )
    return time.perf_counter() - start


def per_test(tests: int, rounds: int, moto: bool) -> dict[str, float]:
    """Per-test overhead in ms: fixture + 1 call (and mock_aws + 1 call) minus an empty test."""
    sources = {
        "empty": "".join(EMPTY_TEST.format(i=i) for i in range(tests)),
        "fixture": "".join(FIXTURE_TEST.format(i=i) for i in range(tests)),
    }
    if moto:
        sources["moto"] = MOTO_HEADER + "".join(MOTO_TEST.format(i=i) for i in range(tests))
    with tempfile.TemporaryDirectory() as tmp:
        runs = {
            kind: statistics.median(pytest_run_seconds(source, Path(tmp)) for _ in range(rounds))
            for kind, source in sources.items()
        }
    figures = {"tests": tests, **{f"{kind}_s": seconds for kind, seconds in runs.items()}}
    for kind in ("fixture", "moto"):
        if kind in runs:
            figures[f"{kind}_ms"] = (runs[kind] - runs["empty"]) / tests * 1e3
    return figures


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = f", load average {os.getloadavg()[0]:.2f}" if hasattr(os, "getloadavg") else ""
    return (
        f"{cpu}, {os.cpu_count()} CPUs{load}, {platform.system()} {platform.release()}; "
        f"{platform.python_implementation()} {platform.python_version()}, "
        f"botocore {botocore.__version__}"
    )


def moto_version() -> str | None:
    try:
        import moto
    except ImportError:
        return None
    return str(moto.__version__)


def run(calls: int, rounds: int, tests: int, count: int) -> dict[str, Any]:
    """Every figure of the benchmark, measured now."""
    moto = moto_version()
    figures: dict[str, Any] = {"machine": machine(), "moto": moto}
    figures["call"] = per_call(calls, rounds)
    figures["test"] = per_test(tests, max(1, rounds // 2), moto is not None)
    figures["builders"] = builders(count, max(1, rounds // 2))
    figures["count"] = count
    figures["call"].update(http_per_call(max(1, calls // 5), rounds))
    if moto is not None:
        figures["call"].update(moto_per_call(max(1, calls // 5), rounds))
        figures["call"].update(moto_http_per_call(max(1, calls // 5), rounds))
        figures["moto_builders"] = moto_builders(count, max(1, rounds // 2))
    return figures


def report(f: dict[str, Any], calls: int, rounds: int, quick: bool = False) -> str:
    """The figures as the text the docs quote (a quick run checks no goal: too few samples)."""
    call, test, seeded = f["call"], f["test"], f["builders"]
    x_floor = call["fake_us"] / call["floor_us"]
    lines = [
        f"machine: {f['machine']}",
        f"per call (DescribeImageBuilders of one builder, best of {rounds} x {calls}):",
        f"  botocore wire floor  {call['floor_us']:9.1f} us",
        f"  pytest-appstream     {call['fake_us']:9.1f} us  = {x_floor:.2f}x the floor",
        f"  botocore Stubber     {call['stubber_us']:9.1f} us  "
        f"= {call['stubber_us'] / call['floor_us']:.2f}x the floor "
        f"(the fake = {call['fake_us'] / call['stubber_us']:.2f}x Stubber)",
    ]
    if "moto_us" in call:
        lines += [
            f"  moto {f['moto']} mock_aws, Logs DescribeLogGroups of one group:",
            f"    its wire floor     {call['moto_floor_us']:9.1f} us",
            f"    moto               {call['moto_us']:9.1f} us  "
            f"= {call['moto_us'] / call['moto_floor_us']:.2f}x its floor "
            f"({call['moto_us'] / call['fake_us']:.1f}x the fake)",
        ]
    lines += [
        f"over loopback HTTP (a boto3 client, signed, kept alive; a few resources; "
        f"best of {rounds} x {max(1, calls // 5)}):",
        f"  served fake, DescribeImageBuilders of {SERVED} builders {call['http_us']:9.1f} us",
    ]
    if "moto_http_us" in call:
        lines.append(
            f"  moto {f['moto']} server, Logs DescribeLogGroups of {SERVED} groups "
            f"{call['moto_http_us']:6.1f} us  ({call['moto_http_us'] / call['http_us']:.1f}x the "
            "served fake)"
        )
    elif "moto_http_missing" in call:
        lines.append(f"  moto's server: left out: {call['moto_http_missing']}")
    lines += [
        f"per test ({test['tests']} tests per run, median of runs, fresh interpreter):",
        f"  empty tests          {test['empty_s']:9.2f} s",
        f"  appstream_client + 1 call {test['fixture_s']:4.2f} s  "
        f"-> overhead {test['fixture_ms']:.3f} ms per test",
    ]
    if "moto_ms" in test:
        lines.append(
            f"  @mock_aws + 1 call   {test['moto_s']:9.2f} s  "
            f"-> overhead {test['moto_ms']:.3f} ms per test"
        )
    lines += [
        f"{f['count']:,} builders (best of {max(1, rounds // 2)} rounds):",
        f"  seeded (add_builder) {seeded['seed_s']:9.3f} s",
        f"  walked (paginator)   {seeded['walk_s']:9.3f} s",
        f"  total                {seeded['total_s']:9.3f} s",
    ]
    if "moto_builders" in f:
        m = f["moto_builders"]
        lines += [
            f"  moto, {f['count']:,} log groups: created (API) {m['seed_s']:.3f} s, "
            f"walked (paginator) {m['walk_s']:.3f} s, total {m['total_s']:.3f} s",
        ]
    if quick:
        lines.append("quick smoke run: too few samples to measure anything; goals not checked")
        return "\n".join(lines)
    goals = [
        ("per-test overhead", test["fixture_ms"], GOALS["per_test_ms"], "ms"),
        ("per call vs floor", x_floor, GOALS["per_call_x_floor"], "x"),
        (f"{f['count']:,} builders", seeded["total_s"], GOALS["builders_10k_s"], "s"),
    ]
    lines.append("goals:")
    for label, value, goal, unit in goals:
        verdict = "met" if value <= goal else "MISSED"
        lines.append(f"  {label:<20} {value:7.3f} {unit} <= {goal} {unit}: {verdict}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=3000, help="calls per timing round")
    parser.add_argument("--rounds", type=int, default=5, help="timing rounds (best is kept)")
    parser.add_argument("--tests", type=int, default=2000, help="tests per inner pytest run")
    parser.add_argument("--builders", type=int, default=10_000, help="builders to seed and walk")
    parser.add_argument("--quick", action="store_true", help="small numbers: a smoke run")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    if args.quick:
        args.calls, args.rounds, args.tests, args.builders = 100, 1, 20, 200
    figures = run(args.calls, args.rounds, args.tests, args.builders)
    print(
        json.dumps(figures, indent=2)
        if args.json
        else report(figures, args.calls, args.rounds, args.quick)
    )


if __name__ == "__main__":
    main()
