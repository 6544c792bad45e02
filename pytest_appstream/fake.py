"""`FakeAppStream`: the in-memory AppStream service of one test (the ``appstream`` fixture).

Use it through the fixture, or as a context manager anywhere::

    with FakeAppStream() as fake:
        fake.add_builder("b")
        boto3.client("appstream").stop_image_builder(Name="b")
        fake.assert_transitions("b", ["RUNNING", "STOPPING"])
"""

from __future__ import annotations

import itertools
import os
import re
import traceback
from collections.abc import Callable, Mapping, Sequence
from types import TracebackType
from typing import Any, cast

import botocore

from . import _assertions as assertions
from . import _wire as wire
from ._app_block_builders import AppBlockBuilder
from ._app_blocks import AppBlock
from ._applications import Application
from ._clock import Clock
from ._collections import Collection, Images, Sessions, collection
from ._directory_configs import DirectoryConfig
from ._entitlements import Entitlement
from ._errors import AppStreamUsageError, ServiceError
from ._export_image_tasks import ExportImageTask
from ._faults import COMMON_MESSAGES, Fault, FaultQueue, make_fault
from ._fleets import Fleet
from ._image_builders import installed
from ._images import RESERVED_PREFIXES, build_image
from ._kinds import Kind, kinds
from ._literals import ImageBuilderState, OperationName
from ._model import (
    Call,
    Image,
    ImageBuilder,
    Transition,
    operation_names,
)
from ._operations import HANDLERS
from ._registry import Entry, Registry
from ._seeding import check_tags
from ._service import Context
from ._settings import (
    DEFAULT_ACCOUNT,
    DEFAULT_REGION,
    apply_environment,
    check_setting,
    check_settings,
    environment,
)
from ._stacks import Stack
from ._themes import Theme
from ._usage_reports import UsageReportSubscription
from ._users import User
from ._validation import check_input

#: What a client sees when the fake fails on a call (AWS's wording of ``InternalFailure``).
INTERNAL_FAILURE_MESSAGE = COMMON_MESSAGES["InternalFailure"]


