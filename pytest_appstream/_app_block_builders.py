"""App block builders, which package app blocks; and their operations.

>>> AppBlockBuilder.SHAPE
'AppBlockBuilder'
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, ClassVar

import attrs

from ._model import Record, aware
from ._service import Handler


@attrs.frozen(kw_only=True)
class AppBlockBuilder(Record):
    """One AppBlockBuilder as the fake holds it: every member of its botocore shape, snake_case.

    Nested members keep their wire form; members a newer botocore adds live in ``extra``.
    """

    SHAPE: ClassVar[str] = "AppBlockBuilder"

    name: str
    state: str
    arn: str | None = None
    display_name: str | None = None
    description: str | None = None
    platform: str | None = None
    instance_type: str | None = None
    enable_default_internet_access: bool | None = None
    iam_role_arn: str | None = None
    vpc_config: Mapping[str, Any] | None = None
    created_time: datetime.datetime | None = attrs.field(default=None, converter=aware)
    app_block_builder_errors: list[Any] | None = None
    state_change_reason: Mapping[str, Any] | None = None
    access_endpoints: list[Any] | None = None
    disable_imdsv1: bool | None = None
    extra: Mapping[str, Any] = attrs.field(factory=dict, repr=False)


#: The operations of this module, by AWS name.
HANDLERS: dict[str, Handler] = {}
