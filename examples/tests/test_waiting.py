"""Waiting for STOPPED: the transitions policies, advance(), and builders that FAILED.

In this module builders only leave STOPPING when a test says so (``transitions="manual"``); a
test's own ``appstream`` marker overrides that (the closest marker wins).
"""

from __future__ import annotations

import pytest

from builder_ops import nightly

pytestmark = pytest.mark.appstream(transitions="manual")


@pytest.mark.appstream_builder("stuck")
def test_gives_up_when_a_builder_never_stops(appstream):
    with pytest.raises(TimeoutError, match="stuck"):
        nightly.stop_idle()

    appstream.assert_state("stuck", "STOPPING")


@pytest.mark.appstream_builder("dev-alice")
def test_each_pause_lets_time_pass(appstream, monkeypatch):
    pauses = []

    def sleep(seconds):
        pauses.append(seconds)
        appstream.advance()  # the minutes AWS takes, in no time

    monkeypatch.setattr(nightly.time, "sleep", sleep)

    assert nightly.stop_idle(pause=30.0) == ["dev-alice"]

    assert pauses == [30.0]
    assert [(t.to_state, t.operation) for t in appstream.history("dev-alice")] == [
        ("STOPPING", "StopImageBuilder"),
        ("STOPPED", "advance"),
    ]


@pytest.mark.appstream_builder("dev-alice")
@pytest.mark.appstream_builder("dev-bob")
def test_a_builder_that_fails_while_stopping_is_reported_not_waited_for(appstream, caplog):
    assert nightly.stop("dev-alice") and nightly.stop("dev-bob")
    appstream.set_state(
        "dev-alice", "FAILED", reason={"Code": "INTERNAL_ERROR", "Message": "Stop timed out."}
    )
    appstream.advance("dev-bob")

    assert nightly.wait_until_stopped(["dev-alice", "dev-bob"]) == ["dev-alice"]

    assert "dev-alice FAILED while stopping: INTERNAL_ERROR: Stop timed out." in caplog.text
    appstream.assert_transitions("dev-alice", ["RUNNING", "STOPPING", "FAILED"])
    appstream.assert_transitions("dev-bob", ["RUNNING", "STOPPING", "STOPPED"])


@pytest.mark.appstream(transitions="polled")  # closest wins: one poll sees STOPPING (polls=1)
@pytest.mark.appstream_builder("dev-alice")
def test_polls_until_stopped(appstream):
    assert nightly.stop_idle() == ["dev-alice"]

    # the listing, one poll that still saw STOPPING, one that saw STOPPED
    appstream.assert_called("describe_image_builders", times=3)


@pytest.mark.appstream(transitions="polled", polls=3)
@pytest.mark.appstream_builder("dev-alice")
def test_a_slow_builder_takes_more_polls(appstream):
    assert nightly.stop_idle() == ["dev-alice"]

    appstream.assert_called("describe_image_builders", times=4, Names=["dev-alice"])


@pytest.mark.appstream(transitions="immediate")
@pytest.mark.appstream_builder("dev-alice")
def test_an_immediate_stop_needs_one_poll(appstream):
    assert nightly.stop_idle() == ["dev-alice"]

    appstream.assert_called("describe_image_builders", times=1, Names=["dev-alice"])
