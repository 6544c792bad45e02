"""Determinism and isolation: the fake's clock, virtual sleep, stable pages, region= and tags=.

Each test here failed before the fake had its own clock, opaque page tokens and region-aware
verbs; none of them reads the wall clock.
"""

from __future__ import annotations

import datetime
import time
from typing import Any

import pytest
from botocore.client import BaseClient

from pytest_appstream import AppStreamUsageError, FakeAppStream
from pytest_appstream._image_builders import DURATIONS
from pytest_appstream._model import botocore_session

UTC = datetime.timezone.utc
NEW_YEAR = datetime.datetime(2026, 1, 1, tzinfo=UTC)


def client(region: str = "us-east-1") -> BaseClient:
    return botocore_session().create_client(
        "appstream", region_name=region, aws_access_key_id="k", aws_secret_access_key="s"
    )


def create(c: BaseClient, name: str) -> dict[str, Any]:
    response = c.create_image_builder(
        Name=name,
        InstanceType="stream.standard.medium",
        ImageName="AppStream-WinServer2022-06-12-2023",
    )
    return dict(response["ImageBuilder"])


def state(c: BaseClient, name: str) -> str:
    return str(c.describe_image_builders(Names=[name])["ImageBuilders"][0]["State"])


# -- the clock ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "now", [NEW_YEAR, "2026-01-01T00:00:00Z", "2026-01-01T01:00:00+01:00", NEW_YEAR.timestamp()]
)
def test_now_freezes_the_clock_in_every_spelling(now: object) -> None:
    fake = FakeAppStream(now=now)
    assert fake.clock.now() == NEW_YEAR
    assert fake.clock.now().tzinfo is not None
    assert fake.clock.now() == NEW_YEAR  # frozen: reading it does not move it


def test_every_time_the_fake_writes_comes_from_its_clock() -> None:
    with FakeAppStream(now="2026-01-01T00:00:00Z") as fake:
        c = client()
        assert create(c, "b")["CreatedTime"] == NEW_YEAR
        fake.advance()
        fake.sleep(3600)
        url = c.create_image_builder_streaming_url(Name="b", Validity=60)
        assert url["Expires"] == NEW_YEAR + datetime.timedelta(hours=1, seconds=60)


def test_sleep_moves_the_clock_without_waiting(monkeypatch: pytest.MonkeyPatch) -> None:
    waited: list[float] = []
    monkeypatch.setattr(time, "sleep", waited.append)
    fake = FakeAppStream(now=NEW_YEAR)
    fake.sleep(86400 * 365)
    fake.sleep(0.5)
    assert fake.clock.now() == NEW_YEAR + datetime.timedelta(days=365, seconds=0.5)
    assert waited == []


def test_an_unfrozen_clock_follows_the_wall_clock_plus_sleeps() -> None:
    fake = FakeAppStream()
    before = datetime.datetime.now(UTC)
    fake.sleep(7200)
    assert fake.clock.now() - before >= datetime.timedelta(hours=2)
    assert not fake.clock.frozen and FakeAppStream(now=0).clock.frozen


@pytest.mark.parametrize(
    ("now", "says"),
    [
        ("yesterday", "now='yesterday' is not an instant"),
        (datetime.datetime(2026, 1, 1), "is a naive datetime"),
        (True, "now=True is not an instant"),
        ([2026], "now=[2026] is not an instant"),
    ],
)
def test_a_bad_now_is_a_clear_error(now: object, says: str) -> None:
    with pytest.raises(
        AppStreamUsageError, match=r"allowed: an aware datetime, an ISO 8601"
    ) as info:
        FakeAppStream(now=now)
    assert says in str(info.value)


@pytest.mark.parametrize("seconds", [-1, "60", None, float("nan"), True])
def test_sleep_takes_seconds_only(seconds: object) -> None:
    fake = FakeAppStream(now=NEW_YEAR)
    with pytest.raises(AppStreamUsageError, match=r"allowed: a number of seconds >= 0"):
        fake.sleep(seconds)  # type: ignore[arg-type]
    assert fake.clock.now() == NEW_YEAR


# -- the timed policy ---------------------------------------------------------------------------


