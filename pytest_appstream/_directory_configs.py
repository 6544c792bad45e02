"""Directory configs, for domain-joined fleets and image builders; and their operations.

>>> DirectoryConfig.SHAPE
'DirectoryConfig'
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, ClassVar

import attrs

from ._model import Stateless, aware
from ._service import Handler


@attrs.frozen(kw_only=True)
class DirectoryConfig(Stateless):
    """One DirectoryConfig as the fake holds it: every member of its botocore shape, snake_case.

    Nested members keep their wire form; members a newer botocore adds live in ``extra``.
    """

    SHAPE: ClassVar[str] = "DirectoryConfig"
    KEY_FIELD: ClassVar[str] = "directory_name"

    directory_name: str
    organizational_unit_distinguished_names: list[Any] | None = None
    service_account_credentials: Mapping[str, Any] | None = None
    created_time: datetime.datetime | None = attrs.field(default=None, converter=aware)
    certificate_based_auth_properties: Mapping[str, Any] | None = None
    extra: Mapping[str, Any] = attrs.field(factory=dict, repr=False)


#: The operations of this module, by AWS name.
HANDLERS: dict[str, Handler] = {}
