"""Every operation of the installed model, called with its minimal valid input (issue 16).

For each operation (read from the installed botocore model when the tests are collected, so an
operation implemented later is covered without editing this file) :func:`tests.fidelity.minimal_input`
builds the smallest input the model allows: required members only, each value satisfying the
model's constraints. A real botocore client sends it (``appstream_client``), twice:

- to an empty fake;
- to a world: one resource of every kind the fake knows, each named as the generated names are
  (:data:`tests.fidelity.MINIMAL_NAME`), so an operation about ``minimal`` finds it.

Each answer must be one AWS could give:

- never ``UnsupportedOperation`` (an operation the fake does not implement yet fails here, by
  name) nor ``InternalFailure`` (a bug of the fake);
- a success validates against the operation's output shape (:func:`tests.fidelity.check_response`);
- an error is one the operation's model lists, or ``ValidationException``: the input breaks no
  constraint of the model (checked below: the service-side validation passes it unchanged), so a
  ``ValidationException`` can only be the service refusing a value's meaning, which the model
  cannot state (a ``DestinationRegion`` of 1-32 characters that is no region, a billing period
  to come). AWS answers those with the JSON protocol's ``ValidationException``;
- a listing (``Describe*``/``List*``) that needs no input succeeds, on an empty fake too; one whose
  model documentation says a member must be specified (``DescribeUserStackAssociations``) answers
  ``InvalidParameterCombinationException`` to no input.

The generator itself is checked: every minimal input passes botocore's parameter validation and
the fake's wire validation (:func:`pytest_appstream._validation.check_input`) unchanged, holds
required members only, and the generator makes valid values of every type and of every pattern
of the model even where :data:`~tests.fidelity.MINIMAL_NAME` does not fit.
"""

from __future__ import annotations

import copy
import datetime
import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from botocore import xform_name
from botocore.client import BaseClient
from botocore.exceptions import ClientError
from botocore.model import ListShape, MapShape, ServiceModel, Shape, StructureShape
from botocore.serialize import create_serializer
from botocore.validate import validate_parameters

from pytest_appstream import AppStreamUsageError, FakeAppStream
from pytest_appstream._kinds import Kind, kinds
from pytest_appstream._model import (
    fields_of,
    members_of,
    modeled_errors,
    operation,
    operation_names,
    service_model,
)
from pytest_appstream._validation import WIRE, check_input, compiled, walk
from tests.fidelity import (
    MINIMAL_NAME,
    MINIMAL_TIME,
    check_response,
    fits,
    minimal_input,
    minimal_value,
    string_from_pattern,
)

OPERATIONS = sorted(operation_names())

#: The error codes a minimal input may be answered besides the modeled ones (see the docstring).
ALSO_ALLOWED = ("ValidationException",)


def _documentation(name: str) -> str:
    return re.sub(r"<[^>]+>", " ", operation(name).documentation or "")


def _needs_no_input(name: str) -> bool:
    shape = operation(name).input_shape
    return shape is None or not shape.required_members


#: Listings whose model documentation says a member must be given although none is required
#: (AWS: "You must specify either or both of the following", "Either ApplicationArn or
#: FleetName must be specified"): no input is an incorrect combination of parameters.
NEEDS_A_FILTER = frozenset(
    name
    for name in OPERATIONS
    if name.startswith(("Describe", "List"))
    and _needs_no_input(name)
    and re.search(r"\bmust (?:be )?specif(?:y|ied)\b", _documentation(name))
)
#: Listings that need no input: they succeed on an empty fake (with nothing to list).
LISTINGS = (
    frozenset(
        name
        for name in OPERATIONS
        if name.startswith(("Describe", "List")) and _needs_no_input(name)
    )
    - NEEDS_A_FILTER
)


def check_outcome(name: str, params: dict[str, Any], code: str | None, message: str) -> None:
    """The outcome (``code`` None: success) of ``name`` called with ``params`` is one AWS could
    give, else AssertionError naming the operation."""
    call = f"{name}({', '.join(f'{k}={v!r}' for k, v in params.items())})"
    assert code != "UnsupportedOperation", (
        f"{name} is not implemented: the fake answers UnsupportedOperation to {call}"
    )
    assert code != "InternalFailure", f"{call}: the fake failed (InternalFailure): {message}"
    if name in LISTINGS and not params:
        assert code is None, f"{call} lists without input: it must succeed, not {code}: {message}"
    if name in NEEDS_A_FILTER and not params:
        assert code == "InvalidParameterCombinationException", (
            f"{call}: its model says a member must be specified, so no input is "
            f"InvalidParameterCombinationException, not {code or 'a success'}"
        )
    if code is not None:
        allowed = (*modeled_errors(name), *ALSO_ALLOWED)
        assert code in allowed, (
            f"{call} answered {code} ({message}); its model lists {', '.join(allowed)}"
        )


