"""Usage report subscriptions and application license usage; and their operations.

>>> UsageReportSubscription.SHAPE
'UsageReportSubscription'
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, ClassVar

import attrs

from ._model import Stateless, aware
from ._service import Handler


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


#: The operations of this module, by AWS name.
HANDLERS: dict[str, Handler] = {}
