"""Build a golden image from AWS's newest base image, then share it with another account.

Run when AWS releases a new base image (or monthly)::

    python -m builder_ops.pipeline --platform WINDOWS_SERVER_2019 --image golden-2026-03 \\
        --share-with 210987654321

The steps, each a function of its own:

1. :func:`newest_base_image`: the newest public base image of the platform (DescribeImages);
2. :func:`create_builder`, :func:`wait_for_builder`: an image builder from it, until RUNNING;
3. the Image Assistant runs *inside* the builder (``snapshot``: by default a person is handed a
   streaming URL to install the applications and run it); :func:`wait_for_image` waits until the
   image is AVAILABLE and the builder STOPPED;
4. :func:`delete_builder`: the builder is not needed any more;
5. :func:`share_image`: the image is shared with the other account, and the sharing checked.

AppStream has no waiters: every wait polls, sleeping ``poll_seconds`` between reads, and gives up
after its timeout with :class:`PipelineTimeoutError`. A builder or image that ends FAILED stops
the pipeline with AppStream's reason; what is left (a FAILED builder, a FAILED image) is left for
a person to look at.
"""

from __future__ import annotations

import argparse
import dataclasses
import logging
import time
from collections.abc import Callable, Sequence
from typing import Any

import boto3

log = logging.getLogger(__name__)

# Created at import time, as real code often does: pytest-appstream answers it all the same.
CLIENT = boto3.client("appstream", region_name="us-east-1")

#: Seconds between two reads of a wait.
POLL_SECONDS = 30.0
#: How long each wait lasts at most, in seconds. AWS: a new builder is RUNNING within 5 to 10
#: minutes; creating an image takes tens of minutes, with a person installing applications first.
BUILDER_TIMEOUT = 1800.0
IMAGE_TIMEOUT = 4 * 3600.0
DELETE_TIMEOUT = 900.0

#: The Image Assistant refuses image names that begin with these (in any case).
RESERVED_PREFIXES = ("aws", "appstream", "amazon")

#: What the Image Assistant step is: called with (builder name, image name) once the builder is
#: RUNNING; it starts the snapshot and returns (:func:`wait_for_image` waits for the result).
Snapshot = Callable[[str, str], object]


class PipelineError(Exception):
    """The pipeline stopped; the message says where and why."""


class NoBaseImageError(PipelineError, LookupError):
    """AWS lists no public base image for the platform."""


class ImageNameTakenError(PipelineError):
    """The account already has an image of that name (the Image Assistant would refuse it)."""


class BuilderFailedError(PipelineError):
    """The image builder went FAILED."""


class ImageFailedError(PipelineError):
    """The image went FAILED."""


class PipelineTimeoutError(PipelineError, TimeoutError):
    """A wait gave up."""


class SharingNotVerifiedError(PipelineError):
    """DescribeImagePermissions does not show the permissions just given."""


@dataclasses.dataclass(frozen=True)
class GoldenImage:
    """What the pipeline made: the image, the base it was built from, whom it is shared with."""

    name: str
    arn: str
    base_image_arn: str
    builder: str
    shared_with: dict[str, dict[str, bool]]


def _reason(resource: dict[str, Any]) -> str:
    reason = resource.get("StateChangeReason") or {}
    return f"{reason.get('Code', 'UNKNOWN')}: {reason.get('Message', 'no reason given')}"


def _read_image(name: str, client: Any) -> dict[str, Any] | None:
    """The account's image ``name``, or None if there is none."""
    try:
        images = client.describe_images(Names=[name])["Images"]
    except client.exceptions.ResourceNotFoundException:
        return None
    return dict(images[0]) if images else None


def _read_builder(name: str, client: Any) -> dict[str, Any]:
    return dict(client.describe_image_builders(Names=[name])["ImageBuilders"][0])


def _poll(
    what: str,
    check: Callable[[], tuple[bool, str]],
    timeout: float,
    poll_seconds: float,
) -> None:
    """Call ``check`` until it says done, sleeping between calls; time out after ``timeout`` s.

    ``check`` returns (done, what is seen now); it raises to stop the wait early.
    """
    deadline = time.monotonic() + timeout
    while True:
        done, seen = check()
        if done:
            return
        if time.monotonic() >= deadline:
            raise PipelineTimeoutError(f"{what}: still {seen} after {timeout:g} s")
        time.sleep(poll_seconds)


# -- 1. the base image ---------------------------------------------------------------------------


