"""Stack themes, the branding of a stack's streaming portal; and their operations.

>>> Theme.SHAPE
'Theme'
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, ClassVar

import attrs

from ._model import Record, aware
from ._service import Handler


@attrs.frozen(kw_only=True)
class Theme(Record):
    """One Theme as the fake holds it: every member of its botocore shape, snake_case.

    Nested members keep their wire form; members a newer botocore adds live in ``extra``.
    """

    SHAPE: ClassVar[str] = "Theme"
    KEY_FIELD: ClassVar[str] = "stack_name"

    stack_name: str
    state: str
    theme_title_text: str | None = None
    theme_styling: str | None = None
    theme_footer_links: list[Any] | None = None
    theme_organization_logo_url: str | None = None
    theme_favicon_url: str | None = None
    created_time: datetime.datetime | None = attrs.field(default=None, converter=aware)
    extra: Mapping[str, Any] = attrs.field(factory=dict, repr=False)


#: The operations of this module, by AWS name.
HANDLERS: dict[str, Handler] = {}
