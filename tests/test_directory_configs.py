"""Directory configs: Create/Update/Delete/Describe through a real client, the password AWS never
returns, the fleets and builders that keep one in use, seeding and data files."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_appstream import AppStreamUsageError, FakeAppStream
from pytest_appstream._directory_configs import HIDDEN_PASSWORD

ACCOUNT = "123456789012"
CORP = "corp.example.com"
OU = "OU=AppStream,DC=corp,DC=example,DC=com"
CREDENTIALS = {"AccountName": "CORP\\svc-appstream", "AccountPassword": "s3cret!"}


def create(client: Any, name: str = CORP, **params: Any) -> dict[str, Any]:
    params.setdefault("OrganizationalUnitDistinguishedNames", [OU])
    return dict(client.create_directory_config(DirectoryName=name, **params)["DirectoryConfig"])


def code(info: pytest.ExceptionInfo[Any]) -> str:
    return str(info.value.response["Error"]["Code"])


@pytest.mark.appstream(now="2026-05-01T09:00:00Z")
def test_create_then_describe_never_returns_the_password(
    appstream: FakeAppStream, appstream_client: Any
) -> None:
    created = create(appstream_client, ServiceAccountCredentials=CREDENTIALS)
    assert created["DirectoryName"] == CORP
    assert created["OrganizationalUnitDistinguishedNames"] == [OU]
    assert created["ServiceAccountCredentials"] == {
        "AccountName": "CORP\\svc-appstream",
        "AccountPassword": HIDDEN_PASSWORD,
    }
    assert created["CreatedTime"] == appstream.clock.now()  # frozen: the fake's time
    [described] = appstream_client.describe_directory_configs(DirectoryNames=[CORP])[
        "DirectoryConfigs"
    ]
    assert described == created
    assert "s3cret!" not in repr(appstream_client.describe_directory_configs())
    # the test side keeps what was sent
    assert appstream.directory_configs[CORP].service_account_credentials == CREDENTIALS
    appstream.directory_configs.assert_transitions(CORP, ["ACTIVE"])


def test_without_credentials_none_are_shown(appstream_client: Any) -> None:
    created = create(
        appstream_client,
        CertificateBasedAuthProperties={"Status": "ENABLED_NO_DIRECTORY_LOGIN_FALLBACK"},
    )
    assert "ServiceAccountCredentials" not in created
    assert created["CertificateBasedAuthProperties"] == {
        "Status": "ENABLED_NO_DIRECTORY_LOGIN_FALLBACK"
    }


def test_a_second_config_of_a_directory_already_exists(
    appstream: FakeAppStream, appstream_client: Any
) -> None:
    create(appstream_client)
    with pytest.raises(appstream_client.exceptions.ResourceAlreadyExistsException) as info:
        create(appstream_client, OrganizationalUnitDistinguishedNames=["OU=Other"])
    assert info.value.response["Error"]["Message"] == (
        f"The directory config {CORP} already exists for account {ACCOUNT}."
    )
    assert appstream.directory_configs[CORP].organizational_unit_distinguished_names == [OU]


def test_update_replaces_only_what_it_is_given(
    appstream: FakeAppStream, appstream_client: Any
) -> None:
    create(appstream_client, ServiceAccountCredentials=CREDENTIALS)
    updated = appstream_client.update_directory_config(
        DirectoryName=CORP, OrganizationalUnitDistinguishedNames=["OU=New", "OU=Second"]
    )["DirectoryConfig"]
    assert updated["OrganizationalUnitDistinguishedNames"] == ["OU=New", "OU=Second"]
    assert updated["ServiceAccountCredentials"]["AccountName"] == "CORP\\svc-appstream"
    rotated = {"AccountName": "CORP\\svc2", "AccountPassword": "n3w"}
    appstream_client.update_directory_config(DirectoryName=CORP, ServiceAccountCredentials=rotated)
    record = appstream.directory_configs[CORP]
    assert record.service_account_credentials == rotated
    assert record.organizational_unit_distinguished_names == ["OU=New", "OU=Second"]
    with pytest.raises(appstream_client.exceptions.ResourceNotFoundException) as info:
        appstream_client.update_directory_config(DirectoryName="other.example.com")
    assert info.value.response["Error"]["Message"] == (
        f"The directory config other.example.com for account {ACCOUNT} does not exist."
    )


def test_delete_then_it_is_gone(appstream: FakeAppStream, appstream_client: Any) -> None:
    create(appstream_client)
    assert appstream_client.delete_directory_config(DirectoryName=CORP)["ResponseMetadata"]
    assert CORP not in appstream.directory_configs
    appstream.directory_configs.assert_transitions(CORP, ["ACTIVE", None])
    with pytest.raises(appstream_client.exceptions.ResourceNotFoundException):
        appstream_client.delete_directory_config(DirectoryName=CORP)
    with pytest.raises(appstream_client.exceptions.ResourceNotFoundException):
        appstream_client.describe_directory_configs(DirectoryNames=[CORP])


def test_a_domain_joined_builder_keeps_its_directory_config(
    appstream: FakeAppStream, appstream_client: Any
) -> None:
    create(appstream_client)
    appstream.add_builder(
        "joined",
        domain_join_info={"DirectoryName": CORP, "OrganizationalUnitDistinguishedName": OU},
    )
    appstream.add_builder("plain")
    with pytest.raises(appstream_client.exceptions.ResourceInUseException) as info:
        appstream_client.delete_directory_config(DirectoryName=CORP)
    assert info.value.response["Error"]["Message"] == (
        f"The directory config {CORP} for account {ACCOUNT} is in use by image builder joined. "
        "Remove their domain join information or delete them, then try again."
    )
    assert CORP in appstream.directory_configs  # a refused call changes nothing
    appstream_client.delete_image_builder(Name="joined")
    appstream.advance()
    appstream_client.delete_directory_config(DirectoryName=CORP)
    assert CORP not in appstream.directory_configs


def test_describe_pages_in_creation_order(appstream: FakeAppStream, appstream_client: Any) -> None:
    names = [f"d{i}.example.com" for i in range(5)]
    for name in names:
        create(appstream_client, name)
    first = appstream_client.describe_directory_configs(MaxResults=2)
    assert [c["DirectoryName"] for c in first["DirectoryConfigs"]] == names[:2]
    paginator = appstream_client.get_paginator("describe_directory_configs")
    seen = [
        c["DirectoryName"]
        for page in paginator.paginate(PaginationConfig={"PageSize": 2})
        for c in page["DirectoryConfigs"]
    ]
    assert seen == names
    asked = appstream_client.describe_directory_configs(DirectoryNames=[names[3], names[0]])
    assert [c["DirectoryName"] for c in asked["DirectoryConfigs"]] == [names[3], names[0]]
    with pytest.raises(appstream_client.exceptions.ClientError) as info:
        appstream_client.describe_directory_configs(NextToken="garbage")
    assert code(info) == "ValidationException"


def test_seeding_checks_and_defaults(appstream: FakeAppStream, appstream_client: Any) -> None:
    seeded = appstream.directory_configs.add(CORP, service_account_credentials=CREDENTIALS)
    assert seeded.organizational_unit_distinguished_names == [OU]
    [shown] = appstream_client.describe_directory_configs()["DirectoryConfigs"]
    assert shown["ServiceAccountCredentials"]["AccountPassword"] == HIDDEN_PASSWORD
    with pytest.raises(AppStreamUsageError, match="is not a directory name; allowed"):
        appstream.directory_configs.add("")
    with pytest.raises(AppStreamUsageError, match="state='GONE' is not a directory config state"):
        appstream.directory_configs.add("x.example.com", state="GONE")
    with pytest.raises(AppStreamUsageError, match="service_account_credentials: ServiceAccount"):
        appstream.directory_configs.add(
            "x.example.com", service_account_credentials={"AccountName": "a"}
        )
    with pytest.raises(AppStreamUsageError, match=r"directory_name=.* the directory name as"):
        appstream.directory_configs.add("x.example.com", directory_name="y")
    with pytest.raises(AppStreamUsageError, match="is already seeded"):
        appstream.directory_configs.add(CORP)
    assert list(appstream.directory_configs) == [CORP]


def test_data_files_seed_directory_configs(pytester: pytest.Pytester) -> None:
    pytester.makefile(
        ".json",
        world='{"directory_configs": [{"directory_name": "corp.example.com", '
        '"organizational_unit_distinguished_names": ["OU=Desks,DC=corp,DC=example,DC=com"]}]}',
    )
    pytester.makepyfile(
        """
        import pytest


        @pytest.mark.appstream_data("world.json")
        def test_data(appstream, appstream_client):
            [config] = appstream_client.describe_directory_configs()["DirectoryConfigs"]
            assert config["OrganizationalUnitDistinguishedNames"] == [
                "OU=Desks,DC=corp,DC=example,DC=com"
            ]
        """
    )
    pytester.runpytest_inprocess("-p", "no:randomly").assert_outcomes(passed=1)


def test_a_domain_joined_fleet_keeps_its_directory_config(
    appstream: FakeAppStream, appstream_client: Any
) -> None:
    appstream.directory_configs.add(CORP)
    appstream.fleets.add("desks", state="STOPPED", domain_join_info={"DirectoryName": CORP})
    with pytest.raises(appstream_client.exceptions.ResourceInUseException) as info:
        appstream_client.delete_directory_config(DirectoryName=CORP)
    assert "is in use by fleet desks." in info.value.response["Error"]["Message"]
    appstream_client.delete_fleet(Name="desks")
    appstream.advance()
    appstream_client.delete_directory_config(DirectoryName=CORP)
    assert list(appstream.directory_configs) == []
