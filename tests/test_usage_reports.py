"""Usage report subscriptions (one per account and region, its S3 bucket, daily reports on the
fake's clock) and DescribeAppLicenseUsage, through a real client; seeding and data files."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from pytest_appstream import AppStreamUsageError, FakeAppStream
from pytest_appstream._model import operation_names
from pytest_appstream._usage_reports import bucket_name

ACCOUNT = "123456789012"
BUCKET = bucket_name("us-east-1", ACCOUNT)
UTC = datetime.timezone.utc


def needs(*operations: str) -> pytest.MarkDecorator:
    missing = [op for op in operations if op not in operation_names()]
    return pytest.mark.skipif(bool(missing), reason=f"this botocore's model lacks {missing}")


def test_the_bucket_is_awss_form_and_the_same_in_every_run() -> None:
    assert BUCKET.startswith(f"appstream-logs-us-east-1-{ACCOUNT}-")
    assert len(BUCKET.rsplit("-", 1)[1]) == 8
    assert bucket_name("eu-west-1", ACCOUNT) != BUCKET
    assert bucket_name("us-east-1", ACCOUNT) == BUCKET


def test_create_describe_delete(appstream: FakeAppStream, appstream_client: Any) -> None:
    assert appstream_client.describe_usage_report_subscriptions()["UsageReportSubscriptions"] == []
    created = appstream_client.create_usage_report_subscription()
    assert (created["S3BucketName"], created["Schedule"]) == (BUCKET, "DAILY")
    again = appstream_client.create_usage_report_subscription()  # one per region: the same
    assert again["S3BucketName"] == BUCKET
    [shown] = appstream_client.describe_usage_report_subscriptions()["UsageReportSubscriptions"]
    assert shown == {"S3BucketName": BUCKET, "Schedule": "DAILY"}  # no report yet
    assert list(appstream.usage_report_subscriptions) == [BUCKET]
    appstream_client.delete_usage_report_subscription()
    assert list(appstream.usage_report_subscriptions) == []
    appstream.usage_report_subscriptions.assert_transitions(BUCKET, ["ACTIVE", None])
    with pytest.raises(appstream_client.exceptions.ResourceNotFoundException) as info:
        appstream_client.delete_usage_report_subscription()
    assert info.value.response["Error"]["Message"] == (
        f"The usage report subscription for account {ACCOUNT} in us-east-1 does not exist."
    )


@pytest.mark.appstream(now="2026-03-01T10:00:00Z")
def test_reports_are_generated_daily_on_the_fakes_clock(
    appstream: FakeAppStream, appstream_client: Any
) -> None:
    appstream_client.create_usage_report_subscription()
    appstream.sleep(13 * 3600)  # 23:00, the same day: no report yet
    [shown] = appstream_client.describe_usage_report_subscriptions()["UsageReportSubscriptions"]
    assert "LastGeneratedReportDate" not in shown
    appstream.sleep(3600)  # midnight
    [shown] = appstream_client.describe_usage_report_subscriptions()["UsageReportSubscriptions"]
    assert shown["LastGeneratedReportDate"] == datetime.datetime(2026, 3, 2, tzinfo=UTC)
    appstream.sleep(3 * 86400)
    [shown] = appstream_client.describe_usage_report_subscriptions()["UsageReportSubscriptions"]
    assert shown["LastGeneratedReportDate"] == datetime.datetime(2026, 3, 5, tzinfo=UTC)


def test_each_region_has_its_own(appstream: FakeAppStream) -> None:
    home = appstream._handle("CreateUsageReportSubscription", {}, "us-east-1")[1]
    away = appstream._handle("CreateUsageReportSubscription", {}, "eu-west-1")[1]
    assert home["S3BucketName"] == BUCKET
    assert away["S3BucketName"] == bucket_name("eu-west-1", ACCOUNT)
    assert list(appstream.usage_report_subscriptions) == [BUCKET]


def test_seeding_one_per_region(appstream: FakeAppStream, appstream_client: Any) -> None:
    seeded = appstream.usage_report_subscriptions.add(
        "my-reports",
        last_generated_report_date=datetime.datetime(2026, 1, 2, tzinfo=UTC),
        subscription_errors=[{"ErrorCode": "ACCESS_DENIED", "ErrorMessage": "denied"}],
    )
    assert seeded.schedule == "DAILY"
    [shown] = appstream_client.describe_usage_report_subscriptions()["UsageReportSubscriptions"]
    assert shown["S3BucketName"] == "my-reports"
    assert shown["SubscriptionErrors"][0]["ErrorCode"] == "ACCESS_DENIED"
    # Create answers the subscription the region has
    assert appstream_client.create_usage_report_subscription()["S3BucketName"] == "my-reports"
    with pytest.raises(AppStreamUsageError, match="allowed: one per account and region"):
        appstream.usage_report_subscriptions.add("other-reports")
    assert list(appstream.usage_report_subscriptions) == ["my-reports"]
    appstream.usage_report_subscriptions.add("other-reports", region="eu-west-1")
    with pytest.raises(AppStreamUsageError, match="is not an S3 bucket name; allowed: 3 to 63"):
        appstream.usage_report_subscriptions.add("Not_A_Bucket", region="us-west-2")
    with pytest.raises(AppStreamUsageError, match="schedule='WEEKLY' is not a"):
        appstream.usage_report_subscriptions.add("b-weekly", region="us-west-2", schedule="WEEKLY")


def test_data_files_seed_subscriptions(pytester: pytest.Pytester) -> None:
    pytester.makefile(
        ".json",
        world='{"usage_report_subscriptions": [{"s3_bucket_name": "reports-bucket"}]}',
    )
    pytester.makepyfile(
        """
        import pytest


        @pytest.mark.appstream_data("world.json")
        def test_data(appstream_client):
            [s] = appstream_client.describe_usage_report_subscriptions()["UsageReportSubscriptions"]
            assert (s["S3BucketName"], s["Schedule"]) == ("reports-bucket", "DAILY")
        """
    )
    pytester.runpytest_inprocess("-p", "no:randomly").assert_outcomes(passed=1)


@needs("DescribeAppLicenseUsage")
def test_app_license_usage_is_an_empty_listing(appstream_client: Any) -> None:
    answer = appstream_client.describe_app_license_usage(BillingPeriod="2026-08", MaxResults=5)
    assert answer["AppLicenseUsages"] == []
    assert "NextToken" not in answer
    for period in ("2026-13", "August", "2026-8"):
        with pytest.raises(appstream_client.exceptions.ClientError) as info:
            appstream_client.describe_app_license_usage(BillingPeriod=period)
        error = info.value.response["Error"]
        assert error["Code"] == "ValidationException"
        assert f"Value '{period}' at 'billingPeriod'" in error["Message"]
    with pytest.raises(appstream_client.exceptions.ClientError) as info:
        appstream_client.describe_app_license_usage(BillingPeriod="2026-08", NextToken="nope")
    assert info.value.response["Error"]["Message"] == "Invalid NextToken: nope"
