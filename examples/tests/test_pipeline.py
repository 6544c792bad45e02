"""The golden-image pipeline against the fake: the whole run, then each way it can stop.

The pipeline waits minutes for AppStream at every step. Under ``transitions="timed"`` each
in-between state lasts a realistic time on the fake's clock, and ``virtual_time`` puts the
pipeline's ``time.sleep`` and ``time.monotonic`` on that clock: an hour of waiting runs in
milliseconds, and no test depends on the wall clock (``now=`` freezes it).
"""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError
from botocore.session import get_session

from builder_ops import pipeline

START = "2026-03-01T09:00:00Z"
IMAGE = "golden-2026-03"
BUILDER = f"{IMAGE}-builder"
PARTNER = "210987654321"
#: The platforms the installed botocore knows (an older one knows fewer).
PLATFORMS = get_session().get_service_model("appstream").shape_for("PlatformType").enum
NEWEST_BASE = "arn:aws:appstream:us-east-1::image/AppStream-WinServer2019-11-10-2025"
BOOT_FAILURE = {"Code": "INTERNAL_ERROR", "Message": "The image builder instance failed to boot."}
SNAPSHOT_FAILURE = {"Code": "INTERNAL_ERROR", "Message": "Sysprep failed on the image builder."}


@pytest.fixture
def virtual_time(appstream, monkeypatch):
    """The pipeline's sleep and monotonic on the fake's clock: waiting takes no wall time."""
    monkeypatch.setattr(pipeline.time, "sleep", appstream.sleep)
    monkeypatch.setattr(pipeline.time, "monotonic", lambda: appstream.clock.now().timestamp())


@pytest.mark.appstream(transitions="timed", now=START)
def test_the_whole_pipeline_on_the_fakes_clock(appstream, virtual_time):
    golden = pipeline.build_golden_image(
        "WINDOWS_SERVER_2019", IMAGE, PARTNER, snapshot=appstream.create_image
    )

    assert golden == pipeline.GoldenImage(
        name=IMAGE,
        arn=f"arn:aws:appstream:us-east-1:123456789012:image/{IMAGE}",
        base_image_arn=NEWEST_BASE,
        builder=BUILDER,
        shared_with={PARTNER: {"allowFleet": True, "allowImageBuilder": True}},
    )
    # 10 min to RUNNING (AWS: 5 to 10), 30 to snapshot, 5 to delete (the fake's own figures)
    assert appstream.clock.now().isoformat() == "2026-03-01T09:45:00+00:00"
    appstream.assert_transitions(
        BUILDER, ["PENDING", "RUNNING", "SNAPSHOTTING", "STOPPED", "DELETING", None]
    )
    appstream.images.assert_transitions(IMAGE, ["PENDING", "AVAILABLE"])
    assert appstream.images[IMAGE].base_image_arn == NEWEST_BASE
    appstream.assert_called("create_image_builder", times=1, Name=BUILDER, ImageArn=NEWEST_BASE)
    appstream.assert_called(
        "update_image_permissions",
        times=1,
        Name=IMAGE,
        SharedAccountId=PARTNER,
        ImagePermissions={"allowFleet": True, "allowImageBuilder": True},
    )
    appstream.assert_called("describe_image_permissions", times=1, SharedAwsAccountIds=[PARTNER])


@pytest.mark.appstream(now=START)  # the default policy: each in-between state lasts one poll
def test_the_whole_pipeline_polled(appstream, monkeypatch):
    pauses: list[float] = []
    monkeypatch.setattr(pipeline.time, "sleep", pauses.append)
    monkeypatch.setattr(pipeline.time, "monotonic", lambda: appstream.clock.now().timestamp())

    golden = pipeline.build_golden_image(
        "AMAZON_LINUX2", IMAGE, PARTNER, snapshot=appstream.create_image, poll_seconds=10
    )

    assert golden.base_image_arn.endswith("/AppStream-AmazonLinux2-02-11-2025")
    assert pauses == [10, 10, 10]  # one poll saw PENDING, one SNAPSHOTTING, one DELETING
    appstream.assert_transitions(
        BUILDER, ["PENDING", "RUNNING", "SNAPSHOTTING", "STOPPED", "DELETING", None]
    )
    appstream.images.assert_transitions(IMAGE, ["PENDING", "AVAILABLE"])
    appstream.assert_called("describe_images", times=1, Type="PUBLIC")
    appstream.assert_called("describe_images", times=3, Names=[IMAGE])  # free? then 2 polls
    appstream.assert_called("describe_image_builders", times=6, Names=[BUILDER])
    appstream.assert_called("delete_image_builder", times=1, Name=BUILDER)


