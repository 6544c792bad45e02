"""The fake served over real HTTP: an SDK outside the in-process hook meets the same service."""

from __future__ import annotations

import botocore.session
import pytest

from pytest_appstream import FakeAppStream
from pytest_appstream.server import serve


def test_a_signed_client_over_http_meets_the_same_service() -> None:
    fake = FakeAppStream(region="eu-central-1")  # not activated: nothing in-process is hooked
    fake.add_builder("b")
    with serve(fake) as url:
        client = botocore.session.get_session().create_client(
            "appstream",
            region_name="eu-central-1",
            endpoint_url=url,
            aws_access_key_id="k",
            aws_secret_access_key="s",
        )
        assert client.stop_image_builder(Name="b")["ImageBuilder"]["State"] == "STOPPING"
        with pytest.raises(client.exceptions.ConcurrentModificationException) as info:
            client.stop_image_builder(Name="b")
        assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
        headers = info.value.response["ResponseMetadata"]["HTTPHeaders"]
        assert headers["content-type"] == "application/x-amz-json-1.1"
        assert headers["date"].endswith("GMT")
    assert [(c.operation, c.region, c.error_code) for c in fake.calls] == [
        ("StopImageBuilder", "eu-central-1", None),
        ("StopImageBuilder", "eu-central-1", "ConcurrentModificationException"),
    ]
