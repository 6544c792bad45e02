"""Entitlements: per-stack names, the stack must exist, EntitlementNotFoundException, application
associations and ListEntitledApplications (ALL: the stack's fleet's applications; ASSOCIATED)."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_appstream import AppStreamUsageError, FakeAppStream
from pytest_appstream._entitlements import Entitlement

ACCOUNT = "123456789012"
ROLES = [{"Name": "roles", "Value": "finance"}]


def world(appstream: Any) -> None:
    """An Elastic fleet with excel and word, its stack, and outlook on no fleet."""
    appstream.fleets.add(
        "elastic", fleet_type="ELASTIC", platform="WINDOWS_SERVER_2019", max_concurrent_sessions=5
    )
    appstream.stacks.add("sales", fleets=["elastic"])
    appstream.app_blocks.add("office")
    appstream.applications.add("excel", app_block="office", fleets=["elastic"])
    appstream.applications.add("word", app_block="office", fleets=["elastic"])
    appstream.applications.add("outlook", app_block="office")


def entitled(client: Any, entitlement: str, stack: str = "sales") -> list[str]:
    listed = client.list_entitled_applications(StackName=stack, EntitlementName=entitlement)
    return [a["ApplicationIdentifier"] for a in listed["EntitledApplications"]]


def test_all_gives_the_fleets_applications(appstream, appstream_client):
    world(appstream)

    created = appstream_client.create_entitlement(
        Name="finance", StackName="sales", AppVisibility="ALL", Attributes=ROLES
    )["Entitlement"]

    assert (created["StackName"], created["AppVisibility"]) == ("sales", "ALL")
    assert created["CreatedTime"] == created["LastModifiedTime"]
    assert entitled(appstream_client, "finance") == ["excel", "word"]
    assert appstream.entitlements["sales/finance"].app_visibility == "ALL"


def test_associated_gives_the_applications_associated_with_it(appstream, appstream_client):
    world(appstream)
    appstream_client.create_entitlement(
        Name="finance", StackName="sales", AppVisibility="ASSOCIATED", Attributes=ROLES
    )
    assert entitled(appstream_client, "finance") == []

    for app in ("outlook", "excel", "outlook"):  # again: nothing more to do
        appstream_client.associate_application_to_entitlement(
            StackName="sales", EntitlementName="finance", ApplicationIdentifier=app
        )
    assert entitled(appstream_client, "finance") == ["excel", "outlook"]

    with pytest.raises(appstream_client.exceptions.ResourceInUseException) as info:
        appstream_client.delete_application(Name="outlook")
    assert info.value.response["Error"]["Message"] == (
        "The application outlook is associated with the entitlement finance of stack sales. To "
        "delete the application, you must disassociate it from the entitlement."
    )

    appstream_client.disassociate_application_from_entitlement(
        StackName="sales", EntitlementName="finance", ApplicationIdentifier="outlook"
    )
    assert entitled(appstream_client, "finance") == ["excel"]
    appstream_client.delete_application(Name="outlook")
    with pytest.raises(appstream_client.exceptions.ResourceNotFoundException):
        appstream_client.associate_application_to_entitlement(
            StackName="sales", EntitlementName="finance", ApplicationIdentifier="nope"
        )


def test_names_are_unique_per_stack(appstream, appstream_client):
    world(appstream)
    appstream.stacks.add("support")
    for stack in ("sales", "support"):
        appstream_client.create_entitlement(
            Name="finance", StackName=stack, AppVisibility="ALL", Attributes=ROLES
        )

    with pytest.raises(appstream_client.exceptions.EntitlementAlreadyExistsException):
        appstream_client.create_entitlement(
            Name="finance", StackName="sales", AppVisibility="ALL", Attributes=ROLES
        )
    assert sorted(appstream.entitlements) == ["sales/finance", "support/finance"]
    listed = appstream_client.describe_entitlements(StackName="support")["Entitlements"]
    assert [(e["Name"], e["StackName"]) for e in listed] == [("finance", "support")]


def test_unknown_stack_and_unknown_entitlement(appstream, appstream_client):
    world(appstream)

    with pytest.raises(appstream_client.exceptions.ResourceNotFoundException) as info:
        appstream_client.create_entitlement(
            Name="finance", StackName="nope", AppVisibility="ALL", Attributes=ROLES
        )
    assert info.value.response["Error"]["Message"] == (
        f"The stack nope for account {ACCOUNT} does not exist."
    )
    for call in (
        lambda: appstream_client.describe_entitlements(StackName="sales", Name="finance"),
        lambda: appstream_client.update_entitlement(Name="finance", StackName="sales"),
        lambda: appstream_client.delete_entitlement(Name="finance", StackName="sales"),
        lambda: appstream_client.list_entitled_applications(
            StackName="sales", EntitlementName="finance"
        ),
    ):
        with pytest.raises(appstream_client.exceptions.EntitlementNotFoundException) as info:
            call()
        assert info.value.response["Error"]["Message"] == (
            f"The entitlement finance for stack sales in account {ACCOUNT} does not exist."
        )


@pytest.mark.appstream(now="2026-03-01T09:00:00Z")
def test_update_and_delete(appstream, appstream_client):
    world(appstream)
    appstream_client.create_entitlement(
        Name="finance", StackName="sales", AppVisibility="ALL", Attributes=ROLES
    )
    appstream.sleep(60)

    updated = appstream_client.update_entitlement(
        Name="finance",
        StackName="sales",
        AppVisibility="ASSOCIATED",
        Attributes=[{"Name": "department", "Value": "finance"}],
    )["Entitlement"]

    assert updated["AppVisibility"] == "ASSOCIATED"
    assert updated["Attributes"] == [{"Name": "department", "Value": "finance"}]
    assert (updated["LastModifiedTime"] - updated["CreatedTime"]).total_seconds() == 60
    with pytest.raises(appstream_client.exceptions.ClientError, match="ValidationException"):
        appstream_client.update_entitlement(
            Name="finance", StackName="sales", Attributes=[{"Name": "shoeSize", "Value": "9"}]
        )

    appstream_client.delete_entitlement(Name="finance", StackName="sales")
    appstream.entitlements.assert_transitions("sales/finance", ["ACTIVE", None])


def test_a_deleted_stack_takes_its_entitlements(appstream, appstream_client):
    world(appstream)
    appstream.stacks.add("support")
    appstream.entitlements.add("finance", stack_name="support")
    appstream_client.delete_stack(Name="support")
    appstream_client.create_stack(Name="support")

    listed = appstream_client.describe_entitlements(StackName="support")
    assert listed["Entitlements"] == []
    appstream_client.create_entitlement(
        Name="finance", StackName="support", AppVisibility="ALL", Attributes=ROLES
    )
    assert [t.operation for t in appstream.entitlements.history("support/finance")] == [
        "DeleteStack",
        "CreateEntitlement",
    ]


def test_seeding_checks() -> None:
    fake = FakeAppStream()
    fake.stacks.add("sales")
    fake.app_blocks.add("office")
    fake.applications.add("excel", app_block="office")
    seeded = fake.entitlements.add("finance", stack_name="sales", applications=["excel"])
    assert isinstance(seeded, Entitlement) and seeded.key == "sales/finance"
    assert seeded.app_visibility == "ALL"

    bad: list[tuple[dict[str, Any], str]] = [
        ({}, "stack_name is missing"),
        ({"stack_name": "nope"}, "stack_name='nope' is not a stack"),
        ({"stack_name": "sales", "applications": ["nope"]}, "'nope' is not an application"),
        (
            {"stack_name": "sales", "attributes": [{"Name": "shoeSize", "Value": "9"}]},
            "is not an entitlement attribute",
        ),
        ({"stack_name": "sales", "app_visibility": "SOME"}, "is not a AppVisibility"),
    ]
    for arguments, words in bad:
        with pytest.raises(AppStreamUsageError, match=words):
            fake.entitlements.add("other", **arguments)
    assert list(fake.entitlements) == ["sales/finance"]


def test_a_data_file_seeds_the_catalog_in_dependency_order(pytester: pytest.Pytester) -> None:
    pytester.makefile(
        ".json",
        catalog="""{
          "entitlements": [{"name": "finance", "stack_name": "sales",
                            "app_visibility": "ASSOCIATED", "applications": ["excel"]}],
          "applications": [{"name": "excel", "app_block": "office", "fleets": ["elastic"]}],
          "app_block_builders": [{"name": "packager", "app_block": "office"}],
          "app_blocks": [{"name": "office"}],
          "stacks": [{"name": "sales", "fleets": ["elastic"]}],
          "fleets": [{"name": "elastic", "fleet_type": "ELASTIC"}]
        }""",
    )
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.appstream_data("catalog.json")
        def test_catalog(appstream, appstream_client):
            listed = appstream_client.list_entitled_applications(
                StackName="sales", EntitlementName="finance"
            )["EntitledApplications"]
            assert listed == [{"ApplicationIdentifier": "excel"}]
            assert list(appstream.entitlements) == ["sales/finance"]
            assert list(appstream.app_blocks) == ["office"]
        """
    )
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1)
