"""Property test across kinds: fleets, stacks and the images fleets use, against a reference.

Hypothesis drives CreateFleet (ON_DEMAND from AWS's public image, from the account's own image,
from a FAILED one, from one that does not exist; ELASTIC with its members; and the member
combinations AWS refuses), Start/Stop/Delete/UpdateFleet (a DisplayName, an attribute only a
STOPPED fleet may change, a new image of the same or another platform), CreateStack, DeleteStack,
AssociateFleet, DisassociateFleet, DescribeFleets, DescribeStacks, ListAssociatedFleets,
ListAssociatedStacks, DeleteImage (an image a fleet uses too), Create/Enable/Disable/DeleteUser,
BatchAssociateUserStack and BatchDisassociateUserStack (their per-entry errors),
DescribeUserStackAssociations and ``fake.advance()``, under the
``manual`` transitions policy, all through ``fake._handle`` with wire-form parameters.

:class:`FleetWorld` is the reference, written from docs/fleets.md and the "Fleets", "Stacks" and
"Images" and "Users and sessions" sections of docs/state-rules.md, not from the fake's rule tables. After every step:

- the fake's fleets, stacks and images equal the reference's, in order, with the same states,
  pending transitions, images, platforms and display names; a stack's associated fleet is its
  entry's ``data["fleets"]``;
- every history equals the reference's and is a valid path of the rules;
- every answer validates against the botocore output shape, and every error code is one the
  operation's model lists;
- a failed call changes nothing (every kind's records, pending transitions, tags, ``entry.data``
  and histories, in every account and region: :meth:`Driven.snapshot`).

Where the docs say nothing (the order of checks) the reference makes a choice and says "ours".

Deterministic and bounded (``derandomize``, no example database): a few seconds.
``KINDS_EXAMPLES=500 pytest tests/test_state_machine_fleets.py`` explores more.
"""

from __future__ import annotations

import os
from typing import Any

import attrs
import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from pytest_appstream import AppStreamUsageError, FakeAppStream, Transition
from pytest_appstream._model import shape
from pytest_appstream._seeding import default_platform
from tests.test_state_machine_kinds import (
    ACCOUNT,
    HOME,
    MISSING,
    PUBLIC_IN_CATALOG,
    SETTINGS,
    Driven,
    arn,
)

#: More examples than tests/test_state_machine_kinds.py: more rules to reach.
FLEET_SETTINGS = settings(
    SETTINGS, max_examples=int(os.environ.get("KINDS_EXAMPLES", "100")), stateful_step_count=50
)

FLEET_NAMES = ("f1", "f2", "f3")
STACK_NAMES = ("s1", "s2")
USER_NAMES = ("ann@example.com", "bob@example.com")
#: Another platform than AWS's public image's: WINDOWS_SERVER_2022, or where an older botocore's
#: model lacks it (1.34), WINDOWS_SERVER_2016.
OTHER_PLATFORM = (
    "WINDOWS_SERVER_2022"
    if "WINDOWS_SERVER_2022" in getattr(shape("PlatformType"), "enum", ())
    else "WINDOWS_SERVER_2016"
)
#: The account's images: name -> (seeded state, platform). ``img1`` is of another platform than
#: AWS's public image (WINDOWS_SERVER_2019), ``img3`` of the same one; ``img2`` FAILED.
OWN = {
    "img1": ("AVAILABLE", OTHER_PLATFORM),
    "img2": ("FAILED", "WINDOWS_SERVER_2019"),
    "img3": ("AVAILABLE", "WINDOWS_SERVER_2019"),
}
PUBLIC_PLATFORM = "WINDOWS_SERVER_2019"  # AppStream-WinServer2019-...: AWS's naming
IMAGE_SOURCES = (PUBLIC_IN_CATALOG, *OWN, MISSING)

