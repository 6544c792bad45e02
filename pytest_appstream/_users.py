"""User pool users and their stacks; and their operations.

>>> User.SHAPE
'User'
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, ClassVar

import attrs

from ._model import Record, aware
from ._service import Handler


@attrs.frozen(kw_only=True)
class User(Record):
    """One User as the fake holds it: every member of its botocore shape, snake_case.

    Nested members keep their wire form; members a newer botocore adds live in ``extra``.
    """

    SHAPE: ClassVar[str] = "User"
    KEY_FIELD: ClassVar[str] = "user_name"

    user_name: str
    arn: str | None = None
    enabled: bool | None = None
    status: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    created_time: datetime.datetime | None = attrs.field(default=None, converter=aware)
    authentication_type: str | None = None
    extra: Mapping[str, Any] = attrs.field(factory=dict, repr=False)

    @property
    def state(self) -> str:
        """``ENABLED`` or ``DISABLED`` (AWS's ``Enabled``): a user's history is EnableUser and
        DisableUser (ours: the model has no user state)."""
        return "DISABLED" if self.enabled is False else "ENABLED"

    def with_state(self, state: str, **changes: Any) -> User:
        """A copy enabled (``ENABLED``) or disabled, with ``changes``."""
        return attrs.evolve(self, enabled=state == "ENABLED", **changes)


#: The operations of this module, by AWS name.
HANDLERS: dict[str, Handler] = {}
