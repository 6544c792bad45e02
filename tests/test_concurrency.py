"""Concurrency: 8 threads x 500 mixed operations on one shared set of builders.

Each thread, with its own botocore client, stops and describes builders, completes transitions
(``advance``), injects faults, and brings builders back (``StartImageBuilder`` once the fake
implements it; until then, and for FAILED builders, a forced ``set_state``). Afterwards:

- every history is a valid path of the rule table (:data:`pytest_appstream._image_builders.ACTIONS`):
  each step starts where the previous one ended, each API step is allowed from its state and
  enters the action's in-between state, each ``advance`` completes the action before it;
- no transition is lost or duplicated: each builder has one transition per successful call and
  per forced state the threads made, and one completion per action that is not still pending;
- ``calls`` holds every call the threads made exactly once, with the outcome the thread saw, and
  every injected fault answered at most one call, the one whose thread saw its message.
"""

from __future__ import annotations

import collections
import json
import random
import sys
import threading
from collections.abc import Iterator
from typing import Any

import attrs
import botocore.session
import pytest
from botocore.client import BaseClient
from botocore.config import Config
from botocore.exceptions import ClientError

from pytest_appstream import FakeAppStream, _image_builders, _operations
from pytest_appstream._model import Transition, modeled_errors

THREADS = 8
OPERATIONS_PER_THREAD = 500
BUILDERS = [f"b{i}" for i in range(6)]
#: Forced moves this test makes with set_state, besides StartImageBuilder's stand-in.
FORCED = {("RUNNING", "FAILED"), ("STOPPED", "RUNNING"), ("FAILED", "RUNNING")}


def start_implemented() -> bool:
    """StartImageBuilder joins the mix as soon as the fake implements it."""
    return "StartImageBuilder" in _operations.HANDLERS


@attrs.define
class Log:
    """What one thread did: its API calls (as it saw them) and its forced moves."""

    calls: list[tuple[str, dict[str, Any], str | None, str | None]] = attrs.field(factory=list)
    forced: collections.Counter[tuple[str, str, str]] = attrs.field(factory=collections.Counter)
    injected: list[tuple[Any, str]] = attrs.field(factory=list)


def call(log: Log, client: BaseClient, operation: str, **params: Any) -> dict[str, Any] | None:
    method = getattr(client, botocore.xform_name(operation))
    try:
        response: dict[str, Any] = method(**params)
    except ClientError as error:
        code, message = error.response["Error"]["Code"], error.response["Error"]["Message"]
        log.calls.append((operation, params, code, message))
        return None
    log.calls.append((operation, params, None, None))
    return response


def force(fake: FakeAppStream, log: Log, name: str, moves: set[tuple[str, str]]) -> None:
    """Force ``name`` to a state of ``moves`` if its state allows it, atomically."""
    with fake.registry.lock:
        state = fake.builder(name).state
        for from_state, to_state in moves:
            if from_state == state:
                fake.set_state(name, to_state)
                log.forced[(name, from_state, to_state)] += 1
                return


def worker(
    fake: FakeAppStream, client: BaseClient, log: Log, seed: int, go: threading.Barrier
) -> None:
    rng = random.Random(seed)
    start = start_implemented()
    go.wait()
    for i in range(OPERATIONS_PER_THREAD):
        name = rng.choice(BUILDERS)
        kind = rng.choices(
            ["stop", "describe", "describe-all", "advance", "restart", "fail", "fault"],
            weights=[30, 20, 10, 10, 20, 3, 7],
        )[0]
        if kind == "stop":
            response = call(log, client, "StopImageBuilder", Name=name)
            assert response is None or response["ImageBuilder"]["State"] == "STOPPING"
        elif kind == "describe":
            call(log, client, "DescribeImageBuilders", Names=[name])
        elif kind == "describe-all":
            call(log, client, "DescribeImageBuilders", MaxResults=rng.randint(1, 6))
        elif kind == "advance":
            fake.advance(name if rng.random() < 0.5 else None)
        elif kind == "restart":
            if start and fake.builder(name).state == "STOPPED":
                call(log, client, "StartImageBuilder", Name=name)
            else:
                force(fake, log, name, {("STOPPED", "RUNNING"), ("FAILED", "RUNNING")})
        elif kind == "fail":
            force(fake, log, name, {("RUNNING", "FAILED")})
        else:
            operations = ["StopImageBuilder", "DescribeImageBuilders"]
            if start:
                operations.append("StartImageBuilder")
            operation = rng.choice(operations)
            code = rng.choice(modeled_errors(operation))
            message = f"injected {seed}-{i}"
            fault = fake.inject(operation, code, name=name, message=message)
            log.injected.append((fault, message))


