"""The injection queue: errors a test asks the fake to answer instead of applying its rules.

A fault matches a call by operation, builder name (if given) and predicate (if given); the oldest
matching fault answers first, ``times`` times (``None``: every matching call). It is answered on
the wire like an AWS error: the code in the body's ``__type``, a message, the HTTP status.

>>> q = FaultQueue()
>>> _ = q.add(make_fault("stop_image_builder", "ConcurrentModificationException", name="b"))
>>> q.take("StopImageBuilder", {"Name": "b"}).error_code
'ConcurrentModificationException'
>>> q.take("StopImageBuilder", {"Name": "b"}) is None
True
"""

from __future__ import annotations

import copy
import re
import threading
from collections.abc import Callable, Iterator, Mapping
from typing import Any, cast

import attrs

from ._errors import AppStreamUsageError, did_you_mean
from ._kinds import kinds
from ._model import (
    REGION_NAME,
    check_operation,
    error_status,
    modeled_errors,
    operation_names,
    service_model,
)

Predicate = Callable[[Mapping[str, Any]], object]

#: Errors every AWS operation can answer besides its modeled ones, with their HTTP status: the
#: "Common Errors" of AWS API references, plus the JSON protocol's ValidationException and
#: UnrecognizedClientException. botocore retries the 5xx ones and ThrottlingException.
COMMON_ERRORS: dict[str, int] = {
    "ThrottlingException": 400,
    "InternalFailure": 500,
    "ServiceUnavailable": 503,
    "AccessDeniedException": 400,
    "IncompleteSignature": 400,
    "InvalidAction": 400,
    "InvalidClientTokenId": 403,
    "NotAuthorized": 400,
    "OptInRequired": 403,
    "RequestExpired": 400,
    "UnrecognizedClientException": 400,
    "ValidationError": 400,
    "ValidationException": 400,
}

#: Default messages. Fields: ``{operation}``, ``{account}``, and ``{name}`` and ``{label}`` for the
#: ``RESOURCE_MESSAGES`` used when the call names a resource. The wording is AWS's
#: (API reference descriptions, common-error texts); naming the builder and account is the style of
#: AppStream's runtime messages (docs/state-rules.md). Other codes use the model's description.
COMMON_MESSAGES = {
    "ThrottlingException": "Rate exceeded",
    "InternalFailure": (
        "The request processing has failed because of an unknown error, exception or failure."
    ),
    "ServiceUnavailable": "The request has failed due to a temporary failure of the server.",
    "AccessDeniedException": (
        "User: arn:aws:iam::{account}:user/testing is not authorized to perform: "
        "appstream:{operation} because no identity-based policy allows the "
        "appstream:{operation} action"
    ),
    "IncompleteSignature": "The request signature does not conform to AWS standards.",
    "InvalidAction": (
        "The action or operation requested is invalid. Verify that the action is typed correctly."
    ),
    "InvalidClientTokenId": "The security token included in the request is invalid.",
    "NotAuthorized": "You do not have permission to perform this action.",
    "OptInRequired": "The AWS access key ID needs a subscription for the service.",
    "RequestExpired": (
        "The request reached the service more than 15 minutes after the date stamp on the request."
    ),
    "UnrecognizedClientException": "The security token included in the request is invalid.",
    "ValidationError": "The input fails to satisfy the constraints specified by an AWS service.",
    "ValidationException": (
        "The input fails to satisfy the constraints specified by an AWS service."
    ),
}
#: AppStream's style for errors about one resource: they name it and the account. ``{label}``
#: is the kind of resource (``image builder``, ``image``, ...).
RESOURCE_MESSAGES = {
    "ResourceNotFoundException": "The {label} {name} for account {account} does not exist.",
    "OperationNotPermittedException": (
        "The attempted operation is not permitted on {label} {name} for account {account}."
    ),
    "ConcurrentModificationException": (
        "An API error occurred on {label} {name} for account {account}. "
        "Wait a few minutes and try again."
    ),
    "ResourceAlreadyExistsException": "The {label} {name} for account {account} already exists.",
    "ResourceNotAvailableException": (
        "The {label} {name} for account {account} exists and is not in use, but isn't available."
    ),
}
#: Every default message template, by code.
DEFAULT_MESSAGES = {**COMMON_MESSAGES, **RESOURCE_MESSAGES}


