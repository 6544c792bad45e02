"""Property test across kinds: image builders and images driven together, against a reference.

Hypothesis drives CreateImageBuilder (from AWS's public image, from the account's own private
image, from a shared image by name and by ARN, from an image that does not exist),
Start/Stop/DeleteImageBuilder, the Image Assistant (``fake.create_image``), DescribeImageBuilders
and DescribeImages, DeleteImage, Update/DeleteImagePermissions, CopyImage (into another region and
into the same one) and ``fake.advance()``, under the ``manual`` transitions policy, all through
``fake._handle`` with wire-form parameters.

:class:`World` is the reference: a small model written from what docs/state-rules.md and
docs/images.md say AWS does, not from the fake's rule tables. After every step:

- the fake's builders and images (both regions) equal the reference's, in order, with the same
  states, pending transitions, source images and sharing;
- every history equals the reference's and is a valid path of the rules;
- every answer validates against the botocore output shape, and every error code is one the
  operation's model lists;
- a failed call (or a refused ``create_image``) changes nothing: every kind's records in every
  account and region (AWS's public catalog too), pending transitions, tags, ``entry.data`` and
  histories are the same before and after.

Where AWS documents nothing (which error a refusal answers, the order of checks) the reference
follows the choice docs/state-rules.md states; each such rule says "ours". The defects of the
fake this machine found have regression tests at the end.

Deterministic and bounded (``derandomize``, no example database): a few seconds.
``KINDS_EXAMPLES=500 pytest tests/test_state_machine_kinds.py`` explores more.
"""

from __future__ import annotations

import copy
import os
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from pytest_appstream import AppStreamUsageError, FakeAppStream, Transition
from pytest_appstream._kinds import kinds
from pytest_appstream._model import modeled_errors
from tests.fidelity import check_response

ACCOUNT = "123456789012"
PARTNER = "210987654321"  # the account that shares "partner" with ours
HOME, AWAY = "us-east-1", "us-west-2"
REGIONS = (HOME, AWAY)

#: A public image of AWS's catalog (listed in every region). Only catalog names are used: a
#: public name outside the catalog is added to the listing by any lookup, even a failed one
#: (see test_a_lookup_does_not_change_the_public_listing).
PUBLIC_IN_CATALOG = "AppStream-WinServer2019-06-12-2023"  # a platform every model knows
MISSING = "ghost"  # no image of that name anywhere
SHARED = "partner"  # an image another account shares with ours: found by ARN only (AWS)

BUILDER_NAMES = ("b1", "b2")
OWN_IMAGES = ("img1", "img2")  # names the Image Assistant gives
COPY_NAMES = ("c1", "c2", "img1")  # "img1": the name is taken at home, free away
ACCOUNTS = ("111122223333", "444455556666")