def test_timed_in_between_states_last_their_documented_duration() -> None:
    with FakeAppStream(now=NEW_YEAR, transitions="timed") as fake:
        c = client()
        create(c, "b")
        pending_for = DURATIONS["PENDING"][0]
        for _ in range(5):  # polls do not count under "timed"
            assert state(c, "b") == "PENDING"
        fake.sleep(pending_for - 1)
        assert state(c, "b") == "PENDING"
        fake.sleep(1)
        assert state(c, "b") == "RUNNING"
        c.stop_image_builder(Name="b")
        fake.sleep(DURATIONS["STOPPING"][0])
        assert state(c, "b") == "STOPPED"
        fake.assert_transitions("b", ["PENDING", "RUNNING", "STOPPING", "STOPPED"])


def test_timed_seeded_in_between_state_completes_on_the_clock() -> None:
    fake = FakeAppStream(now=NEW_YEAR, transitions="timed")
    fake.add_builder("b", state="SNAPSHOTTING")
    with fake:
        fake.sleep(DURATIONS["SNAPSHOTTING"][0])
        assert state(client(), "b") == "RUNNING"


def test_a_timed_pending_state_says_when_it_completes() -> None:
    fake = FakeAppStream(now=NEW_YEAR, transitions="timed")
    fake.add_builder("b", state="STOPPING")
    with pytest.raises(AssertionError) as info:
        fake.assert_state("b", "STOPPED")
    assert "pending: STOPPING -> STOPPED at 2026-01-01T00:05:00+00:00 on the fake's clock" in str(
        info.value
    )
    assert "appstream.sleep(300)" in str(info.value)


