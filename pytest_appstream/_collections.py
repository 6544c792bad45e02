"""``appstream.<kind>``: one collection per resource kind, with the same verbs for every kind.

A collection is a read-only ``Mapping[str, Record]`` of the live resources of its kind in the
fake's account and region (live: it always shows the registry as it is), and the verbs that seed,
force, complete, read and assert them. Every verb takes ``region=`` (default: the fake's).
Reading from the test never counts as an API read: it completes no transition.

>>> from pytest_appstream import FakeAppStream
>>> fake = FakeAppStream()
>>> fake.builders.add("b", state="STOPPED").state
'STOPPED'
>>> list(fake.builders), fake.builders["b"].name
(['b'], 'b')
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

from . import _assertions as assertions
from ._errors import AppStreamUsageError
from ._images import deprecate
from ._kinds import Kind
from ._model import Image, Record, Transition, fields_of
from ._registry import Entry
from ._seeding import check_fields, check_state, check_tags
from ._service import complete, seeded_pending

if TYPE_CHECKING:
    from .fake import FakeAppStream

R = TypeVar("R", bound=Record)


class Usual(enum.Enum):
    """The default of ``add(state=...)``: the kind's usual resting state (``None`` is refused)."""

    STATE = "the kind's usual state"

    def __repr__(self) -> str:
        return "<the kind's usual state>"


USUAL = Usual.STATE
T = TypeVar("T")


