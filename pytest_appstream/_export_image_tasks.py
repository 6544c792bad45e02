"""Image export tasks (an image exported as an EC2 AMI); and their operations.

>>> ExportImageTask.SHAPE
'ExportImageTask'
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, ClassVar

import attrs

from ._model import Record, aware
from ._service import Handler


@attrs.frozen(kw_only=True)
class ExportImageTask(Record):
    """One ExportImageTask as the fake holds it: every member of its botocore shape, snake_case.

    Nested members keep their wire form; members a newer botocore adds live in ``extra``.
    """

    SHAPE: ClassVar[str] = "ExportImageTask"
    KEY_FIELD: ClassVar[str] = "task_id"

    task_id: str
    state: str
    image_arn: str | None = None
    ami_name: str | None = None
    created_date: datetime.datetime | None = attrs.field(default=None, converter=aware)
    ami_description: str | None = None
    ami_id: str | None = None
    tag_specifications: Mapping[str, Any] | None = None
    error_details: list[Any] | None = None
    extra: Mapping[str, Any] = attrs.field(factory=dict, repr=False)


#: The operations of this module, by AWS name.
HANDLERS: dict[str, Handler] = {}
