"""Test-suite wide checks: every answer of the fake is validated against the botocore model."""

from __future__ import annotations

from typing import Any

import hypothesis  # noqa: F401  # imported once: pytester's inner runs re-import it otherwise (~0.5 s each)
import pytest

from pytest_appstream.fake import FakeAppStream
from tests.fidelity import check_response


@pytest.fixture(autouse=True)
def _every_answer_is_model_valid(monkeypatch: pytest.MonkeyPatch) -> None:
    original = FakeAppStream._handle

    def checked(
        self: FakeAppStream, operation: str, params: dict[str, Any], region: str | None
    ) -> tuple[int, Any]:
        status, body = original(self, operation, params, region)
        check_response(operation, status, body)
        return status, body

    monkeypatch.setattr(FakeAppStream, "_handle", checked)
