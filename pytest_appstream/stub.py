"""A ``botocore.stub.Stubber`` you can swap in, and that can hand over to the AppStream fake.

``Stubber(client)`` behaves like :class:`botocore.stub.Stubber` for any botocore client: the same
methods, arguments, defaults, exceptions and messages, so ``from pytest_appstream import Stubber,
ANY`` is a drop-in change of import. ``Stubber(client, passthrough=True)`` answers with its queued
responses first, in order, and once the queue is empty lets calls through to wherever the client
goes: for AppStream, the in-memory fake of the test (the ``appstream_stubber`` fixture is such a
stubber on ``appstream_client``).

Beyond botocore's: a method name is checked when queued (a typo names the nearest valid method);
in pass-through mode an error code must be one the operation can answer; queued responses and
expected parameters are copied, so mutating them later does not leak; ``resource_not_found``,
``operation_not_permitted`` and ``concurrent_modification`` queue the documented AppStream errors
with realistic messages; and every unexpected call is recorded (:attr:`Stubber.unexpected_calls`),
so the fixture fails the test even when the code under test swallowed the exception.

Example::

    with Stubber(appstream_client, passthrough=True) as stubber:
        stubber.concurrent_modification("stop_image_builder")
        with pytest.raises(appstream_client.exceptions.ConcurrentModificationException):
            appstream_client.stop_image_builder(Name="b")    # the stub answers
        appstream_client.stop_image_builder(Name="b")        # the fake answers
"""

from __future__ import annotations

import itertools
import json
import threading
from collections import deque
from collections.abc import Callable, Mapping
from pprint import pformat
from types import TracebackType
from typing import Any

import attrs
from botocore import stub as _botocore_stub
from botocore.awsrequest import AWSResponse
from botocore.client import BaseClient
from botocore.exceptions import (
    ParamValidationError,
    StubAssertionError,
    StubResponseError,
    UnStubbedResponseError,
)
from botocore.model import Shape
from botocore.validate import validate_parameters

from . import _wire as wire
from ._errors import AppStreamUsageError, closest
from ._faults import COMMON_ERRORS, DEFAULT_MESSAGES, label_of, names_in
from ._model import error_status

__all__ = ["ANY", "QueuedResponse", "Stubber"]

#: The account a documented-error message names when no fake is active.
_DEFAULT_ACCOUNT = "123456789012"
#: Where the stubber keeps the caller's parameters in botocore's request context.
_PARAMS_KEY = "pytest_appstream.stub.params"


class _Any:
    """Equal to everything: ``expected_params={"Name": ANY}`` accepts any ``Name``."""

    def __eq__(self, other: object) -> bool:
        return True

    def __ne__(self, other: object) -> bool:
        return False

    __hash__ = object.__hash__

    def __repr__(self) -> str:
        return "<ANY>"


#: Stands for any value in ``expected_params``, at the top level or nested.
ANY = _Any()


