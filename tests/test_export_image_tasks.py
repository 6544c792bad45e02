"""Image export tasks: CreateExportImageTask (an own AVAILABLE image only), EXPORTING ->
COMPLETED by the transitions policy, GetExportImageTask, ListExportImageTasks (filters, pages);
seeding and data files."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from pytest_appstream import AppStreamUsageError, FakeAppStream
from pytest_appstream._export_image_tasks import ami_id, task_id
from pytest_appstream._model import operation_names

pytestmark = pytest.mark.skipif(
    "CreateExportImageTask" not in operation_names(),
    reason="this botocore's model has no image export tasks",
)

ACCOUNT = "123456789012"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/AppStreamExport"
GOLDEN_ARN = f"arn:aws:appstream:us-east-1:{ACCOUNT}:image/golden"
SEEDED_ID = "6b3e2b8c-0f47-4d43-9a8e-b4f2a8e9e7b1"


def export(client: Any, image: str = "golden", ami: str = "golden-ami", **params: Any) -> Any:
    return client.create_export_image_task(ImageName=image, AmiName=ami, IamRoleArn=ROLE, **params)[
        "ExportImageTask"
    ]


def error(info: pytest.ExceptionInfo[Any]) -> tuple[str, str]:
    found = info.value.response["Error"]
    return found["Code"], found["Message"]


@pytest.mark.appstream(now="2026-05-01T09:00:00Z")
def test_an_export_is_exporting_then_completed_with_its_ami(
    appstream: FakeAppStream, appstream_client: Any
) -> None:
    appstream.images.add("golden")
    task = export(
        appstream_client, AmiDescription="nightly", TagSpecifications={"team": "desktops"}
    )
    assert task["TaskId"] == task_id(ACCOUNT, "us-east-1", 1)
    assert task["State"] == "EXPORTING"
    assert task["ImageArn"] == GOLDEN_ARN
    assert (task["AmiName"], task["AmiDescription"]) == ("golden-ami", "nightly")
    assert task["TagSpecifications"] == {"team": "desktops"}
    assert task["CreatedDate"] == appstream.clock.now()
    assert "AmiId" not in task  # only once it completes
    got = appstream_client.get_export_image_task(TaskId=task["TaskId"])["ExportImageTask"]
    assert got["State"] == "EXPORTING"  # the first read sees it under way (polled, 1)
    done = appstream_client.get_export_image_task(TaskId=task["TaskId"])["ExportImageTask"]
    assert (done["State"], done["AmiId"]) == ("COMPLETED", ami_id(task["TaskId"]))
    appstream.export_image_tasks.assert_transitions(task["TaskId"], ["EXPORTING", "COMPLETED"])
    assert appstream.export_image_tasks[task["TaskId"]].ami_id == done["AmiId"]


@pytest.mark.appstream(transitions="manual")
def test_advance_completes_an_export(appstream: FakeAppStream, appstream_client: Any) -> None:
    appstream.images.add("golden")
    task_id_ = export(appstream_client)["TaskId"]
    got = appstream_client.get_export_image_task(TaskId=task_id_)["ExportImageTask"]
    assert got["State"] == "EXPORTING"
    appstream.advance()
    assert appstream.export_image_tasks[task_id_].ami_id == ami_id(task_id_)
    got = appstream_client.get_export_image_task(TaskId=task_id_)["ExportImageTask"]
    assert got["State"] == "COMPLETED"


def test_only_an_own_available_image_is_exported(
    appstream: FakeAppStream, appstream_client: Any
) -> None:
    appstream.images.add("pending", state="PENDING")
    appstream.images.add("partner", visibility="SHARED")
    with pytest.raises(appstream_client.exceptions.ResourceNotFoundException) as info:
        export(appstream_client, "nope")
    assert error(info)[1] == f"The image nope for account {ACCOUNT} does not exist."
    with pytest.raises(appstream_client.exceptions.ResourceNotFoundException):
        export(appstream_client, "partner")  # shared with us: not ours to export
    with pytest.raises(appstream_client.exceptions.OperationNotPermittedException):
        export(appstream_client, "AppStream-WinServer2022-06-12-2023")
    with pytest.raises(appstream_client.exceptions.ResourceNotAvailableException) as info:
        export(appstream_client, "pending")
    assert error(info)[1] == (
        "The image pending is PENDING. The image must be in an AVAILABLE state for this action "
        "to succeed."
    )
    assert list(appstream.export_image_tasks) == []


def test_the_role_and_the_ami_name(appstream: FakeAppStream, appstream_client: Any) -> None:
    appstream.images.add("golden")
    with pytest.raises(appstream_client.exceptions.InvalidRoleException) as info:
        appstream_client.create_export_image_task(
            ImageName="golden",
            AmiName="golden-ami",
            IamRoleArn=f"arn:aws:s3:::{ACCOUNT}-bucket",
        )
    assert "encountered an error because your IAM role" in error(info)[1]
    first = export(appstream_client)["TaskId"]
    with pytest.raises(appstream_client.exceptions.OperationNotPermittedException) as info:
        export(appstream_client)
    assert error(info)[1] == (
        f"An AMI named golden-ami already exists or is being created for account {ACCOUNT} in "
        f"us-east-1 (export image task {first}). AMI names must be unique within an account and "
        "region."
    )
    appstream.export_image_tasks.set_state(first, "FAILED")
    second = export(appstream_client)["TaskId"]  # a failed export made no AMI
    assert second == task_id(ACCOUNT, "us-east-1", 2) != first


def test_get_needs_a_task_that_exists(appstream_client: Any) -> None:
    with pytest.raises(appstream_client.exceptions.ResourceNotFoundException) as info:
        appstream_client.get_export_image_task(TaskId=SEEDED_ID)
    assert error(info)[1] == (
        f"The export image task {SEEDED_ID} for account {ACCOUNT} does not exist."
    )
    with pytest.raises(appstream_client.exceptions.ClientError) as info:
        appstream_client.get_export_image_task()
    assert error(info) == (
        "ValidationException",
        "1 validation error detected: Value null at 'taskId' failed to satisfy constraint: "
        "Member must not be null",
    )


@pytest.mark.appstream(transitions="manual")
def test_list_filters_and_pages(appstream: FakeAppStream, appstream_client: Any) -> None:
    appstream.images.add("golden")
    appstream.images.add("silver")
    ids = [export(appstream_client, "golden", f"ami-{n}")["TaskId"] for n in range(3)]
    ids.append(export(appstream_client, "silver", "silver-ami")["TaskId"])
    appstream.export_image_tasks.advance(ids[0])
    listed = appstream_client.list_export_image_tasks()["ExportImageTasks"]
    assert [t["TaskId"] for t in listed] == ids
    completed = appstream_client.list_export_image_tasks(
        Filters=[{"Name": "State", "Values": ["COMPLETED"]}]
    )["ExportImageTasks"]
    assert [(t["TaskId"], t["AmiId"]) for t in completed] == [(ids[0], ami_id(ids[0]))]
    golden_exporting = appstream_client.list_export_image_tasks(
        Filters=[
            {"Name": "ImageArn", "Values": [GOLDEN_ARN]},
            {"Name": "State", "Values": ["EXPORTING", "FAILED"]},
        ]
    )["ExportImageTasks"]
    assert [t["TaskId"] for t in golden_exporting] == ids[1:3]
    page = appstream_client.list_export_image_tasks(MaxResults=3)
    assert [t["TaskId"] for t in page["ExportImageTasks"]] == ids[:3]
    rest = appstream_client.list_export_image_tasks(MaxResults=3, NextToken=page["NextToken"])
    assert [t["TaskId"] for t in rest["ExportImageTasks"]] == ids[3:]
    assert "NextToken" not in rest
    with pytest.raises(appstream_client.exceptions.ClientError) as info:
        appstream_client.list_export_image_tasks(Filters=[{"Name": "Colour", "Values": ["red"]}])
    assert error(info) == (
        "ValidationException",
        "1 validation error detected: Value 'Colour' at 'filters.1.member.name' failed to "
        "satisfy constraint: Member must satisfy enum value set: "
        "[AmiId, AmiName, ImageArn, State, TaskId]",
    )


def test_seeding_tasks(appstream: FakeAppStream, appstream_client: Any) -> None:
    seeded = appstream.export_image_tasks.add(SEEDED_ID, image_arn=GOLDEN_ARN)
    assert (seeded.state, seeded.ami_id) == ("COMPLETED", ami_id(SEEDED_ID))
    assert seeded.created_date == datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
    got = appstream_client.get_export_image_task(TaskId=SEEDED_ID)["ExportImageTask"]
    assert got["AmiName"] == f"appstream-export-{SEEDED_ID[:8]}"
    with pytest.raises(
        AppStreamUsageError, match="is not an export image task id; allowed: a UUID"
    ):
        appstream.export_image_tasks.add("task-1", image_arn=GOLDEN_ARN)
    other = "00000000-0000-4000-8000-000000000002"
    with pytest.raises(AppStreamUsageError, match="image_arn is required; allowed: the ARN"):
        appstream.export_image_tasks.add(other)
    with pytest.raises(AppStreamUsageError, match="state='RUNNING' is not an export image task"):
        appstream.export_image_tasks.add(other, image_arn=GOLDEN_ARN, state="RUNNING")
    exporting = appstream.export_image_tasks.add(other, image_arn=GOLDEN_ARN, state="EXPORTING")
    assert exporting.ami_id is None
    appstream.advance()
    appstream.export_image_tasks.assert_state(other, "COMPLETED")
    assert appstream.export_image_tasks[other].ami_id == ami_id(other)


def test_data_files_seed_tasks(pytester: pytest.Pytester) -> None:
    pytester.makefile(
        ".json",
        world='{"export_image_tasks": [{"task_id": "6b3e2b8c-0f47-4d43-9a8e-b4f2a8e9e7b1", '
        '"image_arn": "arn:aws:appstream:us-east-1:123456789012:image/golden", '
        '"state": "FAILED", "error_details": [{"ErrorCode": "AMI_LIMIT", "ErrorMessage": "x"}]}]}',
    )
    pytester.makepyfile(
        """
        import pytest


        @pytest.mark.appstream_data("world.json")
        def test_data(appstream_client):
            [task] = appstream_client.list_export_image_tasks()["ExportImageTasks"]
            assert task["State"] == "FAILED" and "AmiId" not in task
            assert task["ErrorDetails"][0]["ErrorCode"] == "AMI_LIMIT"
        """
    )
    pytester.runpytest_inprocess("-p", "no:randomly").assert_outcomes(passed=1)


@pytest.mark.appstream(transitions="manual")
def test_an_image_is_in_use_only_while_it_is_exported(
    appstream: FakeAppStream, appstream_client: Any
) -> None:
    appstream.images.add("golden")
    task = export(appstream_client)["TaskId"]
    assert appstream.export_image_tasks[task].image_arn == GOLDEN_ARN
    with pytest.raises(appstream_client.exceptions.ResourceInUseException) as info:
        appstream_client.delete_image(Name="golden")
    assert f"in use by export image task {task}" in error(info)[1]
    appstream.advance()
    record = appstream.export_image_tasks[task]
    assert (record.image_arn, record.exported_image_arn) == (None, GOLDEN_ARN)
    appstream_client.delete_image(Name="golden")  # a backup made, the image may go
    appstream.advance()
    assert list(appstream.images) == []
    got = appstream_client.get_export_image_task(TaskId=task)["ExportImageTask"]
    assert got["ImageArn"] == GOLDEN_ARN
