"""Unit tests of the service: the state rule table, transitions, pagination (no pytest plugin)."""

from __future__ import annotations

import pytest

from pytest_appstream import FakeAppStream, _operations
from pytest_appstream._image_builders import STABLE_STATES
from pytest_appstream._model import builder_states, error_status

NOT_FOUND = error_status("ResourceNotFoundException")


def stop(fake: FakeAppStream, name: str) -> tuple[int, dict]:
    return fake._handle("StopImageBuilder", {"Name": name}, None)


def describe(fake: FakeAppStream, **params: object) -> tuple[int, dict]:
    return fake._handle("DescribeImageBuilders", dict(params), None)


def expected_stop(state: str) -> str | None:
    """The rule table of docs/state-rules.md for StopImageBuilder, written out independently."""
    if state == "RUNNING":
        return None
    if state in ("STOPPED", "FAILED"):
        return "OperationNotPermittedException"
    return "ConcurrentModificationException"


@pytest.mark.parametrize("state", builder_states())
def test_stop_follows_the_rule_table_for_every_state_of_the_model(state: str) -> None:
    fake = FakeAppStream()
    before = fake.add_builder("b", state=state)
    status, body = stop(fake, "b")
    error = expected_stop(state)
    if error is None:
        assert (status, body["ImageBuilder"]["State"]) == (200, "STOPPING")
        assert fake.states("b") == ["RUNNING", "STOPPING"]
    else:
        assert (status, body["__type"]) == (400, error)
        assert "b" in body["message"] and state in body["message"]
        assert "RUNNING" in body["message"]
        assert fake.builder("b") == before
        assert fake.history("b") == []
    assert fake.calls[-1].error_code == error


def test_the_stable_states_exist_in_the_model() -> None:
    assert set(STABLE_STATES) <= set(builder_states())


def test_unknown_name_is_resource_not_found_naming_builder_and_account() -> None:
    fake = FakeAppStream(account_id="111122223333")
    status, body = stop(fake, "ghost")
    assert status == error_status("ResourceNotFoundException")  # the model's (404 in 1.44)
    assert body == {
        "__type": "ResourceNotFoundException",
        "message": "The image builder ghost for account 111122223333 does not exist.",
    }


@pytest.mark.parametrize(
    ("policy", "polls", "reads_stopping"),
    [("immediate", 1, 0), ("polled", 1, 1), ("polled", 3, 3), ("polled", 0, 0)],
)
def test_policies_decide_how_many_describes_see_stopping(
    policy: str, polls: int, reads_stopping: int
) -> None:
    fake = FakeAppStream(transitions=policy, polls=polls)
    fake.add_builder("b")
    stop(fake, "b")
    seen = [
        describe(fake, Names=["b"])[1]["ImageBuilders"][0]["State"]
        for _ in range(reads_stopping + 2)
    ]
    assert seen == ["STOPPING"] * reads_stopping + ["STOPPED", "STOPPED"]
    assert fake.history("b")[-1].operation == "advance"


def test_a_name_repeated_in_one_describe_is_one_poll() -> None:
    fake = FakeAppStream(polls=2)
    fake.add_builder("b")
    stop(fake, "b")
    first = describe(fake, Names=["b", "b"])[1]["ImageBuilders"]
    assert [b["State"] for b in first] == ["STOPPING", "STOPPING"]
    assert describe(fake, Names=["b"])[1]["ImageBuilders"][0]["State"] == "STOPPING"
    assert describe(fake, Names=["b"])[1]["ImageBuilders"][0]["State"] == "STOPPED"


def test_manual_policy_waits_for_advance() -> None:
    fake = FakeAppStream(transitions="manual")
    fake.add_builder("b")
    stop(fake, "b")
    for _ in range(5):
        assert describe(fake)[1]["ImageBuilders"][0]["State"] == "STOPPING"
    fake.advance("b")
    assert describe(fake)[1]["ImageBuilders"][0]["State"] == "STOPPED"
    assert fake.states("b") == ["RUNNING", "STOPPING", "STOPPED"]


def test_immediate_policy_completes_before_any_next_call() -> None:
    fake = FakeAppStream(transitions="immediate")
    fake.add_builder("b")
    stop(fake, "b")
    _, body = stop(fake, "b")
    assert body["__type"] == "OperationNotPermittedException"  # already STOPPED
    assert "is STOPPED" in body["message"]


