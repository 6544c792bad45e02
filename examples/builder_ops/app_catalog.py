"""Publish an application to an Elastic fleet's catalog, entitled to one SAML role.

Run when a team ships a new application::

    python -m builder_ops.app_catalog --app cad --vhd-bucket my-apps --fleet elastic \\
        --stack engineering --entitlement engineers --role engineer

Elastic fleets have no image: their applications come from app blocks. The steps:

1. :func:`check_targets`: before anything is created, the fleet is ELASTIC, the team's app block
   builder is free (STOPPED) and the stack exists;
2. :func:`create_app_block`: an app block packaged by AppStream (``APPSTREAM2``), INACTIVE;
3. :func:`package`: the builder is associated with it, started, handed to a person who installs
   the application in its streaming session, and stopped; AppStream then activates the app block;
4. :func:`create_application` and :func:`add_to_fleet`: the application, in the fleet's catalog;
5. :func:`entitle`: the stack's entitlement for the role (created when missing) lists it.

Every wait polls, sleeping ``poll_seconds`` between reads, and gives up after its timeout with
:class:`CatalogTimeoutError`. The builder is always stopped and let go of its app block, even when
the install step fails, so the next run can use it.
"""

from __future__ import annotations

import argparse
import dataclasses
import time
from collections.abc import Callable, Sequence
from typing import Any

import boto3

CLIENT = boto3.client("appstream", region_name="us-east-1")

POLL_SECONDS = 30.0
#: How long the builder may take to be RUNNING, then STOPPED, in seconds.
BUILDER_TIMEOUT = 1800.0
#: The team's reusable app block builder.
BUILDER = "packager"

#: What the install step is: called with the builder's streaming URL once it is RUNNING; it
#: returns when the application is installed (by default a person is handed the URL).
Install = Callable[[str], object]


class CatalogError(Exception):
    """Publishing stopped; the message says where and why."""


class NotElasticFleetError(CatalogError):
    """Only Elastic fleets take applications from app blocks."""


class BuilderBusyError(CatalogError):
    """The app block builder is in use (not STOPPED)."""


class AppBlockNotFoundError(CatalogError, LookupError):
    """The app block an application was to be made from does not exist."""


class PackagingError(CatalogError):
    """The builder's session ended but the app block is not ACTIVE."""


class CatalogTimeoutError(CatalogError, TimeoutError):
    """A wait gave up."""


@dataclasses.dataclass(frozen=True)
class Published:
    """What :func:`publish` made: the application, its app block, where users see it."""

    application_arn: str
    app_block_arn: str
    fleet: str
    stack: str
    entitlement: str


def _builder_state(name: str, client: Any) -> str:
    return str(client.describe_app_block_builders(Names=[name])["AppBlockBuilders"][0]["State"])


def _wait_for_builder(
    name: str, state: str, client: Any, timeout: float, poll_seconds: float
) -> None:
    deadline = time.monotonic() + timeout
    while (seen := _builder_state(name, client)) != state:
        if time.monotonic() >= deadline:
            raise CatalogTimeoutError(
                f"app block builder {name} is not {state}: still {seen} after {timeout:g} s"
            )
        time.sleep(poll_seconds)


# -- 1. the targets ------------------------------------------------------------------------------


def check_targets(fleet: str, builder: str, stack: str, client: Any = CLIENT) -> dict[str, Any]:
    """The fleet (it must be ELASTIC), after checking the builder is free and the stack exists.

    AppStream's own errors (a fleet, builder or stack that does not exist) are raised as they are.
    """
    found = client.describe_fleets(Names=[fleet])["Fleets"][0]
    if found.get("FleetType") != "ELASTIC":
        raise NotElasticFleetError(
            f"fleet {fleet} is {found.get('FleetType', 'ON_DEMAND')}: only Elastic fleets take "
            "applications from app blocks"
        )
    state = _builder_state(builder, client)
    if state != "STOPPED":
        raise BuilderBusyError(f"app block builder {builder} is {state}; it must be STOPPED")
    client.describe_stacks(Names=[stack])
    return dict(found)


# -- 2. and 3. the app block ---------------------------------------------------------------------


def create_app_block(name: str, bucket: str, client: Any = CLIENT) -> dict[str, Any]:
    """An app block whose VHD AppStream's app block builder will make, in ``bucket``."""
    answer = client.create_app_block(
        Name=name,
        SourceS3Location={"S3Bucket": bucket, "S3Key": f"app-blocks/{name}.vhdx"},
        PackagingType="APPSTREAM2",
    )
    return dict(answer["AppBlock"])


def hand_over(url: str) -> None:
    """The default install step: a person connects and installs the application."""
    input(f"Connect to {url}, install the application, then press Enter: ")


