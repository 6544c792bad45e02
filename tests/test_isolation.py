"""Isolation: 1,000 generated tests that seed, mutate and assert, shuffled and run in parallel.

The generated suite runs under pytest-randomly (a fixed and a random seed) and pytest-xdist
(``-n 2``). Every test seeds builders under the same names as every other test, mutates them
(calls, faults, forced states, client hooks and attributes, another region, another transitions
policy) and asserts that it sees only its own doings; an autouse guard checks after each test's
teardown that nothing of the fake is left in the worker. Any leak in any order fails a test.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

MODULES = 10
TESTS_PER_MODULE = 100

CONFTEST = """
import os
from pathlib import Path

import botocore.session
import pytest

from pytest_appstream import _wire as wire

# A module-level client, created before any test and shared by all of them.
SHARED = botocore.session.get_session().create_client("appstream", region_name="us-east-1")
#: Hits of event handlers that tests register on the pooled appstream_client.
HITS = []
ORIGINAL_ENV = {k: v for k, v in os.environ.items() if k.startswith("AWS_")}


@pytest.fixture(autouse=True)
def guard(request):
    # Set up before, torn down after, the appstream fixture of the test.
    assert not wire.is_attached()
    assert {k: v for k, v in os.environ.items() if k.startswith("AWS_")} == ORIGINAL_ENV
    HITS.clear()
    yield
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    with open(Path(os.environ["ORDER_DIR"]) / f"order-{worker}.txt", "a") as out:
        out.write(request.node.nodeid + "\\n")
    assert not wire.is_attached(), "the fake is still attached after the test"
    assert {k: v for k, v in os.environ.items() if k.startswith("AWS_")} == ORIGINAL_ENV
"""

MODULE = """
import os

import pytest

from conftest import HITS, SHARED
from pytest_appstream import _wire as wire

M = {m}
REGIONS = ["us-east-1", "eu-west-1"]
POLICIES = ["polled", "immediate", "manual"]


def case(n):
    k = M * 1000 + n
    region = REGIONS[k % 2]
    policy = POLICIES[k % 3]
    marks = [
        pytest.mark.appstream(region=region, transitions=policy),
        pytest.mark.appstream_builder("marked", state=["RUNNING", "STOPPED"][k % 2],
                                      description=f"m{{M}}-{{n}}"),
    ]
    if k % 4 == 0:
        marks.append(pytest.mark.appstream_fault("stop_image_builder", "ConcurrentModificationException",
                                                 name="b0", message=f"fault of m{{M}}-{{n}}"))
    return pytest.param(n, region, policy, k % 4 == 0, marks=marks, id=str(n))