@pytest.fixture
def answers(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int, Any]]:
    """Every answer of the fake in wire form: (operation, HTTP status, body)."""
    seen: list[tuple[str, int, Any]] = []
    original = FakeAppStream._handle

    def recorded(
        self: FakeAppStream, name: str, params: dict[str, Any], region: str | None
    ) -> tuple[int, Any]:
        status, body = original(self, name, params, region)
        seen.append((name, status, copy.deepcopy(body)))
        return status, body

    monkeypatch.setattr(FakeAppStream, "_handle", recorded)
    return seen


def call(
    client: BaseClient, answers: list[tuple[str, int, Any]], name: str, params: dict[str, Any]
) -> None:
    """Send ``params`` with the real client, check the answer on the wire and the outcome."""
    method = getattr(client, xform_name(name))
    try:
        method(**copy.deepcopy(params))
    except ClientError as error:
        code, message = error.response["Error"]["Code"], error.response["Error"]["Message"]
    else:
        code, message = None, ""
    assert answers, f"{name}: the fake was not asked"
    answered, status, body = answers[-1]
    assert answered == name
    check_response(name, status, body)  # the output shape, or a modeled error's form
    check_outcome(name, params, code, message)


@pytest.mark.parametrize("name", OPERATIONS)
def test_every_operation_answers_its_minimal_input_on_an_empty_fake(
    name: str,
    appstream: FakeAppStream,
    appstream_client: BaseClient,
    answers: list[tuple[str, int, Any]],
) -> None:
    call(appstream_client, answers, name, minimal_input(name))


# -- a world of every kind ------------------------------------------------------------------------


def seed_world(fake: FakeAppStream, name: str = MINIMAL_NAME) -> dict[str, str]:
    """One resource of every kind the fake knows, named ``name``, in seeding order, linked to
    the others of that name (a stack to fleet ``name``). A kind whose ``add`` refuses that is
    seeded again with its record's ``..._name`` and ``..._id`` fields set to ``name`` (a
    session's stack, fleet and user), then without links. Returns the kinds it could not seed,
    with why."""
    refused: dict[str, str] = {}
    collections = {of.collection for of in kinds()}
    for of in kinds():
        if of.build is None:
            refused[of.collection] = "it cannot be seeded (no build)"
            continue
        links = {
            key: (name,) if key in collections and isinstance(default, (tuple, list)) else default
            for key, default in of.links.items()
        }
        key = _key(of, name)
        named = _named_fields(fake, of, name)
        by_arn = {field: value for field, value in named.items() if field.endswith("_arn")}
        attempts = [links, {**links, **named}, {}, named, by_arn]
        errors = []
        for arguments in attempts:
            try:
                getattr(fake, of.collection).add(key, **arguments)
            except AppStreamUsageError as error:
                errors.append(str(error))
            else:
                break
        else:
            refused[of.collection] = " / ".join(errors)
    return refused


def _key(of: Kind, name: str) -> str:
    """``name``, or for a kind whose key the model constrains otherwise (an export task's UUID),
    the generator's value for that member."""
    member = fields_of(of.record.SHAPE).get(of.record.KEY_FIELD)
    if member is None:  # a key of the fake's own (an entitlement's "<stack>/<name>")
        return name
    value = minimal_value(members_of(of.record.SHAPE)[member], member)
    return name if value == MINIMAL_NAME else str(value)


def _named_fields(fake: FakeAppStream, of: Kind, name: str) -> dict[str, str]:
    """The record's ``..._name``/``..._id`` fields set to ``name``; its ``<kind>_arn`` fields to
    the ARN of the resource ``name`` of that kind (an export task's ``image_arn``)."""
    key = of.record.KEY_FIELD
    fields = {
        field: name
        for field in sorted(of.record.own_fields())
        if field.endswith(("_name", "_id")) and field not in (key, "display_name")
    }
    for field in fields_of(of.record.SHAPE):
        collection = field.removesuffix("_arn") + "s"
        if field.endswith("_arn") and name in getattr(fake, collection, {}):
            fields[field] = getattr(getattr(fake, collection)[name], "arn")  # noqa: B009
    return fields


