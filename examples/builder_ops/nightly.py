"""Stop every RUNNING image builder that is not on the keep-list, then wait until it is STOPPED.

Run nightly (cron, Lambda, ...)::

    python -m builder_ops.nightly --keep golden-image --report-bucket ops-reports

Builders that FAILED (before the run, or while stopping) are reported for a human to look at,
with AppStream's reason; the report goes to stdout and, if asked, to S3 as JSON.
"""

from __future__ import annotations

import argparse
import datetime
import json
import logging
import time
from collections.abc import Iterable, Sequence
from typing import Any

import boto3

log = logging.getLogger(__name__)

# Created at import time, as real code often does: pytest-appstream answers it all the same.
CLIENT = boto3.client("appstream", region_name="us-east-1")


def _builders(client: Any, names: Sequence[str] = ()) -> list[dict[str, Any]]:
    """Every image builder (all pages), or the named ones."""
    paginator = client.get_paginator("describe_image_builders")
    pages = paginator.paginate(Names=list(names)) if names else paginator.paginate()
    return [builder for page in pages for builder in page["ImageBuilders"]]


def _reason(builder: dict[str, Any]) -> str:
    reason = builder.get("StateChangeReason") or {}
    return f"{reason.get('Code', 'UNKNOWN')}: {reason.get('Message', 'no reason given')}"


def running_builders(client: Any = CLIENT) -> list[str]:
    """Names of every RUNNING image builder (all pages)."""
    return [b["Name"] for b in _builders(client) if b["State"] == "RUNNING"]


def failed_builders(client: Any = CLIENT) -> dict[str, str]:
    """Every FAILED image builder, with AppStream's reason: they need a human, not a stop."""
    return {b["Name"]: _reason(b) for b in _builders(client) if b["State"] == "FAILED"}


def stop(name: str, client: Any = CLIENT, attempts: int = 3, pause: float = 0.0) -> bool:
    """Stop one builder; retry ConcurrentModificationException; False if it vanished meanwhile."""
    for attempt in range(1, attempts + 1):
        try:
            client.stop_image_builder(Name=name)
            return True
        except client.exceptions.ResourceNotFoundException:
            log.info("%s was deleted meanwhile", name)
            return False
        except client.exceptions.ConcurrentModificationException:
            if attempt == attempts:
                raise
            time.sleep(pause)
    return False


def wait_until_stopped(
    names: Iterable[str], client: Any = CLIENT, polls: int = 60, pause: float = 0.0
) -> list[str]:
    """Poll DescribeImageBuilders until every builder is STOPPED (AppStream has no waiter).

    A builder that ends FAILED instead is not waited for: it is logged with its reason and
    returned.
    """
    waiting, failed = set(names), []
    for _ in range(polls):
        if not waiting:
            return failed
        for builder in _builders(client, sorted(waiting)):
            if builder["State"] == "STOPPED":
                waiting.discard(builder["Name"])
            elif builder["State"] == "FAILED":
                waiting.discard(builder["Name"])
                failed.append(builder["Name"])
                log.warning("%s FAILED while stopping: %s", builder["Name"], _reason(builder))
        if waiting:
            time.sleep(pause)
    if waiting:
        raise TimeoutError(f"still not STOPPED: {', '.join(sorted(waiting))}")
    return failed


def stop_idle(keep: Iterable[str] = (), client: Any = CLIENT, pause: float = 0.0) -> list[str]:
    """Stop every RUNNING builder not in ``keep``; return the names that reached STOPPED."""
    keep = set(keep)
    asked = [n for n in running_builders(client) if n not in keep and stop(n, client, pause=pause)]
    failed = wait_until_stopped(asked, client, pause=pause)
    return [name for name in asked if name not in failed]


def report(
    stopped: list[str], failed: dict[str, str], bucket: str | None = None, today: str = ""
) -> dict[str, Any]:
    """The night's report; also written to ``s3://{bucket}/nightly/{today}.json`` if asked."""
    today = today or datetime.date.today().isoformat()
    document = {"date": today, "stopped": stopped, "failed": failed}
    if bucket:
        boto3.client("s3").put_object(
            Bucket=bucket, Key=f"nightly/{today}.json", Body=json.dumps(document).encode()
        )
    return document


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--keep", action="append", default=[], help="a builder never to stop")
    parser.add_argument("--region", default=None, help="default: the module's client")
    parser.add_argument("--report-bucket", default=None, help="also write the report to S3")
    args = parser.parse_args(argv)
    client = boto3.client("appstream", region_name=args.region) if args.region else CLIENT
    stopped = stop_idle(args.keep, client, pause=30.0)
    document = report(stopped, failed_builders(client), args.report_bucket)
    print("stopped:", ", ".join(document["stopped"]) or "nothing")
    for name, reason in document["failed"].items():
        print(f"FAILED: {name} ({reason})")


if __name__ == "__main__":  # pragma: no cover
    main()
