"""App blocks: CreateAppBlock's packaging rules, DescribeAppBlocks, DeleteAppBlock, seeding."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_appstream import AppStreamUsageError, FakeAppStream

ACCOUNT = "123456789012"
ARN = f"arn:aws:appstream:us-east-1:{ACCOUNT}:app-block/"
VHD = {"S3Bucket": "my-apps", "S3Key": "office/office.vhdx"}
SCRIPT = {
    "ScriptS3Location": {"S3Bucket": "my-apps", "S3Key": "office/setup.ps1"},
    "ExecutablePath": r"C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe",
    "TimeoutInSeconds": 60,
}


def test_a_custom_app_block_is_active_at_once(appstream, appstream_client):
    created = appstream_client.create_app_block(
        Name="office",
        SourceS3Location=VHD,
        SetupScriptDetails=SCRIPT,
        PackagingType="CUSTOM",
        Tags={"team": "apps"},
    )["AppBlock"]

    assert created["Arn"] == ARN + "office"
    assert (created["State"], created["PackagingType"]) == ("ACTIVE", "CUSTOM")
    assert created["SetupScriptDetails"] == SCRIPT
    assert appstream_client.list_tags_for_resource(ResourceArn=created["Arn"])["Tags"] == {
        "team": "apps"
    }
    appstream.app_blocks.assert_transitions("office", ["ACTIVE"])


def test_without_a_packaging_type_an_app_block_is_custom(appstream_client):
    created = appstream_client.create_app_block(
        Name="office", SourceS3Location=VHD, SetupScriptDetails=SCRIPT
    )["AppBlock"]

    assert (created["State"], created["PackagingType"]) == ("ACTIVE", "CUSTOM")


def test_an_appstream2_app_block_waits_for_its_builder(appstream, appstream_client):
    created = appstream_client.create_app_block(
        Name="office",
        SourceS3Location=VHD,
        PackagingType="APPSTREAM2",
        PostSetupScriptDetails=SCRIPT,
    )["AppBlock"]

    assert created["State"] == "INACTIVE"
    assert created["PostSetupScriptDetails"] == SCRIPT
    assert "SetupScriptDetails" not in created


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        ({"PackagingType": "CUSTOM"}, "SetupScriptDetails must be provided"),
        (
            {"SetupScriptDetails": SCRIPT, "PostSetupScriptDetails": SCRIPT},
            "PostSetupScriptDetails can only be provided",
        ),
        (
            {"PackagingType": "APPSTREAM2", "SetupScriptDetails": SCRIPT},
            "SetupScriptDetails can only be provided",
        ),
    ],
)
def test_the_scripts_must_fit_the_packaging(appstream, appstream_client, extra, words):
    with pytest.raises(appstream_client.exceptions.OperationNotPermittedException, match=words):
        appstream_client.create_app_block(Name="office", SourceS3Location=VHD, **extra)

    assert dict(appstream.app_blocks) == {}


def test_a_name_is_used_once(appstream, appstream_client):
    appstream.app_blocks.add("office")

    with pytest.raises(appstream_client.exceptions.ResourceAlreadyExistsException) as info:
        appstream_client.create_app_block(
            Name="office", SourceS3Location=VHD, SetupScriptDetails=SCRIPT
        )
    assert info.value.response["Error"]["Message"] == (
        f"The app block office already exists for account {ACCOUNT}."
    )


def test_describe_by_arns_and_in_pages(appstream, appstream_client):
    for name in ("a", "b", "c"):
        appstream.app_blocks.add(name)

    first = appstream_client.describe_app_blocks(MaxResults=2)
    assert [b["Name"] for b in first["AppBlocks"]] == ["a", "b"]
    rest = appstream_client.describe_app_blocks(MaxResults=2, NextToken=first["NextToken"])
    assert [b["Name"] for b in rest["AppBlocks"]] == ["c"] and "NextToken" not in rest

    named = appstream_client.describe_app_blocks(Arns=[ARN + "c", ARN + "a"])["AppBlocks"]
    assert [b["Name"] for b in named] == ["c", "a"]
    with pytest.raises(appstream_client.exceptions.ResourceNotFoundException) as info:
        appstream_client.describe_app_blocks(Arns=[ARN + "nope"])
    assert info.value.response["Error"]["Message"] == (
        f"The app block nope for account {ACCOUNT} does not exist."
    )


def test_delete_refused_while_in_use(appstream, appstream_client):
    appstream.app_blocks.add("office")
    appstream.applications.add("excel", app_block="office")
    appstream.app_block_builders.add("packager", app_block="office")

    with pytest.raises(appstream_client.exceptions.ResourceInUseException) as info:
        appstream_client.delete_app_block(Name="office")
    message = info.value.response["Error"]["Message"]
    assert "application excel" in message and "app block builder packager" in message

    appstream_client.delete_application(Name="excel")
    appstream_client.disassociate_app_block_builder_app_block(
        AppBlockArn=ARN + "office", AppBlockBuilderName="packager"
    )
    appstream_client.delete_app_block(Name="office")
    appstream.app_blocks.assert_transitions("office", ["ACTIVE", None])
    with pytest.raises(appstream_client.exceptions.ResourceNotFoundException):
        appstream_client.delete_app_block(Name="office")


def test_seeding_defaults_and_checks() -> None:
    fake = FakeAppStream()
    custom = fake.app_blocks.add("office")
    assert (custom.state, custom.packaging_type) == ("ACTIVE", "CUSTOM")
    assert custom.setup_script_details is not None
    packaged = fake.app_blocks.add("cad", packaging_type="APPSTREAM2", state="INACTIVE")
    assert packaged.setup_script_details is None

    bad: list[tuple[dict[str, Any], str]] = [
        ({"state": "INACTIVE"}, "state='INACTIVE' is not allowed for packaging_type='CUSTOM'"),
        ({"state": "GONE"}, "state='GONE' is not an app block state; allowed: INACTIVE, ACTIVE"),
        ({"packaging_type": "ZIP"}, "packaging_type='ZIP' is not a PackagingType"),
        (
            {"packaging_type": "APPSTREAM2", "setup_script_details": SCRIPT},
            "setup_script_details=",
        ),
        ({"post_setup_script_details": SCRIPT}, "not allowed for packaging_type='CUSTOM'"),
        ({"colour": "red"}, "colour='red' is not a field of AppBlock"),
    ]
    for arguments, words in bad:
        with pytest.raises(AppStreamUsageError, match=words.replace("(", r"\(")):
            fake.app_blocks.add("x", **arguments)
    assert list(fake.app_blocks) == ["office", "cad"]


def test_a_data_file_seeds_app_blocks(pytester: pytest.Pytester) -> None:
    pytester.makefile(
        ".json",
        world='{"app_blocks": [{"name": "office"}, '
        '{"name": "cad", "packaging_type": "APPSTREAM2", "state": "INACTIVE"}]}',
    )
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.appstream_data("world.json")
        def test_world(appstream, appstream_client):
            blocks = appstream_client.describe_app_blocks()["AppBlocks"]
            assert [(b["Name"], b["State"]) for b in blocks] == [
                ("office", "ACTIVE"), ("cad", "INACTIVE")
            ]
        """
    )
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1)