@pytest.mark.parametrize(
    ("platform", "newest"),
    [
        ("WINDOWS_SERVER_2019", "AppStream-WinServer2019-11-10-2025"),
        ("WINDOWS_SERVER_2025", "AppStream-WinServer2025-12-18-2025"),
        ("ROCKY_LINUX8", "AppStream-RockyLinux8-02-18-2026"),
    ],
)
def test_the_newest_public_base_image_of_the_platform(appstream, platform, newest):
    if platform not in PLATFORMS:
        pytest.skip(f"this botocore's model has no {platform} (AWS lists images per platform)")
    base = pipeline.newest_base_image(platform)

    assert (base["Name"], base["Platform"], base["State"]) == (newest, platform, "AVAILABLE")
    appstream.assert_called("describe_images", Type="PUBLIC")


def test_no_public_image_for_the_platform(appstream):
    # Windows 11 images are brought by the customer (BYOL): AWS publishes no base image of it.
    with pytest.raises(
        pipeline.NoBaseImageError, match="no public base image for platform WINDOWS_11"
    ):
        pipeline.build_golden_image("WINDOWS_11", IMAGE, PARTNER, snapshot=appstream.create_image)

    appstream.assert_not_called("create_image_builder")


@pytest.mark.appstream_image(IMAGE)  # last month's run used the name already
def test_the_image_name_is_already_taken(appstream):
    with pytest.raises(pipeline.ImageNameTakenError, match=f"already has an image named {IMAGE}"):
        pipeline.build_golden_image(
            "WINDOWS_SERVER_2019", IMAGE, PARTNER, snapshot=appstream.create_image
        )

    appstream.assert_not_called("create_image_builder")
    appstream.images.assert_transitions(IMAGE, ["AVAILABLE"])


def test_a_reserved_image_name_is_refused_before_any_call(appstream):
    with pytest.raises(ValueError, match="may not begin with AWS, AppStream or Amazon"):
        pipeline.build_golden_image(
            "WINDOWS_SERVER_2019", "AppStream-golden", PARTNER, snapshot=appstream.create_image
        )

    assert appstream.calls == []


@pytest.mark.appstream(transitions="timed", now=START)
def test_the_builder_fails_while_starting(appstream, monkeypatch):
    def sleep(seconds: float) -> None:
        appstream.set_state(BUILDER, "FAILED", reason=BOOT_FAILURE)  # AWS gives up on it
        appstream.sleep(seconds)

    monkeypatch.setattr(pipeline.time, "sleep", sleep)
    snapshots: list[tuple[str, str]] = []

    with pytest.raises(
        pipeline.BuilderFailedError,
        match=f"{BUILDER} FAILED: INTERNAL_ERROR: The image builder instance failed to boot.",
    ):
        pipeline.build_golden_image(
            "WINDOWS_SERVER_2019", IMAGE, PARTNER, snapshot=lambda *args: snapshots.append(args)
        )

    assert snapshots == []
    appstream.assert_transitions(BUILDER, ["PENDING", "FAILED"])  # left for a person to look at
    appstream.assert_not_called("delete_image_builder")


@pytest.mark.appstream(transitions="timed", now=START)
def test_the_wait_for_running_times_out(appstream, virtual_time):
    with pytest.raises(pipeline.PipelineTimeoutError, match="still PENDING after 300 s"):
        pipeline.build_golden_image(
            "WINDOWS_SERVER_2019",
            IMAGE,
            PARTNER,
            snapshot=appstream.create_image,
            builder_timeout=300,  # a new builder needs 10 minutes under timed
        )

    assert appstream.clock.now().isoformat() == "2026-03-01T09:05:00+00:00"
    appstream.assert_state(BUILDER, "PENDING")
    appstream.assert_called("describe_image_builders", times=11)  # at 0, 30, ... 300 s


@pytest.mark.appstream(transitions="timed", now=START)
def test_the_wait_for_the_image_times_out(appstream, virtual_time):
    with pytest.raises(
        pipeline.PipelineTimeoutError,
        match=rf"image {IMAGE} is not AVAILABLE: still PENDING \(image builder {BUILDER}: "
        r"SNAPSHOTTING\) after 600 s",
    ):
        pipeline.build_golden_image(
            "WINDOWS_SERVER_2019",
            IMAGE,
            PARTNER,
            snapshot=appstream.create_image,
            image_timeout=600,  # the snapshot needs 30 minutes under timed
        )

    assert appstream.clock.now().isoformat() == "2026-03-01T09:20:00+00:00"  # 10 + 10