def _copy_tree(value: Any) -> Any:
    """A copy of the dicts, lists and tuples of ``value``; other values (leaves) are shared."""
    if isinstance(value, dict):
        return {key: _copy_tree(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copy_tree(item) for item in value]
    if isinstance(value, tuple):
        return tuple(_copy_tree(item) for item in value)
    return value


def _http_response(status: int, headers: Mapping[str, str] | None = None) -> AWSResponse:
    return AWSResponse(None, status, dict(headers or {}), None)  # type: ignore[arg-type]


@attrs.frozen
class QueuedResponse:
    """One queued answer; ``str()`` reads ``stop_image_builder -> ResourceNotFoundException``.

    ``error_code`` is ``None`` for a successful response.
    """

    method: str
    operation_name: str
    expected_params: Mapping[str, Any] | None
    status: int
    body: Mapping[str, Any] = attrs.field(repr=False)
    error_code: str | None = None
    #: Builds the error message from the call's parameters (the documented-error helpers).
    message_for: Callable[[Mapping[str, Any]], str] | None = attrs.field(default=None, repr=False)

    def __str__(self) -> str:
        return f"{self.method} -> {self.error_code or 'response'}"

    def answer(self, params: Mapping[str, Any]) -> tuple[AWSResponse, dict[str, Any]]:
        """The ``(http_response, parsed)`` botocore's ``before-call`` expects."""
        body = dict(self.body)
        headers: dict[str, str] = {}
        if self.message_for is not None:
            message = self.message_for(params)
            request_id = _request_id()
            headers = {
                "x-amzn-requestid": request_id,
                "content-type": wire.CONTENT_TYPE,
                "content-length": str(
                    len(json.dumps({"__type": self.error_code, "message": message}))
                ),
                "date": _date(),
            }
            body["Error"] = {**body["Error"], "Message": message}
            body["ResponseMetadata"] = {
                "RequestId": request_id,
                "HTTPStatusCode": self.status,
                "HTTPHeaders": headers,
                "RetryAttempts": 0,
            }
        return _http_response(self.status, headers), body


class Stubber:
    """Queue responses for a botocore client; compatible with ``botocore.stub.Stubber``.

    Responses answer first in, first out. With ``passthrough=False`` (botocore's behaviour) a
    call with no queued response, or for another operation than the next response's, raises
    :class:`~botocore.exceptions.UnStubbedResponseError` /
    :class:`~botocore.exceptions.StubResponseError`; parameters that differ from
    ``expected_params`` raise :class:`~botocore.exceptions.StubAssertionError`. With
    ``passthrough=True`` a call made while the queue is empty goes on to the service (for an
    AppStream client in a test using the ``appstream`` fixture: the fake).

    >>> import botocore.session
    >>> client = botocore.session.get_session().create_client(
    ...     "appstream", region_name="us-east-1",
    ...     aws_access_key_id="testing", aws_secret_access_key="testing")
    >>> stubber = Stubber(client)
    >>> stubber.add_response("describe_image_builders", {"ImageBuilders": []}, {})
    >>> with stubber:
    ...     client.describe_image_builders()["ImageBuilders"]
    []
    >>> stubber.assert_no_pending_responses()
    """

    def __init__(self, client: BaseClient, *, passthrough: bool = False) -> None:
        """
        :param client: The client to add your stubs to.
        :param passthrough: Once the queue is empty, let calls through to the service instead of
            raising ``UnStubbedResponseError``.
        """
        if getattr(client, "meta", None) is None:
            raise AppStreamUsageError(
                f"client={client!r} is not a botocore client; allowed: a client such as "
                "appstream_client or boto3.client('appstream')"
            )
        self.client = client
        self.passthrough = passthrough
        self._queue: deque[QueuedResponse] = deque()
        self._unexpected: list[StubResponseError] = []
        self._lock = threading.Lock()
        tag = f"pytest_appstream_stubber_{id(self)}"
        self._event_id = tag
        self._expected_params_event_id = f"{tag}_expected_params"
        self._stub_account_id_event_id = f"{tag}_stub_account_id"

    def __enter__(self) -> Stubber:
        self.activate()
        return self

    def __exit__(
        self,
        exception_type: type[BaseException] | None,
        exception_value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.deactivate()

    # -- activation ----------------------------------------------------------------------------

    def activate(self) -> None:
        """Activates the stubber on the client."""
        events: Any = self.client.meta.events  # botocore-stubs types handlers as returning None
        events.register_first(
            "before-parameter-build.*.*",
            self._before_parameter_build,
            unique_id=self._expected_params_event_id,
        )
        # Pass-through: answer after any other before-call handler (a botocore Stubber's first).
        register = events.register_last if self.passthrough else events.register
        register("before-call.*.*", self._before_call, unique_id=self._event_id)
        if _ACCOUNT_ID_HOOK:
            events.register(
                "before-endpoint-resolution.*",
                self._no_account_id_lookup,
                unique_id=self._stub_account_id_event_id,
            )

    def deactivate(self) -> None:
        """Deactivates the stubber on the client."""
        events: Any = self.client.meta.events  # botocore-stubs types handlers as returning None
        events.unregister(
            "before-parameter-build.*.*",
            self._before_parameter_build,
            unique_id=self._expected_params_event_id,
        )
        events.unregister("before-call.*.*", self._before_call, unique_id=self._event_id)
        events.unregister(
            "before-endpoint-resolution.*",
            self._no_account_id_lookup,
            unique_id=self._stub_account_id_event_id,
        )

    # -- queueing --------------------------------------------------------------------------------

    def add_response(
        self,
        method: str,
        service_response: Mapping[str, Any],
        expected_params: Mapping[str, Any] | None = None,
    ) -> None:
        """Adds a service response to the response queue.

        The response is validated against the operation's output shape (``ResponseMetadata``
        aside). Missing members are valid, but give every value your code reads.

        :param method: The name of the client method to stub, e.g. ``"stop_image_builder"``.
        :param service_response: A dict response stub, validated against the service model.
        :param expected_params: The keyword arguments the call must be made with; a difference
            raises ``StubAssertionError``. ``ANY`` matches any value.
        """
        operation_name = self._operation_for(method, check_attribute=True)
        response = _copy_tree(service_response)
        self._validate_operation_response(operation_name, response)
        self._queue.append(
            QueuedResponse(method, operation_name, _copy_tree(expected_params), 200, response)
        )

    def add_client_error(
        self,
        method: str,
        service_error_code: str = "",
        service_message: str = "",
        http_status_code: int = 400,
        service_error_meta: Mapping[str, Any] | None = None,
        expected_params: Mapping[str, Any] | None = None,
        response_meta: Mapping[str, Any] | None = None,
        modeled_fields: Mapping[str, Any] | None = None,
    ) -> None:
        """Adds a ``ClientError`` to the response queue.

        :param method: The name of the client method to return the error on.
        :param service_error_code: The error code, e.g. ``"ResourceNotFoundException"``. In
            pass-through mode it must be an error the operation's model lists, or a common AWS error.
        :param service_message: The error message.
        :param http_status_code: The HTTP status code of the error (400).
        :param service_error_meta: Additional keys for the response's ``Error``.
        :param expected_params: The keyword arguments the call must be made with (see
            :meth:`add_response`).
        :param response_meta: Additional keys for the response's ``ResponseMetadata``.
        :param modeled_fields: Additional keys for the response, validated against the error
            code's shape.
        """
        operation_name = self._operation_for(method)
        if self.passthrough:
            self._check_error_code(operation_name, service_error_code, allow_common=True)
        parsed: dict[str, Any] = {
            "ResponseMetadata": {"HTTPStatusCode": http_status_code},
            "Error": {"Message": service_message, "Code": service_error_code},
        }
        if service_error_meta is not None:
            parsed["Error"].update(_copy_tree(service_error_meta))
        if response_meta is not None:
            parsed["ResponseMetadata"].update(_copy_tree(response_meta))
        if modeled_fields is not None:
            model: Any = self.client.meta.service_model  # botocore-stubs: the code is an int
            shape = model.shape_for_error_code(service_error_code)
            self._validate_response(shape, modeled_fields)
            parsed.update(_copy_tree(modeled_fields))
        self._queue.append(
            QueuedResponse(
                method,
                operation_name,
                _copy_tree(expected_params),
                http_status_code,
                parsed,
                service_error_code,
            )
        )

    def resource_not_found(
        self,
        method: str = "stop_image_builder",
        *,
        message: str | None = None,
        expected_params: Mapping[str, Any] | None = None,
    ) -> None:
        """Queue AppStream's ``ResourceNotFoundException`` for ``method``.

        The default message names the builder of the call and the fake's account, like the fake:
        ``The image builder b for account 123456789012 does not exist.``
        """
        self._add_documented_error(method, "ResourceNotFoundException", message, expected_params)

    def operation_not_permitted(
        self,
        method: str = "stop_image_builder",
        *,
        message: str | None = None,
        expected_params: Mapping[str, Any] | None = None,
    ) -> None:
        """Queue AppStream's ``OperationNotPermittedException`` for ``method``."""
        self._add_documented_error(
            method, "OperationNotPermittedException", message, expected_params
        )

    def concurrent_modification(
        self,
        method: str = "stop_image_builder",
        *,
        message: str | None = None,
        expected_params: Mapping[str, Any] | None = None,
    ) -> None:
        """Queue AppStream's ``ConcurrentModificationException`` for ``method``."""
        self._add_documented_error(
            method, "ConcurrentModificationException", message, expected_params
        )

    def _add_documented_error(
        self,
        method: str,
        code: str,
        message: str | None,
        expected_params: Mapping[str, Any] | None,
    ) -> None:
        operation_name = self._operation_for(method)
        self._check_error_code(operation_name, code, allow_common=False)
        if message is not None and not isinstance(message, str):
            raise AppStreamUsageError(f"message={message!r} must be a string (or None)")

        def message_for(params: Mapping[str, Any]) -> str:
            if message is not None:
                return message
            name = next(iter(names_in(params)), "<unnamed>")
            account = getattr(wire.attached(), "account_id", _DEFAULT_ACCOUNT)
            label = label_of(operation_name, params)
            return DEFAULT_MESSAGES[code].format(name=name, account=account, label=label)

        body = {"Error": {"Message": "", "Code": code}, "ResponseMetadata": {}}
        self._queue.append(
            QueuedResponse(
                method,
                operation_name,
                _copy_tree(expected_params),
                error_status(code),
                body,
                code,
                message_for,
            )
        )

    # -- checks ------------------------------------------------------------------------------------

    def assert_no_pending_responses(self) -> None:
        """Asserts that all expected calls were made."""
        remaining = len(self._queue)
        if remaining != 0:
            raise AssertionError(f"{remaining} responses remaining in queue.")

    def assert_no_unexpected_calls(self) -> None:
        """Asserts that no call was refused (unstubbed, another operation, other parameters).

        Unlike the exception the call raised, this fails even if the code under test caught it.
        """
        if self._unexpected:
            lines = "\n".join(f"  {error}" for error in self._unexpected)
            raise AssertionError(f"{len(self._unexpected)} unexpected call(s):\n{lines}")

    @property
    def pending(self) -> tuple[QueuedResponse, ...]:
        """The queued responses not used yet, next first."""
        return tuple(self._queue)

    @property
    def unexpected_calls(self) -> list[StubResponseError]:
        """The errors raised for calls the queue did not expect, oldest first (a copy)."""
        return list(self._unexpected)

    def _operation_for(self, method: str, *, check_attribute: bool = False) -> str:
        """The API name of client method ``method``, or botocore's ValueError.

        In pass-through mode the message also names the nearest method; otherwise it is
        botocore's, to the letter.
        """
        mapping: Any = self.client.meta.method_to_api_mapping
        operation_name = mapping.get(method)
        if operation_name is None or (check_attribute and not hasattr(self.client, method)):
            hint = _did_you_mean(method, mapping) if self.passthrough else ""
            raise ValueError(
                f"Client {self.client.meta.service_model.service_name} "
                f"does not have method: {method}{hint}"
            )
        return str(operation_name)

    def _check_error_code(self, operation_name: str, code: str, *, allow_common: bool) -> None:
        model = self.client.meta.service_model  # any service's client: its own model's errors
        modeled = [
            getattr(shape, "error_code", None) or shape.name
            for shape in model.operation_model(operation_name).error_shapes
        ]
        allowed = modeled + list(COMMON_ERRORS) if allow_common else modeled
        if code in allowed:
            return
        nearest = closest(code, allowed)
        hint = f"; did you mean {nearest!r}?" if nearest else ""
        raise ValueError(
            f"service_error_code={code!r} is not an error {operation_name} can answer "
            f"(allowed: {', '.join(allowed) or 'none'}){hint}"
        )

    def _validate_operation_response(
        self, operation_name: str, service_response: Mapping[str, Any]
    ) -> None:
        operation_model = self.client.meta.service_model.operation_model(operation_name)
        response = {k: v for k, v in service_response.items() if k != "ResponseMetadata"}
        self._validate_response(operation_model.output_shape, response)

    def _validate_response(self, shape: Shape | None, response: Mapping[str, Any]) -> None:
        if shape is not None:
            validate_parameters(response, shape)
        elif response:
            # No output shape: the response may only hold ResponseMetadata.
            raise ParamValidationError(
                report="Service response should only contain ResponseMetadata."
            )

    # -- the botocore event handlers -----------------------------------------------------------

    def _refuse(self, error: StubResponseError) -> StubResponseError:
        """Record ``error`` (see :attr:`unexpected_calls`) and give it back to raise."""
        self._unexpected.append(error)
        return error

    def _next_for(self, operation_name: str) -> QueuedResponse:
        """The next queued response, if it is for ``operation_name``."""
        if not self._queue:
            raise self._refuse(
                UnStubbedResponseError(
                    operation_name=operation_name,
                    reason=(
                        "Unexpected API Call: A call was made but no additional calls "
                        "expected. Either the API Call was not stubbed or it was called "
                        "multiple times."
                    ),
                )
            )
        queued = self._queue[0]
        if queued.operation_name != operation_name:
            raise self._refuse(
                StubResponseError(
                    operation_name=operation_name,
                    reason=f"Operation mismatch: found response for {queued.operation_name}.",
                )
            )
        return queued

    def _check_params(self, queued: QueuedResponse, params: Mapping[str, Any]) -> None:
        expected = queued.expected_params
        if expected is None:
            return
        differs = any(key not in params or expected[key] != params[key] for key in expected)
        if differs or set(expected) != set(params):
            raise self._refuse(
                StubAssertionError(
                    operation_name=queued.operation_name,
                    reason=(
                        f"Expected parameters:\n{pformat(expected)},\n"
                        f"but received:\n{pformat(params)}"
                    ),
                )
            )

    def _before_parameter_build(
        self, model: Any, params: Mapping[str, Any], context: Any, **kwargs: Any
    ) -> None:
        # A presigned URL never sends a request, so it takes no response.
        if context and context.get("is_presign_request"):
            return
        if isinstance(context, dict):
            context[_PARAMS_KEY] = _copy_tree(params)
        if not self.passthrough:
            self._check_params(self._next_for(model.name), params)

    def _before_call(
        self, model: Any, params: Any, context: Any, **kwargs: Any
    ) -> tuple[AWSResponse, dict[str, Any]] | None:
        api_params: Mapping[str, Any] = (context or {}).get(_PARAMS_KEY) or {}
        with self._lock:
            if self.passthrough and (
                not self._queue or (context and context.get("is_presign_request"))
            ):
                return None
            queued = self._next_for(model.name)
            if self.passthrough:
                self._check_params(queued, api_params)
            self._queue.popleft()
        return queued.answer(api_params)

    def _no_account_id_lookup(self, builtins: dict[str, Any], **kwargs: Any) -> None:
        # Endpoint rules may want the account id from the credentials, which a stubbed test
        # may not have: resolve it as unknown instead.
        if "AWS::Auth::AccountId" in builtins:
            builtins["AWS::Auth::AccountId"] = None


#: botocore 1.35+ resolves endpoints with the account id, and its Stubber hooks that resolution;
#: register the same handlers as the installed botocore's Stubber does.
_ACCOUNT_ID_HOOK = hasattr(_botocore_stub.Stubber, "_set_account_id_for_endpoint_resolution")


def _did_you_mean(method: str, mapping: Any) -> str:
    """``"; did you mean 'stop_image_builder'?"`` for the nearest client method, or ``""``."""
    if not isinstance(mapping, Mapping):
        return ""
    exact = [snake for snake, api in mapping.items() if api == method]
    nearest = exact[0] if exact else closest(method, mapping)
    return f"; did you mean {nearest!r}?" if nearest else ""


def _date() -> str:
    """The ``Date`` header of a queued response: the attached fake's clock, else now."""
    backend = wire.attached()
    return wire.http_date(None if backend is None else backend.clock.timestamp())


_stub_ids = itertools.count(1)


def _request_id() -> str:
    """A queued error's ``x-amzn-RequestId``: the attached fake's next one, else a counter's."""
    backend = wire.attached()
    if backend is not None:
        return backend._next_request_id()
    return f"00000000-0000-4000-9000-{next(_stub_ids):012d}"