def names_in(params: Mapping[str, Any]) -> list[str]:
    """The resource names a request is about: ``Name``, ``Names``, ``FleetName``, ``ImageName``
    and every other ``...Name``/``...Names`` member, and the name in an AppStream ARN.

    >>> names_in({"Name": "b", "ImageArn": "arn:aws:appstream:us-east-1::image/base"})
    ['b', 'base']
    """
    found: list[str] = []
    for member, value in params.items():
        values = value if isinstance(value, list) else [value]
        strings = [v for v in values if isinstance(v, str)]
        if member.endswith(("Name", "Names")) and not member.endswith("DisplayName"):
            found.extend(strings)
        elif member.endswith(("Arn", "Arns", "AssociatedResource")):
            found.extend(v.rpartition("/")[2] for v in strings if ":appstream:" in v)
    return found


def label_of(operation_: str, params: Mapping[str, Any]) -> str:
    """What kind of resource a call is about, for messages (``image builder``, ``image``)."""
    by_shape = sorted(
        (of for of in kinds() if of.record.SHAPE in operation_),
        key=lambda of: -len(of.record.SHAPE),
    )
    if by_shape:
        return by_shape[0].label
    for value in params.values():
        if isinstance(value, str) and ":appstream:" in value:
            resource = value.rpartition(":")[2].partition("/")[0]
            for of in kinds():
                if of.arn_resource == resource:
                    return of.label
    return "resource"


def error_documentation(code: str) -> str | None:
    """The model's one-line description of an error shape, without HTML tags."""
    try:
        doc = service_model().shape_for(code).documentation
    except Exception:  # botocore raises NoShapeFoundError, and a KeyError for some names
        return None
    return re.sub(r"<[^>]+>", "", str(doc)).strip() or None


@attrs.define
class Fault:
    """One injected error: which calls it answers, how often (``times=None``: always), and how.

    ``used`` counts the calls it has answered.
    """

    operation: str
    error_code: str
    name: str | None = None
    when: Predicate | None = None
    times: int | None = 1
    message: str | None = None
    used: int = 0
    region: str | None = None

    def matches(
        self, operation_: str, params: Mapping[str, Any], region: str | None = None
    ) -> bool:
        """True when this fault answers ``operation_`` called with ``params`` in ``region``."""
        __tracebackhide__ = True
        if operation_ != self.operation:
            return False
        if self.region is not None and region != self.region:
            return False
        if self.name is not None and self.name not in names_in(params):
            return False
        if self.when is None:
            return True
        try:
            return bool(self.when(copy.deepcopy(dict(params))))
        except Exception as error:
            raise AppStreamUsageError(
                f"the when= predicate of the fault {self.describe()} raised "
                f"{type(error).__name__}: {error} (called with {dict(params)!r})"
            ) from error

    def exhausted(self) -> bool:
        """True once used ``times`` times."""
        return self.times is not None and self.used >= self.times

    def status(self) -> int:
        """The HTTP status AWS answers this error with (a modeled error's: its model's)."""
        return COMMON_ERRORS.get(self.error_code) or error_status(self.error_code)

    def text(self, params: Mapping[str, Any], account: str) -> str:
        """The error message: the given one, or AWS's wording for the code (see :data:`COMMON_MESSAGES`)."""
        if self.message is not None:
            return self.message
        names = names_in(params)
        fields = {"operation": self.operation, "account": account}
        template = RESOURCE_MESSAGES.get(self.error_code)
        if names and template is not None:
            name = self.name if self.name in names else names[0]
            return template.format(name=name, label=label_of(self.operation, params), **fields)
        template = COMMON_MESSAGES.get(self.error_code)
        if template is not None:
            return template.format(**fields)
        return error_documentation(self.error_code) or self.error_code

    def describe(self) -> str:
        """``StopImageBuilder -> ThrottlingException (name='b', times=2)``, for messages."""
        options = [f"name={self.name!r}"] if self.name is not None else []
        options += [f"region={self.region!r}"] if self.region is not None else []
        options += ["when=<predicate>"] if self.when is not None else []
        options.append(f"times={self.times!r}")
        return f"{self.operation} -> {self.error_code} ({', '.join(options)})"


