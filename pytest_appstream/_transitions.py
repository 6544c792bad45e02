"""When an in-between state (STOPPING, PENDING, DELETING, ...) completes: the transition policies.

Real transitions take minutes. A policy decides when a builder leaves its in-between state:

- ``"immediate"``: the next read (any call naming the builder) sees the final state;
- ``"polled"`` (default): ``polls`` DescribeImageBuilders calls still see the in-between state,
  the next one sees the final state;
- ``"manual"``: only :meth:`FakeAppStream.advance` completes it;
- ``"timed"``: the state lasts a realistic duration on the fake's clock (never the wall clock);
  ``appstream.sleep(seconds)`` moves that clock.

>>> p = pending("STOPPED", "polled", polls=1, clock=Clock(0), duration=300)
>>> p.reads_left, p.due()
(1, False)
"""

from __future__ import annotations

import datetime
from typing import Literal, get_args

import attrs

from ._clock import Clock

Policy = Literal["immediate", "polled", "manual", "timed"]
POLICIES: tuple[str, ...] = get_args(Policy)


def reads_for(policy: str, polls: int) -> int | None:
    """How many reads a new in-between state lasts under ``policy`` (``None``: not counted)."""
    if policy == "immediate":
        return 0
    if policy == "polled":
        return polls
    if policy in ("manual", "timed"):
        return None
    raise ValueError(f"unknown transitions policy {policy!r}; allowed: {', '.join(POLICIES)}")


@attrs.define
class Pending:
    """A builder's unfinished transition: the state it will reach (``None``: deleted).

    ``reads_left`` counts the reads still to see the in-between state (``None``: reads do not
    count); ``deadline`` is the instant of the fake's ``clock`` from which it is due (``timed``).
    """

    to_state: str | None
    reads_left: int | None
    deadline: datetime.datetime | None = None
    clock: Clock | None = attrs.field(default=None, repr=False, eq=False)

    def due(self) -> bool:
        """True when the next read must see ``to_state``."""
        if self.deadline is not None and self.clock is not None:
            return self.clock.now() >= self.deadline
        return self.reads_left == 0

    def polled(self) -> None:
        """Count one DescribeImageBuilders read that still saw the in-between state."""
        if self.reads_left:
            self.reads_left -= 1


def pending(
    to_state: str | None, policy: str, *, polls: int, clock: Clock, duration: float
) -> Pending:
    """The unfinished transition to ``to_state`` under ``policy``, begun now.

    ``duration`` (seconds) is how long the in-between state lasts under ``"timed"``.
    """
    if policy == "timed":
        deadline = clock.now() + datetime.timedelta(seconds=duration)
        return Pending(to_state, None, deadline, clock)
    return Pending(to_state, reads_for(policy, polls))