#: CreateFleet requests: a good ON_DEMAND or ELASTIC fleet, and the combinations AWS refuses
#: (docs/state-rules.md "Fleets": InvalidParameterCombinationException).
VARIANTS = ("on_demand",) * 4 + ("elastic",) * 2 + ("elastic_image", "one_subnet", "no_capacity")
BAD_VARIANTS = ("elastic_image", "one_subnet", "no_capacity")
ELASTIC_SESSIONS = 2  # MaxConcurrentSessions of a created ELASTIC fleet: its Desired

#: UpdateFleet changes: a DisplayName (any resting state), MaxUserDurationInSeconds (only a
#: STOPPED fleet: not in AWS's list for a RUNNING fleet of either type), a new image.
UPDATES = ("display", "display", "duration", "image")

#: Where each action is likely picked to succeed (other fleets and names are picked too).
WHERE = {"StartFleet": "STOPPED", "StopFleet": "RUNNING", "DeleteFleet": "STOPPED"}


@attrs.define
class FleetRes:
    """A fleet of the reference."""

    state: str
    fleet_type: str = "ON_DEMAND"
    image_name: str | None = None
    image_arn: str | None = None
    platform: str = PUBLIC_PLATFORM
    display_name: str | None = None
    max_duration: int = 57600  # AWS's default (CreateFleet's sample answer)
    desired: int = 1
    pending: bool = False
    to: str | None = None


@attrs.define
class ImageRes:
    state: str
    platform: str
    pending: bool = False