SETTINGS = settings(
    max_examples=int(os.environ.get("KINDS_EXAMPLES", "40")),
    stateful_step_count=40,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


def arn(region: str, account: str, kind: str, name: str) -> str:
    return f"arn:aws:appstream:{region}:{account}:{kind}/{name}"


# -- the reference -------------------------------------------------------------------------------

#: Image builders (AWS: developer guide "Image Builder Actions"; Delete from RUNNING by evidence,
#: from FAILED ours): operation -> (allowed states, in-between state, final state or None: gone).
BUILDER_ACTIONS: dict[str, tuple[tuple[str, ...], str, str | None]] = {
    "StopImageBuilder": (("RUNNING",), "STOPPING", "STOPPED"),
    "StartImageBuilder": (("STOPPED",), "PENDING", "RUNNING"),
    "DeleteImageBuilder": (("RUNNING", "STOPPED", "FAILED"), "DELETING", None),
}
BUILDER_RESTING = ("RUNNING", "STOPPED", "FAILED")
#: The error of a refused action in a resting state (ours: AWS names the errors, not when each is
#: raised; Start does not list OperationNotPermitted). In-between: ConcurrentModification (ours).
BUILDER_REFUSED = {
    "StopImageBuilder": "OperationNotPermittedException",
    "StartImageBuilder": "ResourceNotAvailableException",
    "DeleteImageBuilder": "OperationNotPermittedException",
}
#: Every (in-between, final) pair ``advance`` may complete, per kind (AWS: a new builder PENDING
#: -> RUNNING; the Image Assistant SNAPSHOTTING -> STOPPED and the image PENDING -> AVAILABLE; a
#: copy COPYING -> AVAILABLE).
COMPLETIONS = {
    "builders": {
        ("PENDING", "RUNNING"),
        ("STOPPING", "STOPPED"),
        ("DELETING", None),
        ("SNAPSHOTTING", "STOPPED"),
    },
    "images": {("PENDING", "AVAILABLE"), ("COPYING", "AVAILABLE"), ("DELETING", None)},
}


@attrs.define
class Res:
    """One live resource of the reference: state, where it goes (``pending``), and its links."""

    state: str
    pending: bool = False
    to: str | None = None
    image_arn: str | None = None  # a builder's image
    shared: set[str] = attrs.field(factory=set)  # an image's accounts
    visibility: str = "PRIVATE"  # an image's
    builder: str | None = None  # the builder an image was made in


class World:
    """What AWS does, step by step: builders (home region) and the account's images per region."""

    def __init__(self) -> None:
        self.builders: dict[str, Res] = {}
        self.images: dict[str, dict[str, Res]] = {region: {} for region in REGIONS}
        self.histories: dict[tuple[str, str, str], list[Transition]] = {}
        self.seeds: dict[tuple[str, str, str], str] = {}

    def record(self, key: tuple[str, str, str], old: str | None, new: str | None, op: str) -> None:
        self.histories.setdefault(key, []).append(Transition(old, new, op))

    def image_arn_of(self, region: str, name: str) -> str:
        res = self.images[region][name]
        account = PARTNER if res.visibility == "SHARED" else ACCOUNT
        return arn(region, account, "image", name)

    # -- image lookups (AWS: Names find public or own images; shared ones by ARN only) -----------

    def own(self, region: str, name: str) -> Res | None:
        res = self.images[region].get(name)
        return res if res is not None and res.visibility != "SHARED" else None

    @staticmethod
    def public(name: str) -> bool:
        return name == PUBLIC_IN_CATALOG

    # -- builders ------------------------------------------------------------------------------

    def create_builder(self, name: str, source: str, by_arn: bool) -> tuple[str | None, str]:
        """(error or None, the image ARN the builder is made from)."""
        if name in self.builders:  # checked before the image (ours: AWS gives no order)
            return "ResourceAlreadyExistsException", ""
        if by_arn:
            found = self.images[HOME].get(source)
            image_arn = arn(HOME, PARTNER, "image", source)
            if found is None or self.image_arn_of(HOME, source) != image_arn:
                return "ResourceNotFoundException", ""
        elif self.public(source):
            found, image_arn = Res("AVAILABLE"), arn(HOME, "", "image", source)
        else:
            found = self.own(HOME, source)
            if found is None:  # AWS: "The image X for account Y does not exist." (shared too)
                return "ResourceNotFoundException", ""
            image_arn = arn(HOME, ACCOUNT, "image", source)
        if found.state != "AVAILABLE":  # AWS: "The image must be in an AVAILABLE state"
            return "ResourceNotAvailableException", ""
        self.record(("builders", HOME, name), None, "PENDING", "CreateImageBuilder")
        self.builders[name] = Res("PENDING", True, "RUNNING", image_arn=image_arn)
        return None, image_arn

    def act(self, operation: str, name: str) -> str | None:
        res = self.builders.get(name)
        if res is None:
            return "ResourceNotFoundException"
        allowed, via, to = BUILDER_ACTIONS[operation]
        if res.state not in allowed:
            if res.state in BUILDER_RESTING:
                return BUILDER_REFUSED[operation]
            return "ConcurrentModificationException"
        self.record(("builders", HOME, name), res.state, via, operation)
        res.state, res.pending, res.to = via, True, to
        return None

    def create_image(self, builder: str, image: str) -> bool:
        """The Image Assistant: True if it runs (a RUNNING builder, a free image name)."""
        res = self.builders.get(builder)
        if res is None or res.state != "RUNNING" or image in self.images[HOME]:
            return False
        self.record(("builders", HOME, builder), "RUNNING", "SNAPSHOTTING", "create_image")
        res.state, res.pending, res.to = "SNAPSHOTTING", True, "STOPPED"
        self.record(("images", HOME, image), None, "PENDING", "create_image")
        self.images[HOME][image] = Res("PENDING", True, "AVAILABLE", builder=builder)
        return True

    # -- images --------------------------------------------------------------------------------

    def delete_image(self, region: str, name: str) -> str | None:
        res = self.own(region, name)
        if res is None:
            # AWS (inferred): a public image cannot be deleted; an unknown one is not found.
            if self.public(name):
                return "OperationNotPermittedException"
            return "ResourceNotFoundException"
        image_arn = self.image_arn_of(region, name)
        users = [b for b in self.builders.values() if b.image_arn == image_arn]
        if region == HOME and users:  # AWS: "You cannot delete an image when it is in use"
            return "ResourceInUseException"
        if res.shared:  # AWS console: remove all sharing permissions first
            return "ResourceInUseException"
        if res.state not in ("AVAILABLE", "FAILED"):  # ours: an in-between state
            return "ConcurrentModificationException"
        self.record(("images", region, name), res.state, "DELETING", "DeleteImage")
        res.state, res.pending, res.to = "DELETING", True, None
        return None

    def update_permissions(self, name: str, account: str) -> str | None:
        res = self.own(HOME, name)
        if res is None:  # public too: the model lists no OperationNotPermitted here
            return "ResourceNotFoundException"
        if res.state != "AVAILABLE":
            return "ResourceNotAvailableException"
        res.shared.add(account)
        return None

    def delete_permissions(self, name: str, account: str) -> str | None:
        res = self.own(HOME, name)
        if res is None or account not in res.shared:  # ours: not shared with it is not found
            return "ResourceNotFoundException"
        res.shared.discard(account)
        return None

    def copy_image(self, source: str, target: str, region: str) -> str | None:
        res = self.own(HOME, source)
        if res is None:
            # AWS: only custom images can be copied, not AWS's base images.
            if self.public(source):
                return "IncompatibleImageException"
            return "ResourceNotFoundException"
        if res.state != "AVAILABLE":
            return "ResourceNotAvailableException"
        if target in self.images[region]:
            return "ResourceAlreadyExistsException"
        copying = [r for r in self.images[region].values() if r.state == "COPYING"]
        if len(copying) >= 2:  # AWS: at most 2 copies under way into one region
            return "LimitExceededException"
        self.record(("images", region, target), None, "COPYING", "CopyImage")
        self.images[region][target] = Res("COPYING", True, "AVAILABLE")  # sharing not copied
        return None

    # -- time ----------------------------------------------------------------------------------

    def advance(self, builder: str | None = None) -> None:
        targets: list[tuple[str, str, dict[str, Res]]] = (
            [("builders", HOME, self.builders)]
            if builder is not None
            else [
                *[("images", region, self.images[region]) for region in REGIONS],
                ("builders", HOME, self.builders),
            ]
        )
        for kind, region, live in targets:
            for name, res in list(live.items()):
                if (builder is not None and name != builder) or not res.pending:
                    continue
                self.record((kind, region, name), res.state, res.to, "advance")
                if res.to is None:
                    del live[name]
                else:
                    res.state, res.pending, res.to = res.to, False, None


# -- the machine ---------------------------------------------------------------------------------


def _data(data: dict[str, Any]) -> dict[str, Any]:
    """``entry.data`` as compared (a copy)."""
    return dict(data)


class Driven:
    """What every cross-kind machine does with its fake: snapshot it, call it, pick names.

    Shared by the machines of tests/test_state_machine_fleets.py and
    tests/test_state_machine_elastic.py.
    """

    fake: FakeAppStream

    def snapshot(self) -> Any:
        """Everything a call could change: every kind's entries in every account and region
        (AWS's public catalog too), their pending transitions, tags and data, and histories."""
        registry = self.fake.registry
        with registry.lock:
            entries = {
                (of.collection, account, region): [
                    (
                        name,
                        copy.deepcopy(e.record),
                        e.pending and (e.pending.to_state, e.pending.reads_left),
                        dict(e.tags),
                        copy.deepcopy(_data(e.data)),
                    )
                    for name, e in registry.store(account, region, of.collection).items()
                ]
                for of in kinds()
                for account, region in registry.stores(of.collection)
            }
            histories = {
                (of.collection, key): registry.history(*key, kind=of.collection)
                for of in kinds()
                for key in registry.names(of.collection)
            }
        return {k: v for k, v in entries.items() if v}, histories

    def call(
        self, operation: str, params: dict[str, Any], error: str | None, region: str = HOME
    ) -> Any:
        """One call: its outcome is the reference's, its answer is model-valid, its error is
        modeled, and a failure changed nothing."""
        before = self.snapshot()
        status, body = self.fake._handle(operation, params, region)
        check_response(operation, status, body)
        got = body.get("__type") if status != 200 else None
        assert got == error, (operation, params, region, body)
        if error is not None:
            assert error in modeled_errors(operation), (operation, error)
            assert self.snapshot() == before, f"failed {operation} {params} changed the fake"
        return body

    def pick(self, data: st.DataObject, label: str, likely: Any, anything: tuple[str, ...]) -> str:
        """Mostly one of ``likely`` (live names, else calls would mostly miss), sometimes any."""
        pool = sorted(likely)
        names = st.sampled_from(anything)
        choice = st.one_of(st.sampled_from(pool), st.sampled_from(pool), names) if pool else names
        return str(data.draw(choice, label=label))


class Kinds(Driven, RuleBasedStateMachine):
    """The fake and the reference, driven side by side (``manual``: only advance completes)."""

    fake: FakeAppStream
    world: World

    @initialize(image=st.booleans(), running=st.booleans(), stopped=st.booleans())
    def setup(self, image: bool, running: bool, stopped: bool) -> None:
        """A world to start from: a shared image, and maybe an own image ``img1``, a RUNNING
        builder ``b1`` of AWS's image, a STOPPED builder ``b2`` of ``img1`` (it uses it)."""
        self.fake = FakeAppStream(transitions="manual")
        self.world = World()
        seeds: list[tuple[str, str, str, str]] = []
        if image:
            seeds.append(("images", "img1", "AVAILABLE", ""))
        if running:
            seeds.append(("builders", "b1", "RUNNING", arn(HOME, "", "image", PUBLIC_IN_CATALOG)))
        if image and stopped:
            seeds.append(("builders", "b2", "STOPPED", arn(HOME, ACCOUNT, "image", "img1")))
        for kind, name, state, image_arn in seeds:
            if kind == "images":
                self.fake.images.add(name, state=state)
                self.world.images[HOME][name] = Res(state)
            else:
                self.fake.builders.add(name, state=state, image_arn=image_arn)
                self.world.builders[name] = Res(state, image_arn=image_arn)
            self.world.seeds[(kind, HOME, name)] = state
            self.world.histories[(kind, HOME, name)] = []
        self.fake.images.add(SHARED, visibility="SHARED", arn=arn(HOME, PARTNER, "image", SHARED))
        self.world.images[HOME][SHARED] = Res("AVAILABLE", visibility="SHARED")
        self.world.seeds[("images", HOME, SHARED)] = "AVAILABLE"
        self.world.histories[("images", HOME, SHARED)] = []
        for region in REGIONS:  # AWS's catalog is there from the start: list it once
            status, body = self.fake._handle("DescribeImages", {"Type": "PUBLIC"}, region)
            assert status == 200
            assert PUBLIC_IN_CATALOG in [i["Name"] for i in body["Images"]]

    def own_images(self, region: str = HOME) -> list[str]:
        return [n for n, r in self.world.images[region].items() if r.visibility != "SHARED"]

    # -- builder rules ---------------------------------------------------------------------------

    @rule(data=st.data(), name=st.sampled_from(BUILDER_NAMES), by_arn=st.booleans())
    def create_builder(self, data: st.DataObject, name: str, by_arn: bool) -> None:
        available = [
            n for n in self.own_images() if self.world.images[HOME][n].state == "AVAILABLE"
        ]
        sources = (PUBLIC_IN_CATALOG, *OWN_IMAGES, MISSING, SHARED)
        source = self.pick(data, "source", [PUBLIC_IN_CATALOG, *available], sources)
        by_arn = by_arn and source == SHARED  # a shared image: by name (refused) or by ARN
        error, image_arn = self.world.create_builder(name, source, by_arn)
        params = {"Name": name, "InstanceType": "stream.standard.small"}
        if by_arn:
            params["ImageArn"] = arn(HOME, PARTNER, "image", source)
        else:
            params["ImageName"] = source
        body = self.call("CreateImageBuilder", params, error)
        if error is None:
            assert body["ImageBuilder"]["State"] == "PENDING"
            assert body["ImageBuilder"]["ImageArn"] == image_arn

    @rule(data=st.data(), operation=st.sampled_from(sorted(BUILDER_ACTIONS)))
    def act(self, data: st.DataObject, operation: str) -> None:
        name = self.pick(data, "name", self.world.builders, BUILDER_NAMES)
        error = self.world.act(operation, name)
        body = self.call(operation, {"Name": name}, error)
        if error is None:
            assert body["ImageBuilder"]["State"] == BUILDER_ACTIONS[operation][1]

    @rule(data=st.data())
    def create_image(self, data: st.DataObject) -> None:
        running = [n for n, r in self.world.builders.items() if r.state == "RUNNING"]
        builder = self.pick(data, "builder", running, BUILDER_NAMES)
        free = [n for n in OWN_IMAGES if n not in self.world.images[HOME]]
        image = self.pick(data, "image", free, OWN_IMAGES)
        before = self.snapshot()
        expected = self.world.create_image(builder, image)
        try:
            made = self.fake.create_image(builder, image)
        except AppStreamUsageError:
            assert not expected, f"create_image({builder!r}, {image!r}) refused"
            assert self.snapshot() == before, "a refused create_image changed the fake"
        else:
            assert expected, f"create_image({builder!r}, {image!r}) ran"
            assert (made.name, made.state) == (image, "PENDING")

    @rule(name=st.one_of(st.none(), st.sampled_from(BUILDER_NAMES)))
    def describe_builders(self, name: str | None) -> None:
        if name is None:
            body = self.call("DescribeImageBuilders", {}, None)
            expected = list(self.world.builders)
        else:
            error = None if name in self.world.builders else "ResourceNotFoundException"
            body = self.call("DescribeImageBuilders", {"Names": [name]}, error)
            if error is not None:
                return
            expected = [name]
        shown = body["ImageBuilders"]
        assert [b["Name"] for b in shown] == expected
        for builder in shown:
            res = self.world.builders[builder["Name"]]
            assert builder["State"] == res.state
            assert builder["ImageArn"] == res.image_arn

    # -- image rules -----------------------------------------------------------------------------

    @rule(region=st.sampled_from(REGIONS), kind=st.sampled_from(("PRIVATE", "SHARED", None)))
    def describe_images(self, region: str, kind: str | None) -> None:
        body = self.call("DescribeImages", {"Type": kind} if kind else {}, None, region)
        shown = [i for i in body["Images"] if i["Visibility"] != "PUBLIC"]
        expected = [
            name
            for name, res in self.world.images[region].items()
            if kind is None or res.visibility == kind
        ]
        assert [i["Name"] for i in shown] == expected
        for image in shown:
            res = self.world.images[region][image["Name"]]
            assert image["State"] == res.state
            assert image["Arn"] == self.world.image_arn_of(region, image["Name"])
            if res.visibility == "PRIVATE" and "ImageSharedWithOthers" in image:  # newer models
                assert image["ImageSharedWithOthers"] == ("TRUE" if res.shared else "FALSE")
            if res.builder is not None:
                assert image["ImageBuilderName"] == res.builder
        if kind is None:
            assert PUBLIC_IN_CATALOG in [i["Name"] for i in body["Images"]]

    @rule(
        region=st.sampled_from(REGIONS),
        name=st.sampled_from((*OWN_IMAGES, *COPY_NAMES, PUBLIC_IN_CATALOG, MISSING, SHARED)),
        by_arn=st.booleans(),
    )
    def describe_image(self, region: str, name: str, by_arn: bool) -> None:
        world = self.world
        if by_arn:
            found = name in world.images[region] or world.public(name)
            account = ACCOUNT
            if world.public(name):
                account = ""
            elif name == SHARED and region == HOME:
                account = PARTNER
            params: dict[str, Any] = {"Arns": [arn(region, account, "image", name)]}
        else:  # AWS: Names find public and own images, not shared ones
            found = world.own(region, name) is not None or world.public(name)
            params = {"Names": [name]}
        body = self.call(
            "DescribeImages", params, None if found else "ResourceNotFoundException", region
        )
        if found:
            [image] = body["Images"]
            res = world.images[region].get(name)
            assert image["State"] == (res.state if res is not None else "AVAILABLE")

    @rule(data=st.data(), region=st.sampled_from(REGIONS))
    def delete_image(self, data: st.DataObject, region: str) -> None:
        anything = (*OWN_IMAGES, *COPY_NAMES, PUBLIC_IN_CATALOG, MISSING, SHARED)
        name = self.pick(data, "name", self.own_images(region), anything)
        error = self.world.delete_image(region, name)
        body = self.call("DeleteImage", {"Name": name}, error, region)
        if error is None:
            assert (body["Image"]["Name"], body["Image"]["State"]) == (name, "DELETING")

    @rule(data=st.data(), account=st.sampled_from(ACCOUNTS))
    def update_permissions(self, data: st.DataObject, account: str) -> None:
        anything = (*OWN_IMAGES, PUBLIC_IN_CATALOG, MISSING, SHARED)
        name = self.pick(data, "name", self.own_images(), anything)
        error = self.world.update_permissions(name, account)
        params = {
            "Name": name,
            "SharedAccountId": account,
            "ImagePermissions": {"allowFleet": True, "allowImageBuilder": True},
        }
        self.call("UpdateImagePermissions", params, error)

    @rule(data=st.data(), account=st.sampled_from(ACCOUNTS))
    def delete_permissions(self, data: st.DataObject, account: str) -> None:
        shared = [n for n in self.own_images() if self.world.images[HOME][n].shared]
        name = self.pick(data, "name", shared, (*OWN_IMAGES, PUBLIC_IN_CATALOG, MISSING))
        error = self.world.delete_permissions(name, account)
        self.call("DeleteImagePermissions", {"Name": name, "SharedAccountId": account}, error)

    @rule(
        data=st.data(),
        copy_name=st.sampled_from(COPY_NAMES),
        region=st.sampled_from((AWAY, AWAY, HOME)),
    )
    def copy_image(self, data: st.DataObject, copy_name: str, region: str) -> None:
        anything = (*OWN_IMAGES, PUBLIC_IN_CATALOG, MISSING, SHARED)
        source = self.pick(data, "source", self.own_images(), anything)
        error = self.world.copy_image(source, copy_name, region)
        params = {
            "SourceImageName": source,
            "DestinationImageName": copy_name,
            "DestinationRegion": region,
        }
        body = self.call("CopyImage", params, error)
        if error is None:
            assert body == {"DestinationImageName": copy_name}

    # -- time ------------------------------------------------------------------------------------

    @rule(name=st.one_of(st.none(), st.none(), st.sampled_from(BUILDER_NAMES)))
    def advance(self, name: str | None) -> None:
        if name is not None and name not in self.world.builders:
            before = self.snapshot()
            with pytest.raises(AppStreamUsageError):
                self.fake.advance(name)
            assert self.snapshot() == before
            return
        self.fake.advance(name)
        self.world.advance(name)

    # -- invariants ------------------------------------------------------------------------------

    @invariant()
    def agrees_with_the_reference(self) -> None:
        registry, world = self.fake.registry, self.world
        with registry.lock:
            live = {("builders", HOME): world.builders} | {
                ("images", region): world.images[region] for region in REGIONS
            }
            for (kind, region), expected in live.items():
                store = registry.store(ACCOUNT, region, kind)
                assert list(store) == list(expected), (kind, region)
                for name, entry in store.items():
                    res = expected[name]
                    assert entry.state == res.state, (kind, region, name)
                    pending = entry.pending and (entry.pending.to_state, entry.pending.reads_left)
                    assert pending == ((res.to, None) if res.pending else None), (kind, name)
                    if kind == "builders":
                        assert getattr(entry.record, "image_arn", None) == res.image_arn, name
                    else:
                        assert set(entry.data.get("shared", {})) == res.shared, (region, name)
            assert not registry.store(ACCOUNT, AWAY, "builders")
            for (kind, region, name), history in world.histories.items():
                assert registry.history(ACCOUNT, region, name, kind) == history, (kind, name)

    @invariant()
    def every_history_is_a_valid_path(self) -> None:
        registry = self.fake.registry
        with registry.lock:
            for kind, region, name in self.world.histories:
                state = self.world.seeds.get((kind, region, name))
                for step in registry.history(ACCOUNT, region, name, kind) or []:
                    assert step.from_state == state, (kind, name, step)
                    assert valid(kind, step), (kind, name, step)
                    state = step.to_state


def valid(kind: str, step: Transition) -> bool:
    """One transition the rules allow."""
    move = (step.from_state, step.to_state)
    if step.operation == "advance":
        return move in COMPLETIONS[kind]
    if kind == "builders":
        if step.operation == "CreateImageBuilder":
            return move == (None, "PENDING")
        if step.operation == "create_image":
            return move == ("RUNNING", "SNAPSHOTTING")
        allowed, via, _ = BUILDER_ACTIONS[step.operation]
        return step.from_state in allowed and step.to_state == via
    return {
        "create_image": (None, "PENDING"),
        "CopyImage": (None, "COPYING"),
        "DeleteImage": ("AVAILABLE", "DELETING"),
    }.get(step.operation) == move or move == ("FAILED", "DELETING")


def test_builders_and_images_follow_the_rules() -> None:
    run_state_machine_as_test(Kinds, settings=SETTINGS)


def test_the_path_checker_rejects_what_the_rules_forbid() -> None:
    assert valid("builders", Transition("RUNNING", "SNAPSHOTTING", "create_image"))
    assert not valid("builders", Transition("STOPPED", "SNAPSHOTTING", "create_image"))
    assert not valid("images", Transition("PENDING", "DELETING", "DeleteImage"))
    assert not valid("images", Transition("COPYING", None, "advance"))
    assert valid("images", Transition(None, "COPYING", "CopyImage"))


# -- defects this machine found, fixed: their regression tests -----------------------------------


def test_a_failed_delete_image_permissions_changes_nothing() -> None:
    fake = FakeAppStream(transitions="manual")
    fake.images.add("img1")
    before = copy.deepcopy(fake.images._entry("img1").data)
    status, body = fake._handle(
        "DeleteImagePermissions", {"Name": "img1", "SharedAccountId": "111122223333"}, None
    )
    assert (status >= 400, body["__type"]) == (True, "ResourceNotFoundException")
    assert fake.images._entry("img1").data == before


def _public_names(fake: FakeAppStream) -> list[str]:
    status, body = fake._handle("DescribeImages", {"Type": "PUBLIC"}, None)
    assert status == 200
    return [image["Name"] for image in body["Images"]]


def test_a_lookup_does_not_change_the_public_listing() -> None:
    fake = FakeAppStream(transitions="manual")
    listed = _public_names(fake)
    status, body = fake._handle(
        "DescribeImages", {"Names": ["AppStream-WinServer2016-01-01-2019", MISSING]}, None
    )
    assert (status >= 400, body["__type"]) == (True, "ResourceNotFoundException")
    assert _public_names(fake) == listed


def test_a_deleted_builder_does_not_hold_its_image() -> None:
    fake = FakeAppStream(transitions="immediate")
    fake.images.add("img1")
    create = {"Name": "b", "InstanceType": "stream.standard.small", "ImageName": "img1"}
    assert fake._handle("CreateImageBuilder", create, None)[0] == 200
    fake.advance()
    assert fake._handle("DeleteImageBuilder", {"Name": "b"}, None)[0] == 200
    status, body = fake._handle("DeleteImage", {"Name": "img1"}, None)
    assert status == 200, body
    assert fake._handle("DescribeImageBuilders", {}, None)[1]["ImageBuilders"] == []