@pytest.mark.parametrize(("n", "region", "policy", "faulted"), [case(n) for n in range({count})])
def test_case(appstream, appstream_client, n, region, policy, faulted):
    token = f"m{{M}}-{{n}}"
    # Nothing from another test: only this test's marker seed, no call, no fault, own region.
    assert list(appstream.builders) == ["marked"]
    assert appstream.builder("marked").description == token
    assert appstream.calls == []
    assert appstream.region == region and appstream.transitions == policy
    assert appstream_client.meta.region_name == region
    assert os.environ["AWS_DEFAULT_REGION"] == region
    assert os.environ["AWS_ACCESS_KEY_ID"] == "testing"
    assert wire._backend is appstream
    assert not hasattr(appstream_client, "leaked")
    assert HITS == []

    # Seed: the same names in every test.
    for i in range(n % 3 + 1):
        appstream.add_builder(f"b{{i}}", description=token, display_name=f"{{token}}-{{i}}")

    # Mutate: a hook and an attribute on the pooled client, a fault, calls, a forced state.
    appstream_client.meta.events.register(
        "after-call.appstream", lambda **kw: HITS.append(token)
    )
    appstream_client.leaked = token
    # A fault another test injected would answer this; none must.
    assert appstream_client.describe_image_builders(MaxResults=7)["ImageBuilders"]
    appstream.inject("describe_image_builders", "ResourceNotFoundException", times=None,
                     when=lambda params: params.get("MaxResults") == 7, message=token)
    if faulted:
        with pytest.raises(appstream_client.exceptions.ConcurrentModificationException) as info:
            appstream_client.stop_image_builder(Name="b0")
        assert info.value.response["Error"]["Message"] == f"fault of {{token}}"
        appstream.assert_state("b0", "RUNNING")
    else:
        state = appstream_client.stop_image_builder(Name="b0")["ImageBuilder"]["State"]
        assert state == "STOPPING"
    with pytest.raises(appstream_client.exceptions.ResourceNotFoundException, match=token):
        appstream_client.describe_image_builders(MaxResults=7)
    appstream.set_state("marked", "FAILED", reason={{"Code": "INTERNAL_ERROR", "Message": token}})
    if policy == "manual":
        appstream.advance()

    # Assert: every reader sees this test's builders only.
    pages = appstream_client.get_paginator("describe_image_builders").paginate()
    seen = {{b["Name"]: b for page in pages for b in page["ImageBuilders"]}}
    assert sorted(seen) == sorted(["marked"] + [f"b{{i}}" for i in range(n % 3 + 1)])
    assert {{b["Description"] for b in seen.values()}} == {{token}}
    assert all(b["Arn"].split(":")[3] == region for b in seen.values())
    assert seen["marked"]["StateChangeReason"]["Message"] == token
    shared = [b["Name"] for b in SHARED.describe_image_builders()["ImageBuilders"]]
    assert shared == (list(seen) if region == "us-east-1" else [])
    appstream.assert_transitions("marked", [appstream.states("marked")[0], "FAILED"])
    if faulted:
        expected_b0 = ["RUNNING"]
    elif policy == "polled" and region != "us-east-1":
        expected_b0 = ["RUNNING", "STOPPING"]  # one read of polls=1 so far
    else:
        expected_b0 = ["RUNNING", "STOPPING", "STOPPED"]
    appstream.assert_transitions("b0", expected_b0)
    assert [(c.operation, c.error_code, c.region) for c in appstream.calls] == [
        ("DescribeImageBuilders", None, region),
        ("StopImageBuilder", "ConcurrentModificationException" if faulted else None, region),
        ("DescribeImageBuilders", "ResourceNotFoundException", region),
        ("DescribeImageBuilders", None, region),
        ("DescribeImageBuilders", None, "us-east-1"),
    ]
    assert HITS == [token] * 4
"""


def write_suite(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(
        **{f"test_m{m}": MODULE.format(m=m, count=TESTS_PER_MODULE) for m in range(MODULES)}
    )


def run_suite(
    pytester: pytest.Pytester, seed: str
) -> tuple[pytest.RunResult, dict[str, list[str]]]:
    order_dir = pytester.mkdir(f"order-{seed}")
    pytester._monkeypatch.setenv("ORDER_DIR", str(order_dir))
    result = pytester.runpytest_subprocess(
        "-n",
        "2",
        "-p",
        "randomly",
        "-p",
        "xdist",
        *([] if seed == "random" else [f"--randomly-seed={seed}"]),
        "-p",
        "no:cacheprovider",
        "-p",
        "no:hypothesispytest",
        "-p",
        "no:benchmark",
    )
    orders = {
        path.stem.removeprefix("order-"): path.read_text().split()
        for path in sorted(Path(order_dir).glob("order-*.txt"))
    }
    return result, orders


#: A fixed seed, and none: pytest-randomly then draws one (printed in the header).
@pytest.mark.parametrize("seed", ["12345", "random"])
def test_a_thousand_tests_are_isolated_in_any_order_on_two_workers(
    pytester: pytest.Pytester, seed: str
) -> None:
    write_suite(pytester)
    result, orders = run_suite(pytester, seed)
    result.assert_outcomes(passed=MODULES * TESTS_PER_MODULE)

    used = re.search(r"Using --randomly-seed=(\d+)", result.stdout.str())
    assert used is not None, result.stdout.str()
    if seed != "random":
        assert used[1] == seed
    # Both workers ran tests, every test ran exactly once, and not in file order.
    assert sorted(orders) == ["gw0", "gw1"]
    assert all(len(ran) > 100 for ran in orders.values())
    ran = [nodeid for worker in orders.values() for nodeid in worker]
    assert len(ran) == len(set(ran)) == MODULES * TESTS_PER_MODULE
    file_order = sorted(ran, key=lambda n: (n.split("::")[0], int(n.split("[")[1][:-1])))
    for worker in orders.values():
        assert worker != [n for n in file_order if n in set(worker)]