def test_a_polling_loop_with_a_timeout_runs_in_virtual_time(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import time

        import pytest


        def wait_running(client, name, timeout=900, every=30):
            deadline = time.monotonic() + timeout
            while True:
                found = client.describe_image_builders(Names=[name])["ImageBuilders"][0]
                if found["State"] == "RUNNING":
                    return found
                if time.monotonic() > deadline:
                    raise TimeoutError(name)
                time.sleep(every)


        @pytest.fixture
        def virtual_time(appstream, monkeypatch):
            monkeypatch.setattr(time, "sleep", appstream.sleep)
            monkeypatch.setattr(
                time, "monotonic", lambda: appstream.clock.now().timestamp()
            )


        @pytest.mark.appstream(transitions="timed", now="2026-01-01T00:00:00Z")
        def test_waits(appstream, appstream_client, virtual_time):
            appstream_client.create_image_builder(
                Name="b", InstanceType="stream.standard.medium",
                ImageName="AppStream-WinServer2022-06-12-2023",
            )
            wait_running(appstream_client, "b")
            assert appstream.clock.now().isoformat() == "2026-01-01T00:10:00+00:00"


        @pytest.mark.appstream(transitions="timed", now="2026-01-01T00:00:00Z")
        @pytest.mark.appstream_builder("b", state="PENDING")
        def test_times_out(appstream, appstream_client, virtual_time):
            with pytest.raises(TimeoutError):
                wait_running(appstream_client, "b", timeout=300)
        """
    )
    result = pytester.runpytest_inprocess("-p", "no:randomly")
    result.assert_outcomes(passed=2)


# -- pagination ----------------------------------------------------------------------------------


def _walk(c: BaseClient, fake: FakeAppStream, *, delete: bool, size: int) -> list[str]:
    seen: list[str] = []
    kwargs: dict[str, Any] = {"MaxResults": size}
    while True:
        page = c.describe_image_builders(**kwargs)
        for builder in page["ImageBuilders"]:
            seen.append(builder["Name"])
            if delete:
                c.delete_image_builder(Name=builder["Name"])
        fake.advance()  # the deletions finish between two pages
        if "NextToken" not in page:
            return seen
        kwargs["NextToken"] = page["NextToken"]


@pytest.mark.parametrize("size", [1, 3, 7, 25])
def test_deleting_while_paging_skips_no_builder(size: int) -> None:
    names = [f"b{i:02}" for i in range(20)]
    with FakeAppStream() as fake:
        for name in names:
            fake.add_builder(name, state="STOPPED")
        assert _walk(client(), fake, delete=True, size=size) == names
        assert fake.builders == {}


def test_builders_created_between_pages_come_after_the_ones_listed() -> None:
    with FakeAppStream() as fake:
        for name in ("a", "b", "c"):
            fake.add_builder(name)
        c = client()
        first = c.describe_image_builders(MaxResults=2)
        fake.add_builder("d")
        c.delete_image_builder(Name="a")
        fake.advance()
        second = c.describe_image_builders(MaxResults=2, NextToken=first["NextToken"])
        listed = [b["Name"] for b in first["ImageBuilders"] + second["ImageBuilders"]]
        assert listed == ["a", "b", "c", "d"]
        assert "NextToken" not in second


@pytest.mark.parametrize(
    "token",
    [
        "garbage",
        "b2Zmc2V0OjI=",  # the old offset token "offset:2"
        "!!!!",
        "RGVzY3JpYmVJbWFnZUJ1aWxkZXJzOjEyMzQ1Njc4OTAxMjp1cy1lYXN0LTE6MDo=",  # unsigned payload
    ],
)
def test_a_malformed_token_is_awss_error_and_changes_nothing(token: str) -> None:
    with FakeAppStream() as fake:
        fake.add_builder("b", state="STOPPING")
        with pytest.raises(client().exceptions.ClientError) as info:
            client().describe_image_builders(NextToken=token)
        assert info.value.response["Error"]["Code"] == "ValidationException"
        assert info.value.response["Error"]["Message"] == f"Invalid NextToken: {token}"
        assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
        fake.assert_transitions("b", ["STOPPING"])


def test_a_token_of_another_region_or_account_is_foreign() -> None:
    with FakeAppStream() as fake:
        for i in range(3):
            fake.add_builder(f"b{i}")
            fake.add_builder(f"b{i}", region="eu-west-1")
        token = client().describe_image_builders(MaxResults=1)["NextToken"]
        with pytest.raises(client().exceptions.ClientError, match="Invalid NextToken"):
            client("eu-west-1").describe_image_builders(NextToken=token)
    with FakeAppStream(account_id="111122223333") as other:
        other.add_builder("b0")
        with pytest.raises(client().exceptions.ClientError, match="Invalid NextToken"):
            client().describe_image_builders(NextToken=token)


# -- region= and tags= ---------------------------------------------------------------------------


def test_every_verb_takes_region() -> None:
    fake = FakeAppStream(transitions="manual")
    fake.add_builder("b", region="eu-west-1", state="RUNNING")
    with fake:
        client("eu-west-1").stop_image_builder(Name="b")
    assert fake.builders == {}
    assert fake.builder("b", region="eu-west-1").state == "STOPPING"
    assert [t.to_state for t in fake.history("b", region="eu-west-1")] == ["STOPPING"]
    assert fake.states("b", region="eu-west-1") == ["RUNNING", "STOPPING"]
    fake.assert_state("b", "STOPPING", region="eu-west-1")
    fake.advance("b", region="eu-west-1")
    fake.assert_transitions("b", ["RUNNING", "STOPPING", "STOPPED"], region="eu-west-1")
    fake.set_state("b", "FAILED", region="eu-west-1")
    fake.assert_state("b", "FAILED", region="eu-west-1")


def test_a_name_in_another_region_is_pointed_at() -> None:
    fake = FakeAppStream()
    fake.add_builder("b", region="eu-west-1")
    with pytest.raises(
        AppStreamUsageError, match=r"there is one in region eu-west-1: pass region="
    ):
        fake.builder("b")
    with pytest.raises(AppStreamUsageError, match=r"region='mars' is not a region name"):
        fake.builder("b", region="mars")


def test_advance_without_a_name_completes_every_region() -> None:
    fake = FakeAppStream(transitions="manual")
    fake.add_builder("b", state="STOPPING")
    fake.add_builder("b", state="PENDING", region="ap-south-1")
    fake.advance()
    fake.assert_state("b", "STOPPED")
    fake.assert_state("b", "RUNNING", region="ap-south-1")


def test_a_fault_with_region_answers_only_there() -> None:
    with FakeAppStream() as fake:
        fake.add_builder("b")
        fake.add_builder("b", region="eu-west-1")
        fake.inject("stop_image_builder", "ThrottlingException", region="eu-west-1", times=None)
        client().stop_image_builder(Name="b")
        with pytest.raises(client().exceptions.ClientError, match="Throttling"):
            client("eu-west-1").stop_image_builder(Name="b")
    with pytest.raises(AppStreamUsageError, match=r"region='Europe' is not a region name"):
        fake.inject("stop_image_builder", "ThrottlingException", region="Europe")


def test_seeded_tags_are_the_builders_tags() -> None:
    with FakeAppStream() as fake:
        arn = fake.add_builder("b", tags={"Skip_Stop": "true", "team": "ops"}).arn
        assert client().list_tags_for_resource(ResourceArn=arn)["Tags"] == {
            "Skip_Stop": "true",
            "team": "ops",
        }


@pytest.mark.parametrize(
    ("tags", "says"),
    [
        (["Skip_Stop"], "allowed: a dict of tag keys to values (str to str)"),
        ({"Skip_Stop": True}, "allowed: a dict of tag keys to values (str to str)"),
        ({"aws:reserved": "x"}, "Map keys must satisfy constraint"),
        ({f"k{i}": "v" for i in range(51)}, "Member must have length less than or equal to 50"),
    ],
)
def test_bad_tags_are_a_clear_error_and_seed_nothing(tags: object, says: str) -> None:
    fake = FakeAppStream()
    with pytest.raises(AppStreamUsageError, match=r"^tags=") as info:
        fake.add_builder("b", tags=tags)  # type: ignore[arg-type]
    assert says in str(info.value)
    assert fake.builders == {}


def test_markers_seed_regions_and_tags(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest


        @pytest.mark.appstream_builder("b", tags={"Skip_Stop": "true"})
        @pytest.mark.appstream_builder("b", region="eu-west-1", state="STOPPED")
        @pytest.mark.appstream_fault("stop_image_builder", "ThrottlingException", region="eu-west-1")
        def test_seeded(appstream, appstream_client):
            appstream.assert_state("b", "RUNNING")
            appstream.assert_state("b", "STOPPED", region="eu-west-1")
            arn = appstream.builder("b").arn
            assert appstream_client.list_tags_for_resource(ResourceArn=arn)["Tags"] == {
                "Skip_Stop": "true"
            }
            import boto3
            with pytest.raises(appstream_client.exceptions.ClientError):
                boto3.client("appstream", region_name="eu-west-1").stop_image_builder(Name="b")


        @pytest.mark.appstream(now="2026-01-01T00:00:00Z")
        def test_now(appstream):
            assert appstream.clock.now().isoformat() == "2026-01-01T00:00:00+00:00"


        @pytest.mark.appstream(now="soon")
        def test_bad_now(appstream):
            pass
        """
    )
    result = pytester.runpytest_inprocess("-p", "no:randomly")
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(
        ["*@pytest.mark.appstream(now='soon'): now='soon' is not an instant*"]
    )


