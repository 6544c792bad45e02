"""Property test: random lifecycles against a reference model of the rule table.

Hypothesis drives create/start/stop/delete/describe/streaming-URL calls, ``advance`` and
``set_state`` in random order, once per transitions policy. After every step the fake must agree
with :class:`Reference`, a small model of docs/state-rules.md written independently of the service:
same live builders in the same order and states, same pending transitions, same histories.
Also: every history is a valid path of the rule table, a failed call changes nothing (beyond
completing a transition that was due when the call read the builder), describe never shows a
builder twice, and every answer validates against the botocore model.

Deterministic and bounded for CI (``derandomize``, 30 examples per policy, about 2 s in all);
``LIFECYCLE_EXAMPLES=1000 pytest tests/test_state_machine.py`` explores more.
"""

from __future__ import annotations

import os
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from pytest_appstream import AppStreamUsageError, FakeAppStream, Transition
from pytest_appstream._model import builder_states
from tests.fidelity import check_response

STATES = builder_states()
STABLE = ("RUNNING", "STOPPED", "FAILED")
NAMES = ("a", "b")
BAD_NAME = "bad name"  # breaks the Name pattern of Create/Delete; a plain string for Start/Stop

#: The rule table of docs/state-rules.md: operation -> (allowed states, via, final (None: gone),
#: error in a stable state it does not allow).
RULES: dict[str, tuple[tuple[str, ...], str, str | None, str | None]] = {
    "StopImageBuilder": (("RUNNING",), "STOPPING", "STOPPED", "OperationNotPermittedException"),
    "StartImageBuilder": (("STOPPED",), "PENDING", "RUNNING", "ResourceNotAvailableException"),
    "DeleteImageBuilder": (STABLE, "DELETING", None, None),
}
#: Where a builder *seeded* in an in-between state ends: STOPPING stops, DELETING goes, the rest run.
SEEDED_ENDS = {state: "RUNNING" for state in STATES if state not in STABLE} | {
    "STOPPING": "STOPPED",
    "DELETING": None,
}
#: (in-between state, final state) pairs that "advance" may complete.
COMPLETIONS = {(via, to) for _, via, to, _ in RULES.values()} | set(SEEDED_ENDS.items())
PATTERN_CHECKED = ("CreateImageBuilder", "DeleteImageBuilder")

#: Mostly stable states (a seeded in-between state completes; a forced one stays).
any_state = st.one_of(st.sampled_from(STABLE), st.sampled_from(STATES))
#: Mostly good names, sometimes one the model's pattern refuses.
some_name = st.sampled_from((*NAMES, *NAMES, *NAMES, BAD_NAME))

