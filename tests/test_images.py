"""Images: AWS's public catalog, private and shared images, their operations, the Image Assistant,
and what image builders need of them; plus the rest of the image-builder operations."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.client import BaseClient

from pytest_appstream import AppStreamUsageError, FakeAppStream
from pytest_appstream._images import PUBLIC_IMAGES, public_platform
from pytest_appstream._model import (
    botocore_session,
    error_status,
    fields_of,
    operation_names,
    shape,
)
from pytest_appstream._seeding import default_platform

#: The platforms of the installed model (an older botocore knows fewer).
PLATFORMS = tuple(getattr(shape("PlatformType"), "enum", ()))
#: What AWS's public catalog lists with this model.
CATALOG = {n for platform, names in PUBLIC_IMAGES.items() if platform in PLATFORMS for n in names}


def needs(*operations: str) -> pytest.MarkDecorator:
    """Skip where the installed model lacks an operation (an older botocore)."""
    missing = [op for op in operations if op not in operation_names()]
    return pytest.mark.skipif(bool(missing), reason=f"this botocore's model lacks {missing}")


ACCOUNT = "123456789012"
W22 = "AppStream-WinServer2022-06-12-2023"


def client(region: str = "us-east-1") -> BaseClient:
    return botocore_session().create_client(
        "appstream", region_name=region, aws_access_key_id="k", aws_secret_access_key="s"
    )


def call(fake: FakeAppStream, operation: str, **params: Any) -> tuple[int, dict[str, Any]]:
    return fake._handle(operation, params, None)


def error(fake: FakeAppStream, operation: str, **params: Any) -> tuple[str, str]:
    status, body = call(fake, operation, **params)
    assert status == error_status(body["__type"]), body  # 400; ResourceNotFound: the model's
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
            for key in list(fake.registry._stores)
        }


def create_builder(fake: FakeAppStream, name: str = "b", **params: Any) -> dict[str, Any]:
    params.setdefault("InstanceType", "stream.standard.medium")
    if "ImageArn" not in params:
        params.setdefault("ImageName", W22)
    return dict(ok(fake, "CreateImageBuilder", Name=name, **params)["ImageBuilder"])


# -- the public catalog -------------------------------------------------------------------------


def test_every_region_lists_awss_public_images_per_platform() -> None:
    fake = FakeAppStream()
    images = ok(fake, "DescribeImages", Type="PUBLIC", MaxResults=25)["Images"]
    listed = {image["Name"] for image in images}
    assert listed == CATALOG
    for image in images:
        assert image["Arn"] == f"arn:aws:appstream:us-east-1::image/{image['Name']}"
        assert (image["Visibility"], image["State"], image.get("ImageType", "NATIVE")) == (
            "PUBLIC",
            "AVAILABLE",
            "NATIVE",
        )
        assert public_platform(image["Name"]) == image["Platform"]
        assert "BaseImageArn" not in image  # public images have none
    eu = fake._handle("DescribeImages", {"Names": [W22]}, "eu-west-1")[1]["Images"][0]
    assert eu["Arn"] == f"arn:aws:appstream:eu-west-1::image/{W22}"


@pytest.mark.parametrize(
    ("name", "platform"),
    [
        ("AppStream-WinServer2019-03-03-2022", "WINDOWS_SERVER_2019"),
        ("AppStream-Graphics-G4dn-WinServer2022-07-01-2025", "WINDOWS_SERVER_2022"),
        ("AppStream-Graphics-Pro-AmazonLinux2-09-14-2022", "AMAZON_LINUX2"),
        ("Amazon-AppStream2-Sample-Image-06-17-2024", "WINDOWS_SERVER_2019"),
        ("AppStream-RockyLinux8-02-18-2026", "ROCKY_LINUX8"),
    ],
)
def test_any_name_in_awss_public_naming_resolves(name: str, platform: str) -> None:
    platform = platform if platform in PLATFORMS else default_platform()  # an older model
    fake = FakeAppStream()
    [image] = ok(fake, "DescribeImages", Names=[name])["Images"]
    assert (image["Platform"], image["Visibility"]) == (platform, "PUBLIC")
    builder = create_builder(fake, ImageName=name)
    assert (builder["ImageArn"], builder["Platform"]) == (image["Arn"], platform)


@pytest.mark.parametrize(
    "name", ["AppStream-Win11-01-01-2025", "my-image", "AppStream-WinServer2022"]
)
def test_other_names_are_not_public(name: str) -> None:
    fake = FakeAppStream()
    assert error(fake, "DescribeImages", Names=[name]) == (
        "ResourceNotFoundException",
        f"The image {name} for account {ACCOUNT} does not exist.",
    )


# -- creating builders from images --------------------------------------------------------------


def test_a_builder_needs_an_image_that_exists() -> None:
    fake = FakeAppStream()
    before = snapshot(fake)
    assert error(
        fake,
        "CreateImageBuilder",
        Name="b",
        ImageName="golden",
        InstanceType="stream.standard.small",
    ) == ("ResourceNotFoundException", f"The image golden for account {ACCOUNT} does not exist.")
    arn = f"arn:aws:appstream:us-east-1:{ACCOUNT}:image/golden"
    assert (
        error(
            fake, "CreateImageBuilder", Name="b", ImageArn=arn, InstanceType="stream.standard.small"
        )[0]
        == "ResourceNotFoundException"
    )
    assert snapshot(fake) == before


@pytest.mark.parametrize("state", ["PENDING", "FAILED", "COPYING"])
def test_an_image_that_is_not_available_is_refused(state: str) -> None:
    fake = FakeAppStream()
    fake.images.add("golden", state=state)
    assert error(
        fake,
        "CreateImageBuilder",
        Name="b",
        ImageName="golden",
        InstanceType="stream.standard.small",
    ) == (
        "ResourceNotAvailableException",
        f"The image golden is {state}. The image must be in an AVAILABLE state for this action "
        "to succeed.",
    )
    assert fake.builders == {}


def test_a_shared_image_is_found_by_arn_only() -> None:
    fake = FakeAppStream()
    shared = fake.images.add("partner", visibility="SHARED")
    assert shared.arn == "arn:aws:appstream:us-east-1:210987654321:image/partner"
    assert error(fake, "DescribeImages", Names=["partner"])[0] == "ResourceNotFoundException"
    assert ok(fake, "DescribeImages", Arns=[shared.arn])["Images"][0]["Visibility"] == "SHARED"
    assert [i["Name"] for i in ok(fake, "DescribeImages", Type="SHARED")["Images"]] == ["partner"]
    assert create_builder(fake, ImageArn=shared.arn)["ImageArn"] == shared.arn
    assert (
        error(
            fake,
            "CreateImageBuilder",
            Name="c",
            ImageName="partner",
            InstanceType="stream.standard.small",
        )[0]
        == "ResourceNotFoundException"
    )


def test_seeding_a_builder_states_its_image() -> None:
    fake = FakeAppStream()
    fake.add_builder("b", image_arn=f"arn:aws:appstream:us-east-1:{ACCOUNT}:image/golden")
    fake.add_builder("c", image_arn="arn:aws:appstream:us-east-1:111122223333:image/theirs")
    assert fake.images["golden"].visibility == "PRIVATE"
    assert fake.images["theirs"].visibility == "SHARED"
    fake.add_builder("d")  # a public base image: nothing of the account's is added
    assert sorted(fake.images) == ["golden", "theirs"]


def test_a_deprecated_public_image_is_refused_with_awss_message() -> None:
    fake = FakeAppStream()
    fake.images.deprecate(W22)
    assert error(
        fake, "CreateImageBuilder", Name="b", ImageName=W22, InstanceType="stream.standard.small"
    ) == (
        "ResourceNotAvailableException",
        f"The image {W22} is DEPRECATED. The image must be in an AVAILABLE state for this action "
        "to succeed.",
    )


# -- DescribeImages -----------------------------------------------------------------------------


def test_describe_images_names_and_arns_together_is_a_combination_error() -> None:
    fake = FakeAppStream()
    code, _ = error(
        fake, "DescribeImages", Names=[W22], Arns=[f"arn:aws:appstream:us-east-1::image/{W22}"]
    )
    assert code == "InvalidParameterCombinationException"


def test_describe_images_types_and_pages() -> None:
    fake = FakeAppStream()
    for i in range(7):
        fake.images.add(f"own-{i}")
    fake.images.add("theirs", visibility="SHARED")
    private = ok(fake, "DescribeImages", Type="PRIVATE")["Images"]
    assert [i["Name"] for i in private] == [f"own-{i}" for i in range(7)]
    with FakeAppStream() as other:
        del other
    with fake:
        pages = list(
            client().get_paginator("describe_images").paginate(PaginationConfig={"PageSize": 4})
        )
    names = [i["Name"] for page in pages for i in page["Images"]]
    assert len(names) == len(set(names)) == len(private) + 1 + len(CATALOG)


def test_a_seeded_image_completes_under_the_policy() -> None:
    fake = FakeAppStream(transitions="polled", polls=1)
    fake.images.add("golden", state="PENDING")
    assert ok(fake, "DescribeImages", Names=["golden"])["Images"][0]["State"] == "PENDING"
    assert ok(fake, "DescribeImages", Names=["golden"])["Images"][0]["State"] == "AVAILABLE"
    fake.images.assert_transitions("golden", ["PENDING", "AVAILABLE"])


# -- DeleteImage --------------------------------------------------------------------------------


def test_delete_image_refusals_change_nothing() -> None:
    fake = FakeAppStream(transitions="manual")
    fake.images.add("golden")
    create_builder(fake, "b", ImageName="golden")
    before = snapshot(fake)
    assert error(fake, "DeleteImage", Name="golden") == (
        "ResourceInUseException",
        "The image golden is in use by image builder b. Delete them or change their image, then "
        "try again.",
    )
    assert error(fake, "DeleteImage", Name=W22)[0] == "OperationNotPermittedException"
    assert error(fake, "DeleteImage", Name="nope")[0] == "ResourceNotFoundException"
    assert snapshot(fake) == before


def test_a_shared_image_cannot_be_deleted_until_unshared() -> None:
    fake = FakeAppStream(transitions="immediate")
    fake.images.add("golden")
    permissions = {"allowFleet": True, "allowImageBuilder": False}
    ok(
        fake,
        "UpdateImagePermissions",
        Name="golden",
        SharedAccountId="111122223333",
        ImagePermissions=permissions,
    )
    shown = ok(fake, "DescribeImages", Names=["golden"])["Images"][0]
    assert shown.get("ImageSharedWithOthers", "TRUE") == "TRUE"  # (an older model lacks it)
    assert error(fake, "DeleteImage", Name="golden")[0] == "ResourceInUseException"
    listed = ok(fake, "DescribeImagePermissions", Name="golden")
    assert listed == {
        "Name": "golden",
        "SharedImagePermissionsList": [
            {"sharedAccountId": "111122223333", "imagePermissions": permissions}
        ],
    }
    ok(fake, "DeleteImagePermissions", Name="golden", SharedAccountId="111122223333")
    assert error(fake, "DeleteImagePermissions", Name="golden", SharedAccountId="111122223333")[
        0
    ] == ("ResourceNotFoundException")
    assert ok(fake, "DeleteImage", Name="golden")["Image"]["State"] == "DELETING"
    assert error(fake, "DescribeImages", Names=["golden"])[0] == "ResourceNotFoundException"
    fake.images.assert_transitions("golden", ["AVAILABLE", "DELETING", None])


# -- CopyImage and CreateUpdatedImage -----------------------------------------------------------


def test_copy_image_appears_copying_in_the_destination_region() -> None:
    fake = FakeAppStream(transitions="manual")
    fake.images.add("golden", tags={"team": "ops"})
    assert ok(
        fake,
        "CopyImage",
        SourceImageName="golden",
        DestinationImageName="golden",
        DestinationRegion="eu-west-1",
    ) == {"DestinationImageName": "golden"}
    copied = fake.images.lookup("golden", region="eu-west-1")
    assert (copied.state, copied.arn) == (
        "COPYING",
        f"arn:aws:appstream:eu-west-1:{ACCOUNT}:image/golden",
    )
    fake.advance()
    fake.images.assert_transitions("golden", [None, "COPYING", "AVAILABLE"][1:], region="eu-west-1")
    eu = fake._handle("ListTagsForResource", {"ResourceArn": copied.arn}, "eu-west-1")[1]
    assert eu == {"Tags": {}}  # tags are not copied
    code, _ = error(
        fake,
        "CopyImage",
        SourceImageName="golden",
        DestinationImageName="golden",
        DestinationRegion="eu-west-1",
    )
    assert code == "ResourceAlreadyExistsException"
    assert (
        error(
            fake,
            "CopyImage",
            SourceImageName=W22,
            DestinationImageName="mine",
            DestinationRegion="eu-west-1",
        )[0]
        == "IncompatibleImageException"
    )


def test_at_most_two_copies_into_one_region() -> None:
    fake = FakeAppStream(transitions="manual")
    fake.images.add("golden")
    for i in range(2):
        ok(
            fake,
            "CopyImage",
            SourceImageName="golden",
            DestinationImageName=f"c{i}",
            DestinationRegion="eu-west-1",
        )
    assert (
        error(
            fake,
            "CopyImage",
            SourceImageName="golden",
            DestinationImageName="c2",
            DestinationRegion="eu-west-1",
        )[0]
        == "LimitExceededException"
    )


@needs("CreateUpdatedImage")
@pytest.mark.skipif(
    "LatestAppstreamAgentVersion" not in fields_of("Image").values(),
    reason="this botocore's Image has no LatestAppstreamAgentVersion",
)
def test_create_updated_image() -> None:
    fake = FakeAppStream(transitions="manual")
    fake.images.add("old", latest_appstream_agent_version="FALSE")
    fake.images.add("current")
    dry = ok(fake, "CreateUpdatedImage", existingImageName="current", newImageName="x", dryRun=True)
    assert dry["canUpdateImage"] is False and "x" not in fake.images
    made = ok(
        fake,
        "CreateUpdatedImage",
        existingImageName="old",
        newImageName="new",
        newImageTags={"a": "b"},
    )
    assert (made["canUpdateImage"], made["image"]["State"], made["image"]["Name"]) == (
        True,
        "CREATING",
        "new",
    )
    fake.advance()
    fake.images.assert_transitions("new", ["CREATING", "AVAILABLE"])
    assert error(fake, "CreateUpdatedImage", existingImageName="old", newImageName="AWS-thing")[
        0
    ] == ("OperationNotPermittedException")
    assert error(fake, "CreateUpdatedImage", existingImageName="old", newImageName="new")[0] == (
        "ResourceAlreadyExistsException"
    )
    fake.images.add("broken", state="FAILED")
    fake.images.add("copying", state="COPYING")
    assert error(fake, "CreateUpdatedImage", existingImageName="broken", newImageName="n") == (
        "OperationNotPermittedException",
        "The image broken is FAILED. The image must be in an AVAILABLE state for this action to "
        "succeed.",
    )
    assert error(fake, "CreateUpdatedImage", existingImageName="copying", newImageName="n")[0] == (
        "ConcurrentModificationException"
    )


# -- the Image Assistant ------------------------------------------------------------------------


def test_create_image_snapshots_the_builder_and_makes_a_private_image() -> None:
    fake = FakeAppStream(transitions="manual", now="2026-03-01T10:00:00Z")
    fake.add_builder("golden-builder", platform="AMAZON_LINUX2")
    image = fake.create_image("golden-builder", "golden-1", description="March", tags={"t": "1"})
    assert (image.state, image.visibility, image.platform) == (
        "PENDING",
        "PRIVATE",
        "AMAZON_LINUX2",
    )
    assert image.image_builder_name == "golden-builder"
    assert (
        image.created_time is not None
        and image.created_time.isoformat() == "2026-03-01T10:00:00+00:00"
    )
    fake.assert_state("golden-builder", "SNAPSHOTTING")
    fake.advance()
    fake.assert_transitions("golden-builder", ["RUNNING", "SNAPSHOTTING", "STOPPED"])
    fake.images.assert_transitions("golden-1", ["PENDING", "AVAILABLE"])
    assert fake.images.history("golden-1")[0].operation == "create_image"
    assert ok(fake, "ListTagsForResource", ResourceArn=image.arn) == {"Tags": {"t": "1"}}


@pytest.mark.parametrize(
    ("builder_state", "image_name", "says"),
    [
        ("STOPPED", "golden", "image builder 'b' is STOPPED; allowed: a RUNNING builder"),
        ("RUNNING", "taken", "An image with the given name already exists"),
        ("RUNNING", "AppStream-mine", "does not start with aws, appstream or amazon"),
        ("RUNNING", "bad name!", "is not a valid image name"),
    ],
)
def test_the_image_assistant_refuses_what_it_refuses(
    builder_state: str, image_name: str, says: str
) -> None:
    fake = FakeAppStream()
    fake.add_builder("b", state=builder_state)
    fake.images.add("taken")
    before = snapshot(fake)
    with pytest.raises(AppStreamUsageError, match=r".*") as info:
        fake.create_image("b", image_name)
    assert says in str(info.value)
    assert snapshot(fake) == before


# -- the rest of the image builder --------------------------------------------------------------


@needs("UpdateImageBuilder")
def test_update_image_builder_needs_stopped() -> None:
    fake = FakeAppStream()
    fake.add_builder("b", state="STOPPED")
    fake.add_builder("r")
    updated = ok(fake, "UpdateImageBuilder", Name="b", Description="new", DisplayName="New")
    assert (updated["ImageBuilder"]["Description"], updated["ImageBuilder"]["DisplayName"]) == (
        "new",
        "New",
    )
    code, text = error(fake, "UpdateImageBuilder", Name="r", Description="x")
    assert (code, text) == (
        "OperationNotPermittedException",
        f"The image builder r for account {ACCOUNT} is RUNNING. The image builder must be in a "
        "STOPPED state to update.",
    )


@needs("DescribeSoftwareAssociations")
def test_software_is_staged_deployed_and_installed() -> None:
    fake = FakeAppStream(transitions="polled", polls=1)
    office = "Microsoft_Office_2021_LTSC_Professional_Plus_64Bit"
    visio = "Microsoft_Visio_2021_LTSC_Professional_64Bit"
    builder = create_builder(fake, SoftwaresToInstall=[office])
    arn = builder["Arn"]

    def statuses() -> dict[str, str]:
        rows = ok(fake, "DescribeSoftwareAssociations", AssociatedResource=arn)[
            "SoftwareAssociations"
        ]
        return {row["SoftwareName"]: row["Status"] for row in rows}

    assert statuses() == {office: "STAGED_FOR_INSTALLATION"}
    code, _ = error(
        fake, "AssociateSoftwareToImageBuilder", ImageBuilderName="b", SoftwareNames=[visio]
    )
    assert code == "ConcurrentModificationException"  # still PENDING
    fake.advance()
    ok(fake, "AssociateSoftwareToImageBuilder", ImageBuilderName="b", SoftwareNames=[visio])
    ok(fake, "StartSoftwareDeploymentToImageBuilder", ImageBuilderName="b")
    assert set(statuses().values()) == {"PENDING_INSTALLATION"}
    assert statuses() == {office: "INSTALLED", visio: "INSTALLED"}
    ok(fake, "DisassociateSoftwareFromImageBuilder", ImageBuilderName="b", SoftwareNames=[visio])
    assert statuses()[visio] == "STAGED_FOR_UNINSTALLATION"
    ok(fake, "StartSoftwareDeploymentToImageBuilder", ImageBuilderName="b")
    fake.advance()
    assert statuses() == {office: "INSTALLED"}
    image = fake.create_image("b", "with-office")
    rows = ok(fake, "DescribeSoftwareAssociations", AssociatedResource=image.arn)[
        "SoftwareAssociations"
    ]
    assert rows == [{"SoftwareName": office, "Status": "INSTALLED"}]


# -- markers and data files -----------------------------------------------------------------------


def test_image_markers_and_data_files_seed_in_dependency_order(pytester: pytest.Pytester) -> None:
    pytester.makefile(
        ".json",
        world='{"image_builders": [{"name": "dev", "image_arn": '
        '"arn:aws:appstream:us-east-1:123456789012:image/golden"}], '
        '"images": [{"name": "golden", "platform": "AMAZON_LINUX2"}]}',
    )
    pytester.makepyfile(
        """
        import pytest


        @pytest.mark.appstream_builder("b", image_arn="arn:aws:appstream:us-east-1:123456789012:image/mine")
        @pytest.mark.appstream_image("mine", description="seeded first, whatever the order")
        def test_markers(appstream):
            assert appstream.images["mine"].description == "seeded first, whatever the order"


        @pytest.mark.appstream_data("world.json")
        def test_data(appstream):
            assert appstream.images["golden"].platform == "AMAZON_LINUX2"
            assert appstream.builder("dev").state == "RUNNING"


        @pytest.mark.appstream_image("x", state="RUNNING")
        def test_bad_state(appstream):
            pass
        """
    )
    result = pytester.runpytest_inprocess("-p", "no:randomly")
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(
        ["*state='RUNNING' is not an image state; allowed: PENDING, AVAILABLE*"]
    )


def test_a_private_image_carries_its_base_images_release_date() -> None:
    fake = FakeAppStream(transitions="immediate")
    base = "AppStream-WinServer2022-11-10-2025"
    create_builder(fake, "b", ImageName=base)
    fake.advance()
    made = fake.create_image("b", "golden")
    assert made.public_base_image_released_date is not None
    assert made.public_base_image_released_date.isoformat() == "2025-11-10T00:00:00+00:00"
    seeded = fake.images.add("seeded", platform="AMAZON_LINUX2")
    assert (
        seeded.base_image_arn
        == "arn:aws:appstream:us-east-1::image/AppStream-AmazonLinux2-02-11-2025"
    )
    assert seeded.public_base_image_released_date is not None


# -- found by review: each failed before its fix ----------------------------------------------------


def test_seeding_a_data_file_is_all_or_nothing_while_clients_call(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import threading

    from pytest_appstream import _data
    from pytest_appstream._collections import Collection

    fake = FakeAppStream()
    original = Collection.add
    results: list[int] = []

    def add_then_race(self: Any, name: str, **kwargs: Any) -> Any:
        added = original(self, name, **kwargs)
        if self._fake is fake and name == "b1":
            other = threading.Thread(
                target=lambda: results.append(
                    fake._handle(
                        "CreateImageBuilder",
                        {"Name": "b2", "ImageName": W22, "InstanceType": "stream.standard.small"},
                        None,
                    )[0]
                )
            )
            other.start()
            other.join(timeout=0.5)  # held off by the registry lock until the seeding is done
        return added

    monkeypatch.setattr(Collection, "add", add_then_race)
    _data.seed_data(fake, {"image_builders": [{"name": "b1"}, {"name": "b2"}]})
    assert results == []  # the other call waited: the seeding was atomic
    assert sorted(fake.builders) == ["b1", "b2"]


def test_a_name_seeded_again_after_its_deletion_goes_on_in_its_history() -> None:
    fake = FakeAppStream(transitions="immediate")
    fake.add_builder("b")
    ok(fake, "DeleteImageBuilder", Name="b")
    fake.advance()
    fake.add_builder("b", state="STOPPED")
    assert fake.states("b") == ["RUNNING", "DELETING", None, "STOPPED"]
    assert fake.history("b")[-1].operation == "seed"
    fake.assert_state("b", "STOPPED")


@pytest.mark.parametrize("keyword", ["account_id", "index"])
def test_the_fakes_own_arguments_are_not_fields(keyword: str) -> None:
    fake = FakeAppStream()
    with pytest.raises(AppStreamUsageError, match=rf"^{keyword}=.* is not a field of ImageBuilder"):
        fake.add_builder("b", **{keyword: "1"})
    with pytest.raises(AppStreamUsageError, match=rf"^{keyword}=.* is not a field of Image"):
        fake.images.add("i", **{keyword: "1"})
    fake.add_builder("b")
    with pytest.raises(AppStreamUsageError, match=r"^state=\.\.\. is not allowed"):
        fake.create_image("b", "x", state="AVAILABLE")
    assert fake.images == {}


def test_a_copy_goes_to_a_region_of_the_callers_partition() -> None:
    fake = FakeAppStream()
    fake.images.add("g")
    for region in ("nowhere", "cn-north-1"):
        code, text = error(
            fake,
            "CopyImage",
            SourceImageName="g",
            DestinationImageName="g2",
            DestinationRegion=region,
        )
        assert code == "ValidationException" and "destinationRegion" in text
    assert fake.registry.stores("images") == [(ACCOUNT, "us-east-1")]


def test_a_shared_image_without_image_builder_permission_cannot_make_a_builder() -> None:
    fake = FakeAppStream()
    shared = fake.images.add(
        "sh",
        visibility="SHARED",
        image_permissions={"allowFleet": True, "allowImageBuilder": False},
    )
    code, text = error(
        fake,
        "CreateImageBuilder",
        Name="n",
        ImageArn=shared.arn,
        InstanceType="stream.standard.small",
    )
    assert (code, text) == (
        "ResourceNotAvailableException",
        f"The image sh is shared with account {ACCOUNT} without allowImageBuilder.",
    )
    assert fake.builders == {}


def test_create_image_reads_the_builders_region() -> None:
    fake = FakeAppStream(transitions="immediate")
    old = "2019-01-01T00:00:00Z"
    fake.images.add("src", public_base_image_released_date=old)
    fake.images.add(
        "src", region="eu-west-1", public_base_image_released_date="2020-01-01T00:00:00Z"
    )
    fake.add_builder(
        "b", region="eu-west-1", image_arn=f"arn:aws:appstream:eu-west-1:{ACCOUNT}:image/src"
    )
    made = fake.create_image("b", "gold", region="eu-west-1")
    assert made.public_base_image_released_date is not None
    assert made.public_base_image_released_date.year == 2020


def test_a_display_name_is_not_a_resource_name() -> None:
    fake = FakeAppStream()
    fake.inject("create_image_builder", "ResourceAlreadyExistsException", name="dev")
    ok(
        fake,
        "CreateImageBuilder",
        Name="other",
        DisplayName="dev",
        ImageName=W22,
        InstanceType="stream.standard.small",
    )
    assert error(
        fake, "CreateImageBuilder", Name="dev", ImageName=W22, InstanceType="stream.standard.small"
    )[0] == ("ResourceAlreadyExistsException")


def test_closest_marker_wins_when_a_level_writes_the_default_region(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        """
        import pytest

        pytestmark = pytest.mark.appstream_builder("b", state="STOPPED")


        @pytest.mark.appstream_builder("b", state="RUNNING", region="us-east-1")
        def test_closest(appstream):
            appstream.assert_state("b", "RUNNING")
        """
    )
    pytester.runpytest_inprocess("-p", "no:randomly").assert_outcomes(passed=1)


def test_a_seeded_builder_of_the_accounts_own_image_has_its_platform() -> None:
    fake = FakeAppStream()
    gold = fake.images.add("gold", platform="AMAZON_LINUX2")

    assert fake.builders.add("linux", image_arn=gold.arn).platform == "AMAZON_LINUX2"
    told = fake.builders.add("told", image_arn=gold.arn, platform="WINDOWS_SERVER_2019")
    assert told.platform == "WINDOWS_SERVER_2019"  # what the seed says wins