def test_the_environment_names_the_region_for_every_sdk(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_REGION", raising=False)
    import os

    with FakeAppStream(region="eu-central-1"):
        assert os.environ["AWS_REGION"] == os.environ["AWS_DEFAULT_REGION"] == "eu-central-1"
    assert "AWS_REGION" not in os.environ


# -- ids -------------------------------------------------------------------------------------------


def test_request_ids_are_the_same_in_every_test(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        SEEN = []


        @pytest.mark.parametrize("run", range(3))
        @pytest.mark.appstream_builder("b")
        def test_ids(appstream_client, run):
            ids = [
                appstream_client.describe_image_builders()["ResponseMetadata"]["RequestId"]
                for _ in range(2)
            ]
            SEEN.append(ids)
            assert SEEN.count(ids) == len(SEEN)
        """
    )
    pytester.runpytest_inprocess("-p", "no:randomly").assert_outcomes(passed=3)


def test_the_date_header_is_the_fakes_clock() -> None:
    with FakeAppStream(now="2026-01-01T12:00:00Z") as fake:
        headers = client().describe_image_builders()["ResponseMetadata"]["HTTPHeaders"]
        assert headers["date"] == "Thu, 01 Jan 2026 12:00:00 GMT"
        fake.sleep(61)
        headers = client().describe_image_builders()["ResponseMetadata"]["HTTPHeaders"]
        assert headers["date"] == "Thu, 01 Jan 2026 12:01:01 GMT"
