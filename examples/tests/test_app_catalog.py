"""Publishing an application to an Elastic fleet's catalog, against the fake: the whole run, then
each way it can stop.

A person installs the application in the app block builder's session; the tests' ``install``
step stands in for them. Under ``transitions="timed"`` the builder takes realistic minutes to
start and stop on the fake's clock, and ``virtual_time`` puts the code's sleeping on that clock.
"""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from builder_ops import app_catalog

START = "2026-03-01T09:00:00Z"
ARN = "arn:aws:appstream:us-east-1:123456789012:"
CAD = r"C:\Program Files\CAD\cad.exe"


@pytest.fixture
def world(appstream):
    """An Elastic fleet and its stack, and the team's app block builder (free, no app block)."""
    appstream.fleets.add(
        "elastic", fleet_type="ELASTIC", platform="WINDOWS_SERVER_2019", max_concurrent_sessions=10
    )
    appstream.stacks.add("engineering", fleets=["elastic"])
    appstream.app_block_builders.add("packager", app_block=None)
    return appstream


@pytest.fixture(autouse=True)
def virtual_time(appstream, monkeypatch):
    """The code's sleep and monotonic on the fake's clock: waiting takes no wall time (every
    test: under the default policy a wait sleeps once per in-between state)."""
    monkeypatch.setattr(app_catalog.time, "sleep", appstream.sleep)
    monkeypatch.setattr(app_catalog.time, "monotonic", lambda: appstream.clock.now().timestamp())


def publish(**overrides):
    arguments = {
        "app": "cad",
        "bucket": "my-apps",
        "launch_path": CAD,
        "fleet": "elastic",
        "stack": "engineering",
        "entitlement": "engineers",
        "role": "engineer",
        "install": lambda url: None,
        **overrides,
    }
    return app_catalog.publish(**arguments)


@pytest.mark.appstream(transitions="timed", now=START)
def test_publish_an_application(world, appstream_client):
    urls = []

    published = publish(install=urls.append)

    assert published == app_catalog.Published(
        application_arn=ARN + "application/cad",
        app_block_arn=ARN + "app-block/cad",
        fleet="elastic",
        stack="engineering",
        entitlement="engineers",
    )
    assert urls[0].startswith("https://appstream2.us-east-1.aws.amazon.com/authenticate?")
    world.app_blocks.assert_transitions("cad", ["INACTIVE", "ACTIVE"])
    world.app_block_builders.assert_transitions(
        "packager", ["STOPPED", "STARTING", "RUNNING", "STOPPING", "STOPPED"]
    )
    assert appstream_client.list_entitled_applications(
        StackName="engineering", EntitlementName="engineers"
    )["EntitledApplications"] == [{"ApplicationIdentifier": "cad"}]
    assert appstream_client.describe_application_fleet_associations(FleetName="elastic")[
        "ApplicationFleetAssociations"
    ] == [{"FleetName": "elastic", "ApplicationArn": ARN + "application/cad"}]
    # 10 minutes to start, 5 to stop (the fake's figures; AWS gives none)
    assert world.clock.now().isoformat() == "2026-03-01T09:15:00+00:00"


def test_an_existing_entitlement_is_reused(world, appstream_client):
    world.app_blocks.add("office")
    world.applications.add("excel", app_block="office", fleets=["elastic"])
    world.entitlements.add(
        "engineers", stack_name="engineering", app_visibility="ASSOCIATED", applications=["excel"]
    )

    publish()

    world.assert_not_called("create_entitlement")
    listed = appstream_client.list_entitled_applications(
        StackName="engineering", EntitlementName="engineers"
    )["EntitledApplications"]
    assert [a["ApplicationIdentifier"] for a in listed] == ["excel", "cad"]


def test_a_fleet_that_is_not_elastic(world):
    world.fleets.add("always-on", fleet_type="ALWAYS_ON")

    with pytest.raises(app_catalog.NotElasticFleetError, match="fleet always-on is ALWAYS_ON"):
        publish(fleet="always-on")

    world.assert_not_called("create_app_block")  # checked before anything is created


def test_the_builder_is_not_stopped(world):
    world.app_blocks.add("office")
    world.app_block_builders.set_state("packager", "STOPPED")
    world.app_block_builders.add("busy", app_block="office", state="RUNNING")

    with pytest.raises(app_catalog.BuilderBusyError, match="busy is RUNNING; it must be STOPPED"):
        publish(builder="busy")

    world.assert_not_called("create_app_block")
    world.app_block_builders.assert_transitions("busy", ["RUNNING"])


def test_the_stack_does_not_exist(world):
    with pytest.raises(ClientError) as info:
        publish(stack="nope")

    assert info.value.response["Error"]["Code"] == "ResourceNotFoundException"
    world.assert_not_called("create_app_block")


def test_the_install_step_fails(world):
    def install(url):
        raise RuntimeError("the installer crashed")

    with pytest.raises(RuntimeError, match="the installer crashed"):
        publish(install=install)

    # the builder was stopped and let go of the app block: the next run can use it
    world.app_block_builders.advance()
    world.app_block_builders.assert_state("packager", "STOPPED")
    world.assert_called("disassociate_app_block_builder_app_block", times=1)
    world.assert_not_called("create_application")


def test_the_session_ends_without_packaging(world, appstream_client):
    def install(url):  # AWS ends the session: the instance is gone, nothing was packaged
        world.app_block_builders.set_state("packager", "STOPPED")

    with pytest.raises(app_catalog.PackagingError, match="app block cad is INACTIVE"):
        publish(install=install)

    world.assert_not_called("stop_app_block_builder")
    world.assert_not_called("create_application")


@pytest.mark.appstream(transitions="timed", now=START)
def test_the_builder_takes_too_long_to_start(world):
    with pytest.raises(app_catalog.CatalogTimeoutError, match="still STARTING after 300 s"):
        publish(timeout=300)

    # the start was let finish (10 minutes), then the builder stopped (5) and let go
    assert world.clock.now().isoformat() == "2026-03-01T09:15:00+00:00"
    world.app_block_builders.assert_transitions(
        "packager", ["STOPPED", "STARTING", "RUNNING", "STOPPING", "STOPPED"]
    )
    world.assert_called("disassociate_app_block_builder_app_block", times=1)
    world.assert_not_called("create_application")


def test_the_app_block_does_not_exist(world):
    with pytest.raises(app_catalog.AppBlockNotFoundError, match="app-block/gone"):
        app_catalog.create_application("cad", ARN + "app-block/gone", CAD, "WINDOWS_SERVER_2019")

    assert "cad" not in world.applications


def test_the_entitlement_is_created_when_missing(world, appstream_client):
    world.app_blocks.add("office")
    world.applications.add("excel", app_block="office")
    with pytest.raises(appstream_client.exceptions.EntitlementNotFoundException):
        appstream_client.describe_entitlements(StackName="engineering", Name="engineers")

    app_catalog.entitle("excel", "engineering", "engineers", "engineer")

    created = world.entitlements["engineering/engineers"]
    assert created.app_visibility == "ASSOCIATED"
    assert created.attributes == [{"Name": "roles", "Value": "engineer"}]
