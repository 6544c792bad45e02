"""Entitlements, which scope a stack's applications to SAML users; and their operations.

>>> Entitlement.SHAPE
'Entitlement'
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, ClassVar

import attrs

from ._model import Stateless, aware
from ._service import Handler


@attrs.frozen(kw_only=True)
class Entitlement(Stateless):
    """One Entitlement as the fake holds it: every member of its botocore shape, snake_case.

    Nested members keep their wire form; members a newer botocore adds live in ``extra``.
    """

    SHAPE: ClassVar[str] = "Entitlement"

    name: str
    stack_name: str | None = None
    description: str | None = None
    app_visibility: str | None = None
    attributes: list[Any] | None = None
    created_time: datetime.datetime | None = attrs.field(default=None, converter=aware)
    last_modified_time: datetime.datetime | None = attrs.field(default=None, converter=aware)
    extra: Mapping[str, Any] = attrs.field(factory=dict, repr=False)


#: The operations of this module, by AWS name.
HANDLERS: dict[str, Handler] = {}
