"""How the nightly job copes with AppStream's errors: injected faults, by helper and by marker."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from builder_ops import nightly


@pytest.mark.appstream_builder("dev-alice")
def test_retries_a_concurrent_modification(appstream):
    appstream.concurrent_modification(name="dev-alice")  # the next StopImageBuilder of dev-alice

    assert nightly.stop_idle() == ["dev-alice"]

    appstream.assert_called("stop_image_builder", times=2, Name="dev-alice")
    assert [c.error_code for c in appstream.calls if c.operation == "StopImageBuilder"] == [
        "ConcurrentModificationException",
        None,
    ]


@pytest.mark.appstream_fault(
    "stop_image_builder", "ConcurrentModificationException", name="dev-alice", times=3
)
@pytest.mark.appstream_builder("dev-alice")
def test_gives_up_after_three_concurrent_modifications(appstream):
    # Exception classes belong to the client that raised them: catch with the job's client.
    with pytest.raises(nightly.CLIENT.exceptions.ConcurrentModificationException) as info:
        nightly.stop_idle()

    assert "dev-alice" in info.value.response["Error"]["Message"]
    appstream.assert_transitions("dev-alice", ["RUNNING"])  # a failed call changes nothing


@pytest.mark.appstream_builder("dev-alice")
def test_a_builder_deleted_meanwhile_is_skipped(appstream, caplog):
    appstream.resource_not_found(name="dev-alice")
    caplog.set_level("INFO", logger=nightly.log.name)

    assert nightly.stop_idle() == []
    assert "dev-alice was deleted meanwhile" in caplog.text


def test_a_throttled_second_page_is_retried_by_botocore(appstream):
    for i in range(30):
        appstream.add_builder(f"dev-{i:02}")
    appstream.inject(
        "describe_image_builders", "ThrottlingException", when=lambda p: "NextToken" in p, times=2
    )

    assert len(nightly.stop_idle()) == 30  # botocore retried, without sleeping

    throttled = [c for c in appstream.calls if c.error_code == "ThrottlingException"]
    assert len(throttled) == 2
    assert all("NextToken" in c.params for c in throttled)


def test_a_listing_that_keeps_failing_stops_nothing(appstream):
    for i in range(30):
        appstream.add_builder(f"dev-{i:02}")
    appstream.inject(
        "describe_image_builders",
        "ServiceUnavailable",
        when=lambda p: "NextToken" in p,
        times=None,  # every matching call
    )

    with pytest.raises(ClientError, match="ServiceUnavailable"):
        nightly.stop_idle()

    appstream.assert_not_called("stop_image_builder")
