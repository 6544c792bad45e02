"""Applications of Elastic fleets and entitlements; and their operations.

>>> Application.SHAPE
'Application'
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, ClassVar

import attrs

from ._model import Stateless, aware
from ._service import Handler


@attrs.frozen(kw_only=True)
class Application(Stateless):
    """One Application as the fake holds it: every member of its botocore shape, snake_case.

    Nested members keep their wire form; members a newer botocore adds live in ``extra``.
    """

    SHAPE: ClassVar[str] = "Application"

    name: str
    display_name: str | None = None
    icon_url: str | None = None
    launch_path: str | None = None
    launch_parameters: str | None = None
    enabled: bool | None = None
    metadata: Mapping[str, Any] | None = None
    working_directory: str | None = None
    description: str | None = None
    arn: str | None = None
    app_block_arn: str | None = None
    icon_s3_location: Mapping[str, Any] | None = None
    platforms: list[Any] | None = None
    instance_families: list[Any] | None = None
    created_time: datetime.datetime | None = attrs.field(default=None, converter=aware)
    extra: Mapping[str, Any] = attrs.field(factory=dict, repr=False)


#: The operations of this module, by AWS name.
HANDLERS: dict[str, Handler] = {}
