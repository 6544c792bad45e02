"""The core as users meet it: inner pytest runs (pytester) using the fixtures."""

from __future__ import annotations

import os
import sys

import pytest

from pytest_appstream._image_builders import STABLE_STATES
from pytest_appstream._model import builder_states


def run(pytester: pytest.Pytester, source: str, *args: str) -> pytest.RunResult:
    pytester.makepyfile(source)
    return pytester.runpytest("-p", "no:randomly", "-p", "no:cacheprovider", *args)


def test_stop_answers_stopping_with_a_model_valid_body(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
        import datetime
        import botocore.client
        import pytest

        @pytest.mark.appstream_builder("nightly")
        def test_stop(appstream, appstream_client):
            assert isinstance(appstream_client, botocore.client.BaseClient)
            builder = appstream_client.stop_image_builder(Name="nightly")["ImageBuilder"]
            assert builder["State"] == "STOPPING"
            assert builder["Arn"] == "arn:aws:appstream:us-east-1:123456789012:image-builder/nightly"
            assert builder["CreatedTime"].tzinfo is not None
            assert builder["InstanceType"].startswith("stream.")
            assert builder["Platform"] in appstream_client.meta.service_model.shape_for("PlatformType").enum
            appstream.assert_transitions("nightly", ["RUNNING", "STOPPING"])
        """,
    )
    result.assert_outcomes(passed=1)


def test_errors_are_the_modeled_exceptions_with_the_models_status(
    pytester: pytest.Pytester,
) -> None:
    result = run(
        pytester,
        """
        import pytest
        from botocore.exceptions import ClientError
        from pytest_appstream._model import builder_states, error_status

        def test_unknown_name(appstream_client):
            with pytest.raises(appstream_client.exceptions.ResourceNotFoundException) as info:
                appstream_client.stop_image_builder(Name="ghost")
            status = info.value.response["ResponseMetadata"]["HTTPStatusCode"]
            assert status == error_status("ResourceNotFoundException") in (400, 404)
            assert info.value.response["Error"]["Code"] == "ResourceNotFoundException"
            assert "ghost" in info.value.response["Error"]["Message"]
            assert isinstance(info.value, ClientError)

        @pytest.mark.appstream_builder("b", state="STOPPED")
        def test_stopped(appstream, appstream_client):
            with pytest.raises(appstream_client.exceptions.OperationNotPermittedException):
                appstream_client.stop_image_builder(Name="b")
            appstream.assert_transitions("b", ["STOPPED"])

        INTERMEDIATE = [s for s in builder_states() if s not in ("RUNNING", "STOPPED", "FAILED")]

        @pytest.mark.parametrize("state", INTERMEDIATE)
        def test_intermediate(appstream, appstream_client, state):
            appstream.add_builder("b", state=state)
            with pytest.raises(appstream_client.exceptions.ConcurrentModificationException):
                appstream_client.stop_image_builder(Name="b")
            appstream.assert_state("b", state)
        """,
    )
    intermediate = [s for s in builder_states() if s not in STABLE_STATES]  # 11 in botocore 1.43
    result.assert_outcomes(passed=2 + len(intermediate))


def test_eight_threads_stopping_one_builder_exactly_one_wins(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
        import threading
        import boto3
        import pytest

        @pytest.mark.appstream_builder("b")
        def test_race(appstream):
            barrier = threading.Barrier(8)
            outcomes = []

            def worker():
                client = boto3.session.Session().client("appstream", region_name="us-east-1")
                barrier.wait()
                try:
                    outcomes.append(client.stop_image_builder(Name="b")["ImageBuilder"]["State"])
                except client.exceptions.ConcurrentModificationException:
                    outcomes.append("ConcurrentModificationException")

            threads = [threading.Thread(target=worker) for _ in range(8)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            assert sorted(outcomes) == ["ConcurrentModificationException"] * 7 + ["STOPPING"]
            assert [(t.from_state, t.to_state) for t in appstream.history("b")] == [("RUNNING", "STOPPING")]
            assert len(appstream.calls) == 8
        """,
    )
    result.assert_outcomes(passed=1)


def test_botocore_machinery_runs_paginator_hooks_and_metadata(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
        import pytest

        @pytest.mark.appstream(polls=0)
        def test_paginate(appstream, appstream_client):
            for i in range(55):
                appstream.add_builder(f"b{i:02}")
            seen_after_call = []
            appstream_client.meta.events.register(
                "after-call.appstream.DescribeImageBuilders",
                lambda **kw: seen_after_call.append(kw["parsed"]["ResponseMetadata"]["RequestId"]),
            )
            pages = list(appstream_client.get_paginator("describe_image_builders").paginate(
                PaginationConfig={"PageSize": 10}))
            assert len(pages) == 6
            assert [b["Name"] for p in pages for b in p["ImageBuilders"]] == [f"b{i:02}" for i in range(55)]
            assert len(seen_after_call) == 6
            headers = pages[0]["ResponseMetadata"]["HTTPHeaders"]
            assert headers["content-type"] == "application/x-amz-json-1.1"
            assert headers["date"].endswith("GMT") and headers["x-amzn-requestid"]
        """,
    )
    result.assert_outcomes(passed=1)


def test_state_never_leaks_between_tests(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
        import pytest

        calls = []

        def test_first(appstream, appstream_client):
            appstream.add_builder("b")
            appstream_client.stop_image_builder(Name="b")
            appstream_client.meta.events.register("before-call.appstream", lambda **kw: calls.append(1))
            appstream_client.custom_attribute = 1

        def test_second(appstream, appstream_client):
            assert appstream.builders == {}
            assert appstream.calls == []
            with pytest.raises(appstream_client.exceptions.ResourceNotFoundException):
                appstream_client.stop_image_builder(Name="b")
            assert calls == []
            assert not hasattr(appstream_client, "custom_attribute")
        """,
    )
    result.assert_outcomes(passed=2)


