"""CreateImportedImage: a private image from an EC2 AMI or a WorkSpaces image, IMPORTING ->
AVAILABLE by the transitions policy; what it checks, DryRun, and what the image is good for."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_appstream import FakeAppStream
from pytest_appstream._model import operation_names, shape

pytestmark = pytest.mark.skipif(
    "CreateImportedImage" not in operation_names(),
    reason="this botocore's model has no CreateImportedImage",
)

ACCOUNT = "123456789012"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/AppStreamImport"
AMI = "ami-0123456789abcdef0"


def imported(client: Any, name: str = "byo", **params: Any) -> Any:
    if "WorkspaceImageId" not in params:
        params.setdefault("SourceAmiId", AMI)
        params.setdefault("IamRoleArn", ROLE)
    return client.create_imported_image(Name=name, **params)["Image"]


def error(info: pytest.ExceptionInfo[Any]) -> tuple[str, str]:
    found = info.value.response["Error"]
    return found["Code"], found["Message"]


@pytest.mark.appstream(now="2026-05-01T09:00:00Z")
def test_an_ami_becomes_a_private_image(appstream: FakeAppStream, appstream_client: Any) -> None:
    image = imported(
        appstream_client,
        DisplayName="Bring your own",
        Description="from EC2",
        Tags={"team": "desktops"},
        AppCatalogConfig=[
            {"Name": "notepad", "AbsoluteAppPath": "C:\\Windows\\notepad.exe"},
            {
                "Name": "calc",
                "DisplayName": "Calculator",
                "AbsoluteAppPath": "C:\\Windows\\calc.exe",
                "LaunchParameters": "-x",
            },
        ],
    )
    arn = f"arn:aws:appstream:us-east-1:{ACCOUNT}:image/byo"
    assert (image["Arn"], image["State"], image["Visibility"]) == (arn, "IMPORTING", "PRIVATE")
    assert (image["DisplayName"], image["Description"]) == ("Bring your own", "from EC2")
    assert image["CreatedTime"] == appstream.clock.now()
    assert image.get("ImageType", "CUSTOM") == "CUSTOM"
    assert "BaseImageArn" not in image  # not made from one of AWS's base images
    assert [(a["Name"], a["DisplayName"], a["LaunchPath"]) for a in image["Applications"]] == [
        ("notepad", "notepad", "C:\\Windows\\notepad.exe"),
        ("calc", "Calculator", "C:\\Windows\\calc.exe"),
    ]
    assert image["Applications"][1]["LaunchParameters"] == "-x"
    [listed] = appstream_client.describe_images(Names=["byo"])["Images"]
    assert listed["State"] == "IMPORTING"  # the first read sees it under way (polled, 1)
    [listed] = appstream_client.describe_images(Names=["byo"])["Images"]
    assert listed["State"] == "AVAILABLE"
    appstream.images.assert_transitions("byo", ["IMPORTING", "AVAILABLE"])
    assert appstream_client.list_tags_for_resource(ResourceArn=arn)["Tags"] == {"team": "desktops"}
    # an imported image is the account's: a builder can be made from it
    builder = appstream_client.create_image_builder(
        Name="b", ImageName="byo", InstanceType="stream.standard.medium"
    )["ImageBuilder"]
    assert builder["ImageArn"] == arn


@pytest.mark.skipif(
    "WINDOWS_11" not in getattr(shape("PlatformType"), "enum", ()),
    reason="this model has no Windows 11 platform",
)
def test_a_workspaces_image_is_a_byol_windows_11_image(appstream_client: Any) -> None:
    image = imported(appstream_client, "win11", WorkspaceImageId="wsi-0123abcd")
    assert (image["ImageType"], image["Platform"]) == ("BYOL", "WINDOWS_11")


@pytest.mark.parametrize(
    ("params", "code", "message"),
    [
        (
            {"WorkspaceImageId": "wsi-0123abcd", "SourceAmiId": AMI, "IamRoleArn": ROLE},
            "InvalidParameterCombinationException",
            "Either SourceAmiId or WorkspaceImageId must be specified, but not both. Both were "
            "specified.",
        ),
        (
            {},
            "InvalidParameterCombinationException",
            "Either SourceAmiId or WorkspaceImageId must be specified, but not both. Neither was "
            "specified.",
        ),
        (
            {"SourceAmiId": AMI},
            "InvalidParameterCombinationException",
            "IamRoleArn must be specified with SourceAmiId: WorkSpaces Applications assumes the "
            "role to access the AMI.",
        ),
        (
            {"SourceAmiId": AMI, "IamRoleArn": "arn:aws:iam::123456789012:user/bob"},
            "InvalidRoleException",
            "WorkSpaces Applications encountered an error because your IAM role "
            "arn:aws:iam::123456789012:user/bob is not valid for account 123456789012. Specify "
            "the ARN of an IAM role (arn:aws:iam::<account>:role/<name>) that "
            "appstream.amazonaws.com can assume.",
        ),
    ],
)
def test_what_it_checks(
    appstream: FakeAppStream,
    appstream_client: Any,
    params: dict[str, Any],
    code: str,
    message: str,
) -> None:
    with pytest.raises(appstream_client.exceptions.ClientError) as info:
        appstream_client.create_imported_image(Name="byo", **params)
    assert error(info) == (code, message)
    assert list(appstream.images) == []


@pytest.mark.parametrize("name", ["AppStream-mine", "aws-image", "Amazon2"])
def test_reserved_names_are_refused(appstream_client: Any, name: str) -> None:
    with pytest.raises(appstream_client.exceptions.OperationNotPermittedException) as info:
        imported(appstream_client, name)
    assert error(info)[1] == (
        f"The image name {name} is not allowed: it can't begin with Amazon, AWS, or AppStream."
    )


def test_a_name_in_use_already_exists(appstream: FakeAppStream, appstream_client: Any) -> None:
    appstream.images.add("byo")
    with pytest.raises(appstream_client.exceptions.ResourceAlreadyExistsException) as info:
        imported(appstream_client)
    assert error(info)[1] == f"The image byo already exists for account {ACCOUNT}."


def test_a_bad_ami_id_is_a_validation_error(appstream_client: Any) -> None:
    with pytest.raises(appstream_client.exceptions.ClientError) as info:
        imported(appstream_client, SourceAmiId="ami-XYZ")
    code, message = error(info)
    assert code == "ValidationException"
    assert "Value 'ami-XYZ' at 'sourceAmiId' failed to satisfy constraint" in message


def test_dry_run_checks_everything_and_creates_nothing(
    appstream: FakeAppStream, appstream_client: Any
) -> None:
    with pytest.raises(appstream_client.exceptions.DryRunOperationException) as info:
        imported(appstream_client, DryRun=True)
    assert error(info)[1] == (
        f"The image byo can be imported for account {ACCOUNT}: every check passed and nothing "
        "was created (DryRun)."
    )
    assert list(appstream.images) == []
    appstream.images.add("byo")
    with pytest.raises(appstream_client.exceptions.ResourceAlreadyExistsException):
        imported(appstream_client, DryRun=True)  # a check that fails says so, dry run or not
