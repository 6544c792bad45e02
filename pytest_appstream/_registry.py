"""The fake's memory: resources of every kind per (account, region), with each one's history.

Every read and write happens under :attr:`Registry.lock` (re-entrant), so a call from any thread
sees and leaves a consistent registry. History outlives a deleted resource. ``kind`` is the
kind's collection name (``"builders"``, the default, ``"images"``, ...).

>>> from pytest_appstream._model import ImageBuilder
>>> r = Registry()
>>> with r.lock:
...     _ = r.seed("123456789012", "us-east-1", ImageBuilder(name="b", arn="arn:...", state="RUNNING"))
...     _ = r.set_state("123456789012", "us-east-1", "b", "STOPPING", "StopImageBuilder")
>>> r.states("123456789012", "us-east-1", "b")
['RUNNING', 'STOPPING']
"""

from __future__ import annotations

import copy
import itertools
import threading
from collections.abc import Iterator
from typing import Any

import attrs

from ._model import Record, Transition
from ._transitions import Pending

Key = tuple[str, str, str]
BUILDERS = "builders"


@attrs.define
class Entry:
    """A live resource: its record, its kind, its unfinished transition, its tags, and its
    creation number (``sequence``, increasing across the registry: listings resume after it).
    """

    record: Record
    kind: str = BUILDERS
    pending: Pending | None = None
    tags: dict[str, str] = attrs.field(factory=dict)
    sequence: int = 0
    account: str = ""
    region: str = ""
    #: What a kind keeps of a resource beside its record (an image's sharing, a builder's
    #: software), by the kind's own keys.
    data: dict[str, Any] = attrs.field(factory=dict)

    @property
    def builder(self) -> Any:
        """The record (the name from when builders were the only kind)."""
        return self.record

    @property
    def name(self) -> str:
        """The record's key: its name."""
        return str(getattr(self.record, self.record.KEY_FIELD))

    @property
    def state(self) -> str:
        """The record's state."""
        return str(getattr(self.record, "state"))  # noqa: B009


@attrs.define
class _Lineage:
    """What one name has been through: the state it was seeded in (if seeded) and its changes."""

    seed_state: str | None
    transitions: list[Transition] = attrs.field(factory=list)


