"""Wire fuzz (issue 13): no request body, however malformed, makes the fake misbehave.

Every operation the fake implements (read from :data:`pytest_appstream._operations.HANDLERS` when the
tests are collected, so operations added later are fuzzed without editing this file) gets JSON
values built from its input shape: mostly well-shaped, with nulls, wrong types, unknown members,
garbage page tokens, numbers past Java's ranges, empty and long strings and unicode mixed in at
every depth. Each goes to a fake seeded with builders in assorted states, two ways: as a raw
JSON 1.1 body through :func:`pytest_appstream._wire.answer` (an HTTP client, another SDK), and
through a botocore client with ``parameter_validation=False``. For each call:

- no Python exception escapes the fake;
- an error is one the operation's model lists or a common AWS error, with its HTTP status;
- a success is valid for the operation's output shape (``tests/fidelity.py``);
- a request botocore's own validator refuses (once null and unknown members, which AWS ignores,
  are left out) is answered ``ValidationException`` or ``SerializationException`` before any
  resource is looked at, and every ``ValidationException`` is worded as AWS words them;
- a failed call changes nothing: builders (state, fields, tags, pending transition) and
  histories are the same before and after.

Hypothesis profile ``wire-fuzz``: derandomized, no deadline, no example database, so a run does
not depend on wall time, machine load or earlier runs.
"""

from __future__ import annotations

import base64
import json
import re
from typing import Any

import attrs
import botocore.session
import pytest
from botocore import xform_name
from botocore.client import BaseClient
from botocore.config import Config
from botocore.exceptions import ClientError
from botocore.model import ListShape, MapShape, Shape, StructureShape
from botocore.validate import ParamValidator
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pytest_appstream import _model as model
from pytest_appstream import _wire as wire
from pytest_appstream._faults import COMMON_ERRORS
from pytest_appstream._operations import HANDLERS
from pytest_appstream.fake import FakeAppStream
from tests.fidelity import check_response

