"""Property test across the smaller kinds: sessions, themes, directory configs, usage reports
and image exports, against a reference.

Hypothesis drives ExpireSession and DescribeSessions (on sessions seeded with
``fake.sessions.add``), Create/Update/Describe/DeleteThemeForStack, CreateStack and DeleteStack
(a theme goes with its stack), Create/Describe/DeleteDirectoryConfig(s),
Create/Describe/DeleteUsageReportSubscription(s), CreateExportImageTask and GetExportImageTask,
and ``fake.advance()``, under the ``manual`` transitions policy, all through ``fake._handle``
with wire-form parameters (:class:`tests.test_state_machine_kinds.Driven`).

:class:`MoreWorld` is the reference, written from docs/users.md, docs/more-resources.md and the
"Users and sessions" and "Directory configs, themes, usage reports and image exports" sections
of docs/state-rules.md, not from the fake's code. After every step the fake's sessions, themes,
directory configs, usage report subscriptions and export tasks equal the reference's (keys and
states); every answer validates against the botocore output shape, every error is modeled, and a
failed call changes nothing (:meth:`Driven.snapshot`).

Where the installed botocore's model lacks the theme operations or the export tasks (1.34), the
rules for them do nothing. Deterministic and bounded (``derandomize``): a few seconds.
``KINDS_EXAMPLES=500 pytest tests/test_state_machine_more.py`` explores more.
"""

from __future__ import annotations

import os

import botocore.session
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from pytest_appstream import FakeAppStream
from tests.test_state_machine_kinds import ACCOUNT, HOME, MISSING, SETTINGS, Driven

MORE_SETTINGS = settings(
    SETTINGS, max_examples=int(os.environ.get("KINDS_EXAMPLES", "100")), stateful_step_count=50
)

_OPERATIONS = set(botocore.session.get_session().get_service_model("appstream").operation_names)
#: What the installed model has (1.34's lacks both).
HAS_THEMES = "CreateThemeForStack" in _OPERATIONS
HAS_EXPORTS = "CreateExportImageTask" in _OPERATIONS

STACK = "s1"  # seeded, with fleet "f1": the sessions' stack
OTHER_STACK = "s2"  # created and deleted by the machine
STACK_NAMES = (STACK, OTHER_STACK, OTHER_STACK, MISSING)  # mostly a stack that may exist
FLEET = "f1"
SESSION_USERS = ("ann", "bob", "cy")
DIRECTORIES = ("corp.example.com", "lab.example.com")
#: The account's images: img1 AVAILABLE (exportable), img2 FAILED (ResourceNotAvailable).
IMAGES = {"img1": "AVAILABLE", "img2": "FAILED"}
AMI_NAMES = ("ami-a", "ami-b", "ami-c")
ROLE = f"arn:aws:iam::{ACCOUNT}:role/AppStreamImages"
UNKNOWN_SESSION = "00000000-0000-4000-8000-000000000000"
UNKNOWN_TASK = "00000000-0000-4000-8000-00000000dead"


class MoreWorld:
    """What AWS does with these kinds (home region, one account), from the docs."""

    def __init__(self) -> None:
        self.stacks: set[str] = {STACK}
        self.sessions: dict[str, str] = {}  # id -> ACTIVE / EXPIRED (EXPIRED leaves on advance)
        self.themes: dict[str, str] = {}  # stack -> ENABLED / DISABLED
        self.directories: set[str] = set()
        self.subscribed = False
        self.tasks: dict[str, tuple[str, str]] = {}  # task id -> (AMI name, state)

    def expire(self, session_id: str) -> None:
        # docs: EXPIRED at once; an unknown or expired id succeeds and changes nothing.
        if self.sessions.get(session_id) == "ACTIVE":
            self.sessions[session_id] = "EXPIRED"

    def create_stack(self, name: str) -> str | None:
        return "ResourceAlreadyExistsException" if name in self.stacks else None

    def delete_stack(self, name: str) -> str | None:
        if name not in self.stacks:
            return "ResourceNotFoundException"
        self.stacks.discard(name)
        self.themes.pop(name, None)  # docs: a theme is gone with its stack
        return None

    def create_theme(self, stack: str) -> str | None:
        if stack not in self.stacks:
            return "ResourceNotFoundException"
        if stack in self.themes:
            return "ResourceAlreadyExistsException"
        self.themes[stack] = "ENABLED"  # docs: a new theme is ENABLED
        return None

    def theme_act(self, stack: str, state: str | None) -> str | None:
        """Update (``state``), Describe or Delete (``state`` "gone"): no theme is not found."""
        if stack not in self.themes:
            return "ResourceNotFoundException"
        if state == "gone":
            del self.themes[stack]
        elif state is not None:
            self.themes[stack] = state
        return None

    def export(self, image: str, ami_name: str) -> str | None:
        if image not in IMAGES:
            return "ResourceNotFoundException"
        if IMAGES[image] != "AVAILABLE":
            return "ResourceNotAvailableException"
        if any(name == ami_name for name, _ in self.tasks.values()):
            return "OperationNotPermittedException"  # docs: AMI names unique (EXPORTING/COMPLETED)
        return None

    def advance(self) -> None:
        self.sessions = {k: v for k, v in self.sessions.items() if v != "EXPIRED"}
        self.tasks = {k: (name, "COMPLETED") for k, (name, _) in self.tasks.items()}