class Registry:
    """Thread-safe store of resources, keyed by account, region, kind and name."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self._stores: dict[tuple[str, str, str], dict[str, Entry]] = {}
        self._lineages: dict[tuple[str, str, str, str], _Lineage] = {}
        self._sequence = itertools.count(1000)  # below 1000: AWS's public images (see _images)
        #: What the fake notes of resources it does not hold (AWS's public images), by
        #: (region, kind, name): e.g. that a test deprecated one.
        self.notes: dict[tuple[str, str, str], dict[str, Any]] = {}

    def copy(self) -> Registry:
        """A deep copy, for a dry run (hold the lock): changing it changes nothing here."""
        new = Registry()
        new._stores = copy.deepcopy(self._stores)
        new._lineages = copy.deepcopy(self._lineages)
        new.notes = copy.deepcopy(self.notes)
        following = next(self._sequence)
        self._sequence = itertools.count(following)
        new._sequence = itertools.count(following)
        return new

    def store(self, account: str, region: str, kind: str = BUILDERS) -> dict[str, Entry]:
        """The live resources of one kind, account and region, in creation order (hold the lock).

        Reading it changes nothing: where nothing was ever seeded it is a new empty dict.
        """
        return self._stores.get((account, region, kind)) or {}

    def _writable(self, account: str, region: str, kind: str) -> dict[str, Entry]:
        key = (account, region, kind)
        found = self._stores.get(key)
        if found is None:
            found = self._stores[key] = {}
        return found

    def stores(self, kind: str = BUILDERS) -> list[tuple[str, str]]:
        """Every (account, region) that has held a resource of ``kind``."""
        return [(account, region) for account, region, k in self._stores if k == kind]

    def regions(self, account: str, kind: str = BUILDERS) -> list[str]:
        """Every region of ``account`` that has held a resource of ``kind``, sorted."""
        return sorted(region for a, region in self.stores(kind) if a == account)

    def every(self, account: str, kind: str = BUILDERS) -> list[Entry]:
        """The live resources of ``kind`` in every region of ``account`` (hold the lock)."""
        return [
            entry
            for region in self.regions(account, kind)
            for entry in self.store(account, region, kind).values()
        ]

    def get(self, account: str, region: str, name: str, kind: str = BUILDERS) -> Entry | None:
        """The live entry for ``name``, or None."""
        return self._stores.get((account, region, kind), {}).get(name)

    def seed(
        self,
        account: str,
        region: str,
        record: Record,
        operation: str | None = None,
        kind: str = BUILDERS,
    ) -> Entry:
        """Add a new resource; ``operation`` set records its creation as a transition from None."""
        entry = Entry(record, kind, sequence=next(self._sequence), account=account, region=region)
        name, state = entry.name, entry.state
        self._writable(account, region, kind)[name] = entry
        key = (account, region, kind, name)
        lineage = self._lineages.get(key)
        if lineage is None:
            lineage = self._lineages[key] = _Lineage(None if operation else state)
            if operation:
                lineage.transitions.append(Transition(None, state, operation))
        else:  # a name deleted before: its history goes on (a seed is recorded as "seed")
            lineage.transitions.append(Transition(None, state, operation or "seed"))
        return entry

    def set_state(
        self,
        account: str,
        region: str,
        name: str,
        state: str,
        operation: str,
        kind: str = BUILDERS,
        **changes: Any,
    ) -> Entry:
        """Move a live resource to ``state`` (other fields in ``changes``) and record it."""
        entry = self.store(account, region, kind)[name]
        old = entry.state
        entry.record = entry.record.with_state(state, **changes)
        if old != state:
            self._lineages[(account, region, kind, name)].transitions.append(
                Transition(old, state, operation)
            )
        return entry

    def update(self, account: str, region: str, name: str, kind: str, **changes: Any) -> Entry:
        """Change snake_case fields of a live resource (``None``: unset), not its state (nothing
        to record)."""
        entry = self.store(account, region, kind)[name]
        entry.record = entry.record.changed(changes)
        return entry

    def unseed(self, entry: Entry) -> None:
        """Undo the :meth:`seed` of ``entry`` (the last change of its name): a seed that failed
        half-way leaves nothing behind."""
        key = (entry.account, entry.region, entry.kind, entry.name)
        self.store(entry.account, entry.region, entry.kind).pop(entry.name, None)
        lineage = self._lineages[key]
        if lineage.transitions and lineage.transitions[-1].from_state is None:
            lineage.transitions.pop()
        if not lineage.transitions:
            del self._lineages[key]

    def remove(
        self, account: str, region: str, name: str, operation: str, kind: str = BUILDERS
    ) -> None:
        """Delete a live resource; its history ends with a transition to None."""
        entry = self.store(account, region, kind).pop(name)
        self._lineages[(account, region, kind, name)].transitions.append(
            Transition(entry.state, None, operation)
        )

    def history(
        self, account: str, region: str, name: str, kind: str = BUILDERS
    ) -> list[Transition] | None:
        """Every state change of ``name`` since it was seeded or created (None: never existed)."""
        lineage = self._lineages.get((account, region, kind, name))
        return None if lineage is None else list(lineage.transitions)

    def states(
        self, account: str, region: str, name: str, kind: str = BUILDERS
    ) -> list[str | None] | None:
        """The sequence of states ``name`` has been in, seed state first (None: never existed)."""
        lineage = self._lineages.get((account, region, kind, name))
        if lineage is None:
            return None
        states: list[str | None] = [] if lineage.seed_state is None else [lineage.seed_state]
        states.extend(t.to_state for t in lineage.transitions)
        return states

    def names(self, kind: str = BUILDERS) -> Iterator[Key]:
        """Every (account, region, name) of ``kind`` that has a history."""
        return iter([(a, r, n) for a, r, k, n in list(self._lineages) if k == kind])