def package(
    app_block_arn: str,
    builder: str = BUILDER,
    install: Install = hand_over,
    client: Any = CLIENT,
    timeout: float = BUILDER_TIMEOUT,
    poll_seconds: float = POLL_SECONDS,
) -> None:
    """Package the app block in ``builder``'s session; PackagingError if it is not ACTIVE after."""
    client.associate_app_block_builder_app_block(
        AppBlockArn=app_block_arn, AppBlockBuilderName=builder
    )
    try:
        client.start_app_block_builder(Name=builder)
        try:
            _wait_for_builder(builder, "RUNNING", client, timeout, poll_seconds)
            url = client.create_app_block_builder_streaming_url(AppBlockBuilderName=builder)
            install(url["StreamingURL"])
        finally:
            stop_builder(builder, client, timeout, poll_seconds)
    finally:
        client.disassociate_app_block_builder_app_block(
            AppBlockArn=app_block_arn, AppBlockBuilderName=builder
        )
    [block] = client.describe_app_blocks(Arns=[app_block_arn])["AppBlocks"]
    if block["State"] != "ACTIVE":
        raise PackagingError(f"app block {block['Name']} is {block['State']} after packaging")


def stop_builder(
    builder: str,
    client: Any = CLIENT,
    timeout: float = BUILDER_TIMEOUT,
    poll_seconds: float = POLL_SECONDS,
) -> None:
    """Stop the builder whatever it is doing (a start is let finish first) and wait until it is
    STOPPED: AppStream lets go of a builder's app block only then."""
    if _builder_state(builder, client) == "STARTING":
        _wait_for_builder(builder, "RUNNING", client, timeout, poll_seconds)
    if _builder_state(builder, client) == "RUNNING":
        client.stop_app_block_builder(Name=builder)
    _wait_for_builder(builder, "STOPPED", client, timeout, poll_seconds)


# -- 4. and 5. the application, the fleet, the entitlement ----------------------------------------


def create_application(
    name: str, app_block_arn: str, launch_path: str, platform: str, client: Any = CLIENT
) -> dict[str, Any]:
    """The application, launched from ``launch_path`` of the app block's VHD."""
    try:
        answer = client.create_application(
            Name=name,
            AppBlockArn=app_block_arn,
            LaunchPath=launch_path,
            IconS3Location={"S3Bucket": "my-apps", "S3Key": f"icons/{name}.png"},
            Platforms=[platform],
            InstanceFamilies=["GENERAL_PURPOSE"],
        )
    except client.exceptions.ResourceNotFoundException as error:
        raise AppBlockNotFoundError(f"no app block {app_block_arn}: {error}") from error
    return dict(answer["Application"])


def add_to_fleet(application_arn: str, fleet: str, client: Any = CLIENT) -> None:
    """Put the application in the Elastic fleet's catalog."""
    client.associate_application_fleet(FleetName=fleet, ApplicationArn=application_arn)


def entitle(
    application: str, stack: str, entitlement: str, role: str, client: Any = CLIENT
) -> None:
    """Entitle SAML users of ``role`` to ``application`` on ``stack``: the entitlement is created
    (showing only the applications associated with it) when the stack has none of that name."""
    try:
        client.describe_entitlements(StackName=stack, Name=entitlement)
    except client.exceptions.EntitlementNotFoundException:
        client.create_entitlement(
            Name=entitlement,
            StackName=stack,
            AppVisibility="ASSOCIATED",
            Attributes=[{"Name": "roles", "Value": role}],
        )
    client.associate_application_to_entitlement(
        StackName=stack, EntitlementName=entitlement, ApplicationIdentifier=application
    )


def publish(
    app: str,
    bucket: str,
    launch_path: str,
    fleet: str,
    stack: str,
    entitlement: str,
    role: str,
    builder: str = BUILDER,
    install: Install = hand_over,
    client: Any = CLIENT,
    timeout: float = BUILDER_TIMEOUT,
    poll_seconds: float = POLL_SECONDS,
) -> Published:
    """The five steps; the app block and the application are both named ``app``."""
    target = check_targets(fleet, builder, stack, client)
    block = create_app_block(app, bucket, client)
    package(block["Arn"], builder, install, client, timeout, poll_seconds)
    application = create_application(app, block["Arn"], launch_path, target["Platform"], client)
    add_to_fleet(application["Arn"], fleet, client)
    entitle(app, stack, entitlement, role, client)
    return Published(application["Arn"], block["Arn"], fleet, stack, entitlement)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    for option in ("app", "vhd-bucket", "launch-path", "fleet", "stack", "entitlement", "role"):
        parser.add_argument(f"--{option}", required=True)
    args = parser.parse_args(argv)
    published = publish(
        args.app,
        args.vhd_bucket,
        args.launch_path,
        args.fleet,
        args.stack,
        args.entitlement,
        args.role,
    )
    print(f"{published.application_arn} is in the catalog of {published.fleet}")


if __name__ == "__main__":  # pragma: no cover
    main()