class Collection(Mapping[str, R], Generic[R]):
    """The resources of one kind: a live mapping by name, and the verbs of every kind."""

    def __init__(self, fake: FakeAppStream, of: Kind) -> None:
        self._fake = fake
        self.kind = of

    # -- the mapping (the fake's region) -------------------------------------------------------

    def _store(self, region: str) -> dict[str, Entry]:
        fake = self._fake
        return fake.registry.store(fake.account_id, region, self.kind.collection)

    def __getitem__(self, name: str) -> R:
        with self._fake.registry.lock:
            entry = self._store(self._fake.region).get(name)
        if entry is None:
            raise KeyError(name)
        return cast(R, entry.record)

    def __iter__(self) -> Iterator[str]:
        with self._fake.registry.lock:
            return iter(list(self._store(self._fake.region)))

    def __len__(self) -> int:
        with self._fake.registry.lock:
            return len(self._store(self._fake.region))

    def __repr__(self) -> str:
        return f"<appstream.{self.kind.collection}: {', '.join(map(repr, self)) or 'none'}>"

    # -- seeding --------------------------------------------------------------------------------

    def add(
        self,
        name: str,
        *,
        state: str | Usual = USUAL,
        region: str | None = None,
        tags: Mapping[str, str] | None = None,
        **fields: Any,
    ) -> R:
        """Seed one resource (state: the kind's usual resting state); see the kind's marker.

        A resource seeded in an in-between state completes under the transitions policy like
        one an operation put there. Every argument is checked before anything is stored.
        """
        __tracebackhide__ = True
        fake, of = self._fake, self.kind
        reserved = {"account_id", "index"} & set(fields)  # the fake's, not the resource's
        if reserved:
            check_fields({k: fields[k] for k in reserved}, of.record.SHAPE, of.create_operation)
        links = {key: fields.pop(key, default) for key, default in of.links.items()}
        where = fake._region(region)
        if tags and not of.taggable:
            raise AppStreamUsageError(
                f"tags={tags!r} is not allowed for {of.collection}: AWS does not tag them; "
                "allowed: None (TagResource takes applications, app blocks, app block builders, "
                "image builders, images, fleets and stacks)"
            )
        checked_tags = check_tags(tags)
        assert of.build is not None, f"{of.collection} cannot be seeded"
        with fake.registry.lock:
            record = of.build(
                name,
                state=of.default_state if state is USUAL else state,
                region=where,
                account_id=fake.account_id,
                index=fake._next_index(of),
                **fields,
            )
            key = str(getattr(record, record.KEY_FIELD))
            if fake.registry.get(fake.account_id, where, key, of.collection) is not None:
                raise AppStreamUsageError(
                    f"{of.key_argument}={name!r} is already seeded in {fake.account_id}/{where}; "
                    f"allowed: {of.article} {of.key_argument} not yet used"
                )
            ctx = fake._context(where)
            entry = fake.registry.seed(fake.account_id, where, record, kind=of.collection)
            entry.pending = seeded_pending(ctx, of, entry.state)
            if of.on_seed is not None:
                try:
                    of.on_seed(ctx, entry, **links)
                except AppStreamUsageError:
                    fake.registry.unseed(entry)
                    raise
            entry.tags = checked_tags
            fake._seeded_one(of)
            return cast(R, entry.record)  # as on_seed left it

    # -- reading --------------------------------------------------------------------------------

    def _check_name(self, name: object) -> str:
        __tracebackhide__ = True
        if not isinstance(name, str):
            raise AppStreamUsageError(f"name={name!r} must be {self.kind.article} name (a string)")
        return name

    def _entry(self, name: str, *, region: str | None = None) -> Entry:
        """The live registry entry of ``name`` (record, pending transition, tags)."""
        __tracebackhide__ = True
        self._check_name(name)
        fake = self._fake
        where = fake._region(region)
        with fake.registry.lock:
            found = fake.registry.get(fake.account_id, where, name, self.kind.collection)
        if found is None:
            raise AppStreamUsageError(self._unknown(name, where))
        return found

    def lookup(self, name: str, *, region: str | None = None) -> R:
        """The live resource ``name`` (a snapshot); a clear error lists the names there are."""
        __tracebackhide__ = True
        return cast(R, self._entry(name, region=region).record)

    def _unknown(self, name: str, region: str) -> str:
        """The message for a name that is not live in ``region``: what there is, and where."""
        fake, of = self._fake, self.kind
        live = ", ".join(self._store(region)) or "none"
        was = fake.registry.history(fake.account_id, region, name, of.collection)
        gone = " (it was deleted)" if was else ""
        elsewhere = sorted(
            r
            for a, r, n in fake.registry.names(of.collection)
            if a == fake.account_id and n == name and r != region
        )
        hint = (
            f" (there is one in region {', '.join(elsewhere)}: pass region=)" if elsewhere else ""
        )
        return (
            f"no {of.label} named {name!r}{gone} in {fake.account_id}/{region}{hint}; "
            f"live {of.collection}: {live}"
        )

    def history(self, name: str, *, region: str | None = None) -> list[Transition]:
        """Every state change of ``name`` since it was seeded or created, oldest first."""
        __tracebackhide__ = True
        return self._lineage(name, region, self._fake.registry.history)

    def states(self, name: str, *, region: str | None = None) -> list[str | None]:
        """The states ``name`` has been in, seed state first (``None``: deleted)."""
        __tracebackhide__ = True
        return self._lineage(name, region, self._fake.registry.states)

    def _lineage(
        self, name: str, region: str | None, read: Callable[[str, str, str, str], T | None]
    ) -> T:
        """What the registry's ``read`` knows of ``name``, deleted ones included, or a clear error."""
        __tracebackhide__ = True
        self._check_name(name)
        fake = self._fake
        where = fake._region(region)
        with fake.registry.lock:
            found = read(fake.account_id, where, name, self.kind.collection)
        if found is None:
            raise AppStreamUsageError(self._unknown(name, where))
        return found

    # -- driving state --------------------------------------------------------------------------

    def set_state(self, name: str, state: str, *, region: str | None = None, **fields: Any) -> R:
        """Force ``name`` into any state of the model, recorded as ``"set_state"``.

        ``fields`` (snake_case, wire-form values) change with it; ``None`` clears one. A pending
        transition is dropped: a forced in-between state stays until changed again.
        """
        __tracebackhide__ = True
        fake, of = self._fake, self.kind
        where = fake._region(region)
        with fake.registry.lock:
            self._entry(name, region=where)
            check_state(state, states=of.states, label=of.label)
            wire = check_fields(fields, of.record.SHAPE, of.create_operation)
            names = {f: m for f, m in fields_of(of.record.SHAPE).items() if f in fields}
            changes = {field: wire.get(member) for field, member in names.items()}
            entry = fake.registry.set_state(
                fake.account_id, where, name, state, "set_state", of.collection, **changes
            )
            entry.pending = None
            return cast(R, entry.record)

    def advance(self, name: str | None = None, *, region: str | None = None) -> None:
        """Complete pending transitions now: of every resource of the kind in every region, or
        of ``name`` (in ``region``, the fake's by default).
        """
        __tracebackhide__ = True
        fake, of = self._fake, self.kind
        with fake.registry.lock:
            if name is None:
                regions = (
                    fake.registry.regions(fake.account_id, of.collection)
                    if region is None
                    else [fake._region(region)]
                )
            else:
                regions = [fake._region(region)]
                self._entry(name, region=regions[0])
            for where in regions:
                ctx = fake._context(where)
                for entry in list(self._store(where).values()):
                    if name is None or entry.name == name:
                        complete(ctx, entry)
                        if of.on_advance is not None:
                            of.on_advance(entry)

    # -- assertions -----------------------------------------------------------------------------

    def assert_state(self, name: str, state: str | None, *, region: str | None = None) -> None:
        """Assert that ``name`` is in ``state`` now (``None``: it was deleted)."""
        __tracebackhide__ = True
        assertions.assert_state(self, name, state, self._fake._region(region))

    def assert_transitions(
        self, name: str, states: Sequence[str | None], *, region: str | None = None
    ) -> None:
        """Assert the exact sequence of states ``name`` has been in, seed state first."""
        __tracebackhide__ = True
        assertions.assert_transitions(self, name, states, self._fake._region(region))