def allowed_errors(aws_operation: str, common: bool = True) -> tuple[str, ...]:
    """The codes an operation may answer: its modeled errors, then (``common``) the errors every
    AWS operation can answer. Faults and the Stubber accept exactly these."""
    return modeled_errors(aws_operation) + (tuple(COMMON_ERRORS) if common else ())


def make_fault(
    operation: object,
    error_code: object,
    *,
    name: object = None,
    when: object = None,
    times: object = 1,
    message: object = None,
    region: object = None,
) -> Fault:
    """A checked :class:`Fault`, or an :class:`AppStreamUsageError` naming the bad argument.

    ``operation`` is in either spelling; ``error_code`` must be an error the operation's model
    lists, or one of :data:`COMMON_ERRORS`.
    """
    aws_name = check_operation(
        operation, f" (either spelling): {', '.join(operation_names())}", cutoff=0.9
    )
    allowed = allowed_errors(aws_name)
    if error_code not in allowed:
        raise AppStreamUsageError(
            f"error_code={error_code!r} is not an error {aws_name} can answer"
            f"{did_you_mean(error_code, allowed)}; allowed: {', '.join(allowed)} "
            "(the errors its model lists, then the errors common to every AWS operation)"
        )
    assert isinstance(error_code, str)
    if times is not None and (not isinstance(times, int) or isinstance(times, bool) or times < 1):
        raise AppStreamUsageError(
            f"times={times!r} is not allowed; allowed: an int >= 1, or None (every matching call)"
        )
    if name is not None and not (isinstance(name, str) and name):
        raise AppStreamUsageError(
            f"name={name!r} is not allowed; allowed: None, or the resource name (or ARN) a "
            "matching call names (Name, Names, FleetName, StackName, UserName, ...)"
        )
    if when is not None and not callable(when):
        raise AppStreamUsageError(
            f"when={when!r} is not callable; allowed: None, or a function taking the request "
            "parameters (a dict in wire form) and returning True to answer with the fault"
        )
    if message is not None and not isinstance(message, str):
        raise AppStreamUsageError(f"message={message!r} is not allowed; allowed: a string or None")
    if region is not None and not (isinstance(region, str) and REGION_NAME.fullmatch(region)):
        raise AppStreamUsageError(
            f"region={region!r} is not a region name; allowed: None (any region) or a name like "
            "'us-east-1'"
        )
    return Fault(
        aws_name,
        error_code,
        name,
        cast("Predicate | None", when),
        times,
        message,
        region=region,
    )


class FaultQueue:
    """Faults in injection order; thread-safe."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._lock = threading.RLock()  # a predicate may inspect the fake (or inject)

    def add(self, fault: Fault) -> Fault:
        """Queue ``fault`` after the ones already injected."""
        with self._lock:
            self._faults.append(fault)
        return fault

    def take(
        self, operation: str, params: Mapping[str, Any], region: str | None = None
    ) -> Fault | None:
        """The oldest fault that answers this call, counted as used once; None if none does."""
        __tracebackhide__ = True
        if not self._faults:  # the common case: no fault injected
            return None
        with self._lock:
            for fault in self._faults:
                if not fault.exhausted() and fault.matches(operation, params, region):
                    fault.used += 1
                    return fault
        return None

    def unused(self) -> list[Fault]:
        """Faults with a fixed ``times`` that have not answered that many calls."""
        with self._lock:
            return [f for f in self._faults if f.times is not None and not f.exhausted()]

    def __iter__(self) -> Iterator[Fault]:
        with self._lock:
            return iter(list(self._faults))

    def __len__(self) -> int:
        return len(self._faults)
