"""The wire module on its own: JSON 1.1 bodies and the botocore internals the hook relies on."""

from __future__ import annotations

import inspect
import json
from typing import Any

import pytest

from pytest_appstream import FakeAppStream
from pytest_appstream import _wire as wire


@pytest.mark.parametrize("body", [b"{not json", b"null", b"[]", b'"x"'])
def test_a_body_that_is_not_a_json_object_is_a_serialization_exception(body: bytes) -> None:
    fake = FakeAppStream()
    headers = {"X-Amz-Target": "PhotonAdminProxyService.StopImageBuilder"}
    status, _, data = wire.answer(fake, headers, body)
    assert status == 400
    assert json.loads(data) == {"__type": "SerializationException", "message": "Invalid JSON"}
    assert fake.calls == []


def test_botocore_emit_is_still_what_the_hook_inlines() -> None:
    """wire._emit calls ``self._emit(event_name, kwargs)`` directly, as botocore's emit does."""
    source = inspect.getsource(wire._original_emit)
    assert source.rstrip().endswith("return self._emit(event_name, kwargs)")


@pytest.mark.parametrize(
    ("original", "ours"),
    [
        (wire._original_send, wire._send),
        (wire._original_needs_retry, wire._needs_retry),
        (wire._original_sign, wire._sign),
        (wire._original_acquire, wire._acquire),
    ],
)
def test_each_patched_botocore_method_still_takes_what_ours_takes(original: Any, ours: Any) -> None:
    """A botocore release that changes a patched method's parameters fails here first."""
    assert list(inspect.signature(original).parameters) == list(inspect.signature(ours).parameters)


def test_every_patch_is_botocores_own_again_after_the_fake() -> None:
    with FakeAppStream():
        assert wire._patched()
    assert all(getattr(cls, name) is original for cls, name, original, _ in wire._PATCHES)
