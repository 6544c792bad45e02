"""Stacks: seeding (with their fleet), DescribeStacks, their operations, fleet associations and
streaming URLs, as a test meets them through a botocore client."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_appstream import AppStreamUsageError, FakeAppStream
from pytest_appstream._model import shape

ACCOUNT = "123456789012"
ACTIONS = tuple(getattr(shape("Action"), "enum", ()))


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


def associated(fake: FakeAppStream, stack: str) -> list[str]:
    with fake.registry.lock:
        entry = fake.registry.get(fake.account_id, fake.region, stack, "stacks")
        assert entry is not None
        return list(entry.data.get("fleets", []))


# -- seeding --------------------------------------------------------------------------------------


def test_a_seeded_stack_has_awss_defaults(appstream: FakeAppStream, appstream_client: Any) -> None:
    appstream.stacks.add("s")

    (stack,) = appstream_client.describe_stacks(Names=["s"])["Stacks"]

    assert stack["Arn"] == f"arn:aws:appstream:us-east-1:{ACCOUNT}:stack/s"
    assert stack["StackErrors"] == [] and "EmbedHostDomains" not in stack
    assert [s["Action"] for s in stack["UserSettings"]] == list(ACTIONS)
    assert {s["Permission"] for s in stack["UserSettings"]} == {"ENABLED"}
    clipboard = [s for s in stack["UserSettings"] if s["Action"].startswith("CLIPBOARD_COPY_")]
    assert clipboard and all(s.get("MaximumLength") == 20971520 for s in clipboard)
    others = [s for s in stack["UserSettings"] if not s["Action"].startswith("CLIPBOARD")]
    assert all("MaximumLength" not in s for s in others)


def test_a_seeded_stack_is_associated_with_the_fleet_it_names(appstream: FakeAppStream) -> None:
    appstream.fleets.add("f")
    appstream.stacks.add("s", fleets=["f"])
    assert associated(appstream, "s") == ["f"]
    assert ok(appstream, "ListAssociatedFleets", StackName="s")["Names"] == ["f"]


@pytest.mark.parametrize(
    ("fleets", "message"),
    [
        (["ghost"], "no fleet named 'ghost' in 123456789012/us-east-1; live fleets: f"),
        (["f", "g"], "at most one fleet name"),
        ("f", "at most one fleet name"),
    ],
)
def test_seeding_a_stack_with_fleets_it_cannot_have_changes_nothing(
    fleets: Any, message: str
) -> None:
    fake = FakeAppStream()
    fake.fleets.add("f")
    fake.fleets.add("g", region="eu-west-1")
    before = snapshot(fake)
    with pytest.raises(AppStreamUsageError, match=message):
        fake.stacks.add("s", fleets=fleets)
    assert snapshot(fake) == before and "s" not in fake.stacks
    with pytest.raises(AppStreamUsageError, match="no stack named 's'"):
        fake.stacks.history("s")  # not even a history


def test_the_stack_marker_seeds_after_the_fleet_marker(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest


        @pytest.mark.appstream_stack("s", fleets=["f"])
        @pytest.mark.appstream_fleet("f", state="STOPPED")
        def test_seeded(appstream, appstream_client):
            assert appstream_client.list_associated_stacks(FleetName="f")["Names"] == ["s"]
            (fleet,) = appstream_client.describe_fleets(Names=["f"])["Fleets"]
            assert fleet["State"] == "STOPPED"
        """
    )
    result = pytester.runpytest("-p", "no:randomly", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)


def test_describe_stacks_by_name_and_an_unknown_name(appstream: FakeAppStream) -> None:
    appstream.stacks.add("s")
    assert [s["Name"] for s in ok(appstream, "DescribeStacks")["Stacks"]] == ["s"]
    assert error(appstream, "DescribeStacks", Names=["ghost"]) == (
        "ResourceNotFoundException",
        f"The stack ghost for account {ACCOUNT} does not exist.",
    )


def test_describe_stacks_pages_with_next_token(appstream: FakeAppStream) -> None:
    for i in range(27):
        appstream.stacks.add(f"s{i:02}")
    first = ok(appstream, "DescribeStacks")
    second = ok(appstream, "DescribeStacks", NextToken=first["NextToken"])
    assert len(first["Stacks"]) == 25
    assert [s["Name"] for s in second["Stacks"]] == ["s25", "s26"]
