"""The ``appstream_client`` pool: one real botocore client per region, reset after each test.

Creating a client costs ~1.4 ms (a session ~150 ms), too much for every test of a large suite, so
the plugin keeps one client per region and, after each test, undoes what the test did to it:
handlers it registered (a Stubber, an ``after-call`` hook) and attributes it set. Its retry memory
(retry quota, rate limiter) is renewed by :mod:`~pytest_appstream._wire` at each activation of a
fake, as every AppStream client's is.

>>> client = lease("us-east-1")
>>> client.meta.region_name
'us-east-1'
>>> give_back(client)
"""

from __future__ import annotations

import copy
from typing import Any

import attrs
from botocore.client import BaseClient

from ._model import SERVICE_NAME, botocore_session
from ._settings import FAKE_KEY


@attrs.define
class _Pooled:
    client: BaseClient
    pristine_handlers: Any
    own_attributes: frozenset[str]
    lookup_cache_at_lease: Any = None


_pool: dict[str, _Pooled] = {}
_leased: dict[int, _Pooled] = {}


def _emitter(client: BaseClient) -> Any:
    events = client.meta.events
    return getattr(events, "_emitter", events)


def lease(region: str) -> BaseClient:
    """The pooled AppStream client of ``region``, clean, for one test."""
    pooled = _pool.get(region)
    if pooled is None:
        client = botocore_session().create_client(
            SERVICE_NAME,
            region_name=region,
            aws_access_key_id=FAKE_KEY,
            aws_secret_access_key=FAKE_KEY,
        )
        pooled = _pool[region] = _Pooled(
            client, copy.copy(_emitter(client)), frozenset(vars(client))
        )
    pooled.lookup_cache_at_lease = _emitter(pooled.client)._lookup_cache
    _leased[id(pooled.client)] = pooled
    return pooled.client


def give_back(client: BaseClient) -> None:
    """Undo what the test did to ``client``: its handlers and attributes are as when created."""
    pooled = _leased.pop(id(client), None)
    if pooled is None:
        return
    emitter = _emitter(client)
    # botocore replaces the lookup cache whenever a handler is registered or unregistered.
    if emitter._lookup_cache is not pooled.lookup_cache_at_lease:
        emitter.__dict__ = copy.copy(pooled.pristine_handlers).__dict__
        emitter._lookup_cache = {}
    for name in set(vars(client)) - pooled.own_attributes:
        delattr(client, name)
