"""Data files: many resources of many kinds in one JSON (or YAML) document.

A document maps each kind's key to a list of entries, each the keywords of that kind's marker
(``name`` included); kinds are seeded in dependency order (images first), whatever the order in
the file. The ``appstream_data`` marker, ``serve --data`` and ``POST /_appstream/data`` read it::

    {"images": [{"name": "golden"}],
     "image_builders": [{"name": "dev", "state": "STOPPED", "image_arn": "arn:...:image/golden"}]}

>>> [(of.data_key, index) for of, index, _ in entries({"image_builders": [{"name": "b"}]})]
[('image_builders', 0)]
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._errors import AppStreamUsageError
from ._kinds import Kind, kinds

if TYPE_CHECKING:
    from .fake import FakeAppStream

#: One entry to seed: its kind, its index in the kind's list, and its keywords.
Seed = tuple[Kind, int, dict[str, Any]]


def _sections() -> dict[str, Kind]:
    return {of.data_key: of for of in kinds() if of.build is not None}


def entries(data: object, source: str = "the data") -> list[Seed]:
    """Every entry of a document, in seeding order, or an error naming ``source`` and the key."""
    sections = _sections()
    allowed = ", ".join(sections)
    if not isinstance(data, dict):
        raise AppStreamUsageError(
            f"{source} holds {type(data).__name__}; allowed: an object with the keys {allowed}, "
            'e.g. {"image_builders": [{"name": "b", "state": "RUNNING"}]}'
        )
    unknown = [key for key in data if key not in sections]
    if unknown:
        raise AppStreamUsageError(f"{source}: unknown key {unknown[0]!r}; allowed: {allowed}")
    found: list[Seed] = []
    for key, of in sorted(sections.items(), key=lambda item: item[1].order):
        listed = data.get(key, [])
        if not isinstance(listed, list):
            raise AppStreamUsageError(
                f"{source}: {key} holds {type(listed).__name__}; allowed: a list of objects"
            )
        for index, entry in enumerate(listed):
            if not isinstance(entry, dict) or not isinstance(entry.get(of.key_argument), str):
                raise AppStreamUsageError(
                    f"{source}: {key}[{index}]={entry!r} is not allowed; allowed: an object "
                    f"with a {of.key_argument!r} (a string) and the other keywords of "
                    f"{of.marker or f'appstream.{of.collection}.add'} (state, region, tags, "
                    "snake_case fields)"
                )
            found.append((of, index, entry))
    return found


def seed(fake: FakeAppStream, seeds: list[Seed], source: str) -> None:
    """Seed every entry, naming the entry in an error (entries before it stay seeded)."""
    for of, index, entry in seeds:
        arguments = dict(entry)
        try:
            fake._collections[of.collection].add(arguments.pop(of.key_argument), **arguments)
        except (AppStreamUsageError, TypeError) as error:
            raise AppStreamUsageError(f"{source}: {of.data_key}[{index}]: {error}") from None


def seed_data(fake: FakeAppStream, data: object, source: str = "the data") -> None:
    """Seed ``fake`` from a document, all or nothing: a bad entry seeds none.

    Every entry is first seeded into a scratch copy of the fake (so entries may refer to
    resources live already: a session to a live fleet and stack), and none may name a resource
    that is live already::

        seed_data(fake, {"image_builders": [{"name": "b", "state": "STOPPED"}]})
    """
    seeds = entries(data, source)
    with fake.registry.lock:  # no call of another thread between the checks and the seeding
        for of, index, entry in seeds:
            region = entry.get("region") or fake.region
            key = of.key_of(entry)
            if fake.registry.get(fake.account_id, region, key, of.collection) is not None:
                raise AppStreamUsageError(
                    f"{source}: {of.data_key}[{index}]: {of.key_argument}={key!r} is already "
                    f"live; allowed: {of.article} {of.key_argument} not yet used"
                )
        scratch = type(fake)(
            region=fake.region,
            account_id=fake.account_id,
            transitions=fake.transitions,
            polls=fake.polls,
        )
        scratch.registry = fake.registry.copy()
        scratch._seeded = dict(fake._seeded)
        seed(scratch, seeds, source)
        seed(fake, seeds, source)


def load(path: Path) -> Any:
    """A data file's content: JSON, or YAML when PyYAML is importable (never a dependency)."""
    text = path.read_text(encoding="utf-8")
    if path.suffix in (".yaml", ".yml"):
        try:
            import yaml  # type: ignore[import-untyped, unused-ignore]
        except ImportError:
            raise ImportError(
                f"reading {path.name} needs PyYAML, which is not installed; allowed: a .json "
                "file, or a .yaml/.yml file once PyYAML is installed (pip install PyYAML)"
            ) from None
        try:
            return yaml.safe_load(text)
        except yaml.YAMLError as error:
            raise ValueError(f"{path} is not valid YAML: {error}") from None
    try:
        return json.loads(text)
    except ValueError as error:
        raise ValueError(f"{path} is not valid JSON: {error}") from None
