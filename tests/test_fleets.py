"""Fleets: seeding, DescribeFleets, the fleet's life (create, start, stop, update, delete), its
capacity, and the waiters, as a test meets them through a botocore client."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_appstream import AppStreamUsageError, FakeAppStream

ACCOUNT = "123456789012"
W22 = "AppStream-WinServer2022-06-12-2023"


def call(fake: FakeAppStream, operation: str, **params: Any) -> tuple[int, dict[str, Any]]:
    return fake._handle(operation, params, None)


def error(fake: FakeAppStream, operation: str, **params: Any) -> tuple[str, str]:
    status, body = call(fake, operation, **params)
    assert status == 400, body
    return body["__type"], body["message"]


def ok(fake: FakeAppStream, operation: str, **params: Any) -> dict[str, Any]:
    status, body = call(fake, operation, **params)
    assert status == 200, body
    return body


def snapshot(fake: FakeAppStream) -> Any:
    """Every kind's live records, pending transitions, tags and data, in every region."""
    with fake.registry.lock:
        return {
            key: {
                name: (e.record, e.pending, dict(e.tags), repr(e.data))
                for name, e in fake.registry.store(*key).items()
            }
            for key, store in list(fake.registry._stores.items())
            if store  # an empty store is nothing
        }


# -- seeding --------------------------------------------------------------------------------------


def test_a_seeded_fleet_has_realistic_deterministic_defaults() -> None:
    fake = FakeAppStream()
    fake.fleets.add("first")
    fleet = fake.fleets.add("f", tags={"team": "a"})
    assert fleet.arn == f"arn:aws:appstream:us-east-1:{ACCOUNT}:fleet/f"
    assert (fleet.state, fleet.fleet_type, fleet.instance_type) == (
        "RUNNING",
        "ON_DEMAND",
        "stream.standard.medium",
    )
    assert fleet.image_name == W22
    assert fleet.image_arn == f"arn:aws:appstream:us-east-1::image/{W22}"
    assert (
        fleet.disconnect_timeout_in_seconds,
        fleet.max_user_duration_in_seconds,
        fleet.idle_disconnect_timeout_in_seconds,
    ) == (900, 57600, 0)
    assert (fleet.stream_view, fleet.platform) == ("APP", "WINDOWS_SERVER_2022")
    assert fleet.created_time is not None and fleet.created_time.minute == 1
    again = FakeAppStream()
    again.fleets.add("first")
    assert again.fleets.add("f") == fleet  # the same seed, the same fleet


def test_describe_fleets_answers_the_seeded_fleet_with_its_capacity(
    appstream: FakeAppStream, appstream_client: Any
) -> None:
    appstream.fleets.add("f")
    appstream.fleets.add("g", state="STOPPED", compute_capacity_status={"Desired": 3})

    fleets = appstream_client.describe_fleets()["Fleets"]

    assert [f["Name"] for f in fleets] == ["f", "g"]
    assert fleets[0]["ComputeCapacityStatus"] == {
        "Desired": 1,
        "Running": 1,
        "InUse": 0,
        "Available": 1,
    }
    assert fleets[1]["ComputeCapacityStatus"] == {
        "Desired": 3,
        "Running": 0,
        "InUse": 0,
        "Available": 0,
    }
    assert fleets[0]["FleetErrors"] == [] and fleets[0]["State"] == "RUNNING"


def test_describe_fleets_by_name_and_an_unknown_name(appstream: FakeAppStream) -> None:
    appstream.fleets.add("f")
    assert [f["Name"] for f in ok(appstream, "DescribeFleets", Names=["f", "f"])["Fleets"]] == [
        "f",
        "f",
    ]
    assert error(appstream, "DescribeFleets", Names=["f", "ghost"]) == (
        "ResourceNotFoundException",
        f"The fleet ghost for account {ACCOUNT} does not exist.",
    )


def test_describe_fleets_pages_with_next_token(appstream: FakeAppStream) -> None:
    for i in range(30):
        appstream.fleets.add(f"f{i:02}")
    first = ok(appstream, "DescribeFleets")
    assert len(first["Fleets"]) == 25 and "NextToken" in first
    second = ok(appstream, "DescribeFleets", NextToken=first["NextToken"])
    assert [f["Name"] for f in second["Fleets"]] == [f"f{i}" for i in range(25, 30)]
    assert "NextToken" not in second


def test_a_seeded_fleet_with_an_unknown_image_gets_that_image() -> None:
    fake = FakeAppStream()
    fleet = fake.fleets.add("f", image_name="golden", state="STOPPED")
    assert fleet.image_arn == f"arn:aws:appstream:us-east-1:{ACCOUNT}:image/golden"
    assert fake.images["golden"].state == "AVAILABLE"


def test_seeding_refuses_a_bad_argument_naming_it() -> None:
    fake = FakeAppStream()
    with pytest.raises(AppStreamUsageError, match="state='PENDING' is not a fleet state"):
        fake.fleets.add("f", state="PENDING")
    with pytest.raises(AppStreamUsageError, match="fleet_type="):
        fake.fleets.add("f", fleet_type="SOMETIMES")
    with pytest.raises(AppStreamUsageError, match="not a valid fleet name"):
        fake.fleets.add("-f")
    assert list(fake.fleets) == []