SETTINGS = settings(
    max_examples=int(os.environ.get("LIFECYCLE_EXAMPLES", "30")),
    stateful_step_count=50,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@attrs.define
class Ref:
    """A live builder in the reference: its state and its pending transition, if any."""

    state: str
    pending: bool = False
    to: str | None = None
    reads_left: int | None = None


class Reference:
    """What the fake must do, step by step, written from the rule table alone."""

    def __init__(self, policy: str, polls: int) -> None:
        self.reads = {"immediate": 0, "polled": polls, "manual": None}[policy]
        self.live: dict[str, Ref] = {}
        self.seeds: dict[str, str] = {}
        self.histories: dict[str, list[Transition]] = {}

    def record(self, name: str, old: str | None, new: str | None, operation: str) -> None:
        self.histories.setdefault(name, []).append(Transition(old, new, operation))

    def complete(self, name: str) -> None:
        ref = self.live[name]
        if not ref.pending:
            return
        self.record(name, ref.state, ref.to, "advance")
        if ref.to is None:
            del self.live[name]
        else:
            self.live[name] = Ref(ref.to)

    def settle(self, name: str) -> bool:
        """A call reads ``name``: a due transition completes first. True if one did."""
        ref = self.live.get(name)
        if ref is not None and ref.pending and ref.reads_left == 0:
            self.complete(name)
            return True
        return False

    def begin(self, name: str, via: str, to: str | None, operation: str) -> None:
        self.record(name, self.live[name].state if name in self.live else None, via, operation)
        self.live[name] = Ref(via, True, to, self.reads)

    def act(self, operation: str, name: str) -> tuple[str | None, bool]:
        """Start/Stop/Delete: (error code or None, whether reading completed a transition)."""
        if operation in PATTERN_CHECKED and name == BAD_NAME:
            return "ValidationException", False  # refused before any builder is read
        settled = self.settle(name)
        if name not in self.live:
            return "ResourceNotFoundException", settled
        allowed, via, to, refused = RULES[operation]
        state = self.live[name].state
        if state not in allowed:
            error = refused if state in STABLE and refused else "ConcurrentModificationException"
            return error, settled
        self.begin(name, via, to, operation)
        return None, settled

    def create(self, name: str) -> tuple[str | None, bool]:
        """CreateImageBuilder: (error code or None, whether reading completed a transition)."""
        if name == BAD_NAME:
            return "ValidationException", False
        settled = self.settle(name)
        if name in self.live:
            return "ResourceAlreadyExistsException", settled
        self.begin(name, "PENDING", "RUNNING", "CreateImageBuilder")
        return None, settled

    def poll(self, name: str) -> None:
        ref = self.live[name]
        if ref.pending and ref.reads_left:
            ref.reads_left -= 1


class Lifecycle(RuleBasedStateMachine):
    """The fake and the reference, driven side by side under one transitions policy."""

    policy = "polled"
    polls = 1
    fake: FakeAppStream
    ref: Reference

    @initialize(seeds=st.dictionaries(st.sampled_from(NAMES), any_state, max_size=2))
    def setup(self, seeds: dict[str, str]) -> None:
        self.fake = FakeAppStream(transitions=self.policy, polls=self.polls)
        self.ref = Reference(self.policy, self.polls)
        for name, state in seeds.items():
            self.fake.add_builder(name, state=state)
            if state in STABLE:
                self.ref.live[name] = Ref(state)
            else:
                self.ref.live[name] = Ref(state, True, SEEDED_ENDS[state], self.ref.reads)
            self.ref.seeds[name] = state
            self.ref.histories[name] = []

    # -- calling the fake ---------------------------------------------------------------------

    def snapshot(self) -> Any:
        store = self.fake.registry.store(self.fake.account_id, self.fake.region)
        entries = {
            name: (
                e.builder,
                e.pending and (e.pending.to_state, e.pending.reads_left),
                dict(e.tags),
            )
            for name, e in store.items()
        }
        names = [name for _, _, name in self.fake.registry.names()]
        return list(entries.items()), {name: self.fake.history(name) for name in names}

    def call(self, operation: str, params: dict[str, Any], error: str | None, settled: bool) -> Any:
        """Answer one call; check its outcome, its model validity, and that a failure changed
        nothing (unless a due transition completed when it read the builder)."""
        before = self.snapshot()
        status, body = self.fake._handle(operation, params, None)
        check_response(operation, status, body)
        assert (body.get("__type") if status != 200 else None) == error, (operation, body)
        assert self.fake.calls[-1].error_code == error
        if error is not None and not settled:
            assert self.snapshot() == before, f"failed {operation} changed the fake"
        return body

    # -- rules --------------------------------------------------------------------------------

    def target(self, data: st.DataObject, names: st.SearchStrategy[str] = some_name) -> str:
        """Mostly a live builder (else calls would mostly miss), sometimes any name."""
        live = st.sampled_from(sorted(self.ref.live)) if self.ref.live else names
        return data.draw(st.one_of(live, live, names), label="name")

    @rule(name=some_name)
    def create(self, name: str) -> None:
        error, settled = self.ref.create(name)
        params = {
            "Name": name,
            "ImageName": "AppStream-WinServer2022-06-12-2023",
            "InstanceType": "stream.standard.small",
        }
        body = self.call("CreateImageBuilder", params, error, settled)
        if error is None:
            assert body["ImageBuilder"]["State"] == "PENDING"

    def act(self, operation: str, name: str) -> None:
        error, settled = self.ref.act(operation, name)
        body = self.call(operation, {"Name": name}, error, settled)
        if error is None:
            assert body["ImageBuilder"]["State"] == RULES[operation][1]

    @rule(data=st.data())
    def start(self, data: st.DataObject) -> None:
        self.act("StartImageBuilder", self.target(data))

    @rule(data=st.data())
    def stop(self, data: st.DataObject) -> None:
        self.act("StopImageBuilder", self.target(data))

    @rule(data=st.data())
    def delete(self, data: st.DataObject) -> None:
        self.act("DeleteImageBuilder", self.target(data))

    @rule(data=st.data())
    def describe_one(self, data: st.DataObject) -> None:
        name = self.target(data, st.sampled_from(NAMES))
        settled = self.ref.settle(name)
        error = None if name in self.ref.live else "ResourceNotFoundException"
        body = self.call("DescribeImageBuilders", {"Names": [name]}, error, settled)
        if error is None:
            [builder] = body["ImageBuilders"]
            assert builder["State"] == self.ref.live[name].state
            self.ref.poll(name)

    @rule()
    def describe_all(self) -> None:
        for name in list(self.ref.live):
            self.ref.settle(name)
        body = self.call("DescribeImageBuilders", {}, None, True)
        names = [b["Name"] for b in body["ImageBuilders"]]
        assert len(names) == len(set(names)), f"a builder shown twice: {names}"
        assert names == list(self.ref.live)
        assert [b["State"] for b in body["ImageBuilders"]] == [
            r.state for r in self.ref.live.values()
        ]
        for name in names:
            self.ref.poll(name)

    @rule(data=st.data())
    def streaming_url(self, data: st.DataObject) -> None:
        name = self.target(data, st.sampled_from(NAMES))
        settled = self.ref.settle(name)
        if name not in self.ref.live:
            error: str | None = "ResourceNotFoundException"
        elif self.ref.live[name].state != "RUNNING":
            error = "OperationNotPermittedException"
        else:
            error = None
        self.call("CreateImageBuilderStreamingURL", {"Name": name}, error, settled)

    @rule(name=st.one_of(st.none(), st.sampled_from(NAMES)))
    def advance(self, name: str | None) -> None:
        if name is not None and name not in self.ref.live:
            self.refused(self.fake.advance, name)
            return
        self.fake.advance(name)
        for each in [name] if name is not None else list(self.ref.live):
            self.ref.complete(each)

    @rule(data=st.data(), state=any_state)
    def set_state(self, data: st.DataObject, state: str) -> None:
        name = self.target(data, st.sampled_from(NAMES))
        if name not in self.ref.live:
            self.refused(self.fake.set_state, name, state)
            return
        self.fake.set_state(name, state)
        old = self.ref.live[name].state
        if old != state:
            self.ref.record(name, old, state, "set_state")
        self.ref.live[name] = Ref(state)

    def refused(self, helper: Any, *args: Any) -> None:
        """A test-side helper asked about no live builder: a usage error, and no change."""
        before = self.snapshot()
        try:
            helper(*args)
        except AppStreamUsageError:
            assert self.snapshot() == before
        else:
            raise AssertionError(f"{helper.__name__}{args} of no live builder did not complain")

    # -- invariants ---------------------------------------------------------------------------

    @invariant()
    def agrees_with_the_reference(self) -> None:
        store = self.fake.registry.store(self.fake.account_id, self.fake.region)
        assert list(store) == list(self.ref.live)
        for name, entry in store.items():
            ref = self.ref.live[name]
            assert entry.builder.state == ref.state, name
            pending = entry.pending and (entry.pending.to_state, entry.pending.reads_left)
            assert pending == ((ref.to, ref.reads_left) if ref.pending else None), name
        for name, history in self.ref.histories.items():
            assert self.fake.history(name) == history, name

    @invariant()
    def every_history_is_a_valid_path(self) -> None:
        for name, history in self.ref.histories.items():
            state = self.ref.seeds.get(name)
            for step in self.fake.history(name):
                assert step.from_state == state, (name, history)
                assert valid(step), (name, step)
                state = step.to_state


def valid(step: Transition) -> bool:
    """One transition the rule table (or set_state) allows."""
    if step.operation == "CreateImageBuilder":
        return (step.from_state, step.to_state) == (None, "PENDING")
    if step.operation == "advance":
        return (step.from_state, step.to_state) in COMPLETIONS
    if step.operation == "set_state":
        return (
            step.from_state in STATES
            and step.to_state in STATES
            and step.from_state != step.to_state
        )
    allowed, via, _, _ = RULES[step.operation]
    return step.from_state in allowed and step.to_state == via


@pytest.mark.parametrize(
    ("policy", "polls"), [("immediate", 1), ("polled", 1), ("polled", 2), ("manual", 1)]
)
def test_random_lifecycles_follow_the_rule_table(policy: str, polls: int) -> None:
    machine = type(f"Lifecycle_{policy}_{polls}", (Lifecycle,), {"policy": policy, "polls": polls})
    run_state_machine_as_test(machine, settings=SETTINGS)


def test_the_path_checker_rejects_what_the_table_forbids() -> None:
    assert valid(Transition("RUNNING", "STOPPING", "StopImageBuilder"))
    assert not valid(Transition("STOPPED", "STOPPING", "StopImageBuilder"))
    assert not valid(Transition("PENDING", "DELETING", "DeleteImageBuilder"))
    assert not valid(Transition("STOPPING", "RUNNING", "advance"))
    assert not valid(Transition("RUNNING", "PENDING", "CreateImageBuilder"))
    assert valid(Transition("DELETING", None, "advance"))