class FleetWorld:
    """What AWS does with fleets, stacks and the account's images (home region, one account)."""

    def __init__(self) -> None:
        self.fleets: dict[str, FleetRes] = {}
        self.stacks: dict[str, list[str]] = {}  # stack -> its fleets (at most one)
        self.users: dict[str, tuple[str, list[str]]] = {}  # name -> (state, its stacks)
        self.images: dict[str, ImageRes] = {}
        self.histories: dict[tuple[str, str], list[Transition]] = {}
        self.seeds: dict[tuple[str, str], str] = {}

    def record(self, kind: str, name: str, old: str | None, new: str | None, op: str) -> None:
        self.histories.setdefault((kind, name), []).append(Transition(old, new, op))

    # -- images ----------------------------------------------------------------------------------

    def image(self, name: str) -> tuple[str | None, str, str]:
        """(error or None, ARN, platform) of a fleet's image by name (AWS: the image exists and is
        AVAILABLE; public images have an ARN with no account)."""
        if name == PUBLIC_IN_CATALOG:
            return None, arn(HOME, "", "image", name), PUBLIC_PLATFORM
        res = self.images.get(name)
        if res is None:  # AWS: "The image X for account Y does not exist."
            return "ResourceNotFoundException", "", ""
        if res.state != "AVAILABLE":  # AWS: "The image must be in an AVAILABLE state"
            return "ResourceNotAvailableException", "", ""
        return None, arn(HOME, ACCOUNT, "image", name), res.platform

    def delete_image(self, name: str) -> str | None:
        res = self.images.get(name)
        if res is None:  # a public image is not the account's to delete (ours)
            return (
                "OperationNotPermittedException"
                if name == PUBLIC_IN_CATALOG
                else "ResourceNotFoundException"
            )
        image_arn = arn(HOME, ACCOUNT, "image", name)
        if any(f.image_arn == image_arn for f in self.fleets.values()):  # AWS: in use by a fleet
            return "ResourceInUseException"
        if res.state not in ("AVAILABLE", "FAILED"):  # ours: an in-between state
            return "ConcurrentModificationException"
        self.record("images", name, res.state, "DELETING", "DeleteImage")
        res.state, res.pending = "DELETING", True
        return None

    # -- fleets ----------------------------------------------------------------------------------

    def create_fleet(self, name: str, variant: str, source: str) -> str | None:
        if variant in BAD_VARIANTS:  # ours: the request's members are checked before the name
            return "InvalidParameterCombinationException"
        if name in self.fleets:
            return "ResourceAlreadyExistsException"
        fleet = FleetRes("STOPPED", display_name=f"{name} display")  # AWS: created STOPPED
        if variant == "elastic":  # AWS: no image; Desired is MaxConcurrentSessions
            fleet.fleet_type, fleet.desired = "ELASTIC", ELASTIC_SESSIONS
        else:
            error, image_arn, platform = self.image(source)
            if error is not None:
                return error
            fleet.image_name, fleet.image_arn, fleet.platform = source, image_arn, platform
        self.record("fleets", name, None, "STOPPED", "CreateFleet")
        self.fleets[name] = fleet
        return None

    def start_fleet(self, name: str) -> str | None:
        fleet = self.fleets.get(name)
        if fleet is None:
            return "ResourceNotFoundException"
        if fleet.state == "RUNNING":  # ours: already running
            return "OperationNotPermittedException"
        if fleet.state != "STOPPED":  # ours: STARTING, STOPPING
            return "ConcurrentModificationException"
        self.record("fleets", name, "STOPPED", "STARTING", "StartFleet")
        fleet.state, fleet.pending, fleet.to = "STARTING", True, "RUNNING"
        return None

    def stop_fleet(self, name: str) -> str | None:
        fleet = self.fleets.get(name)
        if fleet is None:
            return "ResourceNotFoundException"
        if fleet.state == "STOPPED":  # AWS, by evidence: succeeds, changes nothing
            return None
        if fleet.state != "RUNNING":  # ours
            return "ConcurrentModificationException"
        self.record("fleets", name, "RUNNING", "STOPPING", "StopFleet")
        fleet.state, fleet.pending, fleet.to = "STOPPING", True, "STOPPED"
        return None

    def delete_fleet(self, name: str) -> str | None:
        fleet = self.fleets.get(name)
        if fleet is None:
            return "ResourceNotFoundException"
        if any(name in fleets for fleets in self.stacks.values()):  # AWS, checked first
            return "ResourceInUseException"
        if fleet.state in ("STARTING", "STOPPING"):  # ours
            return "ConcurrentModificationException"
        if fleet.state != "STOPPED":  # AWS: RUNNING is in use
            return "ResourceInUseException"
        self.record("fleets", name, "STOPPED", None, "DeleteFleet")  # gone at once (ours)
        del self.fleets[name]
        return None

    def update_fleet(self, name: str, change: str, value: Any) -> str | None:
        """Checks in this order (ours: AWS gives none): the fleet, the members the fleet type
        takes, the state (in-between: none; RUNNING: AWS's list), the image, its platform."""
        fleet = self.fleets.get(name)
        if fleet is None:
            return "ResourceNotFoundException"
        if change == "image" and fleet.fleet_type == "ELASTIC":  # AWS: no image for ELASTIC
            return "InvalidParameterCombinationException"
        if fleet.state not in ("STOPPED", "RUNNING"):
            return "ConcurrentModificationException"
        if fleet.state == "RUNNING" and change == "duration":  # AWS: only a STOPPED fleet
            return "ResourceInUseException"
        if change == "image":
            error, image_arn, platform = self.image(value)
            if error is not None:
                return error
            if fleet.state == "RUNNING" and platform != fleet.platform:
                return "IncompatibleImageException"  # AWS: another OS needs a stopped fleet
            fleet.image_name, fleet.image_arn, fleet.platform = value, image_arn, platform
        elif change == "display":
            fleet.display_name = value
        else:
            fleet.max_duration = value
        return None

    # -- stacks ----------------------------------------------------------------------------------

    def create_stack(self, name: str) -> str | None:
        if name in self.stacks:
            return "ResourceAlreadyExistsException"
        self.record("stacks", name, None, "ACTIVE", "CreateStack")  # ours: ACTIVE while it lives
        self.stacks[name] = []
        return None

    def delete_stack(self, name: str) -> str | None:
        if name not in self.stacks:
            return "ResourceNotFoundException"
        if self.stacks[name]:  # AWS: "This stack has fleets associated with it."
            return "ResourceInUseException"
        self.record("stacks", name, "ACTIVE", None, "DeleteStack")
        del self.stacks[name]
        for _, stacks in self.users.values():  # ours: a stack that is gone has no users
            if name in stacks:
                stacks.remove(name)
        return None

    def associate(self, stack: str, fleet: str) -> str | None:
        if stack not in self.stacks or fleet not in self.fleets:
            return "ResourceNotFoundException"
        if self.stacks[stack] and self.stacks[stack] != [fleet]:  # AWS: one fleet per stack
            return "OperationNotPermittedException"
        self.stacks[stack] = [fleet]  # any fleet state; the same fleet again: no change (ours)
        return None

    def disassociate(self, stack: str, fleet: str) -> str | None:
        if stack not in self.stacks or fleet not in self.fleets:
            return "ResourceNotFoundException"
        if fleet not in self.stacks[stack]:  # ours
            return "ResourceNotFoundException"
        self.stacks[stack] = []  # the fleet need not be stopped (AWS)
        return None

    # -- users (docs/state-rules.md "Users and sessions") ----------------------------------------

    def create_user(self, name: str) -> str | None:
        if name in self.users:
            return "ResourceAlreadyExistsException"
        self.record("users", name, None, "ENABLED", "CreateUser")  # AWS: a new user is enabled
        self.users[name] = ("ENABLED", [])
        return None

    def user_act(self, operation: str, name: str) -> str | None:
        if name not in self.users:
            return "ResourceNotFoundException"
        state, stacks = self.users[name]
        if operation == "DeleteUser":  # AWS: an enabled user too; its assignments go (ours)
            self.record("users", name, state, None, operation)
            del self.users[name]
            return None
        new = "ENABLED" if operation == "EnableUser" else "DISABLED"
        if new != state:  # ours: enabling an enabled user changes nothing, no error
            self.record("users", name, state, new, operation)
            self.users[name] = (new, stacks)  # AWS: disabling keeps its stacks
        return None

    def batch(self, associate: bool, pairs: list[tuple[str, str]]) -> list[tuple[int, str]]:
        """(entry, error code) of the failed entries; the others are applied (AWS). Which code
        when both names are unknown: the stack's (ours)."""
        errors = []
        for index, (stack, user) in enumerate(pairs):
            if stack not in self.stacks:
                errors.append((index, "STACK_NOT_FOUND"))
            elif user not in self.users:
                errors.append((index, "USER_NAME_NOT_FOUND"))
            else:  # ours: twice, or not assigned: no error
                stacks = self.users[user][1]
                if associate and stack not in stacks:
                    stacks.append(stack)
                elif not associate and stack in stacks:
                    stacks.remove(stack)
        return errors

    def stacks_of(self, fleet: str) -> list[str]:
        """The stacks of a fleet, in the stacks' creation order (ours)."""
        if fleet not in self.fleets:
            return []
        return [s for s, fleets in self.stacks.items() if fleet in fleets]

    # -- time ------------------------------------------------------------------------------------

    def advance(self, fleet: str | None = None) -> None:
        """Complete every pending transition (or the fleet ``fleet``'s)."""
        for name, res in list(self.fleets.items()):
            if res.pending and fleet in (None, name):
                self.record("fleets", name, res.state, res.to, "advance")
                res.state, res.pending, res.to = str(res.to), False, None
        if fleet is not None:
            return
        for name, image in list(self.images.items()):
            if image.pending:  # DELETING: gone
                self.record("images", name, image.state, None, "advance")
                del self.images[name]


