"""App blocks, the packaged applications of Elastic fleets; and their operations.

>>> AppBlock.SHAPE
'AppBlock'
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, ClassVar

import attrs

from ._model import Record, aware
from ._service import Handler


@attrs.frozen(kw_only=True)
class AppBlock(Record):
    """One AppBlock as the fake holds it: every member of its botocore shape, snake_case.

    Nested members keep their wire form; members a newer botocore adds live in ``extra``.
    """

    SHAPE: ClassVar[str] = "AppBlock"

    name: str
    state: str
    arn: str | None = None
    description: str | None = None
    display_name: str | None = None
    source_s3_location: Mapping[str, Any] | None = None
    setup_script_details: Mapping[str, Any] | None = None
    created_time: datetime.datetime | None = attrs.field(default=None, converter=aware)
    post_setup_script_details: Mapping[str, Any] | None = None
    packaging_type: str | None = None
    app_block_errors: list[Any] | None = None
    extra: Mapping[str, Any] = attrs.field(factory=dict, repr=False)


#: The operations of this module, by AWS name.
HANDLERS: dict[str, Handler] = {}
