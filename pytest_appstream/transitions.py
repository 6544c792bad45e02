"""When an in-between state (STOPPING, PENDING, DELETING, ...) completes: the transition policies.

Real transitions take minutes, so the fake never uses wall time. A policy decides how many reads
a builder stays in its in-between state:

- ``"immediate"``: the next read (any call naming the builder) sees the final state;
- ``"polled"`` (default): ``polls`` DescribeImageBuilders calls still see the in-between state,
  the next one sees the final state;
- ``"manual"``: only :meth:`FakeAppStream.advance` completes it.

>>> p = Pending(to_state="STOPPED", reads_left=reads_for("polled", polls=1))
>>> p.reads_left
1
"""

from __future__ import annotations

from typing import Literal, get_args

import attrs

Policy = Literal["immediate", "polled", "manual"]
POLICIES: tuple[str, ...] = get_args(Policy)


def reads_for(policy: str, polls: int) -> int | None:
    """How many reads a new in-between state lasts under ``policy`` (``None``: until advanced)."""
    if policy == "immediate":
        return 0
    if policy == "polled":
        return polls
    if policy == "manual":
        return None
    raise ValueError(f"unknown transitions policy {policy!r}; allowed: {', '.join(POLICIES)}")


@attrs.define
class Pending:
    """A builder's unfinished transition: the state it will reach (``None``: deleted)."""

    to_state: str | None
    reads_left: int | None

    def due(self) -> bool:
        """True when the next read must see ``to_state``."""
        return self.reads_left == 0

    def polled(self) -> None:
        """Count one DescribeImageBuilders read that still saw the in-between state."""
        if self.reads_left:
            self.reads_left -= 1
