"""Malformed wire input (issue 13, defect 8): answered as AWS answers it, never a Python crash.

Raw JSON 1.1 bodies, as an HTTP client or another SDK sends them, go through ``wire.answer``;
one test per defect the wire fuzz found, each failing before the fix. The rules: a JSON null
member counts as absent; a null in a list or as a map value is a ValidationException; a member
the model does not know is ignored; a number out of its Java type's range is a
SerializationException.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from pytest_appstream import _wire as wire
from pytest_appstream._validation import check_input
from pytest_appstream.fake import FakeAppStream

IMAGE = "AppStream-WinServer2019-06-12-2023"


@pytest.fixture
def fake() -> FakeAppStream:
    fake = FakeAppStream(transitions="manual")
    fake.add_builder("b")
    entry = fake.registry.get(fake.account_id, fake.region, "b")
    assert entry is not None
    entry.tags = {"team": "qa"}
    return fake


def send(fake: FakeAppStream, operation: str, params: dict[str, Any]) -> tuple[int, Any]:
    """One raw request: (HTTP status, decoded body)."""
    headers = {"X-Amz-Target": wire.TARGET_PREFIX + operation}
    status, _, body = wire.answer(fake, headers, json.dumps(params).encode())
    return status, json.loads(body)


def arn(fake: FakeAppStream, name: str = "b") -> str:
    return f"arn:aws:appstream:us-east-1:{fake.account_id}:image-builder/{name}"


# -- a null member counts as absent ------------------------------------------------------------


def test_null_max_results_is_the_default_page_size(fake: FakeAppStream) -> None:
    # Was: TypeError '<' not supported between 'NoneType' and 'int' (service.py).
    assert send(fake, "DescribeImageBuilders", {"MaxResults": None}) == send(
        fake, "DescribeImageBuilders", {}
    )


def test_null_validity_is_the_default_validity(fake: FakeAppStream) -> None:
    # Was: TypeError '<=' not supported between 'int' and 'NoneType' (service.py).
    status, body = send(fake, "CreateImageBuilderStreamingURL", {"Name": "b", "Validity": None})
    assert status == 200, body
    assert check_input("CreateImageBuilderStreamingURL", {"Name": "b", "Validity": None}) == {
        "Name": "b"
    }


def test_null_next_token_is_the_first_page(fake: FakeAppStream) -> None:
    # Was: AttributeError 'NoneType' object has no attribute 'encode' (service.py).
    assert send(fake, "DescribeImageBuilders", {"NextToken": None, "Names": None}) == send(
        fake, "DescribeImageBuilders", {}
    )


def test_nested_null_members_are_dropped_too() -> None:
    params = {
        "Name": "n",
        "InstanceType": "stream.standard.small",
        "VpcConfig": {"SubnetIds": None, "SecurityGroupIds": ["sg-1"]},
        "DomainJoinInfo": None,
    }
    assert check_input("CreateImageBuilder", params) == {
        "Name": "n",
        "InstanceType": "stream.standard.small",
        "VpcConfig": {"SecurityGroupIds": ["sg-1"]},
    }
    assert params["DomainJoinInfo"] is None  # the caller's request is not changed


def test_wrong_typed_next_token_is_a_serialization_error(fake: FakeAppStream) -> None:
    assert send(fake, "DescribeImageBuilders", {"NextToken": 5}) == (
        400,
        {
            "__type": "SerializationException",
            "message": "NUMBER_VALUE can not be converted to a String",
        },
    )


# -- a null in a list, or as a map value, is a validation error --------------------------------


def test_null_tag_key_is_a_validation_error(fake: FakeAppStream) -> None:
    # Was: accepted (200), the null ignored.
    status, body = send(
        fake, "UntagResource", {"ResourceArn": arn(fake), "TagKeys": ["team", None]}
    )
    assert (status, body) == (
        400,
        {
            "__type": "ValidationException",
            "message": "1 validation error detected: Value '[team, null]' at 'tagKeys' failed to "
            "satisfy constraint: Member must satisfy constraint: [Member must not be null]",
        },
    )
    assert fake.registry.get(fake.account_id, "us-east-1", "b").tags == {"team": "qa"}  # type: ignore[union-attr]


def test_null_name_is_a_validation_error_not_a_builder_called_none(fake: FakeAppStream) -> None:
    # Was: ResourceNotFoundException "The image builder None for account ... does not exist."
    status, body = send(fake, "DescribeImageBuilders", {"Names": [None]})
    assert (status, body["__type"]) == (400, "ValidationException")
    assert "Value '[null]' at 'names'" in body["message"]


def test_tag_resource_validates_tags_before_looking_up_the_resource(fake: FakeAppStream) -> None:
    # Was: ResourceNotFoundException for the unknown ARN, the invalid tags never looked at.
    status, body = send(
        fake, "TagResource", {"ResourceArn": arn(fake, "nope"), "Tags": {"k": None}}
    )
    assert (status, body) == (
        400,
        {
            "__type": "ValidationException",
            "message": "1 validation error detected: Value '{k=null}' at 'tags' failed to "
            "satisfy constraint: Map value must satisfy constraint: [Member must not be null]",
        },
    )


# -- members the model does not know are ignored, as AWS's deserializer ignores them -----------


def test_unknown_member_state_does_not_reach_the_handler(fake: FakeAppStream) -> None:
    # Was: TypeError build_builder() got multiple values for keyword argument 'state'.
    params = {"Name": "n", "InstanceType": "stream.standard.small", "ImageName": IMAGE}
    status, body = send(fake, "CreateImageBuilder", {**params, "State": "FAILED"})
    assert status == 200, body
    assert body["ImageBuilder"]["State"] == "PENDING"


def test_unknown_member_arn_is_ignored(fake: FakeAppStream) -> None:
    # Was: ValidationException "arn=5 has the wrong type (int); allowed: a string" (a seeding
    # message, not AWS's): an output-only member of the builder reached the handler.
    params = {"Name": "n", "InstanceType": "stream.standard.small", "ImageName": IMAGE, "Arn": 5}
    status, body = send(fake, "CreateImageBuilder", params)
    assert status == 200, body
    assert body["ImageBuilder"]["Arn"] == arn(fake, "n")


# -- numbers Java cannot hold --------------------------------------------------------------------


@pytest.mark.parametrize("size", [2**31, -(2**31) - 1, 10**30])
def test_max_results_beyond_a_java_integer_is_a_serialization_error(
    fake: FakeAppStream, size: int
) -> None:
    # Was: 200 (a page of every builder) for the large ones.
    status, body = send(fake, "DescribeImageBuilders", {"MaxResults": size})
    assert (status, body["__type"]) == (400, "SerializationException")


def test_validity_within_a_java_long_reaches_the_range_check(fake: FakeAppStream) -> None:
    status, body = send(fake, "CreateImageBuilderStreamingURL", {"Name": "b", "Validity": 2**40})
    assert (status, body["__type"]) == (400, "ValidationException")
    status, body = send(fake, "CreateImageBuilderStreamingURL", {"Name": "b", "Validity": 2**63})
    assert (status, body["__type"]) == (400, "SerializationException")


# -- outside validation: wire.answer ------------------------------------------------------------


def test_deeply_nested_body_is_a_serialization_error(fake: FakeAppStream) -> None:
    body = b'{"Names":' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    headers = {"X-Amz-Target": wire.TARGET_PREFIX + "DescribeImageBuilders"}
    status, _, data = wire.answer(fake, headers, body)
    assert (status, json.loads(data)["__type"]) == (400, "SerializationException")
