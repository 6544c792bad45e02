"""Roll a stack's fleets onto the newest private image.

Run after the golden-image pipeline made a new image::

    python -m builder_ops.rollout --stack sales --prefix golden-

The newest of the account's own images (``Type=PRIVATE``; by ``CreatedTime``; only names that
begin with ``--prefix`` if given) goes to every fleet of the stack (ListAssociatedFleets) with
UpdateFleet ``ImageName``. A RUNNING fleet takes the new image without stopping: new instances
start from it, and AppStream replaces the others as their users' sessions end. Each fleet is
then read back (DescribeFleets) to check that it names the image.

If the newest image is not AVAILABLE yet (the Image Assistant is still at work), or FAILED, the
rollout stops before changing anything: it never falls back to an older image without a person
deciding so.
"""

from __future__ import annotations

import argparse
import dataclasses
import logging
import time
from collections.abc import Sequence
from typing import Any

import boto3

log = logging.getLogger(__name__)

# Created at import time, as real code often does: pytest-appstream answers it all the same.
CLIENT = boto3.client("appstream", region_name="us-east-1")


class RolloutError(Exception):
    """The rollout stopped; the message says where and why."""


class NoImageError(RolloutError, LookupError):
    """The account has no private image (with the prefix)."""


class ImageNotAvailableError(RolloutError):
    """The newest image is not AVAILABLE."""


class NoFleetError(RolloutError):
    """The stack has no fleet to roll out to."""


class RolloutNotVerifiedError(RolloutError):
    """A fleet does not name the new image after its update."""


@dataclasses.dataclass(frozen=True)
class Rollout:
    """What the rollout did: the image, the fleets updated, the fleets already on it."""

    stack: str
    image: str
    image_arn: str
    updated: list[str]
    unchanged: list[str]


def newest_image(prefix: str = "", client: Any = CLIENT) -> dict[str, Any]:
    """The account's newest private image whose name begins with ``prefix``.

    NoImageError if there is none; ImageNotAvailableError if the newest is not AVAILABLE.
    """
    images = [
        image
        for page in client.get_paginator("describe_images").paginate(Type="PRIVATE")
        for image in page["Images"]
        if image["Name"].startswith(prefix)
    ]
    if not images:
        raise NoImageError(f"the account has no private image named {prefix}*")
    newest = max(images, key=lambda image: (image["CreatedTime"], image["Name"]))
    if newest["State"] != "AVAILABLE":
        reason = newest.get("StateChangeReason") or {}
        why = f" ({reason['Code']}: {reason['Message']})" if reason else ""
        raise ImageNotAvailableError(
            f"the newest image {newest['Name']} is {newest['State']}{why}, not AVAILABLE"
        )
    return dict(newest)


def fleets_of(stack: str, client: Any = CLIENT) -> list[str]:
    """The names of the fleets associated with ``stack``; NoFleetError if there is none.

    ListAssociatedFleets answers an unknown stack with no fleets: DescribeStacks first, so a
    misspelt stack is AppStream's ResourceNotFoundException, not "no fleet".
    """
    client.describe_stacks(Names=[stack])
    fleets = [
        name
        for page in client.get_paginator("list_associated_fleets").paginate(StackName=stack)
        for name in page["Names"]
    ]
    if not fleets:
        raise NoFleetError(f"stack {stack} has no fleet associated with it")
    return fleets


def update(
    fleet: str, image: str, client: Any = CLIENT, attempts: int = 3, pause: float = 0.0
) -> None:
    """Point ``fleet`` at ``image``; again after a ConcurrentModificationException."""
    for attempt in range(1, attempts + 1):
        try:
            client.update_fleet(Name=fleet, ImageName=image)
            return
        except client.exceptions.ConcurrentModificationException:
            if attempt == attempts:
                raise
            log.info("fleet %s is busy, trying again", fleet)
            time.sleep(pause)


def roll_out(stack: str, prefix: str = "", client: Any = CLIENT, pause: float = 0.0) -> Rollout:
    """Put every fleet of ``stack`` on the newest private image, and check that it is there.

    AppStream's errors (an image of another operating system: IncompatibleImageException, ...)
    are raised as they are; the fleets updated before keep the new image.
    """
    image = newest_image(prefix, client)
    fleets = fleets_of(stack, client)
    described = client.describe_fleets(Names=fleets)["Fleets"]
    unchanged = [f["Name"] for f in described if f.get("ImageArn") == image["Arn"]]
    updated = [name for name in fleets if name not in unchanged]
    for fleet in updated:
        log.info("fleet %s: image %s", fleet, image["Name"])
        update(fleet, image["Name"], client, pause=pause)
    if updated:
        for fleet in client.describe_fleets(Names=updated)["Fleets"]:
            if (fleet.get("ImageName"), fleet.get("ImageArn")) != (image["Name"], image["Arn"]):
                raise RolloutNotVerifiedError(
                    f"fleet {fleet['Name']} was updated to image {image['Name']}, but AppStream "
                    f"shows {fleet.get('ImageName')} ({fleet.get('ImageArn')})"
                )
    return Rollout(stack, image["Name"], image["Arn"], updated, unchanged)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--stack", required=True, help="the stack whose fleets get the image")
    parser.add_argument("--prefix", default="", help="only images whose name begins with it")
    args = parser.parse_args(argv)
    done = roll_out(args.stack, args.prefix, pause=30.0)
    print(f"image {done.image} on {', '.join(done.updated + done.unchanged)}")


if __name__ == "__main__":  # pragma: no cover
    main()
