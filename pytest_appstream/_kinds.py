"""Resource kinds: each AppStream resource is declared once, and the core works for every kind.

A :class:`Kind` says what the registry, the transitions, seeding, faults, assertions, markers and
the generated docs need to know of a resource: its model shape and record class, its ARN form,
its states and its rule table. One module per resource family declares its kind and its
operation handlers (``_image_builders``, ``_images``, ...) and :func:`register`\\ s it.

>>> kind("builders").label
'image builder'
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import attrs

from ._model import Record, service_model


@attrs.frozen
class Action:
    """What a state-changing call needs and does: from ``allowed`` via ``via`` to ``to``.

    ``refused`` is the error for a resting state not in ``allowed`` (``None``: the error for an
    in-between state, ConcurrentModificationException, answers every refusal). In a state of
    ``unchanged`` the call succeeds and changes nothing (StopFleet on a STOPPED fleet).
    """

    allowed: tuple[str, ...]
    via: str
    to: str | None  # None: the resource is gone
    refused: str | None
    unchanged: tuple[str, ...] = ()


@attrs.frozen(kw_only=True)
class Kind:
    """One resource kind of AppStream, as the core sees it."""

    #: The test-side collection (``appstream.builders``), also the kind's id.
    collection: str
    #: How messages name one resource (``"image builder"``).
    label: str
    #: The key of a data file's section (``"image_builders"``).
    data_key: str
    #: The marker that seeds one (``"appstream_builder"``), if any.
    marker: str | None
    record: type[Record]
    #: ``arn:{partition}:appstream:{region}:{account}:{arn_resource}/{name}``
    arn_resource: str
    #: The model enum of its states (``"ImageBuilderState"``); empty for a kind whose model has
    #: none, whose states are then :attr:`state_values` (a stack: ``("ACTIVE",)``, ours).
    states_shape: str
    state_values: tuple[str, ...] = ()
    #: The state ``add`` seeds when none is given.
    default_state: str
    #: States in which the resource waits for an action; every other one is in-between.
    resting_states: tuple[str, ...]
    #: The rule table: operation -> :class:`Action`.
    actions: Mapping[str, Action] = attrs.field(factory=dict)
    #: Where a resource seeded in an in-between state goes (unlisted: ``seeded_default_end``).
    seeded_ends: Mapping[str, str | None] = attrs.field(factory=dict)
    seeded_default_end: str | None = None
    #: ``timed`` durations of in-between states, in seconds, with their source.
    durations: Mapping[str, tuple[int, str]] = attrs.field(factory=dict)
    default_duration: int = 600
    #: Seeds one checked record: ``build(name, state=, region=, account_id=, index=, **fields)``.
    build: Callable[..., Record] | None = None
    #: The operation that creates one (its constraints check seeded strings), if any.
    create_operation: str | None = None
    #: Called with the context, the new entry and the :attr:`links` after a seed, to make what it
    #: needs exist (a seeded builder's image) or link it (a stack's fleets). It may refuse with
    #: AppStreamUsageError before it changes anything: the seed is then undone.
    on_seed: Callable[..., None] | None = None
    #: Called with each entry ``advance()`` completes, for what else it finishes (a deployment).
    on_advance: Callable[[Any], None] | None = None
    #: Where a test finds the kind's verbs, for messages (``appstream.images``; image builders'
    #: shortcuts are on the fake itself: ``appstream``). Empty: ``appstream.<collection>``.
    verbs: str = ""
    #: Seeding order: lower first (images before the builders and fleets made from them).
    order: int = 0
    #: The error for a name that does not exist (entitlements have their own).
    not_found_error: str = "ResourceNotFoundException"
    #: The marker's first argument, the record's key (``name``; ``user_name``, ``id``).
    key_argument: str = "name"
    #: Keywords ``add`` and the marker take beside the record's fields, with their defaults
    #: (a stack's ``fleets=()``); they reach :attr:`on_seed` as keyword arguments.
    links: Mapping[str, Any] = attrs.field(factory=dict)
    #: What the marker does, for ``pytest --markers`` and the docs (after its signature).
    marker_help: str = ""
    #: Whether TagResource takes its resources (AWS tags applications, app blocks, app block
    #: builders, image builders, images, fleets and stacks): ``add(tags=...)`` only then.
    taggable: bool = True
    #: The kind a resource is part of and the field naming its owner (an entitlement:
    #: ``("stacks", "stack_name")``): deleting the owner deletes it (:func:`_service.remove`).
    part_of: tuple[str, str] | None = None
    #: The registry key a seed's keywords give, when it is not the key argument alone (an
    #: entitlement's ``"<stack>/<name>"``): what "seeded twice" and "already live" compare.
    seed_key: Callable[[Mapping[str, Any]], str] | None = None

    def key_of(self, arguments: Mapping[str, Any]) -> str:
        """The registry key of a resource seeded with ``arguments`` (the marker's keywords)."""
        if self.seed_key is not None:
            return self.seed_key(arguments)
        return str(arguments.get(self.key_argument))

    @property
    def verbs_at(self) -> str:
        """Where a test finds the kind's verbs: ``appstream.images``, or :attr:`verbs`."""
        return self.verbs or f"appstream.{self.collection}"

    @property
    def article(self) -> str:
        """The label with its article: ``an image builder``, ``a fleet``, ``a user``."""
        return f"{'an' if self.label[0] in 'aeio' else 'a'} {self.label}"  # a user, a usage

    @property
    def states(self) -> tuple[str, ...]:
        """Every state of the installed model's enum, in model order."""
        if not self.states_shape:
            return self.state_values
        return tuple(getattr(service_model().shape_for(self.states_shape), "enum", ()))

    @property
    def marker_signature(self) -> str:
        """``appstream_fleet(name, *, state='RUNNING', region=None, tags=None, **fields)``."""
        links = "".join(f", {key}={value!r}" for key, value in self.links.items())
        return (
            f"{self.marker}({self.key_argument}, *, state={self.default_state!r}{links}, "
            "region=None, tags=None, **fields)"
        )

    def in_between(self, state: str) -> bool:
        """True for a state in which every action answers ConcurrentModificationException."""
        return state not in self.resting_states

    def seeded_end(self, state: str) -> str | None:
        """Where a resource seeded in the in-between ``state`` goes when that state completes."""
        return self.seeded_ends.get(state, self.seeded_default_end)

    def duration(self, state: str) -> int:
        """How long ``state`` lasts under the ``timed`` policy, in seconds."""
        return self.durations.get(state, (self.default_duration, ""))[0]


_KINDS: dict[str, Kind] = {}


def register(new: Kind) -> Kind:
    """Add a kind (once, from its module); returns it for the module's constant.

    A kind the installed model lacks (an older botocore has no ``Theme``) is not added: the fake
    has no collection, marker or data-file section for it, as the model has no operation.
    """
    if new.record.SHAPE in service_model().shape_names:
        _KINDS[new.collection] = new
    return new


def kind(collection: str) -> Kind:
    """The kind of a collection name (``"builders"``)."""
    return _KINDS[collection]


def registered(collection: str) -> bool:
    """True when the installed model has the kind ``collection`` (see :func:`register`)."""
    return collection in _KINDS


def kinds() -> list[Kind]:
    """Every registered kind, in seeding order."""
    return sorted(_KINDS.values(), key=lambda k: k.order)
