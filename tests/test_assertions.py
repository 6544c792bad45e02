"""The assertion helpers, the call log and history, and the ImageBuilder == explanation.

Unit tests drive :class:`FakeAppStream` directly; the ``pytester`` tests check the exact text a
user sees when an assertion fails, and that the traceback ends in the user's test.
"""

from __future__ import annotations

import glob
import re
from pathlib import Path
from unittest import mock

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pytest_appstream import AppStreamUsageError, Call, FakeAppStream, ImageBuilder, Transition
from pytest_appstream._assertions import MAX_LISTED_CALLS, compare_builders
from pytest_appstream._model import builder_states
from pytest_appstream.plugin import pytest_assertrepr_compare

ACCOUNT = "123456789012"


def stop(fake: FakeAppStream, name: str, region: str | None = None) -> dict:
    return fake._handle("StopImageBuilder", {"Name": name}, region)[1]


def describe(fake: FakeAppStream, **params: object) -> dict:
    return fake._handle("DescribeImageBuilders", dict(params), None)[1]


def delete(fake: FakeAppStream, name: str) -> None:
    """Delete as DeleteImageBuilder would (that operation belongs to another issue)."""
    fake.registry.set_state(ACCOUNT, fake.region, name, "DELETING", "DeleteImageBuilder")
    fake.registry.remove(ACCOUNT, fake.region, name, "advance")


def failure(call: object, *args: object, **kwargs: object) -> str:
    with pytest.raises(AssertionError) as info:
        call(*args, **kwargs)  # type: ignore[operator]
    return str(info.value)


# -- history and calls ---------------------------------------------------------------------------


def test_history_records_each_change_with_its_cause() -> None:
    fake = FakeAppStream()
    fake.add_builder("b")
    stop(fake, "b")
    describe(fake)  # still STOPPING (polls=1)
    describe(fake)  # completes
    fake.set_state("b", "FAILED")
    assert fake.history("b") == [
        Transition("RUNNING", "STOPPING", "StopImageBuilder"),
        Transition("STOPPING", "STOPPED", "advance"),
        Transition("STOPPED", "FAILED", "set_state"),
    ]
    assert fake.states("b") == ["RUNNING", "STOPPING", "STOPPED", "FAILED"]


def test_history_is_a_copy_and_a_failed_call_adds_nothing() -> None:
    fake = FakeAppStream()
    fake.add_builder("b", state="STOPPED")
    stop(fake, "b")  # OperationNotPermittedException
    history = fake.history("b")
    history.append(Transition("X", "Y", "Z"))
    assert fake.history("b") == []


def test_history_of_a_deleted_builder_ends_in_none() -> None:
    fake = FakeAppStream()
    fake.add_builder("b")
    delete(fake, "b")
    assert [(t.from_state, t.to_state) for t in fake.history("b")] == [
        ("RUNNING", "DELETING"),
        ("DELETING", None),
    ]


def test_history_of_an_unknown_name_is_a_usage_error_listing_live_builders() -> None:
    fake = FakeAppStream()
    fake.add_builder("nightly")
    with pytest.raises(AppStreamUsageError, match=r"no image builder named 'ghost'.*nightly"):
        fake.history("ghost")


def test_calls_log_operation_params_error_region_and_account() -> None:
    fake = FakeAppStream(account_id="111122223333")
    fake.add_builder("b")
    stop(fake, "b")
    stop(fake, "b")
    stop(fake, "b", region="eu-west-1")
    describe(fake, Names=["b"])
    assert fake.calls == [
        Call("StopImageBuilder", {"Name": "b"}, None, "us-east-1", "111122223333"),
        Call(
            "StopImageBuilder",
            {"Name": "b"},
            "ConcurrentModificationException",
            "us-east-1",
            "111122223333",
        ),
        Call(
            "StopImageBuilder",
            {"Name": "b"},
            "ResourceNotFoundException",
            "eu-west-1",
            "111122223333",
        ),
        Call("DescribeImageBuilders", {"Names": ["b"]}, None, "us-east-1", "111122223333"),
    ]
    assert [(c.region, c.account_id) for c in fake.calls] == [
        ("us-east-1", "111122223333"),
        ("us-east-1", "111122223333"),
        ("eu-west-1", "111122223333"),
        ("us-east-1", "111122223333"),
    ]
    fake.calls.clear()
    assert len(fake.calls) == 4