def test_the_world_holds_one_resource_of_every_kind() -> None:
    fake = FakeAppStream(transitions="manual")
    refused = seed_world(fake)
    assert not refused, (
        "seed_world cannot seed these kinds with the generic rule (add(name), else with the "
        f"record's ..._name/..._id fields set to the name): {refused}"
    )
    for of in kinds():
        assert len(getattr(fake, of.collection)) >= 1, of.collection
    assert MINIMAL_NAME in fake.builders and MINIMAL_NAME in fake.images


@pytest.mark.parametrize("name", OPERATIONS)
def test_every_operation_answers_its_minimal_input_in_a_world_of_every_kind(
    name: str,
    appstream: FakeAppStream,
    appstream_client: BaseClient,
    answers: list[tuple[str, int, Any]],
) -> None:
    seed_world(appstream)  # a kind it cannot seed fails the test above
    call(appstream_client, answers, name, minimal_input(name))


def test_an_unimplemented_operation_fails_by_name() -> None:
    with pytest.raises(AssertionError, match=r"^CreateFleet is not implemented: .*Name='f'"):
        check_outcome("CreateFleet", {"Name": "f"}, "UnsupportedOperation", "no")
    with pytest.raises(AssertionError, match=r"DescribeImageBuilders.* must succeed"):
        check_outcome("DescribeImageBuilders", {}, "ResourceNotFoundException", "no")
    with pytest.raises(AssertionError, match="its model lists ResourceNotFoundException"):
        check_outcome("DescribeFleets", {"Names": ["f"]}, "LimitExceededException", "no")
    with pytest.raises(AssertionError, match="InternalFailure"):
        check_outcome("StopImageBuilder", {"Name": "b"}, "InternalFailure", "bug")
    check_outcome("StopImageBuilder", {"Name": "b"}, "ResourceNotFoundException", "gone")
    check_outcome("StopImageBuilder", {"Name": "b"}, "ValidationException", "meaning")


def test_listings_are_told_from_the_model() -> None:
    assert {"DescribeImageBuilders", "DescribeImages"} <= LISTINGS
    assert "DescribeImagePermissions" not in LISTINGS  # its Name is required
    assert "GetExportImageTask" not in LISTINGS  # no required member, but not a listing
    if "DescribeUserStackAssociations" in OPERATIONS:
        assert "DescribeUserStackAssociations" in NEEDS_A_FILTER
        with pytest.raises(AssertionError, match="must be specified"):
            check_outcome("DescribeUserStackAssociations", {}, None, "")


# -- the generator --------------------------------------------------------------------------------


def wire_form(name: str, params: dict[str, Any]) -> Any:
    """``params`` as botocore's serializer puts them on the wire (timestamps, blobs encoded)."""
    request = create_serializer("json").serialize_to_request(params, operation(name))
    return json.loads(request["body"] or b"{}")


def only_required(shape: Shape, value: Any, path: str = "") -> Iterator[str]:
    """Every member of ``value`` that ``shape`` does not require."""
    if isinstance(shape, StructureShape):
        for member, item in value.items():
            if member not in shape.required_members:
                yield f"{path}.{member}"
            else:
                yield from only_required(shape.members[member], item, f"{path}.{member}")
    elif isinstance(shape, ListShape):
        for i, item in enumerate(value):
            yield from only_required(shape.member, item, f"{path}[{i}]")
    elif isinstance(shape, MapShape):
        for key, item in value.items():
            yield from only_required(shape.value, item, f"{path}[{key!r}]")


@pytest.mark.parametrize("name", OPERATIONS)
def test_the_minimal_input_is_valid_for_botocore_and_the_service(name: str) -> None:
    params, shape = minimal_input(name), operation(name).input_shape
    assert shape is not None
    validate_parameters(params, shape)  # botocore's own validation: raises if invalid
    wire = wire_form(name, params)
    assert check_input(name, wire) == wire  # AWS's validation: passes it, unchanged
    assert set(params) == set(shape.required_members)
    assert not list(only_required(shape, params)), "members beyond the required ones"
    assert minimal_input(name) == params  # the same every time


def _patterns() -> list[Shape]:
    model = service_model()
    shapes = [model.shape_for(shape) for shape in model.shape_names]
    return [s for s in shapes if s.type_name == "string" and "pattern" in s.metadata]


