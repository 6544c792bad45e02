"""The morning job: the rest of the lifecycle (create, start, delete, tags, streaming URLs), a
pass-through Stubber in front of the fake, and the safety net for calls outside the fake."""

from __future__ import annotations

import pytest

from builder_ops import morning

REASON = {"Code": "INTERNAL_ERROR", "Message": "The image builder instance failed to boot."}


@pytest.mark.appstream_builder("dev-alice", state="STOPPED")
@pytest.mark.appstream_builder("dev-bob")
def test_starts_the_stopped_and_links_everyone(appstream):
    urls = morning.ready_for_the_day(["dev-alice", "dev-bob"])

    assert sorted(urls) == ["dev-alice", "dev-bob"]
    assert all(url.startswith("https://") for url in urls.values())
    appstream.assert_transitions("dev-alice", ["STOPPED", "PENDING", "RUNNING"])
    appstream.assert_transitions("dev-bob", ["RUNNING"])
    appstream.assert_called("create_image_builder_streaming_url", times=1, Name="dev-alice")
    appstream.assert_called("create_image_builder_streaming_url", Validity=8 * 3600, times=2)


@pytest.mark.appstream_image("team-base-image")  # the team's golden image, private to the account
def test_a_failed_builder_is_replaced_with_its_image_and_tags(appstream, appstream_client):
    appstream_client.create_image_builder(
        Name="dev-carol",
        ImageName="team-base-image",
        InstanceType="stream.standard.large",
        Tags={"team": "data"},
    )
    appstream.advance()
    appstream.set_state("dev-carol", "FAILED", reason=REASON)  # what the code cannot cause
    image = appstream.builder("dev-carol").image_arn

    morning.ready_for_the_day(["dev-carol"])

    carol = appstream.builder("dev-carol")
    assert (carol.state, carol.image_arn, carol.instance_type) == (
        "RUNNING",
        image,
        "stream.standard.large",
    )
    assert appstream_client.list_tags_for_resource(ResourceArn=carol.arn)["Tags"] == {
        "team": "data"
    }
    assert appstream.states("dev-carol")[-5:] == ["FAILED", "DELETING", None, "PENDING", "RUNNING"]


@pytest.mark.appstream_builder("dev-alice")
def test_a_stubbed_answer_comes_first_then_the_fake(appstream, appstream_stubber, appstream_client):
    # Eventual consistency, on demand: the first read does not find the builder yet.
    appstream_stubber.resource_not_found(
        "describe_image_builders", expected_params={"Names": ["dev-alice"]}
    )

    morning.wait_for("dev-alice", "RUNNING", appstream_client)  # the next poll reaches the fake

    appstream.assert_called("describe_image_builders", times=1)  # the stubbed read never did


def test_outside_the_fake_nothing_reaches_aws():
    # No appstream fixture here, and examples/pytest.ini turns on --appstream-block-real.
    with pytest.raises(RuntimeError, match="blocked a real AppStream call"):
        morning.state_of("dev-alice")
