"""What a user meets before any AppStream call: marker typos, the session environment, the repr."""

from __future__ import annotations

import os

import pytest

from pytest_appstream import FakeAppStream
from pytest_appstream.plugin import session_environment


def test_a_misspelled_marker_is_an_error_naming_the_closest(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest


        @pytest.mark.appstream_buildr("b")
        def test_typo(appstream):
            pass


        @pytest.mark.appstream_fleets("f")
        def test_typo_without_the_fixture():
            pass


        @pytest.mark.appstream_builder("b")
        def test_fine(appstream):
            appstream.assert_state("b", "RUNNING")
        """
    )
    # Without --strict-markers an unknown marker only warns; the plugin owns its prefix.
    result = pytester.runpytest_inprocess(
        "-p", "no:randomly", "-W", "ignore::pytest.PytestUnknownMarkWarning"
    )
    result.assert_outcomes(passed=1, errors=2)
    result.stdout.fnmatch_lines(
        [
            "*test_typo: @pytest.mark.appstream_buildr is not a pytest-appstream marker "
            "(did you mean 'appstream_builder'?); allowed: *@pytest.mark.appstream_builder, *",
        ]
    )


def test_without_the_option_a_bare_module_client_has_no_region(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makepyfile(
        """
        import boto3

        CLIENT = boto3.client("appstream")


        def test_never_runs():
            pass
        """
    )
    for variable in ("AWS_DEFAULT_REGION", "AWS_REGION"):
        monkeypatch.delenv(variable, raising=False)
    pytester.runpytest_inprocess("-p", "no:randomly").stdout.fnmatch_lines(["*NoRegionError*"])


def test_the_session_environment_serves_module_clients_at_import(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makeini(
        "[pytest]\nappstream_session_environment = true\nappstream_region = eu-west-1\n"
    )
    pytester.makepyfile(
        """
        import os

        import boto3
        import pytest

        CLIENT = boto3.client("appstream")  # at import, before any fixture


        @pytest.mark.appstream(region="eu-west-1")
        @pytest.mark.appstream_builder("b")
        def test_the_module_client(appstream):
            assert CLIENT.meta.region_name == "eu-west-1"
            assert CLIENT.describe_image_builders()["ImageBuilders"][0]["Name"] == "b"


        def test_fake_credentials_for_the_whole_session():
            assert os.environ["AWS_ACCESS_KEY_ID"] == "testing"
            assert "AWS_PROFILE" not in os.environ
        """
    )
    for variable in ("AWS_DEFAULT_REGION", "AWS_REGION", "AWS_ACCESS_KEY_ID"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("AWS_PROFILE", "somebody")
    result = pytester.runpytest_inprocess("-p", "no:randomly")
    result.assert_outcomes(passed=2)
    assert os.environ["AWS_PROFILE"] == "somebody"  # restored when the session ends
    assert "AWS_ACCESS_KEY_ID" not in os.environ


def test_the_session_environment_keeps_a_region_already_set(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AWS_REGION", "ap-south-1")
    assert "AWS_DEFAULT_REGION" not in session_environment("eu-west-1")
    monkeypatch.delenv("AWS_REGION")
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    assert session_environment("eu-west-1")["AWS_DEFAULT_REGION"] == "eu-west-1"


def test_the_repr_says_where_how_and_how_much() -> None:
    fake = FakeAppStream(region="eu-west-1", transitions="manual", now="2026-01-01T00:00:00Z")
    fake.add_builder("a")
    fake.add_builder("a", region="us-east-1")
    fake.images.add("golden")
    fake.inject("stop_image_builder", "ThrottlingException")
    assert repr(fake) == (
        "<FakeAppStream eu-west-1 123456789012 transitions='manual' polls=1 "
        "clock=2026-01-01T00:00:00+00:00 (frozen): 1 images, 2 builders, 0 calls, 1 faults>"
    )
    assert "(frozen): no resources, 0 calls" in repr(FakeAppStream(now=0))


def test_a_bug_in_the_fake_answers_internal_failure_and_fails_the_test(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        """
        import pytest
        from botocore.config import Config

        from pytest_appstream import _operations


        def broken(ctx, params):
            raise KeyError("a bug")


        def test_the_client_sees_aws_s_answer(appstream, appstream_client, monkeypatch):
            monkeypatch.setitem(_operations.HANDLERS, "DescribeImageBuilders", broken)
            with pytest.raises(appstream_client.exceptions.ClientError) as info:
                appstream_client.describe_image_builders()
            assert info.value.response["Error"]["Code"] == "InternalFailure"
            assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500
            assert appstream.calls[-1].error_code == "InternalFailure"
        """
    )
    result = pytester.runpytest_inprocess("-p", "no:randomly")
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*pytest-appstream failed on a call (the client got InternalFailure); please report*",
            "*DescribeImageBuilders {} raised:*",
            "*KeyError: 'a bug'*",
        ]
    )
