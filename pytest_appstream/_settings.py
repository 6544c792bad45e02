"""The fake's settings: their defaults, their checks, and the environment a test gets.

One place for the region, account and fake credentials every part of the plugin starts from, and
for the checks of the ``appstream`` marker's, the options' and ``FakeAppStream(...)``'s values.

>>> DEFAULT_REGION, DEFAULT_ACCOUNT
('us-east-1', '123456789012')
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from ._clock import ALLOWED_NOW, parse_now
from ._errors import AppStreamUsageError
from ._model import DEFAULT_ACCOUNT, DEFAULT_REGION, REGION_NAME, botocore_session
from ._transitions import POLICIES

__all__ = [  # DEFAULT_REGION and DEFAULT_ACCOUNT are defined with the records that default to them
    "ALLOWED_SETTINGS",
    "DEFAULT_ACCOUNT",
    "DEFAULT_REGION",
    "FAKE_CREDENTIALS",
    "FAKE_KEY",
    "HIDDEN_VARIABLES",
    "apply_environment",
    "check_setting",
    "check_settings",
    "environment",
]
#: The fake's credentials (AppStream requests to the fake are never signed with them).
FAKE_KEY = "testing"

#: Environment a test gets while the fake is active: fake credentials and the fake's region.
FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": FAKE_KEY,
    "AWS_SECRET_ACCESS_KEY": FAKE_KEY,
    "AWS_SESSION_TOKEN": FAKE_KEY,
    "AWS_SECURITY_TOKEN": FAKE_KEY,
}

#: Environment variables a test loses while the fake is active: a profile named there would make
#: botocore read (and, if missing, fail on) the machine's AWS configuration.
HIDDEN_VARIABLES: dict[str, str | None] = {"AWS_PROFILE": None, "AWS_DEFAULT_PROFILE": None}


def environment(region: str | None) -> dict[str, str | None]:
    """The environment of a fake: fake credentials, no AWS profile (``None``: removed), and
    ``region`` as the default region (``None``: the region variables are left alone).

    >>> environment("eu-west-1")["AWS_REGION"]
    'eu-west-1'
    """
    regions = {} if region is None else {"AWS_DEFAULT_REGION": region, "AWS_REGION": region}
    return {**FAKE_CREDENTIALS, **regions, **HIDDEN_VARIABLES}


def apply_environment(environment: Mapping[str, str | None]) -> None:
    """Set ``environment`` in ``os.environ``; ``None`` removes a variable."""
    for key, value in environment.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


#: What each fake setting allows, as the errors say it.
ALLOWED_SETTINGS = {
    "region": "a name like 'us-east-1'",
    "account_id": "a string of 12 digits",
    "transitions": ", ".join(POLICIES),
    "polls": "an int >= 0",
    "now": ALLOWED_NOW,
}


def check_setting(setting: str, value: object, argument: str | None = None) -> None:
    """A clear error for a bad fake setting; ``argument`` names it (default: ``setting``).

    >>> check_setting("polls", -1)
    Traceback (most recent call last):
    ...
    pytest_appstream._errors.AppStreamUsageError: polls=-1 is not allowed; allowed: an int >= 0
    """
    argument = argument or setting
    if setting == "region" and not (isinstance(value, str) and REGION_NAME.fullmatch(value)):
        known = ", ".join(botocore_session().get_available_regions("appstream"))
        raise AppStreamUsageError(
            f"{argument}={value!r} is not a region name; allowed: {ALLOWED_SETTINGS['region']} "
            f"(AppStream's regions in this botocore: {known})"
        )
    if setting == "account_id" and not (
        isinstance(value, str) and len(value) == 12 and value.isdigit()
    ):
        raise AppStreamUsageError(
            f"{argument}={value!r} is not an account id; allowed: {ALLOWED_SETTINGS['account_id']}"
        )
    if setting == "transitions" and value not in POLICIES:
        raise AppStreamUsageError(
            f"{argument}={value!r} is not a transitions policy; "
            f"allowed: {ALLOWED_SETTINGS['transitions']}"
        )
    if setting == "now" and value is not None:
        parse_now(value, argument)
    if setting == "polls" and (not isinstance(value, int) or isinstance(value, bool) or value < 0):
        raise AppStreamUsageError(
            f"{argument}={value!r} is not allowed; allowed: {ALLOWED_SETTINGS['polls']}"
        )


def check_settings(region: object, account_id: object, transitions: object, polls: object) -> None:
    """Clear errors for bad fake settings (the ``appstream`` marker's and the options')."""
    check_setting("region", region)
    check_setting("account_id", account_id)
    check_setting("transitions", transitions)
    check_setting("polls", polls)