def test_every_pattern_of_the_model_gets_a_string_where_the_name_does_not_fit() -> None:
    for shape in _patterns():
        for variant in (0, 1):
            text = string_from_pattern(shape, variant)
            assert fits(shape, text), (shape.name, shape.metadata, text)
        assert string_from_pattern(shape, 0) != string_from_pattern(shape, 1), shape.name


#: A model of every type and constraint the generator handles, the installed model or not.
PROBE = ServiceModel(
    {
        "metadata": {
            "apiVersion": "2020-01-01",
            "endpointPrefix": "probe",
            "jsonVersion": "1.1",
            "protocol": "json",
            "serviceId": "Probe",
            "signatureVersion": "v4",
            "targetPrefix": "Probe",
        },
        "operations": {
            "Probe": {
                "name": "Probe",
                "http": {"method": "POST", "requestUri": "/"},
                "input": {"shape": "ProbeInput"},
            }
        },
        "shapes": {
            "ProbeInput": {
                "type": "structure",
                "required": [
                    "Count",
                    "Big",
                    "Ratio",
                    "Flag",
                    "When",
                    "Data",
                    "Ami",
                    "Kind",
                    "Long",
                    "Items",
                    "Labels",
                    "Inner",
                    "Arn",
                ],
                "members": {
                    "Count": {"shape": "Count"},
                    "Big": {"shape": "Big"},
                    "Ratio": {"shape": "Ratio"},
                    "Flag": {"shape": "Flag"},
                    "When": {"shape": "When"},
                    "Data": {"shape": "Data"},
                    "Ami": {"shape": "Ami"},
                    "Kind": {"shape": "Kind"},
                    "Long": {"shape": "LongText"},
                    "Items": {"shape": "Items"},
                    "Labels": {"shape": "Labels"},
                    "Inner": {"shape": "Inner"},
                    "Arn": {"shape": "KmsArn"},
                    "Optional": {"shape": "Count"},
                },
            },
            "Count": {"type": "integer", "min": 5, "max": 10},
            "Big": {"type": "long", "max": -3},
            "Ratio": {"type": "double", "min": 0.5},
            "Flag": {"type": "boolean"},
            "When": {"type": "timestamp"},
            "Data": {"type": "blob", "min": 12, "max": 20},
            "Ami": {"type": "string", "pattern": "^ami-[a-z0-9]{8,17}$"},
            "Kind": {"type": "string", "enum": ["ONE", "TWO"]},
            "LongText": {"type": "string", "min": 10, "max": 12},
            "Items": {"type": "list", "member": {"shape": "Ami"}, "min": 2, "max": 3},
            "Labels": {
                "type": "map",
                "key": {"shape": "Kind"},
                "value": {"shape": "Count"},
                "min": 2,
            },
            "Inner": {
                "type": "structure",
                "required": ["Deeper"],
                "members": {"Deeper": {"shape": "Deeper"}, "Skipped": {"shape": "Flag"}},
            },
            "Deeper": {"type": "structure", "members": {"Flag": {"shape": "Flag"}}},
            "KmsArn": {
                "type": "string",
                "pattern": r"^arn:aws(?:\-cn|\-iso\-b|\-iso|\-us\-gov)?:kms:[a-z0-9-]+:\d{12}:key/\w+$",
            },
        },
    }
)


def test_every_type_and_constraint_gets_a_valid_value() -> None:
    probe = PROBE.operation_model("Probe")
    shape = probe.input_shape
    value = minimal_value(shape)
    validate_parameters(value, shape)
    body = json.loads(create_serializer("json").serialize_to_request(value, probe)["body"])
    assert walk(shape, body, WIRE)[1] == []  # every constraint the service checks
    assert set(value) == set(shape.required_members) and value["Inner"] == {"Deeper": {}}
    assert (value["Count"], value["Big"], value["Ratio"]) == (5, -3, 1.0)
    assert (value["Flag"], value["When"], value["Kind"]) == (False, MINIMAL_TIME, "ONE")
    assert value["Data"] == b"minimalxxxxx"
    assert len(value["Long"]) == 10 and value["Long"].startswith(MINIMAL_NAME)
    assert len(set(value["Items"])) == 2 and len(value["Labels"]) == 2
    assert compiled(shape.members["Arn"].metadata["pattern"]).fullmatch(value["Arn"])
    assert isinstance(value["When"], datetime.datetime)