settings.register_profile(
    "wire-fuzz",
    max_examples=40,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
WIRE_FUZZ = settings.get_profile("wire-fuzz")

OPERATIONS = sorted(HANDLERS)
REGION = "us-east-1"
ACCOUNT = "123456789012"
#: Seeded builders, one per kind of state (stable, in-between), some tagged.
SEEDS = {
    "running": ("RUNNING", {"team": "qa"}),
    "stopped": ("STOPPED", {}),
    "failed": ("FAILED", {"a": "1", "b": ""}),
    "pending": ("PENDING", {}),
    "stopping": ("STOPPING", {"team": "ops"}),
}


def arn(name: str) -> str:
    return f"arn:aws:appstream:{REGION}:{ACCOUNT}:image-builder/{name}"


def token(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode()


#: Strings worth sending to any string member: names and ARNs that exist, enum-like words,
#: page tokens good and bad, and the edges of lengths and patterns.
STRINGS = sorted(
    {
        *SEEDS,
        *(arn(name) for name in SEEDS),
        "absent",
        arn("absent"),
        "arn:aws:appstream:us-east-1::image/AppStream-WinServer2019-06-12-2023",
        "AppStream-WinServer2019-06-12-2023",
        "stream.standard.small",
        "LATEST",
        "STREAMING",
        "aws:reserved",
        token("offset:1"),
        token("offset:99999999999999999999"),
        token("offset:-1"),
        token("other:1"),
        "not base64!",
        "=",
        "",
        " ",
        "x" * 129,
        "y" * 257,
        "z" * 2001,
        "名前",
        "\u00e9\u0301",
        "\U0001f600",
        "-leading-dash",
    }
)
NUMBERS = [-(2**63) - 1, -(2**31) - 1, -1, 0, 1, 2, 25, 3600, 604800, 604801, 2**31 - 1, 2**31]
NUMBERS += [2**63 - 1, 2**63]

SCALARS: st.SearchStrategy[Any] = st.one_of(
    st.none(),
    st.booleans(),
    st.sampled_from(NUMBERS),
    st.integers(-10, 10**6),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(STRINGS),
    st.text(max_size=8),
)
#: Any JSON value: what a careless or hostile client puts where the model wants something else.
GARBAGE: st.SearchStrategy[Any] = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=6,
)


def _output_members(operation: str) -> list[str]:
    """Member names of the operation's output (two levels): unknown input members to send."""
    names: set[str] = set()
    shape = model.operation(operation).output_shape
    if isinstance(shape, StructureShape):
        for member, member_shape in shape.members.items():
            names.add(member)
            while isinstance(member_shape, ListShape):
                member_shape = member_shape.member
            if isinstance(member_shape, StructureShape):
                names.update(member_shape.members)
    return sorted(names)


def values(shape: Shape, unknown: list[str], depth: int = 0) -> st.SearchStrategy[Any]:
    """JSON values for ``shape``: mostly well-shaped (recursively so), else null or garbage."""
    shaped = _shaped(shape, unknown, depth)
    return st.one_of(shaped, shaped, shaped, st.none(), GARBAGE)


def _shaped(shape: Shape, unknown: list[str], depth: int) -> st.SearchStrategy[Any]:
    if depth > 4:
        return GARBAGE
    if isinstance(shape, StructureShape):
        members = {m: values(s, unknown, depth + 1) for m, s in shape.members.items()}
        required = {m: members[m] for m in shape.required_members}
        optional = {m: s for m, s in members.items() if m not in required}
        extra = st.dictionaries(st.sampled_from([*unknown, "Unknown"]), GARBAGE, max_size=2)
        body = st.one_of(
            st.fixed_dictionaries(required, optional=optional),
            st.fixed_dictionaries(required, optional=optional),
            st.fixed_dictionaries({}, optional=members),
        )
        return st.tuples(body, extra).map(lambda pair: {**pair[1], **pair[0]})
    if isinstance(shape, ListShape):
        return st.lists(values(shape.member, unknown, depth + 1), max_size=3)
    if isinstance(shape, MapShape):
        keys = st.one_of(st.sampled_from(STRINGS), st.text(max_size=6))
        return st.dictionaries(keys, values(shape.value, unknown, depth + 1), max_size=3)
    kind = shape.type_name
    if kind == "string":
        fitting = getattr(shape, "enum", None) or _fitting(shape.metadata.get("pattern"))
        return st.one_of(
            st.sampled_from(fitting or STRINGS),
            st.sampled_from(fitting or STRINGS),
            st.sampled_from(STRINGS),
            st.text(max_size=8),
        )
    if kind in ("integer", "long"):
        return st.one_of(st.sampled_from(NUMBERS), st.integers(-10, 10**6))
    if kind == "boolean":
        return st.booleans()
    if kind in ("float", "double", "timestamp"):
        return st.one_of(st.integers(-10, 2**40), st.floats(allow_nan=False, allow_infinity=False))
    return SCALARS


def _fitting(pattern: str | None) -> list[str]:
    """The strings of :data:`STRINGS` a model pattern allows, so requests get past it often
    (patterns Python cannot read, such as Java's ``\\p{L}``, allow them all)."""
    if pattern is None:
        return []
    try:
        regex = re.compile(pattern)
    except re.error:
        return []
    return [text for text in STRINGS if regex.fullmatch(text)]


def requests(operation: str) -> st.SearchStrategy[dict[str, Any]]:
    """Request bodies (JSON objects) for ``operation``."""
    shape = model.operation(operation).input_shape
    if shape is None:
        return st.dictionaries(st.text(max_size=4), GARBAGE, max_size=2)
    unknown = _output_members(operation)
    return st.one_of(_shaped(shape, unknown, 0), st.dictionaries(st.text(max_size=4), GARBAGE))


class RecordingFake(FakeAppStream):
    """The fake, noting every exception that escapes :meth:`handle` and checking every answer
    against the model itself (``conftest.py`` does too, but this file does not rely on it)."""

    def __init__(self) -> None:
        super().__init__(region=REGION, account_id=ACCOUNT, transitions="manual")
        self.escaped: list[BaseException] = []

    def _handle(
        self, operation: str, params: dict[str, Any], region: str | None
    ) -> tuple[int, Any]:
        try:
            status, body = super()._handle(operation, params, region)
        except BaseException as error:
            self.escaped.append(error)
            raise
        # The fake's last-resort net answers InternalFailure for its own bugs: none may happen.
        assert self._internal_errors == [], self._internal_errors[-1]
        check_response(operation, status, body)
        return status, body


def seeded() -> RecordingFake:
    fake = RecordingFake()
    for name, (state, tags) in SEEDS.items():
        fake.add_builder(name, state=state)
        entry = fake.registry.get(ACCOUNT, REGION, name)
        assert entry is not None
        entry.tags = dict(tags)
    return fake


def snapshot(fake: FakeAppStream) -> dict[Any, Any]:
    """Everything a call may change: each builder's record, pending transition, tags, history."""
    registry = fake.registry
    found: dict[Any, Any] = {}
    for key in sorted(registry.names()):
        entry = registry.get(*key)
        found[key] = (
            registry.history(*key),
            None
            if entry is None
            else (
                entry.builder.to_response(),
                None if entry.pending is None else attrs.astuple(entry.pending),
                dict(entry.tags),
            ),
        )
    return found


def allowed(operation: str) -> set[str]:
    """Error codes ``operation`` may answer: its modeled errors and AWS's common ones."""
    return {*model.modeled_errors(operation), *COMMON_ERRORS, "SerializationException"}


#: AWS's wording of a ValidationException: ``1 validation error detected: Value ... at '...' ...``.
AWS_VALIDATION = re.compile(
    r"\d+ validation errors? detected: Value .* at '[\w.]+' failed to satisfy constraint: ", re.S
)


def absent_dropped(shape: Shape | None, value: Any) -> Any:
    """``value`` without the structure members AWS takes as absent (null) or ignores (unknown).

    Nulls inside lists and maps stay: botocore's validator must see them.
    """
    if isinstance(shape, StructureShape) and isinstance(value, dict):
        return {
            k: absent_dropped(shape.members[k], v)
            for k, v in value.items()
            if v is not None and k in shape.members
        }
    if isinstance(shape, ListShape) and isinstance(value, list):
        return [absent_dropped(shape.member, v) for v in value]
    if isinstance(shape, MapShape) and isinstance(value, dict):
        return {k: absent_dropped(shape.value, v) for k, v in value.items()}
    return value


def refused_by_botocore(operation: str, params: dict[str, Any]) -> str | None:
    """botocore's report on ``params`` (types, required members, minimums), or None if valid."""
    shape = model.operation(operation).input_shape
    if shape is None:
        return None
    report = ParamValidator().validate(absent_dropped(shape, params), shape)
    return report.generate_report() if report.has_errors() else None


def check_answer(
    operation: str, params: dict[str, Any], status: int, code: str | None, message: str
) -> None:
    """An answer (``code`` None: success) is one AWS could give to ``params``."""
    refused = refused_by_botocore(operation, params)
    if refused is not None:
        assert code in ("ValidationException", "SerializationException"), (
            f"{operation} answered {code or 'success'} to a request botocore refuses: {refused}"
        )
    if code is None:
        return
    assert code in allowed(operation), f"{operation} answered {code}: {message}"
    assert status == (COMMON_ERRORS.get(code) or model.error_status(code)), (code, status, message)
    assert message, code
    if code == "ValidationException":
        assert AWS_VALIDATION.match(message) or message.startswith("Invalid NextToken: "), (
            f"{operation}: not AWS's wording: {message}"
        )


@pytest.mark.parametrize("operation", OPERATIONS)
def test_raw_bodies_are_answered_as_aws_would(operation: str) -> None:
    @WIRE_FUZZ
    @given(requests(operation))
    def fuzz(params: dict[str, Any]) -> None:
        fake = seeded()
        before = snapshot(fake)
        headers = {"X-Amz-Target": wire.TARGET_PREFIX + operation}
        status, _, data = wire.answer(fake, headers, json.dumps(params).encode())
        assert not fake.escaped
        body = json.loads(data)
        code = None if status == 200 else body["__type"]
        check_answer(operation, params, status, code, body.get("message", ""))
        if code is not None:
            assert snapshot(fake) == before, f"failed {operation} changed the fake: {body}"

    fuzz()


def sent(fake: FakeAppStream, params: dict[str, Any]) -> dict[str, Any]:
    """What went on the wire: botocore's serializer reshapes some wrong types (a string as a
    list of its characters)."""
    return dict(fake.calls[-1].params) if fake.calls else params


@pytest.fixture(scope="module")
def lenient_client() -> BaseClient:
    """A botocore client that sends whatever it is given (no client-side validation, no retry)."""
    return botocore.session.get_session().create_client(
        "appstream",
        REGION,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(parameter_validation=False, retries={"total_max_attempts": 1}),
    )


@pytest.mark.parametrize("operation", OPERATIONS)
def test_botocore_without_validation_gets_aws_answers(
    operation: str, lenient_client: BaseClient
) -> None:
    members = model.operation(operation).input_shape
    known = set(members.members) if isinstance(members, StructureShape) else set()
    method = getattr(lenient_client, xform_name(operation))

    @WIRE_FUZZ
    @given(requests(operation))
    def fuzz(params: dict[str, Any]) -> None:
        params = {k: v for k, v in params.items() if k in known}  # botocore refuses the rest
        fake = seeded()
        before = snapshot(fake)
        with fake:
            try:
                method(**params)
            except ClientError as error:
                err = error.response["Error"]
                status = error.response["ResponseMetadata"]["HTTPStatusCode"]
                check_answer(operation, sent(fake, params), status, err["Code"], err["Message"])
                assert snapshot(fake) == before, f"failed {operation} changed the fake: {err}"
            except Exception:
                # botocore's serializer may refuse a value before sending: fine, if it never
                # reached the fake.
                assert not fake.escaped, fake.escaped
                assert not fake.calls, "an exception that is not AWS's answer reached the caller"
            else:
                check_answer(operation, sent(fake, params), 200, None, "")
        assert not fake.escaped

    fuzz()