IN_BETWEEN = [state for state in builder_states() if state not in STABLE_STATES]


def seeded_end(state: str) -> str | None:
    """Where a seeded in-between state ends, written out independently: see seeding.md."""
    return {"STOPPING": "STOPPED", "DELETING": None}.get(state, "RUNNING")


@pytest.mark.parametrize("state", IN_BETWEEN)
def test_a_builder_seeded_in_between_completes_after_the_polls(state: str) -> None:
    fake = FakeAppStream(polls=2)
    fake.add_builder("b", state=state)
    seen = [[b["State"] for b in describe(fake)[1]["ImageBuilders"]] for _ in range(3)]
    end = seeded_end(state)
    assert seen == [[state], [state], [end] if end else []]
    assert fake.states("b") == [state, end]
    assert fake.history("b")[-1].operation == "advance"


@pytest.mark.parametrize("state", IN_BETWEEN)
def test_a_builder_seeded_in_between_waits_for_advance_under_manual(state: str) -> None:
    fake = FakeAppStream(transitions="manual")
    fake.add_builder("b", state=state)
    for _ in range(3):
        assert describe(fake)[1]["ImageBuilders"][0]["State"] == state
    fake.advance()
    assert fake.states("b") == [state, seeded_end(state)]


def test_a_builder_seeded_stable_has_nothing_to_complete() -> None:
    fake = FakeAppStream(transitions="immediate")
    for state in STABLE_STATES:
        fake.add_builder(state.lower(), state=state)
    describe(fake)
    fake.advance()
    assert [fake.states(s.lower()) for s in STABLE_STATES] == [[s] for s in STABLE_STATES]


def test_stopping_again_while_stopping_is_concurrent_modification() -> None:
    fake = FakeAppStream()
    fake.add_builder("b")
    stop(fake, "b")
    assert stop(fake, "b")[1]["__type"] == "ConcurrentModificationException"
    assert fake.states("b") == ["RUNNING", "STOPPING"]


def test_describe_pages_in_creation_order() -> None:
    fake = FakeAppStream()
    names = [f"b-{i:03}" for i in range(60)]
    for name in names:
        fake.add_builder(name)
    seen, token, pages = [], None, 0
    while True:
        params = {"MaxResults": 7} | ({"NextToken": token} if token else {})
        status, body = describe(fake, **params)
        assert status == 200 and len(body["ImageBuilders"]) <= 7
        seen += [b["Name"] for b in body["ImageBuilders"]]
        pages += 1
        token = body.get("NextToken")
        if token is None:
            break
    assert seen == names and pages == 9


def test_describe_without_max_results_pages_by_the_default_size() -> None:
    fake = FakeAppStream()
    for i in range(30):
        fake.add_builder(f"b{i}")
    _, body = describe(fake)
    assert len(body["ImageBuilders"]) == 25 and "NextToken" in body


def test_describe_names_filter_and_unknown_name() -> None:
    fake = FakeAppStream()
    fake.add_builder("a")
    fake.add_builder("b")
    assert [b["Name"] for b in describe(fake, Names=["b"])[1]["ImageBuilders"]] == ["b"]
    status, body = describe(fake, Names=["b", "zz"])
    assert (status, body["__type"]) == (NOT_FOUND, "ResourceNotFoundException") and "zz" in body[
        "message"
    ]


@pytest.mark.parametrize(
    ("params", "fragment"),
    [({"MaxResults": 0}, "maxResults"), ({"NextToken": "junk!"}, "NextToken")],
)
def test_describe_rejects_bad_paging(params: dict, fragment: str) -> None:
    status, body = describe(FakeAppStream(), **params)
    assert (status, body["__type"]) == (400, "ValidationException") and fragment in body["message"]


def test_regions_are_separate_registries() -> None:
    fake = FakeAppStream(region="us-east-1")
    fake.add_builder("b")
    _, body = fake._handle("StopImageBuilder", {"Name": "b"}, "eu-west-1")
    assert body["__type"] == "ResourceNotFoundException"
    assert fake.calls[-1].region == "eu-west-1"


def test_unimplemented_operation_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    """An operation a newer botocore brings before the fake implements it."""
    monkeypatch.delitem(_operations.HANDLERS, "DescribeFleets")
    status, body = FakeAppStream()._handle("DescribeFleets", {}, None)
    assert status == 400 and body["__type"] == "UnsupportedOperation"
    assert "does not implement DescribeFleets" in body["message"]