#: Every step a history may hold, per kind: (operation, from, to).
MOVES: dict[str, set[tuple[str, str | None, str | None]]] = {
    "fleets": {
        ("CreateFleet", None, "STOPPED"),
        ("StartFleet", "STOPPED", "STARTING"),
        ("StopFleet", "RUNNING", "STOPPING"),
        ("DeleteFleet", "STOPPED", None),
        ("advance", "STARTING", "RUNNING"),
        ("advance", "STOPPING", "STOPPED"),
    },
    "stacks": {("CreateStack", None, "ACTIVE"), ("DeleteStack", "ACTIVE", None)},
    "users": {
        ("CreateUser", None, "ENABLED"),
        ("DisableUser", "ENABLED", "DISABLED"),
        ("EnableUser", "DISABLED", "ENABLED"),
        ("DeleteUser", "ENABLED", None),
        ("DeleteUser", "DISABLED", None),
    },
    "images": {
        ("DeleteImage", "AVAILABLE", "DELETING"),
        ("DeleteImage", "FAILED", "DELETING"),
        ("advance", "DELETING", None),
    },
}


def valid(kind: str, step: Transition) -> bool:
    """One transition the rules allow."""
    return (step.operation, step.from_state, step.to_state) in MOVES[kind]


# -- the machine ---------------------------------------------------------------------------------