def newest_base_image(platform: str, client: Any = CLIENT) -> dict[str, Any]:
    """The newest AVAILABLE public base image of ``platform`` that image builders support.

    "Newest" is by ``PublicBaseImageReleasedDate`` (then name, for a tie); NoBaseImageError if
    AWS lists none.
    """
    candidates = [
        image
        for page in client.get_paginator("describe_images").paginate(Type="PUBLIC")
        for image in page["Images"]
        if image.get("Platform") == platform
        and image.get("State") == "AVAILABLE"
        and image.get("ImageBuilderSupported", True)
        and image.get("PublicBaseImageReleasedDate") is not None
    ]
    if not candidates:
        raise NoBaseImageError(f"AWS lists no public base image for platform {platform}")
    newest = max(candidates, key=lambda i: (i["PublicBaseImageReleasedDate"], i["Name"]))
    return dict(newest)


def needs_rebuild(image_name: str, platform: str, client: Any = CLIENT) -> bool:
    """True if AWS released a newer base image of ``platform`` than the one ``image_name`` was
    built from (or there is no such image yet): time to run the pipeline again.

    AppStream gives a private image the ``PublicBaseImageReleasedDate`` of its base image.
    """
    image = _read_image(image_name, client)
    if image is None:
        return True
    newest = newest_base_image(platform, client)
    return bool(image["PublicBaseImageReleasedDate"] < newest["PublicBaseImageReleasedDate"])


# -- 2. the builder ------------------------------------------------------------------------------


def check_image_name(name: str, client: Any = CLIENT) -> None:
    """Fail now, not after the builder ran: a reserved or taken name would be refused at the end."""
    if name.lower().startswith(RESERVED_PREFIXES):
        raise ValueError(f"image name {name!r} may not begin with AWS, AppStream or Amazon")
    if _read_image(name, client) is not None:
        raise ImageNameTakenError(f"the account already has an image named {name}")


def create_builder(
    name: str,
    image_arn: str,
    instance_type: str = "stream.standard.medium",
    client: Any = CLIENT,
) -> dict[str, Any]:
    """Create image builder ``name`` from the image ``image_arn``; it starts PENDING."""
    answer = client.create_image_builder(
        Name=name,
        ImageArn=image_arn,
        InstanceType=instance_type,
        Description=f"Golden image builder from {image_arn.rpartition('/')[2]}",
    )
    return dict(answer["ImageBuilder"])


def wait_for_builder(
    name: str,
    state: str = "RUNNING",
    client: Any = CLIENT,
    timeout: float = BUILDER_TIMEOUT,
    poll_seconds: float = POLL_SECONDS,
) -> None:
    """Poll until builder ``name`` is in ``state``; BuilderFailedError if it goes FAILED."""

    def check() -> tuple[bool, str]:
        builder = _read_builder(name, client)
        if builder["State"] == "FAILED" and state != "FAILED":
            raise BuilderFailedError(f"image builder {name} FAILED: {_reason(builder)}")
        return builder["State"] == state, str(builder["State"])

    _poll(f"image builder {name} is not {state}", check, timeout, poll_seconds)


# -- 3. the image --------------------------------------------------------------------------------


def wait_for_image(
    name: str,
    client: Any = CLIENT,
    timeout: float = IMAGE_TIMEOUT,
    poll_seconds: float = POLL_SECONDS,
) -> dict[str, Any]:
    """Poll until image ``name`` is AVAILABLE and the builder that made it STOPPED.

    An image that does not exist yet is waited for (the Image Assistant has not started).
    ImageFailedError if the image goes FAILED, BuilderFailedError if its builder does. Returns
    the AVAILABLE image.
    """
    found: dict[str, Any] = {}

    def check() -> tuple[bool, str]:
        image = _read_image(name, client)
        if image is None:
            return False, "not created"
        if image["State"] == "FAILED":
            raise ImageFailedError(f"image {name} FAILED: {_reason(image)}")
        builder_name = image.get("ImageBuilderName")
        builder_state = "STOPPED"  # an image no builder made: nothing else to wait for
        if builder_name:
            builder = _read_builder(builder_name, client)
            if builder["State"] == "FAILED":
                raise BuilderFailedError(
                    f"image builder {builder_name} FAILED while creating image {name}: "
                    f"{_reason(builder)}"
                )
            builder_state = builder["State"]
        found.update(image)
        seen = f"{image['State']} (image builder {builder_name}: {builder_state})"
        return image["State"] == "AVAILABLE" and builder_state == "STOPPED", seen

    _poll(f"image {name} is not AVAILABLE", check, timeout, poll_seconds)
    return found