def test_a_call_compares_by_operation_params_and_error_code() -> None:
    fake = FakeAppStream(region="eu-west-1", account_id="111122223333")
    fake.add_builder("b")
    stop(fake, "b")
    assert Call("StopImageBuilder", {"Name": "b"}, None) in fake.calls
    assert fake.calls == [Call("StopImageBuilder", {"Name": "b"}, None)]
    assert Call("StopImageBuilder", {"Name": "b"}, "ThrottlingException") not in fake.calls
    assert Call("StopImageBuilder", {"Name": "c"}, None) not in fake.calls
    assert "region='eu-west-1'" in repr(fake.calls[0])


def test_calls_hold_the_wire_parameters_a_real_client_sent(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
        from pytest_appstream import Call

        def test_log(appstream, appstream_client):
            appstream.add_builder("b")
            appstream_client.describe_image_builders(Names=["b"], MaxResults=5)
            assert appstream.calls == [
                Call("DescribeImageBuilders", {"Names": ["b"], "MaxResults": 5}, None,
                     "us-east-1", "123456789012")
            ]
        """,
    )
    result.assert_outcomes(passed=1)


# -- assert_state --------------------------------------------------------------------------------


def test_assert_state_passes_on_the_current_state() -> None:
    fake = FakeAppStream()
    fake.add_builder("b")
    stop(fake, "b")
    fake.assert_state("b", "STOPPING")


@pytest.mark.parametrize(
    ("transitions", "polls", "note"),
    [
        (
            "polled",
            1,
            "pending: STOPPING -> STOPPED after DescribeImageBuilders sees STOPPING 1 more time; "
            "appstream.advance('b') completes it now",
        ),
        (
            "polled",
            3,
            "pending: STOPPING -> STOPPED after DescribeImageBuilders sees STOPPING 3 more times; "
            "appstream.advance('b') completes it now",
        ),
        (
            "immediate",
            1,
            "pending: STOPPING -> STOPPED at the next AppStream call that reads it "
            "(e.g. DescribeImageBuilders); appstream.advance('b') completes it now",
        ),
        (
            "manual",
            1,
            "pending: STOPPING -> STOPPED when the test calls appstream.advance('b') "
            "(transitions='manual')",
        ),
    ],
)
def test_assert_state_says_how_a_pending_transition_completes(
    transitions: str, polls: int, note: str
) -> None:
    fake = FakeAppStream(transitions=transitions, polls=polls)
    fake.add_builder("b")
    stop(fake, "b")
    assert failure(fake.assert_state, "b", "STOPPED").splitlines() == [
        "image builder 'b' is STOPPING, expected STOPPED",
        f"  {note}",
        "  states: RUNNING (seeded) -> STOPPING (StopImageBuilder)",
    ]


def test_the_pending_note_counts_down_with_polls() -> None:
    fake = FakeAppStream(polls=2)
    fake.add_builder("b")
    stop(fake, "b")
    describe(fake)
    assert "sees STOPPING 1 more time;" in failure(fake.assert_state, "b", "STOPPED")
    describe(fake)
    assert "at the next AppStream call" in failure(fake.assert_state, "b", "STOPPED")
    describe(fake)
    fake.assert_state("b", "STOPPED")


def test_assert_state_without_pending_shows_no_pending_line() -> None:
    fake = FakeAppStream()
    fake.add_builder("b", state="STOPPED")
    assert failure(fake.assert_state, "b", "RUNNING").splitlines() == [
        "image builder 'b' is STOPPED, expected RUNNING",
        "  states: STOPPED (seeded)",
    ]


def test_assert_state_none_means_deleted() -> None:
    fake = FakeAppStream()
    fake.add_builder("b")
    delete(fake, "b")
    fake.assert_state("b", None)
    assert failure(fake.assert_state, "b", "RUNNING").splitlines() == [
        "image builder 'b' is (deleted), expected RUNNING",
        "  states: RUNNING (seeded) -> DELETING (DeleteImageBuilder) -> (deleted) (advance)",
    ]
    fake.add_builder("c")
    assert failure(fake.assert_state, "c", None).startswith(
        "image builder 'c' is RUNNING, expected (deleted)"
    )


@pytest.mark.parametrize(
    ("name", "state", "message"),
    [
        (
            "b",
            "STOPED",
            r"state='STOPED' is not an image builder state \(did you mean 'STOPPED'\?\)",
        ),
        ("b", "running", r"state='running' is not an image builder state.*allowed: PENDING, "),
        ("b", 3, r"state=3 is not an image builder state"),
        (
            "ghost",
            "RUNNING",
            r"no image builder named 'ghost' in 123456789012/us-east-1; live builders: b",
        ),
        (None, "RUNNING", r"name=None must be an image builder name"),
    ],
)
def test_assert_state_rejects_bad_arguments(name: object, state: object, message: str) -> None:
    fake = FakeAppStream()
    fake.add_builder("b")
    with pytest.raises(AppStreamUsageError, match=message):
        fake.assert_state(name, state)  # type: ignore[arg-type]


def test_every_state_of_the_model_is_accepted() -> None:
    fake = FakeAppStream()
    for i, state in enumerate(builder_states()):
        fake.add_builder(f"b{i}", state=state)
        fake.assert_state(f"b{i}", state)
        fake.assert_transitions(f"b{i}", [state])


# -- assert_transitions --------------------------------------------------------------------------


def test_assert_transitions_marks_a_missing_final_state() -> None:
    fake = FakeAppStream()
    fake.add_builder("b")
    stop(fake, "b")
    fake.assert_transitions("b", ["RUNNING", "STOPPING"])
    fake.assert_transitions("b", ("RUNNING", "STOPPING"))
    assert failure(
        fake.assert_transitions, "b", ["RUNNING", "STOPPING", "STOPPED"]
    ).splitlines() == [
        "image builder 'b' went through other states than expected (first difference at step 2):",
        "      expected  actual    caused by",
        "   0  RUNNING   RUNNING   seeded",
        "   1  STOPPING  STOPPING  StopImageBuilder",
        ">  2  STOPPED   -",
        "  pending: STOPPING -> STOPPED after DescribeImageBuilders sees STOPPING 1 more time; "
        "appstream.advance('b') completes it now",
    ]


def test_assert_transitions_marks_the_first_difference_and_explains_advance() -> None:
    fake = FakeAppStream(transitions="immediate")
    fake.add_builder("b")
    stop(fake, "b")
    describe(fake)
    fake.set_state("b", "FAILED")
    text = failure(fake.assert_transitions, "b", ["RUNNING", "STOPPED", "FAILED"])
    assert text.splitlines() == [
        "image builder 'b' went through other states than expected (first difference at step 1):",
        "      expected  actual    caused by",
        "   0  RUNNING   RUNNING   seeded",
        ">  1  STOPPED   STOPPING  StopImageBuilder",
        "   2  FAILED    STOPPED   advance",
        "   3  -         FAILED    set_state",
        "  (advance: a pending transition completed, by DescribeImageBuilders polls "
        "or appstream.advance())",
    ]


def test_assert_transitions_shows_deletion_and_widens_for_long_states() -> None:
    fake = FakeAppStream()
    fake.add_builder("b", state="PENDING_QUALIFICATION")
    fake.set_state("b", "RUNNING")
    delete(fake, "b")
    fake.assert_transitions("b", ["PENDING_QUALIFICATION", "RUNNING", "DELETING", None])
    text = failure(fake.assert_transitions, "b", ["PENDING_QUALIFICATION", "RUNNING"])
    assert text.splitlines()[1:6] == [
        "      expected               actual                 caused by",
        "   0  PENDING_QUALIFICATION  PENDING_QUALIFICATION  seeded",
        "   1  RUNNING                RUNNING                set_state",
        ">  2  -                      DELETING               DeleteImageBuilder",
        "   3  -                      (deleted)              advance",
    ]


@pytest.mark.parametrize(
    ("states", "message"),
    [
        ("RUNNING", r"states='RUNNING' must be a list of states"),
        (None, r"states=None must be a list of states"),
        (
            ["RUNNING", "STOPING"],
            r"states\[1\]='STOPING' is not an image builder state \(did you mean 'STOPPING'\?\)",
        ),
        ([1], r"states\[0\]=1 is not an image builder state"),
    ],
)
def test_assert_transitions_rejects_bad_states(states: object, message: str) -> None:
    fake = FakeAppStream()
    fake.add_builder("b")
    with pytest.raises(AppStreamUsageError, match=message):
        fake.assert_transitions("b", states)  # type: ignore[arg-type]


def test_assert_transitions_on_an_unknown_name_is_a_usage_error_not_a_pass() -> None:
    fake = FakeAppStream()
    with pytest.raises(
        AppStreamUsageError, match=r"no image builder named 'ghost'.*live builders: none"
    ):
        fake.assert_transitions("ghost", [])


@settings(max_examples=60, deadline=None)
@given(
    path=st.lists(st.sampled_from(builder_states()), min_size=0, max_size=6),
    data=st.data(),
)
def test_the_actual_states_pass_and_any_change_is_marked_where_it_is(
    path: list[str], data: st.DataObject
) -> None:
    fake = FakeAppStream()
    fake.add_builder("b")
    for state in path:
        fake.set_state("b", state)
    states = fake.states("b")
    fake.assert_transitions("b", states)
    at = data.draw(st.integers(0, len(states)), label="at")
    other = data.draw(st.sampled_from([s for s in builder_states() if s != [*states, None][at]]))
    wrong = [*states[:at], other, *states[at + 1 :]]
    marked = [
        line
        for line in failure(fake.assert_transitions, "b", wrong).splitlines()
        if line.startswith(">")
    ]
    assert marked and re.match(rf">\s+{at}\s+{other}\s", marked[0])


# -- assert_called / assert_not_called -----------------------------------------------------------


@pytest.fixture
def busy() -> FakeAppStream:
    """One describe, a stop that worked and one that failed."""
    fake = FakeAppStream()
    fake.add_builder("b")
    fake.add_builder("c", state="STOPPED")
    describe(fake, Names=["b"])
    stop(fake, "b")
    stop(fake, "c")
    return fake


@pytest.mark.parametrize("operation", ["StopImageBuilder", "stop_image_builder"])
def test_assert_called_takes_either_spelling(busy: FakeAppStream, operation: str) -> None:
    busy.assert_called(operation)
    busy.assert_called(operation, times=2)
    busy.assert_called(operation, times=1, Name="b")
    busy.assert_called(operation, times=1, Name="c")  # failed calls count
    busy.assert_called(operation, times=0, Name="zz")
    busy.assert_called("describe_image_builders", Names=["b"])


def test_assert_called_with_a_matcher_needs_the_parameter_to_be_there(busy: FakeAppStream) -> None:
    busy.assert_called("StopImageBuilder", times=2, Name=mock.ANY)
    busy.assert_called("DescribeImageBuilders", times=1, Names=mock.ANY)
    busy.assert_called("DescribeImageBuilders", times=0, MaxResults=mock.ANY)


def test_assert_called_lists_the_calls_marking_the_matches(busy: FakeAppStream) -> None:
    assert failure(busy.assert_called, "stop_image_builder", times=1).splitlines() == [
        "StopImageBuilder was called 2 times, expected 1 time",
        "  AppStream calls made (3), * marks the matching ones:",
        "      1. DescribeImageBuilders(Names=['b'])",
        "    * 2. StopImageBuilder(Name='b')",
        "    * 3. StopImageBuilder(Name='c') -> OperationNotPermittedException",
    ]
    assert failure(busy.assert_called, "StopImageBuilder", Name="zz").splitlines() == [
        "StopImageBuilder with Name='zz' was called 0 times, expected at least once",
        "  AppStream calls made (3):",
        "      1. DescribeImageBuilders(Names=['b'])",
        "      2. StopImageBuilder(Name='b')",
        "      3. StopImageBuilder(Name='c') -> OperationNotPermittedException",
    ]


def test_assert_called_with_no_calls_and_calls_elsewhere() -> None:
    fake = FakeAppStream()
    assert failure(fake.assert_called, "StopImageBuilder").splitlines() == [
        "StopImageBuilder was called 0 times, expected at least once",
        "  no AppStream calls were made",
    ]
    stop(fake, "b", region="eu-west-1")
    fake.assert_called("StopImageBuilder", times=1)
    assert failure(fake.assert_not_called, "StopImageBuilder").splitlines()[2] == (
        "    * 1. StopImageBuilder(Name='b') -> ResourceNotFoundException  [123456789012/eu-west-1]"
    )


def test_a_long_call_log_lists_only_the_asserted_operation() -> None:
    fake = FakeAppStream()
    fake.add_builder("b")
    for _ in range(MAX_LISTED_CALLS):
        describe(fake)
    stop(fake, "b")
    lines = failure(fake.assert_called, "StopImageBuilder", times=2).splitlines()
    assert lines == [
        "StopImageBuilder was called 1 time, expected 2 times",
        f"  AppStream calls made ({MAX_LISTED_CALLS + 1}), the StopImageBuilder ones, "
        "* marks the matching ones:",
        f"    * {MAX_LISTED_CALLS + 1}. StopImageBuilder(Name='b')",
        f"    ... other calls: DescribeImageBuilders x{MAX_LISTED_CALLS} (appstream.calls has them all)",
    ]


def test_assert_not_called(busy: FakeAppStream) -> None:
    busy.assert_not_called("StartImageBuilder")
    busy.assert_not_called("delete_image_builder")
    assert failure(busy.assert_not_called, "describe_image_builders").splitlines() == [
        "DescribeImageBuilders was called 1 time, expected never",
        "  AppStream calls made (3), * marks the matching ones:",
        "    * 1. DescribeImageBuilders(Names=['b'])",
        "      2. StopImageBuilder(Name='b')",
        "      3. StopImageBuilder(Name='c') -> OperationNotPermittedException",
    ]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"operation": "stop_imagebuilder"},
            r"operation='stop_imagebuilder' is not an AppStream operation "
            r"\(did you mean 'stop_image_builder'\?\); allowed: any of the \d+ operations",
        ),
        ({"operation": "StopImageBuilders"}, r"\(did you mean 'StopImageBuilder'\?\)"),
        (
            {"operation": None},
            r"operation=None is not an AppStream operation; allowed:.*StopImageBuilder",
        ),
        (
            {"operation": "StopImageBuilder", "times": "2"},
            r"times='2' must be an int >= 0, or None",
        ),
        ({"operation": "StopImageBuilder", "times": True}, r"times=True must be an int >= 0"),
        ({"operation": "StopImageBuilder", "times": -1}, r"times=-1 must be an int >= 0"),
        ({"operation": "StopImageBuilder", "times": 1.0}, r"times=1.0 must be an int >= 0"),
        (
            {"operation": "StopImageBuilder", "name": "b"},
            r"name=...: StopImageBuilder has no parameter 'name' \(did you mean 'Name'\?\); "
            r"its parameters \(wire names, as the client takes them\): Name$",
        ),
        (
            {"operation": "DescribeImageBuilders", "Name": "b"},
            r"did you mean 'Names'.*: Names, MaxResults, NextToken",
        ),
    ],
)
def test_assert_called_rejects_bad_arguments(
    busy: FakeAppStream, kwargs: dict, message: str
) -> None:
    with pytest.raises(AppStreamUsageError, match=message):
        busy.assert_called(**kwargs)


def test_assert_not_called_rejects_an_unknown_operation() -> None:
    with pytest.raises(
        AppStreamUsageError, match="'DeleteImageBuilders' is not an AppStream operation"
    ):
        FakeAppStream().assert_not_called("DeleteImageBuilders")


# -- ImageBuilder == ImageBuilder ----------------------------------------------------------------


def test_compare_builders_lists_only_the_differing_fields_and_nested_keys() -> None:
    fake = FakeAppStream()
    left = fake.add_builder("b", vpc_config={"SubnetIds": ["s-1"], "SecurityGroupIds": ["g"]})
    right = attrs.evolve(
        left,
        state="STOPPED",
        vpc_config={"SubnetIds": ["s-2"], "SecurityGroupIds": ["g"]},
        display_name="B",
        extra={"NewMember": 1},
    )
    assert compare_builders(left, right) == [
        "ImageBuilder(name='b', state='RUNNING', ...) == ImageBuilder(name='b', state='STOPPED', ...)",
        "Differing fields (left != right):",
        "  state: 'RUNNING' != 'STOPPED'",
        "  display_name: 'b' != 'B'",
        "  vpc_config['SubnetIds']: ['s-1'] != ['s-2']",
        "  extra['NewMember']: (absent) != 1",
        "(18 identical fields not shown)",
    ]


def test_the_hook_leaves_other_comparisons_to_pytest() -> None:
    builder = ImageBuilder(name="b", arn="a", state="RUNNING")
    config = mock.Mock()
    assert pytest_assertrepr_compare(config, "==", builder, {"Name": "b"}) is None
    assert pytest_assertrepr_compare(config, "!=", builder, builder) is None
    assert pytest_assertrepr_compare(config, "==", builder, builder) is not None


# -- what a user sees (pytester) -----------------------------------------------------------------


def run(pytester: pytest.Pytester, source: str, *args: str) -> pytest.RunResult:
    pytester.makepyfile(source)
    return pytester.runpytest("-p", "no:randomly", "-p", "no:cacheprovider", *args)


def literal(*lines: str) -> list[str]:
    """fnmatch patterns matching ``lines`` exactly (``[``, ``*`` and ``?`` escaped)."""
    return [glob.escape(line) for line in lines]


def ends_in_the_test(result: pytest.RunResult) -> None:
    """No frame of the plugin is shown: the traceback ends at the user's line."""
    result.stdout.no_fnmatch_line("*pytest_appstream/*.py*")
    result.stdout.no_fnmatch_line("*__tracebackhide__*")


def test_user_sees_the_transition_table_at_their_line(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
        import pytest

        @pytest.mark.appstream_builder("nightly")
        def test_stop(appstream, appstream_client):
            appstream_client.stop_image_builder(Name="nightly")
            appstream.assert_transitions("nightly", ["RUNNING", "STOPPING", "STOPPED"])
        """,
    )
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        literal(
            '>       appstream.assert_transitions("nightly", ["RUNNING", "STOPPING", "STOPPED"])',
            "E       AssertionError: image builder 'nightly' went through other states than expected "
            "(first difference at step 2):",
            "E             expected  actual    caused by",
            "E          0  RUNNING   RUNNING   seeded",
            "E          1  STOPPING  STOPPING  StopImageBuilder",
            "E       >  2  STOPPED   -",
            "E         pending: STOPPING -> STOPPED after DescribeImageBuilders sees STOPPING 1 more time; "
            "appstream.advance('nightly') completes it now",
            "",
            "test_user_sees_the_transition_table_at_their_line.py:6: AssertionError",
        ),
        consecutive=True,
    )
    ends_in_the_test(result)


def test_user_sees_state_pending_and_call_listings(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
        import pytest

        pytestmark = pytest.mark.appstream(transitions="manual")

        @pytest.mark.appstream_builder("b")
        def test_state(appstream, appstream_client):
            appstream_client.stop_image_builder(Name="b")
            appstream.assert_state("b", "STOPPED")

        @pytest.mark.appstream_builder("b")
        def test_called(appstream, appstream_client):
            appstream_client.describe_image_builders(Names=["b"])
            appstream.assert_called("stop_image_builder", Name="b")

        def test_not_called(appstream, appstream_client):
            appstream_client.describe_image_builders()
            appstream.assert_not_called("DescribeImageBuilders")
        """,
    )
    result.assert_outcomes(failed=3)
    result.stdout.fnmatch_lines(
        literal(
            '>       appstream.assert_state("b", "STOPPED")',
            "E       AssertionError: image builder 'b' is STOPPING, expected STOPPED",
            "E         pending: STOPPING -> STOPPED when the test calls appstream.advance('b') "
            "(transitions='manual')",
            "E         states: RUNNING (seeded) -> STOPPING (StopImageBuilder)",
        ),
        consecutive=True,
    )
    result.stdout.fnmatch_lines(
        literal(
            '>       appstream.assert_called("stop_image_builder", Name="b")',
            "E       AssertionError: StopImageBuilder with Name='b' was called 0 times, "
            "expected at least once",
            "E         AppStream calls made (1):",
            "E             1. DescribeImageBuilders(Names=['b'])",
        ),
        consecutive=True,
    )
    result.stdout.fnmatch_lines(
        literal(
            '>       appstream.assert_not_called("DescribeImageBuilders")',
            "E       AssertionError: DescribeImageBuilders was called 1 time, expected never",
            "E         AppStream calls made (1), * marks the matching ones:",
            "E           * 1. DescribeImageBuilders()",
        ),
        consecutive=True,
    )
    ends_in_the_test(result)


def test_a_mistake_in_an_assertion_points_at_the_users_line(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
        import pytest

        @pytest.mark.appstream_builder("b")
        def test_typo_in_state(appstream):
            appstream.assert_state("b", "STOPED")

        def test_unknown_builder(appstream):
            appstream.assert_transitions("ghost", ["RUNNING"])

        def test_unknown_operation(appstream):
            appstream.assert_not_called("stop_builder")

        def test_times_not_an_int(appstream):
            appstream.assert_called("stop_image_builder", times="1")
        """,
    )
    result.assert_outcomes(failed=4)
    result.stdout.fnmatch_lines(
        [
            *literal('>       appstream.assert_state("b", "STOPED")'),
            literal(
                "E       pytest_appstream._errors.AppStreamUsageError: state='STOPED' is not an image "
                "builder state (did you mean 'STOPPED'?); allowed: PENDING, UPDATING_AGENT, RUNNING,"
            )[0]
            + "*, or None (deleted)",
            "",
            "test_a_mistake_in_an_assertion_points_at_the_users_line.py:5: AppStreamUsageError",
        ],
        consecutive=True,
    )
    result.stdout.fnmatch_lines(
        literal(
            '>       appstream.assert_transitions("ghost", ["RUNNING"])',
            "E       pytest_appstream._errors.AppStreamUsageError: no image builder named 'ghost' "
            "in 123456789012/us-east-1; live builders: none",
        ),
        consecutive=True,
    )
    result.stdout.fnmatch_lines(
        [
            *literal('>       appstream.assert_not_called("stop_builder")'),
            "E       pytest_appstream._errors.AppStreamUsageError: operation='stop_builder' is not an "
            "AppStream operation*; allowed: any of the * operations of the botocore AppStream model*",
        ],
        consecutive=True,
    )
    result.stdout.fnmatch_lines(
        literal(
            '>       appstream.assert_called("stop_image_builder", times="1")',
            "E       pytest_appstream._errors.AppStreamUsageError: times='1' must be an int >= 0, "
            "or None (at least once)",
        ),
        consecutive=True,
    )
    ends_in_the_test(result)


def test_comparing_image_builders_shows_only_the_differing_fields(
    pytester: pytest.Pytester,
) -> None:
    result = run(
        pytester,
        """
        def test_compare(appstream, appstream_client):
            before = appstream.add_builder("b", vpc_config={"SubnetIds": ["s-1"]})
            appstream_client.stop_image_builder(Name="b")
            assert appstream.builder("b") == before
        """,
    )
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        literal(
            '>       assert appstream.builder("b") == before',
            "E       AssertionError: assert ImageBuilder(name='b', state='STOPPING', ...) == "
            "ImageBuilder(name='b', state='RUNNING', ...)",
            "E         Differing fields (left != right):",
            "E           state: 'STOPPING' != 'RUNNING'",
            "E         (21 identical fields not shown)",
        ),
        consecutive=True,
    )


def test_the_failure_texts_in_the_docs_are_what_users_see(pytester: pytest.Pytester) -> None:
    guide = Path(__file__).parent.parent / "docs" / "assertions.md"
    blocks = re.findall(r"```text\n(.*?)```", guide.read_text(encoding="utf-8"), re.S)
    assert len(blocks) == 4
    result = run(
        pytester,
        """
        import pytest

        @pytest.mark.appstream_builder("nightly")
        def test_state(appstream, appstream_client):
            appstream_client.stop_image_builder(Name="nightly")
            appstream.assert_state("nightly", "STOPPED")

        @pytest.mark.appstream_builder("nightly")
        def test_transitions(appstream, appstream_client):
            appstream_client.stop_image_builder(Name="nightly")
            appstream.assert_transitions("nightly", ["RUNNING", "STOPPING", "STOPPED"])

        @pytest.mark.appstream_builder("nightly")
        @pytest.mark.appstream_builder("weekly", state="STOPPED")
        def test_called(appstream, appstream_client):
            appstream_client.describe_image_builders()
            appstream_client.stop_image_builder(Name="nightly")
            with pytest.raises(appstream_client.exceptions.OperationNotPermittedException):
                appstream_client.stop_image_builder(Name="weekly")
            appstream.assert_called("stop_image_builder", times=1)

        def test_stop_changes_only_the_state(appstream, appstream_client):
            before = appstream.add_builder("nightly", vpc_config={"SubnetIds": ["subnet-1"]})
            appstream_client.stop_image_builder(Name="nightly")
            assert appstream.builder("nightly") == before
        """,
    )
    result.assert_outcomes(failed=4)
    for block in blocks:
        result.stdout.fnmatch_lines(literal(*block.rstrip("\n").splitlines()), consecutive=True)