class FleetsAndStacks(Driven, RuleBasedStateMachine):
    """The fake and the reference, driven side by side (``manual``: only advance completes)."""

    world: FleetWorld

    @initialize(fleet=st.sampled_from((None, "img1", PUBLIC_IN_CATALOG)), stack=st.booleans())
    def setup(self, fleet: str | None, stack: bool) -> None:
        """The account's images, and maybe a RUNNING fleet ``f1`` (of ``img1`` or AWS's image)
        with a stack ``s1`` associated with it."""
        self.fake = FakeAppStream(transitions="manual")
        self.world = world = FleetWorld()
        for name, (state, platform) in OWN.items():
            self.fake.images.add(name, state=state, platform=platform)
            world.images[name] = ImageRes(state, platform)
            world.seeds[("images", name)] = state
            world.histories[("images", name)] = []
        if fleet is not None:
            error, image_arn, platform = world.image(fleet)
            assert error is None
            # Seeding does not read an account image's platform: a fleet seeded on one gets the
            # default platform (WINDOWS_SERVER_2022, img1's with this botocore); a model lacking
            # it (1.34) seeds img1 as WINDOWS_SERVER_2016, so the fleet says so itself.
            given = (
                {} if platform in (default_platform(), PUBLIC_PLATFORM) else {"platform": platform}
            )
            self.fake.fleets.add(
                "f1", state="RUNNING", image_name=fleet, display_name="f1", **given
            )
            world.fleets["f1"] = FleetRes(
                "RUNNING",
                image_name=fleet,
                image_arn=image_arn,
                platform=platform,
                display_name="f1",
            )
            world.seeds[("fleets", "f1")] = "RUNNING"
            world.histories[("fleets", "f1")] = []
            if stack:
                self.fake.stacks.add("s1", fleets=["f1"])
                world.stacks["s1"] = ["f1"]
                world.seeds[("stacks", "s1")] = "ACTIVE"
                world.histories[("stacks", "s1")] = []

    # -- fleet rules -----------------------------------------------------------------------------

    @rule(data=st.data(), variant=st.sampled_from(VARIANTS))
    def create_fleet(self, data: st.DataObject, variant: str) -> None:
        free = [n for n in FLEET_NAMES if n not in self.world.fleets]
        name = self.pick(data, "name", free, FLEET_NAMES)
        source = PUBLIC_IN_CATALOG
        params: dict[str, Any] = {
            "Name": name,
            "InstanceType": "stream.standard.small",
            "DisplayName": f"{name} display",
        }
        if variant in ("elastic", "elastic_image", "one_subnet"):
            subnets = ["subnet-1"] if variant == "one_subnet" else ["subnet-1", "subnet-2"]
            params.update(
                FleetType="ELASTIC",
                MaxConcurrentSessions=ELASTIC_SESSIONS,
                Platform=PUBLIC_PLATFORM,
                VpcConfig={"SubnetIds": subnets},
            )
            if variant == "elastic_image":
                params["ImageName"] = PUBLIC_IN_CATALOG
        else:
            source = self.pick(data, "image", [PUBLIC_IN_CATALOG, "img1"], IMAGE_SOURCES)
            params.update(FleetType="ON_DEMAND", ImageName=source)
            if variant != "no_capacity":
                params["ComputeCapacity"] = {"DesiredInstances": 1}
        error = self.world.create_fleet(name, variant, source)
        body = self.call("CreateFleet", params, error)
        if error is None:
            fleet = body["Fleet"]
            assert (fleet["Name"], fleet["State"]) == (name, "STOPPED")
            assert fleet.get("ImageArn") == self.world.fleets[name].image_arn
            assert fleet["ComputeCapacityStatus"]["Desired"] == self.world.fleets[name].desired

    @rule(data=st.data(), operation=st.sampled_from(sorted(WHERE)))
    def act(self, data: st.DataObject, operation: str) -> None:
        likely = [n for n, f in self.world.fleets.items() if f.state == WHERE[operation]]
        name = self.pick(data, "name", likely or self.world.fleets, FLEET_NAMES)
        error = {
            "StartFleet": self.world.start_fleet,
            "StopFleet": self.world.stop_fleet,
            "DeleteFleet": self.world.delete_fleet,
        }[operation](name)
        body = self.call(operation, {"Name": name}, error)
        if error is None:
            assert body == {}

    @rule(data=st.data(), change=st.sampled_from(UPDATES))
    def update_fleet(self, data: st.DataObject, change: str) -> None:
        name = self.pick(data, "name", self.world.fleets, FLEET_NAMES)
        value: Any
        if change == "display":
            value = data.draw(st.sampled_from(("Sales", "Office")), label="display")
            params: dict[str, Any] = {"Name": name, "DisplayName": value}
        elif change == "duration":
            value = 3600
            params = {"Name": name, "MaxUserDurationInSeconds": value}
        else:
            value = self.pick(data, "image", ["img1", "img3", PUBLIC_IN_CATALOG], IMAGE_SOURCES)
            params = {"Name": name, "ImageName": value}
        error = self.world.update_fleet(name, change, value)
        body = self.call("UpdateFleet", params, error)
        if error is None:
            fleet, res = body["Fleet"], self.world.fleets[name]
            assert fleet["State"] == res.state
            assert (fleet.get("ImageArn"), fleet.get("DisplayName")) == (
                res.image_arn,
                res.display_name,
            )

    @rule(name=st.one_of(st.none(), st.sampled_from(FLEET_NAMES)))
    def describe_fleets(self, name: str | None) -> None:
        if name is None:
            body = self.call("DescribeFleets", {}, None)
            expected = list(self.world.fleets)
        else:
            error = None if name in self.world.fleets else "ResourceNotFoundException"
            body = self.call("DescribeFleets", {"Names": [name]}, error)
            if error is not None:
                return
            expected = [name]
        assert [f["Name"] for f in body["Fleets"]] == expected
        for fleet in body["Fleets"]:
            res = self.world.fleets[fleet["Name"]]
            assert fleet["State"] == res.state
            assert fleet["FleetType"] == res.fleet_type
            assert fleet.get("ImageName") == res.image_name
            assert fleet["Platform"] == res.platform
            assert fleet["MaxUserDurationInSeconds"] == res.max_duration
            status = fleet["ComputeCapacityStatus"]  # no sessions: Running = Desired or 0
            running = res.desired if res.state == "RUNNING" else 0
            assert (status["Desired"], status["Running"], status["InUse"]) == (
                res.desired,
                running,
                0,
            )

    # -- stack rules -----------------------------------------------------------------------------

    @rule(data=st.data())
    def create_stack(self, data: st.DataObject) -> None:
        free = [n for n in STACK_NAMES if n not in self.world.stacks]
        name = self.pick(data, "name", free, STACK_NAMES)
        error = self.world.create_stack(name)
        body = self.call("CreateStack", {"Name": name}, error)
        if error is None:
            assert body["Stack"]["Name"] == name

    @rule(data=st.data())
    def delete_stack(self, data: st.DataObject) -> None:
        name = self.pick(data, "name", self.world.stacks, STACK_NAMES)
        error = self.world.delete_stack(name)
        body = self.call("DeleteStack", {"Name": name}, error)
        if error is None:
            assert body == {}

    @rule(data=st.data(), associate=st.booleans())
    def association(self, data: st.DataObject, associate: bool) -> None:
        stack = self.pick(data, "stack", self.world.stacks, STACK_NAMES)
        fleet = self.pick(data, "fleet", self.world.fleets, FLEET_NAMES)
        if associate:
            operation, error = "AssociateFleet", self.world.associate(stack, fleet)
        else:
            operation, error = "DisassociateFleet", self.world.disassociate(stack, fleet)
        body = self.call(operation, {"StackName": stack, "FleetName": fleet}, error)
        if error is None:
            assert body == {}

    @rule(name=st.one_of(st.none(), st.sampled_from(STACK_NAMES)))
    def describe_stacks(self, name: str | None) -> None:
        if name is None:
            body = self.call("DescribeStacks", {}, None)
            expected = list(self.world.stacks)
        else:
            error = None if name in self.world.stacks else "ResourceNotFoundException"
            body = self.call("DescribeStacks", {"Names": [name]}, error)
            if error is not None:
                return
            expected = [name]
        assert [s["Name"] for s in body["Stacks"]] == expected

    @rule(stack=st.sampled_from(STACK_NAMES), fleet=st.sampled_from(FLEET_NAMES))
    def list_associations(self, stack: str, fleet: str) -> None:
        body = self.call("ListAssociatedFleets", {"StackName": stack}, None)
        assert body.get("Names", []) == self.world.stacks.get(stack, [])
        body = self.call("ListAssociatedStacks", {"FleetName": fleet}, None)
        assert body.get("Names", []) == self.world.stacks_of(fleet)

    # -- user rules ------------------------------------------------------------------------------

    @rule(data=st.data())
    def create_user(self, data: st.DataObject) -> None:
        free = [n for n in USER_NAMES if n not in self.world.users]
        name = self.pick(data, "name", free, USER_NAMES)
        params = {"UserName": name, "AuthenticationType": "USERPOOL"}
        self.call("CreateUser", params, self.world.create_user(name))

    @rule(data=st.data(), operation=st.sampled_from(("EnableUser", "DisableUser", "DeleteUser")))
    def user_act(self, data: st.DataObject, operation: str) -> None:
        name = self.pick(data, "name", self.world.users, USER_NAMES)
        error = self.world.user_act(operation, name)
        body = self.call(operation, {"UserName": name, "AuthenticationType": "USERPOOL"}, error)
        if error is None:
            assert body == {}

    @rule(data=st.data(), associate=st.booleans(), size=st.integers(1, 3))
    def batch(self, data: st.DataObject, associate: bool, size: int) -> None:
        pairs = [
            (
                self.pick(data, "stack", self.world.stacks, STACK_NAMES),
                self.pick(data, "user", self.world.users, USER_NAMES),
            )
            for _ in range(size)
        ]
        operation = "BatchAssociateUserStack" if associate else "BatchDisassociateUserStack"
        entries = [
            {"StackName": stack, "UserName": user, "AuthenticationType": "USERPOOL"}
            for stack, user in pairs
        ]
        errors = self.world.batch(associate, pairs)
        body = self.call(operation, {"UserStackAssociations": entries}, None)
        got = [
            (entries.index(e["UserStackAssociation"]), e["ErrorCode"])
            for e in body.get("errors", [])
        ]
        expected = [(entries.index(entries[i]), code) for i, code in errors]
        assert got == expected, (operation, pairs, body)

    @rule(name=st.sampled_from(USER_NAMES))
    def describe_user_stacks(self, name: str) -> None:
        params = {"UserName": name, "AuthenticationType": "USERPOOL"}
        body = self.call("DescribeUserStackAssociations", params, None)
        shown = [a["StackName"] for a in body.get("UserStackAssociations", [])]
        assert sorted(shown) == sorted(self.world.users.get(name, ("", []))[1]), name

    # -- images and time -------------------------------------------------------------------------

    @rule(data=st.data())
    def delete_image(self, data: st.DataObject) -> None:
        used = [f.image_name for f in self.world.fleets.values() if f.image_name in OWN]
        name = self.pick(data, "image", used or list(self.world.images), IMAGE_SOURCES)
        error = self.world.delete_image(name)
        body = self.call("DeleteImage", {"Name": name}, error)
        if error is None:
            assert (body["Image"]["Name"], body["Image"]["State"]) == (name, "DELETING")

    @rule(name=st.one_of(st.none(), st.none(), st.sampled_from(FLEET_NAMES)))
    def advance(self, name: str | None) -> None:
        if name is None:
            self.fake.advance()
        elif name not in self.world.fleets:
            before = self.snapshot()
            with pytest.raises(AppStreamUsageError):
                self.fake.fleets.advance(name)
            assert self.snapshot() == before
            return
        else:
            self.fake.fleets.advance(name)
        self.world.advance(name)

    # -- invariants ------------------------------------------------------------------------------

    @invariant()
    def agrees_with_the_reference(self) -> None:
        registry, world = self.fake.registry, self.world
        with registry.lock:
            fleets = registry.store(ACCOUNT, HOME, "fleets")
            assert list(fleets) == list(world.fleets)
            for name, entry in fleets.items():
                res, record = world.fleets[name], entry.record
                assert entry.state == res.state, name
                pending = entry.pending and (entry.pending.to_state, entry.pending.reads_left)
                assert pending == ((res.to, None) if res.pending else None), name
                got = (
                    getattr(record, "fleet_type", None),
                    getattr(record, "image_name", None),
                    getattr(record, "image_arn", None),
                    getattr(record, "platform", None),
                    getattr(record, "display_name", None),
                    getattr(record, "max_user_duration_in_seconds", None),
                )
                assert got == (
                    res.fleet_type,
                    res.image_name,
                    res.image_arn,
                    res.platform,
                    res.display_name,
                    res.max_duration,
                ), name
            stacks = registry.store(ACCOUNT, HOME, "stacks")
            assert list(stacks) == list(world.stacks)
            for name, entry in stacks.items():
                assert entry.state == "ACTIVE"
                assert not entry.pending
                assert entry.data.get("fleets") == world.stacks[name], name
            users = registry.store(ACCOUNT, HOME, "users")
            assert list(users) == list(world.users)
            for name, entry in users.items():
                assert (entry.state, entry.pending) == (world.users[name][0], None), name
            images = registry.store(ACCOUNT, HOME, "images")
            assert list(images) == list(world.images)
            for name, entry in images.items():
                image = world.images[name]
                assert entry.state == image.state, name
                pending = entry.pending and (entry.pending.to_state, entry.pending.reads_left)
                assert pending == ((None, None) if image.pending else None), name
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


def test_fleets_and_stacks_follow_the_rules() -> None:
    run_state_machine_as_test(FleetsAndStacks, settings=FLEET_SETTINGS)


def test_the_path_checker_rejects_what_the_rules_forbid() -> None:
    assert valid("fleets", Transition("STOPPED", "STARTING", "StartFleet"))
    assert not valid("fleets", Transition("RUNNING", None, "DeleteFleet"))
    assert not valid("fleets", Transition("STOPPED", "STOPPING", "StopFleet"))
    assert not valid("stacks", Transition("ACTIVE", "DELETING", "DeleteStack"))
    assert not valid("images", Transition("DELETING", "AVAILABLE", "advance"))
