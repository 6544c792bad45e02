"""The fake's own clock: every time the fake writes comes from it, and tests move it without waiting.

By default it follows the wall clock; given an instant it is frozen there. Either way
:meth:`Clock.sleep` moves it forward at once, so a polling loop that sleeps between reads runs in
microseconds when ``time.sleep`` is patched with it.

>>> clock = Clock("2026-01-01T00:00:00Z")
>>> clock.sleep(90)
>>> clock.now().isoformat()
'2026-01-01T00:01:30+00:00'
"""

from __future__ import annotations

import datetime
import threading
import time

from botocore.utils import parse_timestamp

from ._errors import AppStreamUsageError

UTC = datetime.timezone.utc

#: What ``now=`` accepts, as the errors say it.
ALLOWED_NOW = "an aware datetime, an ISO 8601 string like '2026-01-01T00:00:00Z', or epoch seconds"


def parse_now(value: object, argument: str = "now") -> datetime.datetime:
    """``value`` as an aware UTC datetime, or a clear error naming ``argument``.

    >>> parse_now(0).isoformat()
    '1970-01-01T00:00:00+00:00'
    """
    __tracebackhide__ = True
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            raise AppStreamUsageError(
                f"{argument}={value!r} is a naive datetime; allowed: {ALLOWED_NOW}"
            )
        return value.astimezone(UTC)
    try:
        if isinstance(value, str):
            return parse_timestamp(value).astimezone(UTC)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return datetime.datetime.fromtimestamp(value, UTC)
    except (ValueError, TypeError, OverflowError, OSError):
        pass
    raise AppStreamUsageError(f"{argument}={value!r} is not an instant; allowed: {ALLOWED_NOW}")


class Clock:
    """The fake's time: the wall clock (or a frozen instant) plus every :meth:`sleep` so far."""

    def __init__(self, now: object = None) -> None:
        self._frozen = None if now is None else parse_now(now)
        self._slept = datetime.timedelta(0)
        self._lock = threading.Lock()

    @property
    def frozen(self) -> bool:
        """True when the clock stands still but for :meth:`sleep` (``now=`` was given)."""
        return self._frozen is not None

    def now(self) -> datetime.datetime:
        """The fake's current instant, an aware UTC datetime."""
        base = self._frozen if self._frozen is not None else datetime.datetime.now(UTC)
        return base + self._slept

    def timestamp(self) -> float:
        """:meth:`now` as epoch seconds (the wall clock's own when nothing moved it: fast)."""
        if self._frozen is None and not self._slept:
            return time.time()
        return self.now().timestamp()

    def sleep(self, seconds: float) -> None:
        """Move the clock ``seconds`` forward at once (what ``time.sleep`` would have waited).

        >>> clock = Clock(0)
        >>> clock.sleep(1.5)
        >>> clock.now().timestamp()
        1.5
        """
        __tracebackhide__ = True
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not seconds >= 0:
            raise AppStreamUsageError(
                f"seconds={seconds!r} is not allowed; allowed: a number of seconds >= 0"
            )
        with self._lock:
            self._slept += datetime.timedelta(seconds=seconds)

    def __repr__(self) -> str:
        kind = "frozen" if self.frozen else "wall"
        return f"<Clock {kind} {self.now().isoformat()}>"
