"""Usage report subscriptions and application license usage; and their operations.

An account has at most one usage report subscription per region, keyed by the S3 bucket AWS
makes for it: ``appstream-logs-<region>-<account>-<8 characters>`` (AWS's are random; the fake's
are made from the region and account, the same in every run). Reports are daily: from the first
midnight (UTC, the fake's clock) after the subscription, ``LastGeneratedReportDate`` is the latest
midnight. The fake keeps no license-included application usage: ``DescribeAppLicenseUsage``
answers an empty listing for any billing period.

>>> UsageReportSubscription.SHAPE
'UsageReportSubscription'
>>> bucket_name("us-east-1", "123456789012")
'appstream-logs-us-east-1-123456789012-eb805c6c'
"""

from __future__ import annotations

import datetime
import hashlib
import re
from collections.abc import Mapping
from typing import Any, ClassVar

import attrs
from botocore import xform_name

from ._directory_configs import entries_of
from ._errors import AppStreamUsageError, ServiceError
from ._kinds import Kind, register
from ._model import EXISTS, Stateless, aware, shape
from ._registry import Entry
from ._seeding import check_fields, check_state, show
from ._service import Context, Handler, Params, Response, indexed_page, page_of, paged
from ._validation import message, problem, problems


@attrs.frozen(kw_only=True)
class UsageReportSubscription(Stateless):
    """One UsageReportSubscription as the fake holds it: every member of its botocore shape, snake_case.

    Nested members keep their wire form; members a newer botocore adds live in ``extra``.
    """

    SHAPE: ClassVar[str] = "UsageReportSubscription"
    KEY_FIELD: ClassVar[str] = "s3_bucket_name"

    s3_bucket_name: str
    schedule: str | None = None
    last_generated_report_date: datetime.datetime | None = attrs.field(
        default=None, converter=aware
    )
    subscription_errors: list[Any] | None = None
    extra: Mapping[str, Any] = attrs.field(factory=dict, repr=False)


#: The one schedule of the model (``UsageReportSchedule``): reports are generated daily.
SCHEDULE = "DAILY"


def bucket_name(region: str, account: str) -> str:
    """The S3 bucket of a region's usage reports: AWS's form, its random part made from the
    region and account (ours)."""
    suffix = hashlib.sha256(f"{account}/{region}".encode()).hexdigest()[:8]
    return f"appstream-logs-{region}-{account}-{suffix}"


# -- seeding -------------------------------------------------------------------------------------


def build_subscription(
    name: object,
    *,
    state: object = EXISTS,
    region: str,
    account_id: str,
    index: int,
    **fields: Any,
) -> UsageReportSubscription:
    """A checked :class:`UsageReportSubscription` whose reports go to the S3 bucket ``name``
    (e.g. ``bucket_name(region, account)``, the one CreateUsageReportSubscription makes)."""
    del region, account_id, index
    bucket = shape("S3Bucket")
    if not isinstance(name, str) or problems(bucket, name):
        raise AppStreamUsageError(
            f"name={show(name)} is not an S3 bucket name; allowed: 3 to 63 lowercase letters, "
            f"digits, '.' or '-', not ending with '.' (pattern {bucket.metadata.get('pattern')}), "
            "e.g. 'appstream-logs-us-east-1-123456789012-eb805c6c'"
        )
    check_state(state, states=USAGE_REPORTS.states, label="usage report subscription")
    if "s3_bucket_name" in fields:
        raise AppStreamUsageError(
            f"s3_bucket_name={show(fields['s3_bucket_name'])} is not allowed; allowed: the "
            "bucket name as the first argument"
        )
    wire = check_fields(fields, "UsageReportSubscription", None)
    values = {"schedule": SCHEDULE, **{xform_name(m): v for m, v in wire.items()}}
    return UsageReportSubscription.from_fields(s3_bucket_name=name, **values)


def _on_seed(ctx: Context, entry: Entry, **_: Any) -> None:
    """One subscription per account and region."""
    others = [name for name in ctx.store(USAGE_REPORTS) if name != entry.name]
    if others:
        raise AppStreamUsageError(
            f"name={entry.name!r} is not allowed: {ctx.account}/{ctx.region} has a usage report "
            f"subscription already (bucket {others[0]}); allowed: one per account and region"
        )