class MoreKinds(Driven, RuleBasedStateMachine):
    """The fake and the reference, driven side by side (``manual``: only advance completes)."""

    world: MoreWorld

    @initialize(sessions=st.integers(0, 2))
    def setup(self, sessions: int) -> None:
        """Stack s1 with fleet f1 (RUNNING), the account's images and a few ACTIVE sessions."""
        self.fake = FakeAppStream(transitions="manual")
        self.world = MoreWorld()
        self.fake.fleets.add(FLEET, state="RUNNING")
        self.fake.stacks.add(STACK, fleets=[FLEET])
        for name, state in IMAGES.items():
            self.fake.images.add(name, state=state)
        for user in SESSION_USERS[:sessions]:
            session = self.fake.sessions.add(stack_name=STACK, fleet_name=FLEET, user_id=user)
            self.world.sessions[session.id] = "ACTIVE"

    # -- sessions --------------------------------------------------------------------------------

    @rule(data=st.data())
    def seed_session(self, data: st.DataObject) -> None:
        user = data.draw(st.sampled_from(SESSION_USERS), label="user")
        session = self.fake.sessions.add(stack_name=STACK, fleet_name=FLEET, user_id=user)
        self.world.sessions[session.id] = "ACTIVE"

    @rule(data=st.data())
    def expire_session(self, data: st.DataObject) -> None:
        session_id = self.pick(data, "session", self.world.sessions, (UNKNOWN_SESSION,))
        self.call("ExpireSession", {"SessionId": session_id}, None)
        self.world.expire(session_id)

    @rule()
    def describe_sessions(self) -> None:
        body = self.call("DescribeSessions", {"StackName": STACK, "FleetName": FLEET}, None)
        listed = {s["Id"]: s["State"] for s in body["Sessions"]}
        assert listed == self.world.sessions

    # -- stacks and themes -----------------------------------------------------------------------

    @rule(data=st.data())
    def create_stack(self, data: st.DataObject) -> None:
        name = data.draw(st.sampled_from((STACK, OTHER_STACK, OTHER_STACK)), label="stack")
        error = self.world.create_stack(name)
        self.call("CreateStack", {"Name": name}, error)
        if error is None:
            self.world.stacks.add(name)

    @rule()
    def delete_stack(self) -> None:  # s2 only: s1 holds the sessions
        self.call("DeleteStack", {"Name": OTHER_STACK}, self.world.delete_stack(OTHER_STACK))

    @rule(stack=st.sampled_from(STACK_NAMES))
    def create_theme(self, stack: str) -> None:
        if not HAS_THEMES:
            return
        params = {"StackName": stack, "TitleText": stack, "ThemeStyling": "BLUE"}
        params["OrganizationLogoS3Location"] = {"S3Bucket": "brand", "S3Key": "logo.png"}
        params["FaviconS3Location"] = {"S3Bucket": "brand", "S3Key": "favicon.ico"}
        self.call("CreateThemeForStack", params, self.world.create_theme(stack))

    @rule(stack=st.sampled_from(STACK_NAMES), state=st.sampled_from(("ENABLED", "DISABLED")))
    def update_theme(self, stack: str, state: str) -> None:
        if not HAS_THEMES:
            return
        error = self.world.theme_act(stack, state)
        self.call("UpdateThemeForStack", {"StackName": stack, "State": state}, error)

    @rule(stack=st.sampled_from(STACK_NAMES))
    def describe_theme(self, stack: str) -> None:
        if not HAS_THEMES:
            return
        expected = self.world.themes.get(stack)
        body = self.call(
            "DescribeThemeForStack", {"StackName": stack}, self.world.theme_act(stack, None)
        )
        if expected is not None:
            assert body["Theme"]["State"] == expected

    @rule(stack=st.sampled_from(STACK_NAMES))
    def delete_theme(self, stack: str) -> None:
        if not HAS_THEMES:
            return
        error = self.world.theme_act(stack, "gone")
        self.call("DeleteThemeForStack", {"StackName": stack}, error)

    # -- directory configs -----------------------------------------------------------------------

    @rule(name=st.sampled_from(DIRECTORIES))
    def create_directory_config(self, name: str) -> None:
        error = "ResourceAlreadyExistsException" if name in self.world.directories else None
        ou = "OU=AppStream," + ",".join(f"DC={part}" for part in name.split("."))
        params = {"DirectoryName": name, "OrganizationalUnitDistinguishedNames": [ou]}
        self.call("CreateDirectoryConfig", params, error)
        self.world.directories.add(name)

    @rule(name=st.sampled_from(DIRECTORIES))
    def delete_directory_config(self, name: str) -> None:
        error = None if name in self.world.directories else "ResourceNotFoundException"
        self.call("DeleteDirectoryConfig", {"DirectoryName": name}, error)
        self.world.directories.discard(name)

    @rule()
    def describe_directory_configs(self) -> None:
        body = self.call("DescribeDirectoryConfigs", {}, None)
        listed = {c["DirectoryName"] for c in body["DirectoryConfigs"]}
        assert listed == self.world.directories

    # -- usage reports ---------------------------------------------------------------------------

    @rule()
    def create_usage_reports(self) -> None:
        self.call("CreateUsageReportSubscription", {}, None)  # again: answers the one there is
        self.world.subscribed = True

    @rule()
    def delete_usage_reports(self) -> None:
        error = None if self.world.subscribed else "ResourceNotFoundException"
        self.call("DeleteUsageReportSubscription", {}, error)
        self.world.subscribed = False

    @rule()
    def describe_usage_reports(self) -> None:
        body = self.call("DescribeUsageReportSubscriptions", {}, None)
        assert len(body["UsageReportSubscriptions"]) == int(self.world.subscribed)

    # -- image exports ---------------------------------------------------------------------------

    @rule(image=st.sampled_from((*IMAGES, "img1", MISSING)), ami=st.sampled_from(AMI_NAMES))
    def export_image(self, image: str, ami: str) -> None:
        if not HAS_EXPORTS:
            return
        params = {"ImageName": image, "AmiName": ami, "IamRoleArn": ROLE}
        error = self.world.export(image, ami)
        body = self.call("CreateExportImageTask", params, error)
        if error is None:
            task = body["ExportImageTask"]
            assert task["State"] == "EXPORTING"
            self.world.tasks[task["TaskId"]] = (ami, "EXPORTING")

    @rule(data=st.data())
    def get_export_task(self, data: st.DataObject) -> None:
        if not HAS_EXPORTS:
            return
        task_id = self.pick(data, "task", self.world.tasks, (UNKNOWN_TASK,))
        known = self.world.tasks.get(task_id)
        error = None if known else "ResourceNotFoundException"
        body = self.call("GetExportImageTask", {"TaskId": task_id}, error)
        if known:
            task = body["ExportImageTask"]
            assert (task["AmiName"], task["State"]) == known
            assert ("AmiId" in task) == (known[1] == "COMPLETED")

    # -- time ------------------------------------------------------------------------------------

    @rule()
    def advance(self) -> None:
        self.fake.advance()
        self.world.advance()

    # -- invariant -------------------------------------------------------------------------------

    @invariant()
    def agrees_with_the_reference(self) -> None:
        registry, world = self.fake.registry, self.world

        def states(kind: str) -> dict[str, str]:
            return {name: e.state for name, e in registry.store(ACCOUNT, HOME, kind).items()}

        with registry.lock:
            assert states("sessions") == world.sessions
            assert set(states("stacks")) == world.stacks
            assert states("directory_configs") == dict.fromkeys(world.directories, "ACTIVE")
            subscriptions = states("usage_report_subscriptions")
            assert list(subscriptions.values()) == (["ACTIVE"] if world.subscribed else [])
            if HAS_THEMES:
                assert states("themes") == world.themes
            if HAS_EXPORTS:
                tasks = states("export_image_tasks")
                assert tasks == {k: state for k, (_, state) in world.tasks.items()}


def test_sessions_themes_configs_reports_and_exports_follow_the_docs() -> None:
    run_state_machine_as_test(MoreKinds, settings=MORE_SETTINGS)
