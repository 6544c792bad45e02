"""The fake's memory: image builders per (account, region), with each builder's history.

Every read and write happens under :attr:`Registry.lock` (re-entrant), so a call from any thread
sees and leaves a consistent registry. History outlives a deleted builder.

>>> r = Registry()
>>> with r.lock:
...     _ = r.seed("123456789012", "us-east-1", ImageBuilder(name="b", arn="arn:...", state="RUNNING"))
...     _ = r.set_state("123456789012", "us-east-1", "b", "STOPPING", "StopImageBuilder")
>>> r.states("123456789012", "us-east-1", "b")
['RUNNING', 'STOPPING']
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterator
from typing import Any

import attrs

from .model import ImageBuilder, Transition
from .transitions import Pending

Key = tuple[str, str, str]


@attrs.define
class Entry:
    """A live builder: its record, its unfinished transition, its tags, and its creation number
    (``sequence``, increasing across the registry: listings resume after it).
    """

    builder: ImageBuilder
    pending: Pending | None = None
    tags: dict[str, str] = attrs.field(factory=dict)
    sequence: int = 0


@attrs.define
class _Lineage:
    """What one name has been through: the state it was seeded in (if seeded) and its changes."""

    seed_state: str | None
    transitions: list[Transition] = attrs.field(factory=list)


class Registry:
    """Thread-safe store of builders, keyed by account, region and name."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self._stores: dict[tuple[str, str], dict[str, Entry]] = {}
        self._lineages: dict[Key, _Lineage] = {}
        self._sequence = itertools.count()

    def store(self, account: str, region: str) -> dict[str, Entry]:
        """The live builders of one account and region, in creation order (hold the lock)."""
        key = (account, region)
        found = self._stores.get(key)
        if found is None:
            found = self._stores[key] = {}
        return found

    def stores(self) -> list[tuple[str, str]]:
        """Every (account, region) that has held a builder."""
        return list(self._stores)

    def get(self, account: str, region: str, name: str) -> Entry | None:
        """The live entry for ``name``, or None."""
        return self._stores.get((account, region), {}).get(name)

    def seed(
        self, account: str, region: str, builder: ImageBuilder, operation: str | None = None
    ) -> Entry:
        """Add a new builder; ``operation`` set records its creation as a transition from None."""
        entry = Entry(builder, sequence=next(self._sequence))
        self.store(account, region)[builder.name] = entry
        key = (account, region, builder.name)
        lineage = self._lineages.get(key)
        if lineage is None:
            lineage = self._lineages[key] = _Lineage(None if operation else builder.state)
        if operation:
            lineage.transitions.append(Transition(None, builder.state, operation))
        return entry

    def set_state(
        self, account: str, region: str, name: str, state: str, operation: str, **changes: Any
    ) -> Entry:
        """Move a live builder to ``state`` (other fields in ``changes``) and record it."""
        entry = self.store(account, region)[name]
        old = entry.builder.state
        entry.builder = attrs.evolve(entry.builder, state=state, **changes)
        if old != state:
            self._lineages[(account, region, name)].transitions.append(
                Transition(old, state, operation)
            )
        return entry

    def remove(self, account: str, region: str, name: str, operation: str) -> None:
        """Delete a live builder; its history ends with a transition to None."""
        entry = self.store(account, region).pop(name)
        self._lineages[(account, region, name)].transitions.append(
            Transition(entry.builder.state, None, operation)
        )

    def history(self, account: str, region: str, name: str) -> list[Transition] | None:
        """Every state change of ``name`` since it was seeded or created (None: never existed)."""
        lineage = self._lineages.get((account, region, name))
        return None if lineage is None else list(lineage.transitions)

    def states(self, account: str, region: str, name: str) -> list[str | None] | None:
        """The sequence of states ``name`` has been in, seed state first (None: never existed)."""
        lineage = self._lineages.get((account, region, name))
        if lineage is None:
            return None
        states: list[str | None] = [] if lineage.seed_state is None else [lineage.seed_state]
        states.extend(t.to_state for t in lineage.transitions)
        return states

    def names(self) -> Iterator[Key]:
        """Every (account, region, name) that has a history."""
        return iter(list(self._lineages))
