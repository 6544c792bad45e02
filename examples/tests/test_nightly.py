"""The nightly job against pytest-appstream's fake: no AWS, no MagicMock, no credentials.

The job talks to AppStream through a module-level boto3 client (``nightly.CLIENT``), created at
import time; while a test uses the ``appstream`` fixture, the fake answers it.
"""

from __future__ import annotations

import json

import boto3
import pytest
from moto import mock_aws

from builder_ops import nightly

FAILED_REASON = "INTERNAL_ERROR: The image builder could not be started."


@pytest.mark.appstream_builder("golden-image")  # class level: every test of the class has it
class TestKeepList:
    @pytest.mark.appstream_builder("dev-alice")
    @pytest.mark.appstream_builder("dev-bob", state="STOPPED")
    def test_stops_idle_builders_but_not_the_keep_list(self, appstream):
        assert nightly.stop_idle(keep=["golden-image"]) == ["dev-alice"]

        appstream.assert_transitions("dev-alice", ["RUNNING", "STOPPING", "STOPPED"])
        appstream.assert_transitions("golden-image", ["RUNNING"])
        appstream.assert_state("dev-bob", "STOPPED")
        appstream.assert_called("stop_image_builder", times=1, Name="dev-alice")
        appstream.assert_not_called("start_image_builder")

    def test_without_a_keep_list_everything_running_is_stopped(self, appstream):
        assert nightly.stop_idle() == ["golden-image"]
        appstream.assert_state("golden-image", "STOPPED")


@pytest.mark.appstream_builders_from("data/fleet.json")
def test_a_realistic_fleet(appstream):
    assert appstream.builder("qa-windows").instance_type == "stream.graphics.g4dn.xlarge"

    assert nightly.stop_idle(keep=["golden-image"]) == ["dev-alice", "qa-windows"]

    assert nightly.failed_builders() == {"legacy-2019": FAILED_REASON}
    # Busy when the nightly run looked: left alone; the snapshot finished on a later poll.
    appstream.assert_transitions("ml-snapshot", ["SNAPSHOTTING", "RUNNING"])
    appstream.assert_state("dev-bob", "STOPPED")
    appstream.assert_called("stop_image_builder", times=2)


@pytest.mark.appstream(transitions="immediate")
@pytest.mark.appstream_builder("golden-image")
@pytest.mark.appstream_builder("dev-alice")
def test_the_whole_conversation_with_appstream(appstream):
    nightly.stop_idle(keep=["golden-image"])

    assert [(call.operation, dict(call.params), call.error_code) for call in appstream.calls] == [
        ("DescribeImageBuilders", {}, None),
        ("StopImageBuilder", {"Name": "dev-alice"}, None),
        ("DescribeImageBuilders", {"Names": ["dev-alice"]}, None),
    ]


def test_walks_every_page(appstream):
    for i in range(60):
        appstream.add_builder(f"dev-{i:02}")

    assert len(nightly.stop_idle()) == 60
    assert {b.state for b in appstream.builders.values()} == {"STOPPED"}
    assert len([c for c in appstream.calls if c.operation == "DescribeImageBuilders"]) > 3


@pytest.mark.appstream(region="eu-west-1")
@pytest.mark.appstream_builder("dev-alice")
def test_another_region_through_the_fixture_client(appstream, appstream_client):
    assert appstream_client.meta.region_name == "eu-west-1"

    assert nightly.stop_idle(client=appstream_client) == ["dev-alice"]

    assert nightly.running_builders() == []  # the module's client is in us-east-1: none there
    assert {call.region for call in appstream.calls} == {"eu-west-1", "us-east-1"}


@pytest.mark.appstream_builders_from("data/fleet.json")
def test_the_command_line_reports_to_s3(appstream, monkeypatch, capsys):
    monkeypatch.setattr(nightly.time, "sleep", lambda seconds: None)  # main() pauses 30 s
    with mock_aws():  # moto fakes S3 in the same test; AppStream stays with pytest-appstream
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="ops-reports")

        nightly.main(["--keep", "golden-image", "--report-bucket", "ops-reports"])

        [stored] = s3.list_objects_v2(Bucket="ops-reports")["Contents"]
        document = json.loads(s3.get_object(Bucket="ops-reports", Key=stored["Key"])["Body"].read())
    assert document["stopped"] == ["dev-alice", "qa-windows"]
    assert document["failed"] == {"legacy-2019": FAILED_REASON}
    assert capsys.readouterr().out.splitlines() == [
        "stopped: dev-alice, qa-windows",
        f"FAILED: legacy-2019 ({FAILED_REASON})",
    ]
