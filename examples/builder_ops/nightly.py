"""Stop every RUNNING image builder that is not on the keep-list, then wait until it is STOPPED.

Run nightly (cron, Lambda, ...)::

    python -m builder_ops.nightly --keep golden-image
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Iterable
from typing import Any

import boto3

# Created at import time, as real code often does: pytest-appstream answers it all the same.
CLIENT = boto3.client("appstream", region_name="us-east-1")


def running_builders(client: Any = CLIENT) -> list[str]:
    """Names of every RUNNING image builder (all pages)."""
    names = []
    for page in client.get_paginator("describe_image_builders").paginate():
        names += [b["Name"] for b in page["ImageBuilders"] if b["State"] == "RUNNING"]
    return names


def stop(name: str, client: Any = CLIENT, attempts: int = 3, pause: float = 0.0) -> bool:
    """Stop one builder; retry ConcurrentModificationException; False if it vanished meanwhile."""
    for attempt in range(1, attempts + 1):
        try:
            client.stop_image_builder(Name=name)
            return True
        except client.exceptions.ResourceNotFoundException:
            return False
        except client.exceptions.ConcurrentModificationException:
            if attempt == attempts:
                raise
            time.sleep(pause)
    return False


def wait_until_stopped(
    names: Iterable[str], client: Any = CLIENT, polls: int = 60, pause: float = 0.0
) -> None:
    """Poll DescribeImageBuilders until every builder is STOPPED (AppStream has no waiter)."""
    waiting = set(names)
    for _ in range(polls):
        if not waiting:
            return
        pages = client.get_paginator("describe_image_builders").paginate(Names=sorted(waiting))
        waiting = {
            b["Name"] for page in pages for b in page["ImageBuilders"] if b["State"] != "STOPPED"
        }
        time.sleep(pause)
    if waiting:
        raise TimeoutError(f"still not STOPPED: {', '.join(sorted(waiting))}")


def stop_idle(keep: Iterable[str] = (), client: Any = CLIENT, pause: float = 0.0) -> list[str]:
    """Stop every RUNNING builder not in ``keep``; return the names stopped."""
    keep = set(keep)
    stopped = [
        n for n in running_builders(client) if n not in keep and stop(n, client, pause=pause)
    ]
    wait_until_stopped(stopped, client, pause=pause)
    return stopped


def main() -> None:  # pragma: no cover - the command line
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="append", default=[])
    args = parser.parse_args()
    print("stopped:", ", ".join(stop_idle(args.keep, pause=30.0)) or "nothing")


if __name__ == "__main__":  # pragma: no cover
    main()