@pytest.fixture
def busy_interpreter() -> Iterator[None]:
    """Switch threads every microsecond (default: 5 ms), to provoke interleavings."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(before)


def assert_valid_path(name: str, seed_state: str, history: list[Transition]) -> None:
    """Every step of ``history`` follows the rule table (or is one of this test's forced moves)."""
    __tracebackhide__ = True
    state: str | None = seed_state
    previous: Transition | None = None
    for step in history:
        where = f"{name}: {step} after {previous}"
        assert step.from_state == state, f"{where}: does not start where the last step ended"
        if step.operation in _image_builders.ACTIONS:
            action = _image_builders.ACTIONS[step.operation]
            assert step.from_state in action.allowed, f"{where}: not allowed from this state"
            assert step.to_state == action.via, f"{where}: must enter {action.via}"
        elif step.operation == "advance":
            assert previous is not None and previous.operation in _image_builders.ACTIONS, where
            assert step.to_state == _image_builders.ACTIONS[previous.operation].to, where
        else:
            assert step.operation == "set_state", where
            assert (step.from_state, step.to_state) in FORCED, where
        state, previous = step.to_state, step


@pytest.mark.usefixtures("busy_interpreter")
@pytest.mark.appstream(transitions="polled", polls=1, assert_all_faults_used=False)
def test_eight_threads_of_mixed_calls_keep_every_history_valid(appstream: FakeAppStream) -> None:
    for name in BUILDERS:
        appstream.add_builder(name)
    session = botocore.session.get_session()
    clients = [
        session.create_client(
            "appstream", region_name="us-east-1", config=Config(retries={"total_max_attempts": 1})
        )
        for _ in range(THREADS)
    ]
    logs = [Log() for _ in range(THREADS)]
    go = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def run(t: int) -> None:
        try:
            worker(appstream, clients[t], logs[t], seed=1000 + t, go=go)
        except BaseException as error:  # reported below, with the thread's traceback
            errors.append(error)
            raise

    threads = [threading.Thread(target=run, args=(t,)) for t in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []

    # calls holds every call exactly once, with the outcome the thread saw.
    def key(operation: str, params: Any, code: str | None) -> tuple[str, str, str | None]:
        return operation, json.dumps(params, sort_keys=True), code

    made = collections.Counter(key(o, p, c) for log in logs for o, p, c, _ in log.calls)
    recorded = collections.Counter(
        key(c.operation, c.params, c.error_code) for c in appstream.calls
    )
    assert recorded == made
    assert sum(made.values()) == len(appstream.calls) > THREADS * OPERATIONS_PER_THREAD // 2

    # Every injected fault answered at most once, and exactly the call whose thread saw it.
    seen = collections.Counter(
        m for log in logs for *_, m in log.calls if m and m.startswith("injected")
    )
    assert max(seen.values(), default=1) == 1
    for log in logs:
        for fault, message in log.injected:
            assert fault.used == seen[message], (fault, message)
    assert sum(seen.values()) > 0

    # Every history is a valid path of the rule table; nothing lost, nothing duplicated.
    succeeded = collections.Counter(
        (c.operation, c.params["Name"])
        for c in appstream.calls
        if c.error_code is None and "Name" in c.params
    )
    forced: collections.Counter[tuple[str, str, str]] = sum(
        (log.forced for log in logs), collections.Counter()
    )
    for name in BUILDERS:
        history = appstream.history(name)
        assert_valid_path(name, "RUNNING", history)
        steps = collections.Counter(t.operation for t in history)
        for operation in _image_builders.ACTIONS:
            assert steps[operation] == succeeded[(operation, name)], (name, operation)
        moves = collections.Counter(
            (t.from_state, t.to_state) for t in history if t.operation == "set_state"
        )
        assert moves == collections.Counter(
            {(f, t): n for (b, f, t), n in forced.items() if b == name}
        )
        entry = appstream.registry.get(appstream.account_id, appstream.region, name)
        assert entry is not None
        pending = 1 if entry.pending is not None else 0
        started = sum(steps[operation] for operation in _image_builders.ACTIONS)
        assert steps["advance"] == started - pending, name
        assert entry.builder.state == (history[-1].to_state if history else "RUNNING")
        if pending:
            last = history[-1]
            assert last.operation in _image_builders.ACTIONS
            assert entry.pending.to_state == _image_builders.ACTIONS[last.operation].to
    assert sum(succeeded.values()) > 0 and sum(forced.values()) > 0