class Images(Collection[Image]):
    """``appstream.images``: the account's images, and what a test may say of AWS's public ones."""

    def deprecate(self, name: str, *, region: str | None = None) -> None:
        """Mark AWS's public image ``name`` deprecated (AWS deprecates old base images): creating
        a builder or fleet from it answers ``ResourceNotAvailableException`` ``The image X is
        DEPRECATED. ...``.

        >>> from pytest_appstream import FakeAppStream
        >>> FakeAppStream().images.deprecate("AppStream-WinServer2019-06-12-2023")
        """
        __tracebackhide__ = True
        fake = self._fake
        with fake.registry.lock:
            deprecate(fake._context(fake._region(region)), name)


class Sessions(Collection[Any]):
    """``appstream.sessions``: streaming sessions, keyed by id; ``add`` makes up the id."""

    def add(  # type: ignore[override]  # the id comes first and may be left out
        self,
        id: str | None = None,  # AWS's member name
        *,
        state: str | Usual = USUAL,
        region: str | None = None,
        tags: Mapping[str, str] | None = None,
        **fields: Any,
    ) -> Any:
        """Seed one session (``stack_name``, ``fleet_name``, ``user_id`` required; ``id``: a UUID
        made from the fake's count of seeded sessions when left out, the same in every run).

        >>> from pytest_appstream import FakeAppStream
        >>> appstream = FakeAppStream()
        >>> _ = appstream.fleets.add("f"), appstream.stacks.add("s", fleets=["f"])
        >>> appstream.sessions.add(stack_name="s", fleet_name="f", user_id="ann").id
        '00000000-0000-4000-8000-000000000001'
        """
        __tracebackhide__ = True
        if id is None:
            id = str(
                uuid.UUID(
                    int=0x4000_8000_0000_0000_0000 + self._fake._seeded.get("sessions", 0) + 1
                )
            )
        return super().add(id, state=state, region=region, tags=tags, **fields)


#: The collection class of each kind that has verbs of its own.
COLLECTIONS: dict[str, type[Collection[Any]]] = {"images": Images, "sessions": Sessions}


def collection(fake: FakeAppStream, of: Kind) -> Collection[Any]:
    """The collection of kind ``of`` for ``fake``."""
    return COLLECTIONS.get(of.collection, Collection)(fake, of)
