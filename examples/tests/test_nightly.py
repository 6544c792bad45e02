"""Tests of the nightly job against pytest-appstream's fake: no AWS, no MagicMock."""

from __future__ import annotations

import pytest

from builder_ops import nightly


@pytest.mark.appstream_builder("golden-image")
@pytest.mark.appstream_builder("dev-alice")
@pytest.mark.appstream_builder("dev-bob", state="STOPPED")
def test_stops_idle_builders_but_not_the_keep_list(appstream):
    assert nightly.stop_idle(keep=["golden-image"]) == ["dev-alice"]

    appstream.assert_transitions("dev-alice", ["RUNNING", "STOPPING", "STOPPED"])
    appstream.assert_state("golden-image", "RUNNING")
    appstream.assert_not_called("start_image_builder")


@pytest.mark.appstream_builder("dev-alice")
def test_retries_a_concurrent_modification(appstream):
    appstream.concurrent_modification(name="dev-alice")

    assert nightly.stop_idle() == ["dev-alice"]
    appstream.assert_called("stop_image_builder", times=2, Name="dev-alice")


@pytest.mark.appstream_builder("dev-alice")
def test_a_builder_deleted_meanwhile_is_skipped(appstream):
    appstream.resource_not_found(name="dev-alice")

    assert nightly.stop_idle() == []


@pytest.mark.appstream(transitions="manual")
@pytest.mark.appstream_builder("stuck")
def test_gives_up_when_a_builder_never_stops(appstream):
    with pytest.raises(TimeoutError, match="stuck"):
        nightly.stop_idle()
    appstream.assert_state("stuck", "STOPPING")


def test_walks_every_page(appstream):
    for i in range(60):
        appstream.add_builder(f"dev-{i:02}")

    assert len(nightly.stop_idle()) == 60
    assert all(b.state == "STOPPED" for b in appstream.builders.values())
