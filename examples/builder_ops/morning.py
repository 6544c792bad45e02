"""Get image builders ready for the day: replace the FAILED, start the STOPPED, hand out links.

Run each morning for the team's builders::

    python -m builder_ops.morning --builder dev-alice --builder dev-bob

A FAILED builder cannot be started: it is deleted and created again from the same image, with
the same instance type and tags. Every builder ends RUNNING, and each gets a streaming URL.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Iterable, Sequence
from typing import Any

from builder_ops.nightly import CLIENT

#: How long a morning's streaming URL is valid: a working day.
WORKDAY_SECONDS = 8 * 3600


def state_of(name: str, client: Any = CLIENT) -> str | None:
    """The builder's state, or None if there is no such builder."""
    try:
        builders = client.describe_image_builders(Names=[name])["ImageBuilders"]
    except client.exceptions.ResourceNotFoundException:
        return None
    return str(builders[0]["State"])


def wait_for(
    name: str, state: str | None, client: Any = CLIENT, polls: int = 60, pause: float = 0.0
) -> None:
    """Poll until ``name`` is in ``state`` (None: gone); TimeoutError after ``polls`` polls."""
    for _ in range(polls):
        if state_of(name, client) == state:
            return
        time.sleep(pause)
    raise TimeoutError(f"{name} is still not {state or 'deleted'}")


def replace(name: str, client: Any = CLIENT, pause: float = 0.0) -> None:
    """Delete a builder and create it again from the same image, instance type and tags."""
    old = client.describe_image_builders(Names=[name])["ImageBuilders"][0]
    tags = client.list_tags_for_resource(ResourceArn=old["Arn"])["Tags"]
    client.delete_image_builder(Name=name)
    wait_for(name, None, client, pause=pause)
    client.create_image_builder(
        Name=name, ImageArn=old["ImageArn"], InstanceType=old["InstanceType"], Tags=tags
    )


def ready_for_the_day(
    names: Iterable[str], client: Any = CLIENT, pause: float = 0.0
) -> dict[str, str]:
    """Make every builder RUNNING; return a streaming URL for each, by name."""
    names = list(names)
    for name in names:
        state = state_of(name, client)
        if state == "FAILED":
            replace(name, client, pause)
        elif state == "STOPPED":
            client.start_image_builder(Name=name)
    urls = {}
    for name in names:
        wait_for(name, "RUNNING", client, pause=pause)
        answer = client.create_image_builder_streaming_url(Name=name, Validity=WORKDAY_SECONDS)
        urls[name] = answer["StreamingURL"]
    return urls


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--builder", action="append", default=[], help="a builder to get ready")
    args = parser.parse_args(argv)
    for name, url in ready_for_the_day(args.builder, pause=30.0).items():
        print(f"{name}: {url}")


if __name__ == "__main__":  # pragma: no cover
    main()
