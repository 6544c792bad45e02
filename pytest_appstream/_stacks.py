"""Stacks, which give users a fleet's applications; and their operations.

>>> Stack.SHAPE
'Stack'
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, ClassVar

import attrs

from ._model import Stateless, aware
from ._service import Handler


@attrs.frozen(kw_only=True)
class Stack(Stateless):
    """One Stack as the fake holds it: every member of its botocore shape, snake_case.

    Nested members keep their wire form; members a newer botocore adds live in ``extra``.
    """

    SHAPE: ClassVar[str] = "Stack"

    name: str
    arn: str | None = None
    description: str | None = None
    display_name: str | None = None
    created_time: datetime.datetime | None = attrs.field(default=None, converter=aware)
    storage_connectors: list[Any] | None = None
    redirect_url: str | None = None
    feedback_url: str | None = None
    stack_errors: list[Any] | None = None
    user_settings: list[Any] | None = None
    application_settings: Mapping[str, Any] | None = None
    access_endpoints: list[Any] | None = None
    embed_host_domains: list[Any] | None = None
    streaming_experience_settings: Mapping[str, Any] | None = None
    content_redirection: Mapping[str, Any] | None = None
    web_authn_redirection: Mapping[str, Any] | None = None
    agent_access_config: Mapping[str, Any] | None = None
    storage_connector_authentication: str | None = None
    extra: Mapping[str, Any] = attrs.field(factory=dict, repr=False)


#: The operations of this module, by AWS name.
HANDLERS: dict[str, Handler] = {}
