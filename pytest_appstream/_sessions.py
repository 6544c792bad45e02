"""Streaming sessions of users on fleets; and their operations.

>>> Session.SHAPE
'Session'
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, ClassVar

import attrs

from ._model import Record, aware
from ._service import Handler


@attrs.frozen(kw_only=True)
class Session(Record):
    """One Session as the fake holds it: every member of its botocore shape, snake_case.

    Nested members keep their wire form; members a newer botocore adds live in ``extra``.
    """

    SHAPE: ClassVar[str] = "Session"
    KEY_FIELD: ClassVar[str] = "id"

    id: str
    state: str
    user_id: str | None = None
    stack_name: str | None = None
    fleet_name: str | None = None
    connection_state: str | None = None
    start_time: datetime.datetime | None = attrs.field(default=None, converter=aware)
    max_expiration_time: datetime.datetime | None = attrs.field(default=None, converter=aware)
    authentication_type: str | None = None
    network_access_configuration: Mapping[str, Any] | None = None
    instance_id: str | None = None
    instance_drain_status: str | None = None
    extra: Mapping[str, Any] = attrs.field(factory=dict, repr=False)


#: The operations of this module, by AWS name.
HANDLERS: dict[str, Handler] = {}