def test_other_services_untouched_and_moto_still_fakes_them(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
        import boto3
        import pytest
        from moto import mock_aws

        @pytest.mark.appstream_builder("b")
        def test_both(appstream):
            with mock_aws():
                s3 = boto3.client("s3", region_name="us-east-1")
                s3.create_bucket(Bucket="artifacts")
                assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["artifacts"]
                client = boto3.client("appstream", region_name="us-east-1")
                assert client.stop_image_builder(Name="b")["ImageBuilder"]["State"] == "STOPPING"
            assert [c.operation for c in appstream.calls] == ["StopImageBuilder"]
        """,
    )
    result.assert_outcomes(passed=1)


NO_AWS_ENV = {
    "AWS_EC2_METADATA_DISABLED": "true",
    "AWS_CONFIG_FILE": "/nonexistent/config",
    "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/credentials",
}


def test_module_level_client_in_a_process_without_credentials(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import boto3
        import botocore.exceptions
        import pytest
        from botocore.config import Config

        # Created at import time, before any test, with no credentials anywhere.
        CLIENT = boto3.client("appstream", region_name="eu-west-1")
        OFFLINE = boto3.client(
            "appstream", region_name="eu-west-1", endpoint_url="http://127.0.0.1:9",
            aws_access_key_id="k", aws_secret_access_key="s",
            config=Config(retries={"max_attempts": 0}, connect_timeout=1),
        )

        def test_no_credentials_before():
            assert CLIENT._request_signer._credentials is None

        @pytest.mark.appstream(region="eu-west-1")
        def test_answered_by_the_fake(appstream):
            appstream.add_builder("b")
            assert CLIENT.stop_image_builder(Name="b")["ImageBuilder"]["State"] == "STOPPING"
            assert OFFLINE.describe_image_builders()["ImageBuilders"][0]["State"] == "STOPPING"

        def test_after_the_test_the_network_is_really_tried():
            with pytest.raises(botocore.exceptions.EndpointConnectionError):
                OFFLINE.describe_image_builders()
            with pytest.raises(botocore.exceptions.NoCredentialsError):
                CLIENT.describe_image_builders()
        """
    )
    for key in [k for k in os.environ if k.startswith("AWS_")]:
        pytester._monkeypatch.delenv(key)
    for key, value in NO_AWS_ENV.items():
        pytester._monkeypatch.setenv(key, value)
    result = pytester.runpytest_subprocess("-p", "no:randomly", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=3)


def test_fake_credentials_only_during_the_test(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
        import os

        def test_during(appstream):
            assert os.environ["AWS_ACCESS_KEY_ID"] == "testing"
            assert os.environ["AWS_DEFAULT_REGION"] == "us-east-1"

        def test_after():
            assert os.environ.get("AWS_ACCESS_KEY_ID") != "testing"
        """,
    )
    result.assert_outcomes(passed=2)


def test_a_missing_aws_profile_in_the_environment_does_not_matter(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        """
        import os

        import boto3
        import pytest

        def test_during(appstream, appstream_client):
            assert "AWS_PROFILE" not in os.environ and "AWS_DEFAULT_PROFILE" not in os.environ
            appstream.add_builder("b")
            client = boto3.Session().client("appstream")  # would raise ProfileNotFound
            assert client.stop_image_builder(Name="b")["ImageBuilder"]["State"] == "STOPPING"
            assert appstream_client.describe_image_builders()["ImageBuilders"]

        def test_context_manager():
            from pytest_appstream import FakeAppStream
            with FakeAppStream() as fake:
                fake.add_builder("b")
                assert boto3.Session().client("appstream").describe_image_builders()
            assert os.environ["AWS_PROFILE"] == "doesnotexist"

        def test_after():
            assert os.environ["AWS_PROFILE"] == "doesnotexist"
            assert os.environ["AWS_DEFAULT_PROFILE"] == "alsomissing"
        """
    )
    for key in [k for k in os.environ if k.startswith("AWS_")]:
        pytester._monkeypatch.delenv(key)
    for key, value in NO_AWS_ENV.items():
        pytester._monkeypatch.setenv(key, value)
    pytester._monkeypatch.setenv("AWS_PROFILE", "doesnotexist")
    pytester._monkeypatch.setenv("AWS_DEFAULT_PROFILE", "alsomissing")
    result = pytester.runpytest_subprocess("-p", "no:randomly", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=3)


def test_plugin_is_loaded_by_entry_point_and_markers_are_registered(
    pytester: pytest.Pytester,
) -> None:
    result = pytester.runpytest("--markers")
    result.stdout.fnmatch_lines(
        [
            "@pytest.mark.appstream_builder(name, *, state='RUNNING', region=None, tags=None, **fields)*",
            "@pytest.mark.appstream_fault*",
        ]
    )
    assert sys.modules["pytest_appstream.plugin"]