class FakeAppStream:
    """The AppStream service of one test: registry, faults, transitions, call log, assertions.

    >>> fake = FakeAppStream(transitions="manual", now="2026-01-01T00:00:00Z")
    >>> fake.add_builder("b").state
    'RUNNING'
    >>> fake.sleep(60)
    >>> fake.clock.now().isoformat()
    '2026-01-01T00:01:00+00:00'
    """

    def __init__(
        self,
        *,
        region: str = DEFAULT_REGION,
        account_id: str = DEFAULT_ACCOUNT,
        transitions: str = "polled",
        polls: int = 1,
        now: object = None,
    ) -> None:
        check_settings(region, account_id, transitions, polls)
        self.region = region
        self.account_id = account_id
        self.transitions = transitions
        self.polls = polls
        #: The fake's time: every time it writes comes from it (``now=`` freezes it there).
        self.clock = Clock(now)
        self.registry = Registry()
        self.faults = FaultQueue()
        #: Every call answered, as Call's arguments (a Call is made when a test reads them).
        self._calls: list[tuple[str, dict[str, Any], str | None, str, str]] = []
        self._made_calls: list[Call] = []
        #: Tracebacks of calls the fake itself failed on (answered ``InternalFailure``); the
        #: ``appstream`` fixture fails the test with them.
        self._internal_errors: list[str] = []
        self._contexts: dict[str, Context] = {}
        self._request_ids = itertools.count(1)
        self._seeded: dict[str, int] = {}  # per kind: how many were seeded (default values)
        self._collections: dict[str, Collection[Any]] = {
            of.collection: collection(self, of) for of in kinds()
        }
        self._builders: Collection[ImageBuilder] = self._collections["builders"]
        self._saved_env: dict[str, str | None] = {}
        self._active = False
        self._entered: list[bool] = []  # per open ``with``: did that ``with`` activate the fake?

    def __repr__(self) -> str:
        with self.registry.lock:
            live = {
                collection: len(self.registry.every(self.account_id, collection))
                for collection in self._collections
            }
        counts = ", ".join(f"{n} {collection}" for collection, n in live.items() if n)
        return (
            f"<FakeAppStream {self.region} {self.account_id} transitions={self.transitions!r} "
            f"polls={self.polls} clock={self.clock.now().isoformat()}"
            f"{' (frozen)' if self.clock.frozen else ''}: {counts or 'no resources'}, "
            f"{len(self._calls)} calls, {len(self.faults)} faults>"
        )

    # -- answering calls ---------------------------------------------------------------------

    def _context(self, region: str | None) -> Context:
        region = region or self.region
        ctx = self._contexts.get(region)
        if ctx is None:
            ctx = Context(
                self.registry, self.account_id, region, self.transitions, self.polls, self.clock
            )
            self._contexts[region] = ctx
        return ctx

    def _handle(
        self, operation: str, params: dict[str, Any], region: str | None
    ) -> tuple[int, Any]:
        """Answer one call in wire form: (HTTP status, body). Used by :mod:`~pytest_appstream._wire`."""
        ctx = self._context(region)
        with self.registry.lock:
            try:
                fault = self.faults.take(operation, params, ctx.region)
                if fault is not None:
                    raise ServiceError(
                        fault.error_code, fault.text(params, self.account_id), fault.status()
                    )
                handler = HANDLERS.get(operation)
                if handler is None:
                    raise _unimplemented(operation)
                body = handler(ctx, check_input(operation, params))
            except ServiceError as error:
                self._calls.append((operation, params, error.code, ctx.region, ctx.account))
                return error.status, {"__type": error.code, "message": error.message}
            except AppStreamUsageError:  # the test's own mistake (a when= predicate): to the test
                raise
            except (
                Exception
            ):  # a bug of the fake: AWS's answer to the client, the truth to the test
                self._internal_errors.append(
                    f"{operation} {params!r} raised:\n{traceback.format_exc()}"
                )
                self._calls.append((operation, params, "InternalFailure", ctx.region, ctx.account))
                return 500, {"__type": "InternalFailure", "message": INTERNAL_FAILURE_MESSAGE}
            self._calls.append((operation, params, None, ctx.region, ctx.account))
            return 200, body

    def _next_request_id(self) -> str:
        """A deterministic ``x-amzn-RequestId`` (a UUID-shaped counter)."""
        return f"00000000-0000-4000-8000-{next(self._request_ids):012d}"

    # -- activation ---------------------------------------------------------------------------

    def __enter__(self) -> FakeAppStream:
        self._entered.append(not self._active)
        try:
            self.activate()
        except BaseException:
            self._entered.pop()
            raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._entered.pop():  # a ``with`` inside an active fake leaves it active
            self.deactivate()

    @property
    def active(self) -> bool:
        """True from :meth:`activate` until :meth:`deactivate`."""
        return self._active

    def environment(self) -> dict[str, str | None]:
        """What :meth:`activate` does to ``os.environ``: fake credentials and the fake's region
        set, the AWS profile variables removed (``None``), so no local AWS profile is needed.
        """
        return environment(self.region)

    def activate(self) -> None:
        """Answer every AppStream client of the process; give the environment fake credentials.

        Activating an active fake does nothing. If activation fails (another fake is active),
        nothing is left changed.
        """
        if self._active:
            return
        env = self.environment()
        self._saved_env = {key: os.environ.get(key) for key in env}
        self._active = True
        try:
            apply_environment(env)
            wire.attach(self)  # last: once it succeeded there is nothing left to fail
        except BaseException:
            self.deactivate()
            raise

    def deactivate(self) -> None:
        """Undo :meth:`activate`: nothing is intercepted, the environment is as it was.

        Safe to call more than once, and on a fake that was never activated.
        """
        self._active = False
        saved, self._saved_env = self._saved_env, {}
        try:
            wire.detach(self)
        finally:
            apply_environment(saved)

    # -- seeding and reading ------------------------------------------------------------------

    def add_builder(
        self,
        name: str,
        *,
        state: ImageBuilderState = "RUNNING",
        region: str | None = None,
        tags: Mapping[str, str] | None = None,
        **fields: Any,
    ) -> ImageBuilder:
        """Seed one image builder in the fake's account; see the ``appstream_builder`` marker.

        ``region`` defaults to the fake's; ``tags`` are the builder's tags as ListTagsForResource
        answers them. A builder seeded in an in-between state (``STOPPING``, ``PENDING``, ...)
        completes under the transitions policy like one an operation put there: ``STOPPING``
        ends ``STOPPED``, ``DELETING`` ends deleted, every other one ends ``RUNNING``.

        >>> fake = FakeAppStream()
        >>> fake.add_builder("b", state="STOPPED", tags={"Skip_Stop": "true"}).state
        'STOPPED'
        >>> fake.add_builder("b", region="eu-west-1").arn
        'arn:aws:appstream:eu-west-1:123456789012:image-builder/b'
        """
        __tracebackhide__ = True
        return self.builders.add(name, state=state, region=region, tags=tags, **fields)

    def _next_index(self, of: Kind) -> int:
        """How many resources of kind ``of`` were seeded before (for deterministic defaults)."""
        return self._seeded.get(of.collection, 0)

    def _seeded_one(self, of: Kind) -> None:
        self._seeded[of.collection] = self._seeded.get(of.collection, 0) + 1

    def _region(self, region: object) -> str:
        """``region=`` of a verb: the fake's region when ``None``, else a checked region name."""
        __tracebackhide__ = True
        if region is None:
            return self.region
        check_setting("region", region)
        assert isinstance(region, str)
        return region

    @property
    def builders(self) -> Collection[ImageBuilder]:
        """The image builders: a live mapping of the fake's region by name, in creation order,
        with the verbs of every kind (``add``, ``set_state``, ``advance``, ``history``,
        ``assert_state``, ``assert_transitions``); the ``*_builder`` methods are its shortcuts.
        """
        return self._builders

    @property
    def images(self) -> Images:
        """The account's images (private, and shared with it): a live mapping of the fake's
        region by name, with the verbs of every kind. AWS's public base images are in every
        region but not in this mapping: they are AWS's, not the account's.

        >>> FakeAppStream().images.add("golden", platform="AMAZON_LINUX2").visibility
        'PRIVATE'
        """
        return cast(Images, self._collection("images"))

    @property
    def fleets(self) -> Collection[Fleet]:
        """The account's fleets: a live mapping of the fake's region, with the verbs of every
        kind."""
        return cast(Collection[Fleet], self._collection("fleets"))

    @property
    def stacks(self) -> Collection[Stack]:
        """The account's stacks: a live mapping of the fake's region, with the verbs of every
        kind."""
        return cast(Collection[Stack], self._collection("stacks"))

    @property
    def users(self) -> Collection[User]:
        """The account's user pool users, by user name: a live mapping of the fake's region, with the verbs of every
        kind."""
        return cast(Collection[User], self._collection("users"))

    @property
    def sessions(self) -> Sessions:
        """The account's streaming sessions, by id: a live mapping of the fake's region, with the verbs of every
        kind."""
        return cast(Sessions, self._collection("sessions"))

    @property
    def app_blocks(self) -> Collection[AppBlock]:
        """The account's app blocks: a live mapping of the fake's region, with the verbs of every
        kind."""
        return cast(Collection[AppBlock], self._collection("app_blocks"))

    @property
    def app_block_builders(self) -> Collection[AppBlockBuilder]:
        """The account's app block builders: a live mapping of the fake's region, with the verbs of every
        kind."""
        return cast(Collection[AppBlockBuilder], self._collection("app_block_builders"))

    @property
    def applications(self) -> Collection[Application]:
        """The account's applications: a live mapping of the fake's region, with the verbs of every
        kind."""
        return cast(Collection[Application], self._collection("applications"))

    @property
    def entitlements(self) -> Collection[Entitlement]:
        """The account's entitlements: a live mapping of the fake's region, with the verbs of every
        kind."""
        return cast(Collection[Entitlement], self._collection("entitlements"))

    @property
    def directory_configs(self) -> Collection[DirectoryConfig]:
        """The account's directory configs, by directory name: a live mapping of the fake's
        region, with the verbs of every kind."""
        return cast(Collection[DirectoryConfig], self._collection("directory_configs"))

    @property
    def themes(self) -> Collection[Theme]:
        """The account's stack themes, by stack name: a live mapping of the fake's region, with the verbs of every
        kind."""
        return cast(Collection[Theme], self._collection("themes"))

    @property
    def usage_report_subscriptions(self) -> Collection[UsageReportSubscription]:
        """The account's usage report subscriptions: a live mapping of the fake's region, with
        the verbs of every kind."""
        found = self._collection("usage_report_subscriptions")
        return cast(Collection[UsageReportSubscription], found)

    @property
    def export_image_tasks(self) -> Collection[ExportImageTask]:
        """The account's image export tasks, by task id: a live mapping of the fake's region, with the verbs of every
        kind."""
        return cast(Collection[ExportImageTask], self._collection("export_image_tasks"))

    def _collection(self, name: str) -> Collection[Any]:
        """The collection ``name``, or a clear error when the installed model lacks its kind."""
        __tracebackhide__ = True
        found = self._collections.get(name)
        if found is None:
            raise AppStreamUsageError(
                f"appstream.{name} needs a newer botocore: the installed botocore "
                f"{botocore.__version__} has no model of these resources"
            )
        return found

    def builder(self, name: str, *, region: str | None = None) -> ImageBuilder:
        """The live builder ``name`` (a snapshot); a clear error lists the names there are.

        Reading from the test never counts as an API read: it does not complete transitions.
        """
        __tracebackhide__ = True
        return self.builders.lookup(name, region=region)

    def history(self, name: str, *, region: str | None = None) -> list[Transition]:
        """Every state change of builder ``name`` since it was seeded or created, oldest first."""
        __tracebackhide__ = True
        return self.builders.history(name, region=region)

    def states(self, name: str, *, region: str | None = None) -> list[str | None]:
        """The states builder ``name`` has been in, seed state first (``None``: deleted)."""
        __tracebackhide__ = True
        return self.builders.states(name, region=region)

    @property
    def calls(self) -> list[Call]:
        """Every AppStream call answered, in order (a copy)."""
        with self.registry.lock:
            made = self._made_calls
            made.extend(Call(*raw) for raw in self._calls[len(made) :])
            return list(made)

    # -- driving state -------------------------------------------------------------------------

    def advance(self, name: str | None = None, *, region: str | None = None) -> None:
        """Complete pending transitions now: of every resource of every kind in every region (in
        ``region`` only, if given), or of the image builder ``name``.
        """
        __tracebackhide__ = True
        if name is not None:
            self.builders.advance(name, region=region)
            return
        with self.registry.lock:
            for collection in self._collections.values():
                collection.advance(region=region)

    def create_image(
        self,
        builder_name: str,
        image_name: str,
        *,
        region: str | None = None,
        tags: Mapping[str, str] | None = None,
        **fields: Any,
    ) -> Image:
        """What the Image Assistant's create-image does inside a RUNNING builder.

        The builder goes ``SNAPSHOTTING`` and then ``STOPPED``; the new private image goes
        ``PENDING`` and then ``AVAILABLE``; both by the transitions policy. ``fields`` are
        snake_case ``Image`` members (``display_name``, ``description``, ...). A name in use, or
        one starting with aws, appstream or amazon, is refused as the Image Assistant refuses it::

            image = appstream.create_image("golden-builder", "golden-2026-01")
            appstream.advance()
            appstream.images.assert_state("golden-2026-01", "AVAILABLE")
        """
        __tracebackhide__ = True
        where = self._region(region)
        with self.registry.lock:
            builder = self.builders._entry(builder_name, region=where)
            if builder.state != "RUNNING":
                raise AppStreamUsageError(
                    f"image builder {builder_name!r} is {builder.state}; allowed: a RUNNING "
                    "builder (the Image Assistant runs inside one)"
                )
            return _image_assistant(self, builder, image_name, where, tags, fields)

    def sleep(self, seconds: float) -> None:
        """Move the fake's clock ``seconds`` forward without waiting; a test may patch
        ``time.sleep`` with it. Under the ``"timed"`` policy, in-between states whose duration has
        passed complete at their next read::

            monkeypatch.setattr(time, "sleep", appstream.sleep)
        """
        __tracebackhide__ = True
        self.clock.sleep(seconds)

    def set_state(
        self,
        name: str,
        state: ImageBuilderState,
        *,
        reason: Mapping[str, Any] | None = None,
        errors: list[Mapping[str, Any]] | None = None,
        region: str | None = None,
    ) -> ImageBuilder:
        """Force ``name`` into any state of the model, recorded in its history as ``"set_state"``.

        ``reason`` and ``errors`` are the wire-form ``StateChangeReason`` and
        ``ImageBuilderErrors`` of the new state (left out: cleared). A pending transition is
        dropped: a forced in-between state (``PENDING``, ``DELETING``, ...) stays until changed
        again. Every argument is checked before anything changes::

            appstream.set_state(
                "b", "FAILED",
                reason={"Code": "INTERNAL_ERROR", "Message": "The instance failed to boot."},
                errors=[{"ErrorCode": "INTERNAL_SERVICE_ERROR", "ErrorMessage": "boom"}],
            )
        """
        __tracebackhide__ = True
        try:
            return self.builders.set_state(
                name, state, region=region, state_change_reason=reason, image_builder_errors=errors
            )
        except AppStreamUsageError as error:
            raise AppStreamUsageError(_as_set_state_arguments(str(error))) from None

    # -- faults --------------------------------------------------------------------------------

    def inject(
        self,
        operation: OperationName,
        error_code: str,
        *,
        name: str | None = None,
        when: Callable[[Mapping[str, Any]], object] | None = None,
        times: int | None = 1,
        message: str | None = None,
        region: str | None = None,
    ) -> Fault:
        """Answer matching calls with ``error_code`` instead of applying the rules.

        ``operation`` in either spelling; ``error_code`` any error the operation's model lists, or
        a common AWS error (``ThrottlingException``, ``InternalFailure``, ``ServiceUnavailable``,
        ...). The fault answers calls naming the builder ``name`` (any call if ``None``) for which
        ``when(params)`` is true, ``times`` times (``None``: every matching call); faults answer
        in injection order; ``region`` limits it to calls in that region (``None``: any). A
        faulted call changes nothing and is recorded in :attr:`calls`.

        >>> fault = FakeAppStream().inject("stop_image_builder", "ThrottlingException", times=2)
        >>> fault.operation, fault.times
        ('StopImageBuilder', 2)
        """
        __tracebackhide__ = True
        return self.faults.add(
            make_fault(
                operation,
                error_code,
                name=name,
                when=when,
                times=times,
                message=message,
                region=region,
            )
        )

    def resource_not_found(
        self,
        operation: OperationName = "stop_image_builder",
        *,
        name: str | None = None,
        when: Callable[[Mapping[str, Any]], object] | None = None,
        times: int | None = 1,
        message: str | None = None,
    ) -> Fault:
        """Inject ResourceNotFoundException (``stop_image_builder`` by default); see :meth:`inject`.

        >>> FakeAppStream().resource_not_found(name="nightly").error_code
        'ResourceNotFoundException'
        """
        __tracebackhide__ = True
        return self.inject(
            operation,
            "ResourceNotFoundException",
            name=name,
            when=when,
            times=times,
            message=message,
        )

    def operation_not_permitted(
        self,
        operation: OperationName = "stop_image_builder",
        *,
        name: str | None = None,
        when: Callable[[Mapping[str, Any]], object] | None = None,
        times: int | None = 1,
        message: str | None = None,
    ) -> Fault:
        """Inject OperationNotPermittedException (``stop_image_builder`` by default); see :meth:`inject`.

        >>> FakeAppStream().operation_not_permitted(times=None).times is None
        True
        """
        __tracebackhide__ = True
        return self.inject(
            operation,
            "OperationNotPermittedException",
            name=name,
            when=when,
            times=times,
            message=message,
        )

    def concurrent_modification(
        self,
        operation: OperationName = "stop_image_builder",
        *,
        name: str | None = None,
        when: Callable[[Mapping[str, Any]], object] | None = None,
        times: int | None = 1,
        message: str | None = None,
    ) -> Fault:
        """Inject ConcurrentModificationException (``stop_image_builder`` by default); see :meth:`inject`.

        >>> FakeAppStream().concurrent_modification("delete_image_builder").operation
        'DeleteImageBuilder'
        """
        __tracebackhide__ = True
        return self.inject(
            operation,
            "ConcurrentModificationException",
            name=name,
            when=when,
            times=times,
            message=message,
        )

    # -- assertions ----------------------------------------------------------------------------

    def assert_state(
        self, name: str, state: ImageBuilderState | None, *, region: str | None = None
    ) -> None:
        """Assert that ``name`` is in ``state`` now (``None``: it was deleted).

        A failure shows the states it went through and, if a transition is pending, how it
        would complete::

            appstream.assert_state("b", "STOPPED")
        """
        __tracebackhide__ = True
        self.builders.assert_state(name, state, region=region)

    def assert_transitions(
        self, name: str, states: Sequence[ImageBuilderState | None], *, region: str | None = None
    ) -> None:
        """Assert the exact sequence of states ``name`` has been in, seed state first.

        A failure shows expected and actual side by side, the first difference marked::

            appstream.assert_transitions("b", ["RUNNING", "STOPPING", "STOPPED"])
        """
        __tracebackhide__ = True
        self.builders.assert_transitions(name, states, region=region)

    def assert_called(
        self, operation: OperationName, *, times: int | None = None, **params: Any
    ) -> None:
        """Assert ``operation`` (either spelling) was called: ``times`` times, or at least once.

        ``params`` (wire names) must be among the call's parameters; a failure lists the calls::

            appstream.assert_called("stop_image_builder", times=1, Name="b")
        """
        __tracebackhide__ = True
        assertions.assert_called(self, operation, times=times, **params)

    def assert_not_called(self, operation: OperationName) -> None:
        """Assert ``operation`` (either spelling) was never called.

        A failure lists the calls::

            appstream.assert_not_called("delete_image_builder")
        """
        __tracebackhide__ = True
        assertions.assert_not_called(self, operation)


