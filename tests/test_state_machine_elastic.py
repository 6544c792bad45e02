"""Property test across kinds: app blocks, app block builders, applications, Elastic fleets,
stacks and entitlements, against a reference.

Hypothesis drives CreateAppBlock (``CUSTOM``, ``APPSTREAM2``), DeleteAppBlock,
Create/Start/Stop/DeleteAppBlockBuilder, Associate/DisassociateAppBlockBuilderAppBlock,
Create/DeleteApplication, Associate/DisassociateApplicationFleet (Elastic fleets of either
platform, an ON_DEMAND fleet), DeleteFleet, Create/DeleteStack, Create/DeleteEntitlement,
AssociateApplicationToEntitlement, DisassociateApplicationFromEntitlement and ``fake.advance()``, under the ``manual``
transitions policy, all through ``fake._handle`` with wire-form parameters.

:class:`ElasticWorld` is the reference, written from docs/elastic.md and the "App blocks, app
block builders, applications and entitlements", "Fleets" and "Stacks" sections of
docs/state-rules.md, not from the fake's rule tables. After every step the fake's records of
those kinds equal the reference's (states, pending transitions, a builder's app block, an
application's fleets, an entitlement's applications), histories are equal and valid paths, every
answer is model-valid with a modeled error, and a failed call changes nothing
(:meth:`Driven.snapshot`). Where the docs say nothing (the order of checks) the reference makes a
choice and says "ours".

``KINDS_EXAMPLES=500 pytest tests/test_state_machine_elastic.py`` explores more.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import attrs
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from pytest_appstream import FakeAppStream, Transition
from tests.test_state_machine_kinds import ACCOUNT, HOME, SETTINGS, Driven, arn

ELASTIC_SETTINGS = settings(
    SETTINGS, max_examples=int(os.environ.get("KINDS_EXAMPLES", "100")), stateful_step_count=50
)

BLOCKS = ("ab1", "ab2", "ab3")
BUILDERS = ("bb1", "bb2")
APPS = ("app1", "app2")
#: Seeded fleets: name -> (type, platform, state). The applications are WINDOWS_SERVER_2019's.
FLEETS = {
    "e1": ("ELASTIC", "WINDOWS_SERVER_2019", "STOPPED"),
    "e2": ("ELASTIC", "AMAZON_LINUX2", "RUNNING"),
    "o1": ("ON_DEMAND", "WINDOWS_SERVER_2019", "RUNNING"),
}
FLEET_NAMES = tuple(sorted(FLEETS))
STACK = "st"
STACKS = (STACK, "gone")
ENTITLEMENTS = ("en1", "en2")
S3 = {"S3Bucket": "my-apps", "S3Key": "apps/cad.vhdx"}
SCRIPT = {"ScriptS3Location": S3, "ExecutablePath": "setup.exe", "TimeoutInSeconds": 60}
VPC = {"SubnetIds": ["subnet-a", "subnet-b"]}


def block_arn(name: str) -> str:
    return arn(HOME, ACCOUNT, "app-block", name)


def app_arn(name: str) -> str:
    return arn(HOME, ACCOUNT, "application", name)


@attrs.define
class Builder:
    state: str = "STOPPED"  # AWS: created STOPPED
    pending: bool = False
    to: str | None = None
    block: str | None = None


#: The builders each action is likely picked for (others are picked too).
WHERE: dict[str, Callable[[Builder], bool]] = {
    "StartAppBlockBuilder": lambda b: b.state == "STOPPED" and b.block is not None,
    "StopAppBlockBuilder": lambda b: b.state == "RUNNING",
    "DeleteAppBlockBuilder": lambda b: b.state == "STOPPED" and b.block is None,
}


class ElasticWorld:
    """What AWS does with these kinds (home region, one account)."""

    def __init__(self) -> None:
        self.blocks: dict[str, tuple[str, str]] = {}  # name -> (state, packaging)
        self.builders: dict[str, Builder] = {}
        self.apps: dict[str, tuple[str, list[str]]] = {}  # name -> (app block, fleets)
        self.fleets: dict[str, tuple[str, str, str]] = dict(FLEETS)
        self.stack = True  # does STACK exist
        self.entitlements: dict[str, list[str]] = {}  # name -> applications (STACK's)
        self.histories: dict[tuple[str, str], list[Transition]] = {}
        self.seeds: dict[tuple[str, str], str] = {}

    def record(self, kind: str, name: str, old: str | None, new: str | None, op: str) -> None:
        self.histories.setdefault((kind, name), []).append(Transition(old, new, op))

    # -- app blocks ------------------------------------------------------------------------------

    def create_block(self, name: str, packaging: str) -> str | None:
        if name in self.blocks:
            return "ResourceAlreadyExistsException"
        state = "ACTIVE" if packaging == "CUSTOM" else "INACTIVE"  # AWS
        self.record("app_blocks", name, None, state, "CreateAppBlock")
        self.blocks[name] = (state, packaging)
        return None

    def delete_block(self, name: str) -> str | None:
        if name not in self.blocks:
            return "ResourceNotFoundException"
        if any(b == name for b, _ in self.apps.values()) or any(
            b.block == name for b in self.builders.values()
        ):  # ours: used by an application or a builder
            return "ResourceInUseException"
        self.record("app_blocks", name, self.blocks[name][0], None, "DeleteAppBlock")
        del self.blocks[name]
        return None

    # -- app block builders ----------------------------------------------------------------------

    def create_builder(self, name: str) -> str | None:
        if name in self.builders:
            return "ResourceAlreadyExistsException"
        self.record("app_block_builders", name, None, "STOPPED", "CreateAppBlockBuilder")
        self.builders[name] = Builder()
        return None

    def act(self, operation: str, name: str) -> str | None:
        builder = self.builders.get(name)
        if builder is None:
            return "ResourceNotFoundException"
        if builder.state in ("STARTING", "STOPPING"):  # ours: no action in between
            return "ConcurrentModificationException"
        kind = "app_block_builders"
        if operation == "StartAppBlockBuilder":
            if builder.state != "STOPPED" or builder.block is None:  # AWS: needs an app block
                return "OperationNotPermittedException"
            self.record(kind, name, "STOPPED", "STARTING", operation)
            builder.state, builder.pending, builder.to = "STARTING", True, "RUNNING"
        elif operation == "StopAppBlockBuilder":
            if builder.state != "RUNNING":
                return "OperationNotPermittedException"
            self.record(kind, name, "RUNNING", "STOPPING", operation)
            builder.state, builder.pending, builder.to = "STOPPING", True, "STOPPED"
            block = self.blocks.get(builder.block or "")
            if block == ("INACTIVE", "APPSTREAM2"):  # ours: the packaging session ends
                self.record("app_blocks", str(builder.block), "INACTIVE", "ACTIVE", operation)
                self.blocks[str(builder.block)] = ("ACTIVE", "APPSTREAM2")
        else:
            if builder.state != "STOPPED":  # ours: the state is checked first
                return "OperationNotPermittedException"
            if builder.block is not None:  # ours (the error)
                return "ResourceInUseException"
            self.record(kind, name, "STOPPED", None, operation)  # gone at once (ours)
            del self.builders[name]
        return None

    def associate_block(self, name: str, block: str, associate: bool) -> str | None:
        builder = self.builders.get(name)
        if builder is None or block not in self.blocks:
            return "ResourceNotFoundException"
        if (builder.block == block) == associate:  # ours: nothing to change, no error
            return None
        if builder.state != "STOPPED":  # ours: associations change only while STOPPED
            if builder.state == "RUNNING":
                return "OperationNotPermittedException"
            return "ConcurrentModificationException"
        if associate and builder.block is not None:  # ours: one app block at a time
            return "LimitExceededException"
        builder.block = block if associate else None
        return None

    # -- applications ----------------------------------------------------------------------------

    def create_app(self, name: str, block: str) -> str | None:
        if name in self.apps:  # ours: the name is checked first
            return "ResourceAlreadyExistsException"
        if block not in self.blocks:  # AWS: the app block must exist
            return "ResourceNotFoundException"
        self.record("applications", name, None, "ACTIVE", "CreateApplication")
        self.apps[name] = (block, [])
        return None

    def delete_app(self, name: str) -> str | None:
        if name not in self.apps:
            return "ResourceNotFoundException"
        entitled = any(name in apps for apps in self.entitlements.values())
        if self.apps[name][1] or entitled:  # ours
            return "ResourceInUseException"
        self.record("applications", name, "ACTIVE", None, "DeleteApplication")
        del self.apps[name]
        return None

    def associate_fleet(self, app: str, fleet: str, associate: bool) -> str | None:
        if app not in self.apps or fleet not in self.fleets:
            # AWS: not found; ours: DisassociateApplicationFleet lists no not-found error
            return "ResourceNotFoundException" if associate else "OperationNotPermittedException"
        fleets = self.apps[app][1]
        if not associate:
            if fleet in fleets:
                fleets.remove(fleet)
            return None  # ours: a pair not associated changes nothing
        fleet_type, platform, _ = self.fleets[fleet]
        if fleet_type != "ELASTIC":  # AWS: Elastic fleets only
            return "OperationNotPermittedException"
        if platform != "WINDOWS_SERVER_2019":  # ours: the application's platforms
            return "InvalidParameterCombinationException"
        if fleet not in fleets:
            fleets.append(fleet)
        return None

    def delete_fleet(self, fleet: str) -> str | None:
        if fleet not in self.fleets:
            return "ResourceNotFoundException"
        state = self.fleets[fleet][2]
        if state != "STOPPED":  # AWS: RUNNING is in use
            return "ResourceInUseException"
        self.record("fleets", fleet, state, None, "DeleteFleet")
        del self.fleets[fleet]
        for _, fleets in self.apps.values():  # ours: no longer associated
            if fleet in fleets:
                fleets.remove(fleet)
        return None

    # -- stacks and entitlements -----------------------------------------------------------------

    def create_stack(self) -> str | None:
        if self.stack:
            return "ResourceAlreadyExistsException"
        self.record("stacks", STACK, None, "ACTIVE", "CreateStack")
        self.stack = True
        return None

    def delete_stack(self) -> str | None:
        if not self.stack:
            return "ResourceNotFoundException"
        self.record("stacks", STACK, "ACTIVE", None, "DeleteStack")
        for name in self.entitlements:  # ours: a stack takes its entitlements
            self.record("entitlements", f"{STACK}/{name}", "ACTIVE", None, "DeleteStack")
        self.stack, self.entitlements = False, {}
        return None

    def create_entitlement(self, stack: str, name: str) -> str | None:
        if stack != STACK or not self.stack:
            return "ResourceNotFoundException"
        if name in self.entitlements:  # AWS: unique within its stack
            return "EntitlementAlreadyExistsException"
        self.record("entitlements", f"{STACK}/{name}", None, "ACTIVE", "CreateEntitlement")
        self.entitlements[name] = []
        return None

    def delete_entitlement(self, stack: str, name: str) -> str | None:
        if stack != STACK or not self.stack:
            return "ResourceNotFoundException"
        if name not in self.entitlements:
            return "EntitlementNotFoundException"
        self.record("entitlements", f"{STACK}/{name}", "ACTIVE", None, "DeleteEntitlement")
        del self.entitlements[name]
        return None

    def entitle(self, stack: str, name: str, app: str, associate: bool) -> str | None:
        """Checks the stack, the entitlement, then the application (ours: the order)."""
        if stack != STACK or not self.stack:
            return "ResourceNotFoundException"
        if name not in self.entitlements:
            return "EntitlementNotFoundException"
        if app not in self.apps:  # AWS: the application must exist
            return "ResourceNotFoundException"
        apps = self.entitlements[name]
        if associate and app not in apps:
            apps.append(app)
        elif not associate and app in apps:
            apps.remove(app)
        return None  # ours: again, or not associated: nothing changes

    # -- time ------------------------------------------------------------------------------------

    def advance(self) -> None:
        for name, builder in self.builders.items():
            if builder.pending:
                self.record("app_block_builders", name, builder.state, builder.to, "advance")
                builder.state, builder.pending, builder.to = str(builder.to), False, None


MOVES: dict[str, set[tuple[str, str | None, str | None]]] = {
    "app_blocks": {
        ("CreateAppBlock", None, "ACTIVE"),
        ("CreateAppBlock", None, "INACTIVE"),
        ("StopAppBlockBuilder", "INACTIVE", "ACTIVE"),
        ("DeleteAppBlock", "ACTIVE", None),
        ("DeleteAppBlock", "INACTIVE", None),
    },
    "app_block_builders": {
        ("CreateAppBlockBuilder", None, "STOPPED"),
        ("StartAppBlockBuilder", "STOPPED", "STARTING"),
        ("StopAppBlockBuilder", "RUNNING", "STOPPING"),
        ("DeleteAppBlockBuilder", "STOPPED", None),
        ("advance", "STARTING", "RUNNING"),
        ("advance", "STOPPING", "STOPPED"),
    },
    "applications": {("CreateApplication", None, "ACTIVE"), ("DeleteApplication", "ACTIVE", None)},
    "fleets": {("DeleteFleet", "STOPPED", None)},
    "stacks": {("CreateStack", None, "ACTIVE"), ("DeleteStack", "ACTIVE", None)},
    "entitlements": {
        ("CreateEntitlement", None, "ACTIVE"),
        ("DeleteEntitlement", "ACTIVE", None),
        ("DeleteStack", "ACTIVE", None),
    },
}


def valid(kind: str, step: Transition) -> bool:
    """One transition the rules allow."""
    return (step.operation, step.from_state, step.to_state) in MOVES[kind]


class Elastic(Driven, RuleBasedStateMachine):
    """The fake and the reference, driven side by side (``manual``: only advance completes)."""

    world: ElasticWorld

    @initialize()
    def setup(self) -> None:
        """Three fleets (two Elastic ones of different platforms, an ON_DEMAND one), a stack, two
        app blocks and their builders."""
        self.fake = FakeAppStream(transitions="manual")
        self.world = ElasticWorld()
        for name, (fleet_type, platform, state) in FLEETS.items():
            self.fake.fleets.add(name, state=state, fleet_type=fleet_type, platform=platform)
            self.world.seeds[("fleets", name)] = state
            self.world.histories[("fleets", name)] = []
        self.fake.stacks.add(STACK)
        self.world.seeds[("stacks", STACK)] = "ACTIVE"
        self.world.histories[("stacks", STACK)] = []
        # an APPSTREAM2 app block to package, with a STOPPED builder associated with it, and a
        # CUSTOM one with a RUNNING builder
        for block, packaging, state in (
            ("ab1", "APPSTREAM2", "INACTIVE"),
            ("ab2", "CUSTOM", "ACTIVE"),
        ):
            self.fake.app_blocks.add(block, packaging_type=packaging, state=state)
            self.world.blocks[block] = (state, packaging)
            self.world.seeds[("app_blocks", block)] = state
            self.world.histories[("app_blocks", block)] = []
        for builder, block, state in (("bb1", "ab1", "STOPPED"), ("bb2", "ab2", "RUNNING")):
            self.fake.app_block_builders.add(builder, state=state, app_block=block)
            self.world.builders[builder] = Builder(state, block=block)
            self.world.seeds[("app_block_builders", builder)] = state
            self.world.histories[("app_block_builders", builder)] = []

    # -- app blocks and builders -----------------------------------------------------------------

    @rule(data=st.data(), packaging=st.sampled_from(("APPSTREAM2", "CUSTOM")))
    def create_block(self, data: st.DataObject, packaging: str) -> None:
        free = [n for n in BLOCKS if n not in self.world.blocks]
        name = self.pick(data, "name", free, BLOCKS)
        params: dict[str, Any] = {"Name": name, "SourceS3Location": S3}
        params["PackagingType"] = packaging
        if packaging == "CUSTOM":
            params["SetupScriptDetails"] = SCRIPT
        error = self.world.create_block(name, packaging)
        body = self.call("CreateAppBlock", params, error)
        if error is None:
            assert body["AppBlock"]["State"] == self.world.blocks[name][0]

    @rule(data=st.data())
    def delete_block(self, data: st.DataObject) -> None:
        name = self.pick(data, "name", self.world.blocks, BLOCKS)
        self.call("DeleteAppBlock", {"Name": name}, self.world.delete_block(name))

    @rule(data=st.data())
    def create_builder(self, data: st.DataObject) -> None:
        free = [n for n in BUILDERS if n not in self.world.builders]
        name = self.pick(data, "name", free, BUILDERS)
        params = {
            "Name": name,
            "Platform": "WINDOWS_SERVER_2019",
            "InstanceType": "stream.standard.small",
            "VpcConfig": VPC,
        }
        error = self.world.create_builder(name)
        body = self.call("CreateAppBlockBuilder", params, error)
        if error is None:
            assert body["AppBlockBuilder"]["State"] == "STOPPED"

    @rule(
        data=st.data(),
        operation=st.sampled_from(
            ("StartAppBlockBuilder", "StopAppBlockBuilder", "DeleteAppBlockBuilder")
        ),
    )
    def act(self, data: st.DataObject, operation: str) -> None:
        likely = [n for n, b in self.world.builders.items() if WHERE[operation](b)]
        name = self.pick(data, "name", likely or self.world.builders, BUILDERS)
        error = self.world.act(operation, name)
        body = self.call(operation, {"Name": name}, error)
        if error is None and operation != "DeleteAppBlockBuilder":
            assert body["AppBlockBuilder"]["State"] == self.world.builders[name].state

    @rule(data=st.data(), associate=st.booleans())
    def associate_block(self, data: st.DataObject, associate: bool) -> None:
        stopped = [n for n, b in self.world.builders.items() if b.state == "STOPPED"]
        name = self.pick(data, "builder", stopped or self.world.builders, BUILDERS)
        block = self.pick(data, "block", self.world.blocks, BLOCKS)
        error = self.world.associate_block(name, block, associate)
        operation = ("A" if associate else "Disa") + "ssociateAppBlockBuilderAppBlock"
        params = {"AppBlockArn": block_arn(block), "AppBlockBuilderName": name}
        self.call(operation, params, error)

    # -- applications and fleets -----------------------------------------------------------------

    @rule(data=st.data())
    def create_app(self, data: st.DataObject) -> None:
        free = [n for n in APPS if n not in self.world.apps]
        name = self.pick(data, "name", free, APPS)
        block = self.pick(data, "block", self.world.blocks, BLOCKS)
        params = {
            "Name": name,
            "IconS3Location": S3,
            "LaunchPath": "C:\\cad\\cad.exe",
            "Platforms": ["WINDOWS_SERVER_2019"],
            "InstanceFamilies": ["GENERAL_PURPOSE"],
            "AppBlockArn": block_arn(block),
        }
        self.call("CreateApplication", params, self.world.create_app(name, block))

    @rule(data=st.data())
    def delete_app(self, data: st.DataObject) -> None:
        name = self.pick(data, "name", self.world.apps, APPS)
        self.call("DeleteApplication", {"Name": name}, self.world.delete_app(name))

    @rule(data=st.data(), associate=st.booleans())
    def associate_fleet(self, data: st.DataObject, associate: bool) -> None:
        fleet = self.pick(data, "fleet", ["e1"] if "e1" in self.world.fleets else [], FLEET_NAMES)
        app = self.pick(data, "app", self.world.apps, APPS)
        error = self.world.associate_fleet(app, fleet, associate)
        operation = ("A" if associate else "Disa") + "ssociateApplicationFleet"
        self.call(operation, {"FleetName": fleet, "ApplicationArn": app_arn(app)}, error)

    @rule(fleet=st.sampled_from(("e2", "o1", "e2", "o1", "e1")))  # e1 (STOPPED) now and then
    def delete_fleet(self, fleet: str) -> None:
        self.call("DeleteFleet", {"Name": fleet}, self.world.delete_fleet(fleet))

    @rule(fleet=st.sampled_from(sorted(FLEETS)))
    def describe_associations(self, fleet: str) -> None:
        body = self.call("DescribeApplicationFleetAssociations", {"FleetName": fleet}, None)
        shown = [a["ApplicationArn"] for a in body.get("ApplicationFleetAssociations", [])]
        expected = [app_arn(a) for a, (_, fleets) in self.world.apps.items() if fleet in fleets]
        assert sorted(shown) == sorted(expected)

    # -- stacks and entitlements -----------------------------------------------------------------

    @rule(create=st.sampled_from((True, True, True, False)))  # the stack deleted now and then
    def stack(self, create: bool) -> None:
        if create:
            self.call("CreateStack", {"Name": STACK}, self.world.create_stack())
        else:
            self.call("DeleteStack", {"Name": STACK}, self.world.delete_stack())

    @rule(data=st.data(), stack=st.sampled_from((STACK, STACK, "gone")), create=st.booleans())
    def entitlement(self, data: st.DataObject, stack: str, create: bool) -> None:
        if create:
            free = [n for n in ENTITLEMENTS if n not in self.world.entitlements]
            name = self.pick(data, "name", free, ENTITLEMENTS)
            params = {
                "Name": name,
                "StackName": stack,
                "AppVisibility": "ASSOCIATED",
                "Attributes": [{"Name": "roles", "Value": "engineers"}],
            }
            self.call("CreateEntitlement", params, self.world.create_entitlement(stack, name))
        else:
            name = self.pick(data, "name", self.world.entitlements, ENTITLEMENTS)
            error = self.world.delete_entitlement(stack, name)
            self.call("DeleteEntitlement", {"Name": name, "StackName": stack}, error)

    @rule(data=st.data(), associate=st.booleans())
    def entitle(self, data: st.DataObject, associate: bool) -> None:
        stack = data.draw(st.sampled_from((STACK, STACK, STACK, "gone")), label="stack")
        name = self.pick(data, "name", self.world.entitlements, ENTITLEMENTS)
        app = self.pick(data, "app", self.world.apps, APPS)
        error = self.world.entitle(stack, name, app, associate)
        operation = (
            "AssociateApplicationToEntitlement"
            if associate
            else "DisassociateApplicationFromEntitlement"
        )
        params = {"StackName": stack, "EntitlementName": name, "ApplicationIdentifier": app}
        self.call(operation, params, error)

    @rule()
    def advance(self) -> None:
        self.fake.advance()
        self.world.advance()

    # -- invariants ------------------------------------------------------------------------------

    @invariant()
    def agrees_with_the_reference(self) -> None:
        registry, world = self.fake.registry, self.world

        def store(kind: str) -> Any:
            return registry.store(ACCOUNT, HOME, kind)

        with registry.lock:
            blocks = store("app_blocks")
            assert list(blocks) == list(world.blocks)
            for name, entry in blocks.items():
                assert (entry.state, entry.pending) == (world.blocks[name][0], None), name
            builders = store("app_block_builders")
            assert list(builders) == list(world.builders)
            for name, entry in builders.items():
                res = world.builders[name]
                assert entry.state == res.state, name
                pending = entry.pending and (entry.pending.to_state, entry.pending.reads_left)
                assert pending == ((res.to, None) if res.pending else None), name
                expected = None if res.block is None else block_arn(res.block)
                assert entry.data.get("app_block") == expected, name
            apps = store("applications")
            assert list(apps) == list(world.apps)
            for name, entry in apps.items():
                block, fleets = world.apps[name]
                assert getattr(entry.record, "app_block_arn", None) == block_arn(block), name
                assert sorted(entry.data.get("fleets", {})) == sorted(fleets), name
            assert list(store("fleets")) == list(world.fleets)
            assert list(store("stacks")) == ([STACK] if world.stack else [])
            entitlements = store("entitlements")
            assert list(entitlements) == [f"{STACK}/{n}" for n in world.entitlements]
            for key, entry in entitlements.items():
                apps_of = world.entitlements[key.partition("/")[2]]
                assert list(entry.data.get("applications", {})) == apps_of, key
            for (kind, name), history in world.histories.items():
                assert registry.history(ACCOUNT, HOME, name, kind) == history, (kind, name)

    @invariant()
    def every_history_is_a_valid_path(self) -> None:
        registry = self.fake.registry
        with registry.lock:
            for kind, name in self.world.histories:
                state = self.world.seeds.get((kind, name))
                for step in registry.history(ACCOUNT, HOME, name, kind) or []:
                    assert step.from_state == state, (kind, name, step)
                    assert valid(kind, step), (kind, name, step)
                    state = step.to_state


def test_elastic_kinds_follow_the_rules() -> None:
    run_state_machine_as_test(Elastic, settings=ELASTIC_SETTINGS)


def test_the_path_checker_rejects_what_the_rules_forbid() -> None:
    assert valid("app_block_builders", Transition("STOPPED", "STARTING", "StartAppBlockBuilder"))
    assert not valid("app_block_builders", Transition("RUNNING", None, "DeleteAppBlockBuilder"))
    assert not valid("app_blocks", Transition("ACTIVE", "INACTIVE", "StopAppBlockBuilder"))
    assert not valid("fleets", Transition("RUNNING", None, "DeleteFleet"))
