"""The injection queue: errors a test asks the fake to answer instead of the real rules.

Faults match by operation, builder name (if given) and predicate (if given); the oldest matching
fault answers first, ``times`` times (``None``: every matching call).

>>> q = FaultQueue()
>>> q.add(Fault("StopImageBuilder", "ConcurrentModificationException", name="b"))
>>> q.take("StopImageBuilder", {"Name": "b"}).error_code
'ConcurrentModificationException'
>>> q.take("StopImageBuilder", {"Name": "b"}) is None
True
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Mapping
from typing import Any

import attrs

from .errors import AppStreamUsageError
from .model import modeled_errors, operation, operation_name, operation_names

#: Errors any AWS JSON operation can answer, with their HTTP status (AWS "Common Errors").
COMMON_ERRORS: dict[str, int] = {
    "ThrottlingException": 400,
    "ValidationException": 400,
    "AccessDeniedException": 400,
    "UnrecognizedClientException": 400,
    "InternalFailure": 500,
    "InternalServerError": 500,
    "ServiceUnavailable": 503,
}

#: Messages of the three documented StopImageBuilder errors (AWS API reference wording, with the
#: builder and account named as AWS's runtime messages do). ``{name}`` and ``{account}`` are filled.
DEFAULT_MESSAGES = {
    "ResourceNotFoundException": "The image builder {name} for account {account} does not exist.",
    "OperationNotPermittedException": (
        "The attempted operation is not permitted on image builder {name} for account {account}."
    ),
    "ConcurrentModificationException": (
        "An API error occurred on image builder {name} for account {account}. "
        "Wait a few minutes and try again."
    ),
    "ThrottlingException": "Rate exceeded",
    "InternalFailure": "The request processing has failed because of an unknown error.",
    "ServiceUnavailable": "The request has failed due to a temporary failure of the server.",
}


@attrs.define
class Fault:
    """One injected error: which calls it answers and how often (``times=None``: always)."""

    operation: str
    error_code: str
    name: str | None = None
    when: Callable[[Mapping[str, Any]], bool] | None = None
    times: int | None = 1
    message: str | None = None
    used: int = 0

    def matches(self, operation_: str, params: Mapping[str, Any]) -> bool:
        """True when this fault answers ``operation_`` called with ``params``."""
        if operation_ != self.operation:
            return False
        if self.name is not None and self.name not in names_in(params):
            return False
        return self.when is None or bool(self.when(params))

    def exhausted(self) -> bool:
        """True once used ``times`` times."""
        return self.times is not None and self.used >= self.times

    def status(self) -> int:
        """The HTTP status AWS answers this error with."""
        return COMMON_ERRORS.get(self.error_code, 400)

    def text(self, params: Mapping[str, Any], account: str) -> str:
        """The error message: the given one, or AWS's style for the code."""
        if self.message is not None:
            return self.message
        name = next(iter(names_in(params)), "<unnamed>")
        template = DEFAULT_MESSAGES.get(self.error_code)
        if template is None:
            return error_documentation(self.error_code) or self.error_code
        return template.format(name=name, account=account)


def names_in(params: Mapping[str, Any]) -> list[str]:
    """The builder names a request is about (``Name``, ``Names`` or the ARN's last part)."""
    if "Name" in params:
        return [params["Name"]]
    if "Names" in params:
        return list(params["Names"])
    if "ResourceArn" in params:
        return [str(params["ResourceArn"]).rpartition("/")[2]]
    return []


def error_documentation(code: str) -> str | None:
    """The model's one-line documentation of an error shape, without HTML tags."""
    from .model import service_model

    try:
        doc = service_model().shape_for(code).documentation
    except Exception:
        return None
    return re.sub(r"<[^>]+>", "", str(doc)).strip() or None


def check_fault(operation_: object, error_code: object, times: object) -> tuple[str, str]:
    """The AWS operation name and error code of a fault to inject, or a clear usage error."""
    try:
        aws_name = operation_name(str(operation_))
    except KeyError:
        raise AppStreamUsageError(
            f"operation={operation_!r} is not an AppStream operation; "
            f"allowed (either spelling): {', '.join(operation_names())}"
        ) from None
    allowed = modeled_errors(aws_name) + tuple(COMMON_ERRORS)
    if error_code not in allowed:
        raise AppStreamUsageError(
            f"error_code={error_code!r} is not an error {aws_name} can answer; "
            f"allowed: {', '.join(allowed)}"
        )
    if times is not None and (not isinstance(times, int) or isinstance(times, bool) or times < 1):
        raise AppStreamUsageError(f"times={times!r} must be a positive int or None (every call)")
    assert operation(aws_name) is not None
    return aws_name, str(error_code)


class FaultQueue:
    """Faults in injection order; thread-safe."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._lock = threading.Lock()

    def add(self, fault: Fault) -> Fault:
        """Queue ``fault`` after the ones already injected."""
        with self._lock:
            self._faults.append(fault)
        return fault

    def take(self, operation_: str, params: Mapping[str, Any]) -> Fault | None:
        """The oldest fault that answers this call, counted as used once; None if none does."""
        if not self._faults:
            return None
        with self._lock:
            for fault in self._faults:
                if not fault.exhausted() and fault.matches(operation_, params):
                    fault.used += 1
                    return fault
        return None

    def unused(self) -> list[Fault]:
        """Faults with a fixed ``times`` that were not used that many times."""
        with self._lock:
            return [f for f in self._faults if f.times is not None and not f.exhausted()]