def _as_set_state_arguments(text: str) -> str:
    """A seed-field error message, naming ``set_state``'s own arguments instead."""
    text = re.sub(r"\bstate_change_reason\b", "reason", text)
    return re.sub(r"\bimage_builder_errors\b", "errors", text)


def _check_lookup(name: object) -> None:
    """A name to look a builder up by must be a string (a list or dict is not even hashable)."""
    __tracebackhide__ = True
    if not isinstance(name, str):
        raise AppStreamUsageError(f"name={name!r} must be an image builder name (a string)")


def _unimplemented(operation: str) -> ServiceError:
    if operation not in operation_names():
        return ServiceError("UnknownOperationException", f"Unknown operation {operation!r}.")
    return ServiceError(
        "UnsupportedOperation",
        f"pytest-appstream does not implement {operation} yet; implemented: "
        f"{', '.join(sorted(HANDLERS))}.",
    )


def _image_assistant(
    fake: FakeAppStream,
    builder: Entry,
    image_name: str,
    region: str,
    tags: Mapping[str, str] | None,
    fields: Mapping[str, Any],
) -> Image:
    """The snapshot: every check first, then the builder and the new image change together."""
    __tracebackhide__ = True
    decided = {"state", "created_time"} & set(fields)
    if decided:
        raise AppStreamUsageError(
            f"{sorted(decided)[0]}=... is not allowed; allowed: other snake_case Image fields "
            "(the new image is PENDING, created now on the fake's clock)"
        )
    if isinstance(image_name, str) and image_name.lower().startswith(RESERVED_PREFIXES):
        raise AppStreamUsageError(
            f"image_name={image_name!r} is not allowed; allowed: a name that does not start with "
            "aws, appstream or amazon (the Image Assistant refuses those)"
        )
    if fake.registry.get(fake.account_id, region, image_name, "images") is not None:
        raise AppStreamUsageError(
            f"image_name={image_name!r}: An image with the given name already exists "
            "(the Image Assistant's answer); allowed: a name not yet used"
        )
    record = builder.record
    source_name = str(getattr(record, "image_arn", "")).rpartition("/")[2]
    found = fake.registry.get(fake.account_id, region, source_name, "images")
    source = None if found is None else found.record
    defaults = {
        "platform": getattr(record, "platform", None),
        "base_image_arn": getattr(record, "image_arn", None),
        "image_builder_name": builder.name,
        "appstream_agent_version": getattr(record, "appstream_agent_version", None),
        # AWS: "for private images, the release date of the base image it was created from"
        "public_base_image_released_date": getattr(source, "public_base_image_released_date", None),
    }
    ctx = fake._context(region)
    image = build_image(
        image_name,
        state="PENDING",
        region=region,
        account_id=fake.account_id,
        index=0,
        **{**defaults, **fields, "created_time": fake.clock.now()},
    )
    checked_tags = check_tags(tags)
    builders, images = fake.builders.kind, fake.images.kind
    fake.registry.set_state(
        fake.account_id, region, builder.name, "SNAPSHOTTING", "create_image", builders.collection
    )
    builder.pending = ctx.pending(builders, "SNAPSHOTTING", "STOPPED")
    entry = fake.registry.seed(fake.account_id, region, image, "create_image", images.collection)
    entry.tags = checked_tags
    entry.pending = ctx.pending(images, "PENDING", "AVAILABLE")
    entry.data["software"] = installed(builder)
    return image
