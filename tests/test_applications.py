"""Applications: create from an app block, update, delete while in use, describe, and their
association with Elastic fleets."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_appstream import AppStreamUsageError, FakeAppStream
from pytest_appstream._applications import elastic_platforms
from pytest_appstream._model import shape

ACCOUNT = "123456789012"
ARN = f"arn:aws:appstream:us-east-1:{ACCOUNT}:application/"
BLOCK_ARN = f"arn:aws:appstream:us-east-1:{ACCOUNT}:app-block/"
ICON = {"S3Bucket": "my-apps", "S3Key": "icons/excel.png"}
#: A platform of the installed model that no Elastic application runs on: RHEL8, or where an
#: older botocore's model lacks it (1.34), the first such platform it has (WINDOWS).
NOT_ELASTIC = next(
    p
    for p in ("RHEL8", *getattr(shape("PlatformType"), "enum", ()))
    if p in getattr(shape("PlatformType"), "enum", ()) and p not in elastic_platforms()
)


def create(client: Any, name: str = "excel", **extra: Any) -> dict[str, Any]:
    params: dict[str, Any] = {
        "Name": name,
        "IconS3Location": ICON,
        "LaunchPath": r"C:\Program Files\Office\excel.exe",
        "Platforms": ["WINDOWS_SERVER_2019"],
        "InstanceFamilies": ["GENERAL_PURPOSE"],
        "AppBlockArn": BLOCK_ARN + "office",
        **extra,
    }
    return dict(client.create_application(**params)["Application"])


def elastic(appstream: Any, name: str = "elastic", **fields: Any) -> None:
    defaults = {"platform": "WINDOWS_SERVER_2019", "max_concurrent_sessions": 5}
    appstream.fleets.add(name, fleet_type="ELASTIC", **{**defaults, **fields})


def test_create_from_an_app_block(appstream, appstream_client):
    appstream.app_blocks.add("office")

    created = create(appstream_client, Tags={"team": "apps"}, WorkingDirectory=r"C:\work")

    assert created["Arn"] == ARN + "excel"
    assert created["AppBlockArn"] == BLOCK_ARN + "office"
    assert created["Enabled"] is True
    assert created["WorkingDirectory"] == r"C:\work"
    assert appstream_client.list_tags_for_resource(ResourceArn=ARN + "excel")["Tags"] == {
        "team": "apps"
    }
    appstream.applications.assert_transitions("excel", ["ACTIVE"])
    with pytest.raises(appstream_client.exceptions.ResourceAlreadyExistsException):
        create(appstream_client)


def test_create_needs_an_app_block_that_exists(appstream, appstream_client):
    with pytest.raises(appstream_client.exceptions.ResourceNotFoundException) as info:
        create(appstream_client)

    assert info.value.response["Error"]["Message"] == (
        f"The app block office for account {ACCOUNT} does not exist."
    )
    assert dict(appstream.applications) == {}


@pytest.mark.parametrize(
    "extra",
    [
        {"Platforms": ["WINDOWS_SERVER_2022"]},  # not one Elastic fleets run
        {"Platforms": []},
        {"InstanceFamilies": ["GRAPHICS_G5"]},
    ],
)
def test_platforms_and_instance_families_are_elastic_ones(appstream, appstream_client, extra):
    appstream.app_blocks.add("office")

    with pytest.raises(appstream_client.exceptions.ClientError) as info:
        create(appstream_client, **extra)

    assert info.value.response["Error"]["Code"] == "ValidationException"
    assert "failed to satisfy constraint" in info.value.response["Error"]["Message"]


def test_update_and_attributes_to_delete(appstream, appstream_client):
    appstream.app_blocks.add("office")
    appstream.app_blocks.add("office-2026")
    appstream.applications.add("excel", app_block="office", launch_parameters="/safe")

    updated = appstream_client.update_application(
        Name="excel",
        DisplayName="Excel",
        AppBlockArn=BLOCK_ARN + "office-2026",
        AttributesToDelete=["LAUNCH_PARAMETERS"],
    )["Application"]

    assert (updated["DisplayName"], updated["AppBlockArn"]) == (
        "Excel",
        BLOCK_ARN + "office-2026",
    )
    assert "LaunchParameters" not in updated
    with pytest.raises(appstream_client.exceptions.OperationNotPermittedException):
        appstream_client.update_application(
            Name="excel", LaunchParameters="/x", AttributesToDelete=["LAUNCH_PARAMETERS"]
        )
    with pytest.raises(appstream_client.exceptions.ResourceNotFoundException):
        appstream_client.update_application(Name="excel", AppBlockArn=BLOCK_ARN + "nope")
    with pytest.raises(appstream_client.exceptions.ResourceNotFoundException):
        appstream_client.update_application(Name="word", DisplayName="Word")
    assert appstream.applications["excel"].display_name == "Excel"


def test_describe_by_arns_and_in_pages(appstream, appstream_client):
    appstream.app_blocks.add("office")
    for name in ("excel", "word", "outlook"):
        appstream.applications.add(name, app_block="office")

    first = appstream_client.describe_applications(MaxResults=2)
    rest = appstream_client.describe_applications(NextToken=first["NextToken"])
    assert [a["Name"] for a in first["Applications"] + rest["Applications"]] == [
        "excel",
        "word",
        "outlook",
    ]
    named = appstream_client.describe_applications(Arns=[ARN + "outlook"])["Applications"]
    assert [a["Name"] for a in named] == ["outlook"]
    with pytest.raises(appstream_client.exceptions.ResourceNotFoundException):
        appstream_client.describe_applications(Arns=[ARN + "nope"])


def test_seeding_checks() -> None:
    fake = FakeAppStream()
    fake.app_blocks.add("office")
    seeded = fake.applications.add("excel", app_block="office")
    assert seeded.app_block_arn == BLOCK_ARN + "office"
    assert seeded.platforms == ["WINDOWS_SERVER_2019"]

    bad: list[tuple[dict[str, Any], str]] = [
        ({"app_block": "nope"}, "app_block='nope' is not an app block"),
        ({"app_block": "office", "platforms": [NOT_ELASTIC]}, "platforms=.* is not allowed"),
        ({"app_block": "office", "fleets": "elastic"}, "fleets='elastic' is not allowed"),
        ({"app_block": "office", "fleets": ["nope"]}, "'nope' is not an Elastic fleet"),
        ({"fleets": ["nope"]}, "'nope' is not an Elastic fleet"),  # its own app block: not made
        ({"app_block": "office", "state": "INACTIVE"}, "is not an application state"),
    ]
    for arguments, words in bad:
        with pytest.raises(AppStreamUsageError, match=words):
            fake.applications.add("word", **arguments)
    assert list(fake.applications) == ["excel"]
    assert list(fake.app_blocks) == ["office"]

    own = fake.applications.add("word")  # runs from the app block of its name, made for it
    assert own.app_block_arn == BLOCK_ARN + "word"
    assert fake.app_blocks["word"].state == "ACTIVE"


def test_associate_with_an_elastic_fleet(appstream, appstream_client):
    elastic(appstream)
    appstream.app_blocks.add("office")
    appstream.applications.add("excel", app_block="office")

    association = appstream_client.associate_application_fleet(
        FleetName="elastic", ApplicationArn=ARN + "excel"
    )["ApplicationFleetAssociation"]
    assert association == {"FleetName": "elastic", "ApplicationArn": ARN + "excel"}
    listed = appstream_client.describe_application_fleet_associations(FleetName="elastic")
    assert listed["ApplicationFleetAssociations"] == [association]

    with pytest.raises(appstream_client.exceptions.ResourceInUseException) as info:
        appstream_client.delete_application(Name="excel")
    assert "disassociate it from the fleet" in str(info.value)

    appstream_client.disassociate_application_fleet(
        FleetName="elastic", ApplicationArn=ARN + "excel"
    )
    none = appstream_client.describe_application_fleet_associations(ApplicationArn=ARN + "excel")
    assert "ApplicationFleetAssociations" not in none
    appstream_client.delete_application(Name="excel")


def test_a_fleet_that_is_not_elastic_is_refused(appstream, appstream_client):
    appstream.fleets.add("always-on", fleet_type="ALWAYS_ON")
    appstream.app_blocks.add("office")
    appstream.applications.add("excel", app_block="office")

    with pytest.raises(appstream_client.exceptions.OperationNotPermittedException) as info:
        appstream_client.associate_application_fleet(
            FleetName="always-on", ApplicationArn=ARN + "excel"
        )

    assert info.value.response["Error"]["Message"] == (
        f"The fleet always-on for account {ACCOUNT} is ALWAYS_ON, not ELASTIC. Applications can "
        "only be associated with Elastic fleets."
    )
    with pytest.raises(appstream_client.exceptions.ResourceNotFoundException):
        appstream_client.associate_application_fleet(FleetName="nope", ApplicationArn=ARN + "excel")


def test_the_platform_must_be_one_the_application_supports(appstream, appstream_client):
    elastic(appstream, "linux", platform="AMAZON_LINUX2")
    appstream.app_blocks.add("office")
    appstream.applications.add("excel", app_block="office")

    with pytest.raises(appstream_client.exceptions.InvalidParameterCombinationException):
        appstream_client.associate_application_fleet(
            FleetName="linux", ApplicationArn=ARN + "excel"
        )


def test_a_deleted_fleet_is_no_longer_associated(appstream, appstream_client):
    elastic(appstream, state="STOPPED")
    appstream.app_blocks.add("office")
    appstream.applications.add("excel", app_block="office", fleets=["elastic"])
    assert appstream_client.describe_application_fleet_associations(FleetName="elastic")[
        "ApplicationFleetAssociations"
    ] == [{"FleetName": "elastic", "ApplicationArn": ARN + "excel"}]

    appstream_client.delete_fleet(Name="elastic")
    appstream.advance()
    elastic(appstream)  # the same name again: another fleet

    listed = appstream_client.describe_application_fleet_associations(FleetName="elastic")
    assert "ApplicationFleetAssociations" not in listed
    appstream_client.delete_application(Name="excel")


def test_associations_need_a_fleet_or_an_application(appstream_client):
    with pytest.raises(appstream_client.exceptions.InvalidParameterCombinationException):
        appstream_client.describe_application_fleet_associations()