@pytest.mark.appstream(transitions="timed", now=START)
def test_the_image_goes_failed(appstream, monkeypatch):
    def sleep(seconds: float) -> None:
        appstream.sleep(seconds)
        if IMAGE in appstream.images and appstream.images[IMAGE].state == "PENDING":
            appstream.images.set_state(IMAGE, "FAILED", state_change_reason=SNAPSHOT_FAILURE)

    monkeypatch.setattr(pipeline.time, "sleep", sleep)
    monkeypatch.setattr(pipeline.time, "monotonic", lambda: appstream.clock.now().timestamp())

    with pytest.raises(
        pipeline.ImageFailedError,
        match=f"image {IMAGE} FAILED: INTERNAL_ERROR: Sysprep failed on the image builder.",
    ):
        pipeline.build_golden_image(
            "WINDOWS_SERVER_2019", IMAGE, PARTNER, snapshot=appstream.create_image
        )

    appstream.images.assert_transitions(IMAGE, ["PENDING", "FAILED"])
    appstream.assert_not_called("delete_image_builder")
    appstream.assert_not_called("update_image_permissions")


@pytest.mark.appstream(transitions="manual")
@pytest.mark.appstream_builder(BUILDER)
def test_the_builder_fails_while_creating_the_image(appstream):
    appstream.create_image(BUILDER, IMAGE)
    appstream.set_state(BUILDER, "FAILED", reason=BOOT_FAILURE)

    with pytest.raises(pipeline.BuilderFailedError, match=f"FAILED while creating image {IMAGE}"):
        pipeline.wait_for_image(IMAGE)

    appstream.assert_transitions(BUILDER, ["RUNNING", "SNAPSHOTTING", "FAILED"])


@pytest.mark.appstream_image("golden")
def test_sharing_with_an_invalid_account_id(appstream):
    with pytest.raises(ClientError) as info:
        pipeline.share_image("golden", "partner-account")

    assert info.value.response["Error"]["Code"] == "ValidationException"
    assert "'partner-account' at 'sharedAccountId'" in info.value.response["Error"]["Message"]
    appstream.assert_not_called("describe_image_permissions")
    assert (
        pipeline.CLIENT.describe_image_permissions(Name="golden")["SharedImagePermissionsList"]
        == []
    )


@pytest.mark.appstream_image("golden")
def test_sharing_for_fleets_only(appstream):
    assert pipeline.share_image("golden", PARTNER, allow_image_builder=False) == {
        "allowFleet": True,
        "allowImageBuilder": False,
    }

    [image] = pipeline.CLIENT.describe_images(Names=["golden"])["Images"]
    assert image.get("ImageSharedWithOthers", "TRUE") == "TRUE"  # (older botocore: no such key)


@pytest.mark.appstream(transitions="timed", now=START)
def test_the_command_line_hands_the_builder_to_a_person(
    appstream, virtual_time, monkeypatch, capsys
):
    def sleep(seconds: float) -> None:
        appstream.sleep(seconds)
        builder = appstream.builders.get(BUILDER)
        if builder is not None and builder.state == "RUNNING" and IMAGE not in appstream.images:
            appstream.create_image(BUILDER, IMAGE)  # the person ran the Image Assistant

    monkeypatch.setattr(pipeline.time, "sleep", sleep)

    pipeline.main(["--platform", "WINDOWS_SERVER_2019", "--image", IMAGE, "--share-with", PARTNER])

    appstream.assert_called(
        "create_image_builder_streaming_url", times=1, Name=BUILDER, Validity=4 * 3600
    )
    appstream.images.assert_state(IMAGE, "AVAILABLE")
    appstream.assert_state(BUILDER, None)
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith(f"Connect to image builder {BUILDER}: https://appstream2.")
    assert out[-1] == (
        f"arn:aws:appstream:us-east-1:123456789012:image/{IMAGE} (from {NEWEST_BASE}) "
        f"shared with {PARTNER}"
    )


def test_outside_the_fake_nothing_reaches_aws():
    with pytest.raises(RuntimeError, match="blocked a real AppStream call"):
        pipeline.newest_base_image("WINDOWS_SERVER_2019")


OLDER_BASE = "arn:aws:appstream:us-east-1::image/AppStream-WinServer2019-06-12-2023"


@pytest.mark.appstream(transitions="manual")
@pytest.mark.appstream_builder("old-builder", image_arn=OLDER_BASE)
@pytest.mark.appstream_builder("new-builder", image_arn=NEWEST_BASE)
def test_an_image_on_an_older_base_needs_a_rebuild(appstream):
    appstream.create_image("old-builder", "golden-2023")
    appstream.create_image("new-builder", "golden-2025")
    appstream.advance()

    assert pipeline.needs_rebuild("golden-2023", "WINDOWS_SERVER_2019")
    assert not pipeline.needs_rebuild("golden-2025", "WINDOWS_SERVER_2019")


def test_no_image_yet_needs_a_build(appstream):
    assert pipeline.needs_rebuild(IMAGE, "WINDOWS_SERVER_2019")

    assert [call.operation for call in appstream.calls] == ["DescribeImages"]  # by name only
