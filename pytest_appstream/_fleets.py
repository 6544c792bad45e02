"""Fleets, the streaming instances users connect to; and their operations.

>>> Fleet.SHAPE
'Fleet'
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, ClassVar

import attrs

from ._model import Record, aware
from ._service import Handler


@attrs.frozen(kw_only=True)
class Fleet(Record):
    """One Fleet as the fake holds it: every member of its botocore shape, snake_case.

    Nested members keep their wire form; members a newer botocore adds live in ``extra``.
    """

    SHAPE: ClassVar[str] = "Fleet"

    name: str
    state: str
    arn: str | None = None
    display_name: str | None = None
    description: str | None = None
    image_name: str | None = None
    image_arn: str | None = None
    instance_type: str | None = None
    fleet_type: str | None = None
    compute_capacity_status: Mapping[str, Any] | None = None
    max_user_duration_in_seconds: int | None = None
    disconnect_timeout_in_seconds: int | None = None
    vpc_config: Mapping[str, Any] | None = None
    created_time: datetime.datetime | None = attrs.field(default=None, converter=aware)
    fleet_errors: list[Any] | None = None
    enable_default_internet_access: bool | None = None
    domain_join_info: Mapping[str, Any] | None = None
    idle_disconnect_timeout_in_seconds: int | None = None
    iam_role_arn: str | None = None
    stream_view: str | None = None
    platform: str | None = None
    max_concurrent_sessions: int | None = None
    usb_device_filter_strings: list[Any] | None = None
    session_script_s3_location: Mapping[str, Any] | None = None
    max_sessions_per_instance: int | None = None
    root_volume_config: Mapping[str, Any] | None = None
    disable_imdsv1: bool | None = None
    extra: Mapping[str, Any] = attrs.field(factory=dict, repr=False)


#: The operations of this module, by AWS name.
HANDLERS: dict[str, Handler] = {}
