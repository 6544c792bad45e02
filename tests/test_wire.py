"""The wire module on its own: JSON 1.1 bodies and the botocore internals the hook relies on."""

from __future__ import annotations

import inspect
import json

import pytest

from pytest_appstream import FakeAppStream, wire


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