def hand_over(builder: str, image: str, client: Any = CLIENT) -> str:
    """The default snapshot step: a person gets a streaming URL to the builder, installs the
    applications and runs the Image Assistant there, naming the image ``image``.
    """
    url = str(
        client.create_image_builder_streaming_url(Name=builder, Validity=4 * 3600)["StreamingURL"]
    )
    print(f"Connect to image builder {builder}: {url}")
    print(f"Install the applications, then create image {image} with the Image Assistant.")
    return url


# -- 4. and 5. clean up, share -------------------------------------------------------------------


def delete_builder(
    name: str,
    client: Any = CLIENT,
    timeout: float = DELETE_TIMEOUT,
    poll_seconds: float = POLL_SECONDS,
) -> None:
    """Delete builder ``name`` and poll until it is gone."""
    client.delete_image_builder(Name=name)

    def check() -> tuple[bool, str]:
        try:
            return False, str(_read_builder(name, client)["State"])
        except client.exceptions.ResourceNotFoundException:
            return True, "deleted"

    _poll(f"image builder {name} is not deleted", check, timeout, poll_seconds)


def share_image(
    name: str,
    account_id: str,
    allow_fleet: bool = True,
    allow_image_builder: bool = True,
    client: Any = CLIENT,
) -> dict[str, bool]:
    """Share image ``name`` with ``account_id`` and check that AppStream shows the permissions.

    AppStream's errors (a malformed account id: ValidationException) are raised as they are.
    """
    wanted = {"allowFleet": allow_fleet, "allowImageBuilder": allow_image_builder}
    client.update_image_permissions(Name=name, SharedAccountId=account_id, ImagePermissions=wanted)
    rows = client.describe_image_permissions(Name=name, SharedAwsAccountIds=[account_id])
    shown = {
        row["sharedAccountId"]: row["imagePermissions"]
        for row in rows["SharedImagePermissionsList"]
    }
    if shown.get(account_id) != wanted:
        raise SharingNotVerifiedError(
            f"image {name} shared with {account_id} as {wanted}, but AppStream shows "
            f"{shown.get(account_id, 'no permissions')}"
        )
    return wanted


# -- the whole pipeline --------------------------------------------------------------------------


def build_golden_image(
    platform: str,
    image_name: str,
    share_with: str,
    snapshot: Snapshot | None = None,
    instance_type: str = "stream.standard.medium",
    client: Any = CLIENT,
    poll_seconds: float = POLL_SECONDS,
    builder_timeout: float = BUILDER_TIMEOUT,
    image_timeout: float = IMAGE_TIMEOUT,
) -> GoldenImage:
    """The five steps: base image, builder, image, builder deleted, image shared and checked.

    The builder is named ``{image_name}-builder``. ``snapshot`` (default :func:`hand_over`) runs
    the Image Assistant in the RUNNING builder.
    """
    check_image_name(image_name, client)
    base = newest_base_image(platform, client)
    builder = f"{image_name}-builder"
    log.info("building %s from %s in %s", image_name, base["Name"], builder)
    create_builder(builder, base["Arn"], instance_type, client)
    wait_for_builder(builder, "RUNNING", client, builder_timeout, poll_seconds)
    if snapshot is None:
        hand_over(builder, image_name, client)
    else:
        snapshot(builder, image_name)
    image = wait_for_image(image_name, client, image_timeout, poll_seconds)
    delete_builder(builder, client, poll_seconds=poll_seconds)
    permissions = share_image(image_name, share_with, client=client)
    return GoldenImage(
        name=image_name,
        arn=image["Arn"],
        base_image_arn=base["Arn"],
        builder=builder,
        shared_with={share_with: permissions},
    )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--platform", required=True, help="e.g. WINDOWS_SERVER_2019")
    parser.add_argument("--image", required=True, help="the new image's name")
    parser.add_argument("--share-with", required=True, help="the account to share it with")
    parser.add_argument("--instance-type", default="stream.standard.medium")
    args = parser.parse_args(argv)
    golden = build_golden_image(
        args.platform, args.image, args.share_with, instance_type=args.instance_type
    )
    print(f"{golden.arn} (from {golden.base_image_arn}) shared with {args.share_with}")


if __name__ == "__main__":  # pragma: no cover
    main()