USAGE_REPORTS = register(
    Kind(
        collection="usage_report_subscriptions",
        label="usage report subscription",
        data_key="usage_report_subscriptions",
        marker=None,
        record=UsageReportSubscription,
        arn_resource="usage-report-subscription",  # it has no ARN: never matched
        states_shape="",
        state_values=(EXISTS,),
        default_state=EXISTS,
        resting_states=(EXISTS,),
        build=build_subscription,
        create_operation=None,
        on_seed=_on_seed,
        key_argument="s3_bucket_name",
        taggable=False,
        order=13,
    )
)


# -- operations ----------------------------------------------------------------------------------


def _midnight(when: datetime.datetime) -> datetime.datetime:
    return when.astimezone(datetime.timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)


def _reported(ctx: Context, entry: Entry) -> Entry:
    """``entry`` with the date of its latest daily report: the latest midnight after it began."""
    since = entry.data.get("since")
    if since is None:  # seeded: its fields say what was generated
        return entry
    last = _midnight(ctx.clock.now())
    if last <= since or entry.record.last_generated_report_date == last:  # type: ignore[attr-defined]
        return entry
    return ctx.registry.update(
        ctx.account,
        ctx.region,
        entry.name,
        USAGE_REPORTS.collection,
        last_generated_report_date=last,
    )


def create_usage_report_subscription(ctx: Context, params: Params) -> Response:
    """CreateUsageReportSubscription: the region's subscription (the one it has, if any)."""
    del params
    existing = entries_of(ctx, USAGE_REPORTS.collection)
    if existing:
        record = existing[0].record
    else:
        record = UsageReportSubscription(
            s3_bucket_name=bucket_name(ctx.region, ctx.account), schedule=SCHEDULE
        )
        entry = ctx.registry.seed(
            ctx.account,
            ctx.region,
            record,
            "CreateUsageReportSubscription",
            USAGE_REPORTS.collection,
        )
        entry.data["since"] = ctx.clock.now()
    items = record.wire_items()
    return {"S3BucketName": items["S3BucketName"], "Schedule": items.get("Schedule", SCHEDULE)}


def describe_usage_report_subscriptions(ctx: Context, params: Params) -> Response:
    """DescribeUsageReportSubscriptions: the region's subscription, if any, in pages."""
    entries = [_reported(ctx, e) for e in entries_of(ctx, USAGE_REPORTS.collection)]
    page, token = page_of(ctx, "DescribeUsageReportSubscriptions", params, entries)
    return paged({"UsageReportSubscriptions": [e.record.to_response() for e in page]}, token)


def delete_usage_report_subscription(ctx: Context, params: Params) -> Response:
    """DeleteUsageReportSubscription: reports stop; none is ResourceNotFoundException."""
    del params
    existing = [e.name for e in entries_of(ctx, USAGE_REPORTS.collection)]
    if not existing:
        raise ServiceError(
            "ResourceNotFoundException",
            f"The usage report subscription for account {ctx.account} in {ctx.region} does not "
            "exist.",
        )
    ctx.registry.remove(
        ctx.account,
        ctx.region,
        existing[0],
        "DeleteUsageReportSubscription",
        USAGE_REPORTS.collection,
    )
    return {}


#: ``BillingPeriod``: ``yyyy-mm`` (the API reference: "for August 2025, use 2025-08").
BILLING_PERIOD = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


def describe_app_license_usage(ctx: Context, params: Params) -> Response:
    """DescribeAppLicenseUsage: a billing period's (``yyyy-mm``) records: none, in pages.

    The fake keeps no license usage, so every period's listing is empty (tokens are checked).
    """
    period = params["BillingPeriod"]
    if not BILLING_PERIOD.fullmatch(period):
        raise ServiceError(
            "ValidationException",
            message(
                [
                    problem(
                        period,
                        "billingPeriod",
                        "Member must be a billing period in the format yyyy-mm",
                    )
                ]
            ),
        )
    rows: list[dict[str, Any]] = []
    page, token = indexed_page(ctx, "DescribeAppLicenseUsage", params, rows)
    return paged({"AppLicenseUsages": page}, token)


#: The operations of this module, by AWS name.
HANDLERS: dict[str, Handler] = {
    "CreateUsageReportSubscription": create_usage_report_subscription,
    "DescribeUsageReportSubscriptions": describe_usage_report_subscriptions,
    "DeleteUsageReportSubscription": delete_usage_report_subscription,
    "DescribeAppLicenseUsage": describe_app_license_usage,
}
