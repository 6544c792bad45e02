"""The image rollout against the fake: the account's images, a stack and its fleet, seeded by
markers; then each way the rollout stops."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from builder_ops import rollout

ACCOUNT = "123456789012"
OCTOBER, NOVEMBER = "golden-2026-10", "golden-2026-11"
NOVEMBER_ARN = f"arn:aws:appstream:us-east-1:{ACCOUNT}:image/{NOVEMBER}"

#: The account's golden images, one a month (the pipeline's work).
october = pytest.mark.appstream_image(OCTOBER, created_time="2026-10-01T09:00:00Z")
november = pytest.mark.appstream_image(NOVEMBER, created_time="2026-11-01T09:00:00Z")


@pytest.mark.parametrize("state", ["RUNNING", "STOPPED"])
@october
@november
def test_the_stack_gets_the_newest_image(appstream, state):
    appstream.fleets.add("sales", state=state, image_name=OCTOBER)
    appstream.stacks.add("sales-desktop", fleets=["sales"])

    done = rollout.roll_out("sales-desktop")

    assert done == rollout.Rollout(
        stack="sales-desktop",
        image=NOVEMBER,
        image_arn=NOVEMBER_ARN,
        updated=["sales"],
        unchanged=[],
    )
    fleet = appstream.fleets["sales"]
    assert (fleet.image_name, fleet.image_arn) == (NOVEMBER, NOVEMBER_ARN)
    appstream.fleets.assert_transitions("sales", [state])  # no stop, no start: users stay on
    appstream.assert_called("update_fleet", times=1, Name="sales", ImageName=NOVEMBER)
    appstream.assert_called("describe_images", times=1, Type="PRIVATE")


@pytest.mark.appstream_fleet("sales", image_name=NOVEMBER)
@pytest.mark.appstream_stack("sales-desktop", fleets=["sales"])
@october
@november
def test_a_fleet_already_on_the_image_is_left_alone(appstream):
    done = rollout.roll_out("sales-desktop")

    assert (done.updated, done.unchanged) == ([], ["sales"])
    appstream.assert_not_called("update_fleet")


@pytest.mark.appstream_image("scratch-test", created_time="2026-11-20T09:00:00Z")  # not golden
@pytest.mark.appstream_fleet("sales", image_name=OCTOBER)
@pytest.mark.appstream_stack("sales-desktop", fleets=["sales"])
@october
@november
def test_only_images_with_the_prefix(appstream):
    assert appstream.images["scratch-test"].created_time > appstream.images[NOVEMBER].created_time

    assert rollout.roll_out("sales-desktop", prefix="golden-").image == NOVEMBER


@pytest.mark.appstream_fleet("sales")
@pytest.mark.appstream_stack("sales-desktop", fleets=["sales"])
def test_no_private_image(appstream):
    # The fleet runs one of AWS's public base images: not the account's, never rolled out.
    with pytest.raises(rollout.NoImageError, match="no private image named golden-"):
        rollout.roll_out("sales-desktop", prefix="golden-")

    appstream.assert_not_called("update_fleet")


@pytest.mark.appstream(transitions="manual")  # the image stays PENDING until the test says
@pytest.mark.appstream_image(NOVEMBER, state="PENDING", created_time="2026-11-01T09:00:00Z")
@october
@pytest.mark.appstream_fleet("sales", image_name=OCTOBER)
@pytest.mark.appstream_stack("sales-desktop", fleets=["sales"])
def test_the_newest_image_is_still_being_made(appstream):
    with pytest.raises(rollout.ImageNotAvailableError, match=f"{NOVEMBER} is PENDING"):
        rollout.roll_out("sales-desktop")

    appstream.assert_not_called("update_fleet")  # no fall back to October's image
    appstream.images.advance(NOVEMBER)
    assert rollout.roll_out("sales-desktop").updated == ["sales"]


@pytest.mark.appstream_image(
    NOVEMBER,
    state="FAILED",
    created_time="2026-11-01T09:00:00Z",
    state_change_reason={"Code": "INTERNAL_ERROR", "Message": "Sysprep failed."},
)
@pytest.mark.appstream_fleet("sales", image_name=OCTOBER)
@pytest.mark.appstream_stack("sales-desktop", fleets=["sales"])
@october
def test_the_newest_image_failed(appstream):
    with pytest.raises(
        rollout.ImageNotAvailableError,
        match=rf"{NOVEMBER} is FAILED \(INTERNAL_ERROR: Sysprep failed.\), not AVAILABLE",
    ):
        rollout.roll_out("sales-desktop")

    assert appstream.fleets["sales"].image_name == OCTOBER


@pytest.mark.appstream_fault(
    "update_fleet",
    "IncompatibleImageException",
    message="The image golden-2026-11 is not compatible with fleet sales.",
)
@pytest.mark.appstream_fleet("sales", image_name=OCTOBER)
@pytest.mark.appstream_stack("sales-desktop", fleets=["sales"])
@october
@november
def test_appstream_refuses_the_update(appstream):
    with pytest.raises(rollout.CLIENT.exceptions.IncompatibleImageException) as info:
        rollout.roll_out("sales-desktop")

    assert "not compatible with fleet sales" in info.value.response["Error"]["Message"]
    assert appstream.fleets["sales"].image_name == OCTOBER  # a failed call changes nothing
    appstream.assert_called("update_fleet", times=1)


@pytest.mark.appstream_fault("update_fleet", "ConcurrentModificationException", name="sales")
@pytest.mark.appstream_fleet("sales", image_name=OCTOBER)
@pytest.mark.appstream_stack("sales-desktop", fleets=["sales"])
@october
@november
def test_a_busy_fleet_is_updated_again(appstream):
    assert rollout.roll_out("sales-desktop").updated == ["sales"]

    assert [c.error_code for c in appstream.calls if c.operation == "UpdateFleet"] == [
        "ConcurrentModificationException",
        None,
    ]


@pytest.mark.appstream_stack("sales-desktop")  # no fleet yet
@november
def test_a_stack_with_no_fleet(appstream):
    with pytest.raises(rollout.NoFleetError, match="stack sales-desktop has no fleet"):
        rollout.roll_out("sales-desktop")


@november
def test_a_stack_that_does_not_exist(appstream):
    with pytest.raises(ClientError) as info:
        rollout.roll_out("sales-dekstop")

    assert info.value.response["Error"]["Code"] == "ResourceNotFoundException"
    appstream.assert_not_called("list_associated_fleets")


@pytest.mark.appstream_fleet("sales", image_name=OCTOBER)
@pytest.mark.appstream_stack("sales-desktop", fleets=["sales"])
@october
@november
def test_the_command_line(appstream, capsys):
    rollout.main(["--stack", "sales-desktop", "--prefix", "golden-"])

    assert capsys.readouterr().out == f"image {NOVEMBER} on sales\n"
