"""Fault injection: inject(), the helpers, the marker, matching, retries and the teardown check."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.client import BaseClient
from botocore.config import Config
from botocore.exceptions import ClientError

from pytest_appstream import AppStreamUsageError, FakeAppStream
from pytest_appstream._faults import COMMON_ERRORS, FaultQueue, make_fault
from pytest_appstream._model import (
    botocore_session,
    error_status,
    modeled_errors,
    operation_names,
)


def run(pytester: pytest.Pytester, source: str, *args: str) -> pytest.RunResult:
    pytester.makepyfile(source)
    return pytester.runpytest("-p", "no:randomly", "-p", "no:cacheprovider", *args)


def client(**retries: Any) -> BaseClient:
    """A fresh botocore client with its own retry config (boto3 would cost a session each)."""
    return botocore_session().create_client(
        "appstream",
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(retries=retries) if retries else None,
    )


def codes(fake: FakeAppStream) -> list[str | None]:
    return [call.error_code for call in fake.calls]


@pytest.fixture
def fake() -> Iterator[FakeAppStream]:
    """A fake without the plugin's teardown check, for behaviour tests."""
    with FakeAppStream() as active:
        active.add_builder("a")
        active.add_builder("b")
        yield active


# -- raised as AWS would ------------------------------------------------------------------------


@pytest.mark.parametrize("operation", ["stop_image_builder", "StopImageBuilder"])
def test_inject_in_either_spelling_raises_the_modeled_exception(
    fake: FakeAppStream, operation: str
) -> None:
    fake.inject(operation, "ConcurrentModificationException")
    c = client()
    with pytest.raises(c.exceptions.ConcurrentModificationException) as info:
        c.stop_image_builder(Name="a")
    error = info.value
    assert isinstance(error, ClientError)
    assert error.response["Error"] == {
        "Code": "ConcurrentModificationException",
        "Message": "An API error occurred on image builder a for account 123456789012. "
        "Wait a few minutes and try again.",
    }
    assert error.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert error.operation_name == "StopImageBuilder"


def test_default_messages_follow_aws_wording(fake: FakeAppStream) -> None:
    c = client(max_attempts=0)
    expected = {
        "ResourceNotFoundException": "The image builder a for account 123456789012 does not exist.",
        "OperationNotPermittedException": "The attempted operation is not permitted on image "
        "builder a for account 123456789012.",
        "ThrottlingException": "Rate exceeded",
        "InternalFailure": "The request processing has failed because of an unknown error, "
        "exception or failure.",
        "ServiceUnavailable": "The request has failed due to a temporary failure of the server.",
        "AccessDeniedException": "User: arn:aws:iam::123456789012:user/testing is not authorized "
        "to perform: appstream:StopImageBuilder because no identity-based policy allows the "
        "appstream:StopImageBuilder action",
    }
    for code, message in expected.items():
        fake.inject("stop_image_builder", code)
        with pytest.raises(ClientError) as info:
            c.stop_image_builder(Name="a")
        assert info.value.response["Error"] == {"Code": code, "Message": message}
        assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == (
            COMMON_ERRORS.get(code) or error_status(code)
        )


def test_other_modeled_errors_use_the_model_description(fake: FakeAppStream) -> None:
    fake.inject("start_image_builder", "IncompatibleImageException")
    fake.resource_not_found("describe_image_builders")
    c = client()
    with pytest.raises(c.exceptions.IncompatibleImageException, match="not compatible"):
        c.start_image_builder(Name="a")
    with pytest.raises(c.exceptions.ResourceNotFoundException) as info:
        c.describe_image_builders()  # names no builder: AWS's generic description
    assert info.value.response["Error"]["Message"] == "The specified resource was not found."


def test_a_given_message_is_used_verbatim(fake: FakeAppStream) -> None:
    fake.operation_not_permitted(message="Nope.")
    with pytest.raises(ClientError, match=r"\(OperationNotPermittedException\).*: Nope\.$"):
        client().stop_image_builder(Name="a")


def test_each_helper_defaults_to_stop_image_builder(fake: FakeAppStream) -> None:
    helpers = {
        fake.resource_not_found: "ResourceNotFoundException",
        fake.operation_not_permitted: "OperationNotPermittedException",
        fake.concurrent_modification: "ConcurrentModificationException",
    }
    c = client()
    for helper, code in helpers.items():
        fault = helper()
        assert (fault.operation, fault.error_code, fault.times) == ("StopImageBuilder", code, 1)
        with pytest.raises(getattr(c.exceptions, code)):
            c.stop_image_builder(Name="a")
    assert codes(fake) == list(helpers.values())
    fake.concurrent_modification("delete_image_builder", name="b", times=2)
    for _ in range(2):
        with pytest.raises(c.exceptions.ConcurrentModificationException):
            c.delete_image_builder(Name="b")


# -- what a fault changes: nothing but the call log ---------------------------------------------


def test_a_faulted_call_changes_no_state_and_is_logged(fake: FakeAppStream) -> None:
    before = fake.builder("a")
    fake.concurrent_modification(name="a")
    c = client()
    with pytest.raises(c.exceptions.ConcurrentModificationException):
        c.stop_image_builder(Name="a")
    assert fake.builder("a") == before
    assert fake.history("a") == []
    assert fake.calls[-1].operation == "StopImageBuilder"
    assert fake.calls[-1].params == {"Name": "a"}
    assert fake.calls[-1].error_code == "ConcurrentModificationException"
    # The next call follows the rules again.
    assert c.stop_image_builder(Name="a")["ImageBuilder"]["State"] == "STOPPING"
    assert codes(fake) == ["ConcurrentModificationException", None]


def test_a_faulted_describe_does_not_count_as_a_poll() -> None:
    with FakeAppStream(polls=1) as fake:
        fake.add_builder("a")
        c = client(max_attempts=0)
        c.stop_image_builder(Name="a")
        fake.inject("describe_image_builders", "InternalFailure")
        with pytest.raises(ClientError, match="InternalFailure"):
            c.describe_image_builders()
        assert c.describe_image_builders()["ImageBuilders"][0]["State"] == "STOPPING"
        assert c.describe_image_builders()["ImageBuilders"][0]["State"] == "STOPPED"


# -- matching: operation, name, predicate, order, times -------------------------------------------


def test_faults_match_by_operation(fake: FakeAppStream) -> None:
    fake.inject("start_image_builder", "ResourceNotFoundException")
    c = client()
    c.stop_image_builder(Name="a")  # another operation: not answered by the fault
    with pytest.raises(c.exceptions.ResourceNotFoundException):
        c.start_image_builder(Name="a")


def test_faults_match_by_builder_name(fake: FakeAppStream) -> None:
    fake.concurrent_modification(name="b")
    fake.resource_not_found("describe_image_builders", name="b")
    c = client()
    assert c.stop_image_builder(Name="a")["ImageBuilder"]["State"] == "STOPPING"
    c.describe_image_builders()  # names no builder: "b" is not matched
    c.describe_image_builders(Names=["a"])
    with pytest.raises(c.exceptions.ConcurrentModificationException):
        c.stop_image_builder(Name="b")
    with pytest.raises(c.exceptions.ResourceNotFoundException, match="image builder b "):
        c.describe_image_builders(Names=["a", "b"])
    fake.assert_state("b", "RUNNING")


def test_faults_match_a_resource_arn_of_any_kind() -> None:
    """DESIGN section 8: ``name=`` matches the call's resource names, ARNs of every kind included."""
    queue = FaultQueue()
    queue.add(make_fault("tag_resource", "ResourceNotFoundException", name="b", times=None))
    builder = {"ResourceArn": "arn:aws:appstream:us-east-1:123456789012:image-builder/b"}
    image = {"ResourceArn": "arn:aws:appstream:us-east-1:123456789012:image/b", "Tags": {}}
    other = {"ResourceArn": "arn:aws:appstream:us-east-1:123456789012:image/c", "Tags": {}}
    role = {"ResourceArn": "arn:aws:iam::123456789012:role/b", "Tags": {}}
    assert queue.take("TagResource", other) is None
    assert queue.take("TagResource", role) is None  # not an AppStream resource
    fault = queue.take("TagResource", builder)
    assert fault is not None
    assert fault.text(builder, "123456789012").startswith("The image builder b for account")
    assert queue.take("TagResource", image) is fault
    assert fault.text(image, "123456789012").startswith("The image b for account")


def test_when_fails_only_the_second_page(fake: FakeAppStream) -> None:
    for i in range(3):
        fake.add_builder(f"page-{i}")
    fake.inject("describe_image_builders", "InternalFailure", when=lambda p: "NextToken" in p)
    pages = (
        client(max_attempts=0)
        .get_paginator("describe_image_builders")
        .paginate(PaginationConfig={"PageSize": 2})
    )
    with pytest.raises(ClientError) as info:
        list(pages)
    assert info.value.response["Error"]["Code"] == "InternalFailure"
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500
    assert [("NextToken" in c.params, c.error_code) for c in fake.calls] == [
        (False, None),
        (True, "InternalFailure"),
    ]


def test_when_gets_a_copy_of_the_parameters(fake: FakeAppStream) -> None:
    def meddle(params: dict[str, Any]) -> bool:
        params["Name"] = "b"
        return False

    fake.inject("stop_image_builder", "ThrottlingException", when=meddle, times=None)
    client().stop_image_builder(Name="a")
    fake.assert_state("a", "STOPPING")
    fake.assert_state("b", "RUNNING")


def test_when_may_look_at_the_fake(fake: FakeAppStream) -> None:
    def from_the_third_call(params: dict[str, Any]) -> bool:
        fake.faults.unused()  # re-entrant: the queue's lock is held while predicates run
        return len(fake.calls) >= 2

    fake.inject("describe_image_builders", "ThrottlingException", when=from_the_third_call)
    c = client(max_attempts=0)
    c.describe_image_builders()
    c.describe_image_builders()
    with pytest.raises(ClientError, match="ThrottlingException"):
        c.describe_image_builders()


def test_a_failing_when_names_the_fault(fake: FakeAppStream) -> None:
    fake.inject("describe_image_builders", "ThrottlingException", when=lambda p: p["NextToken"])
    with pytest.raises(AppStreamUsageError) as info:
        client().describe_image_builders()
    assert str(info.value) == (
        "the when= predicate of the fault DescribeImageBuilders -> ThrottlingException "
        "(when=<predicate>, times=1) raised KeyError: 'NextToken' (called with {})"
    )
    assert isinstance(info.value.__cause__, KeyError)


def test_faults_are_used_in_injection_order(fake: FakeAppStream) -> None:
    fake.inject("stop_image_builder", "ConcurrentModificationException", times=2)
    fake.inject("stop_image_builder", "OperationNotPermittedException")
    fake.inject("stop_image_builder", "ResourceNotFoundException", name="a")
    c = client()
    seen = []
    for _ in range(4):
        with pytest.raises(ClientError) as info:
            c.stop_image_builder(Name="a")
        seen.append(info.value.response["Error"]["Code"])
    assert seen == [
        "ConcurrentModificationException",
        "ConcurrentModificationException",
        "OperationNotPermittedException",
        "ResourceNotFoundException",
    ]
    assert c.stop_image_builder(Name="a")["ImageBuilder"]["State"] == "STOPPING"


def test_times_none_answers_every_matching_call(fake: FakeAppStream) -> None:
    fault = fake.resource_not_found("describe_image_builders", times=None)
    c = client()
    for _ in range(5):
        with pytest.raises(c.exceptions.ResourceNotFoundException):
            c.describe_image_builders()
    assert fault.used == 5
    assert fake.faults.unused() == []


def test_a_later_fault_waits_behind_an_endless_one(fake: FakeAppStream) -> None:
    fake.inject("stop_image_builder", "ConcurrentModificationException", name="a", times=None)
    later = fake.inject("stop_image_builder", "ResourceNotFoundException")
    c = client()
    with pytest.raises(c.exceptions.ConcurrentModificationException):
        c.stop_image_builder(Name="a")
    with pytest.raises(c.exceptions.ResourceNotFoundException):
        c.stop_image_builder(Name="b")
    assert later.used == 1


# -- retries: as from AWS, without sleeping ------------------------------------------------------


@pytest.fixture
def no_sleep(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Records every sleep botocore asks for, anywhere (there must be none): no wall time."""
    slept: list[float] = []
    monkeypatch.setattr(time, "sleep", slept.append)
    return slept


@pytest.mark.parametrize(("mode", "attempts"), [("legacy", 5), ("standard", 3), ("adaptive", 3)])
@pytest.mark.parametrize("code", ["ThrottlingException", "InternalFailure", "ServiceUnavailable"])
def test_retryable_errors_are_retried_and_succeed_without_sleeping(
    fake: FakeAppStream, no_sleep: list[float], mode: str, attempts: int, code: str
) -> None:
    fake.inject("describe_image_builders", code, times=attempts - 1)
    c = client(mode=mode)
    response = c.describe_image_builders()
    assert response["ResponseMetadata"]["RetryAttempts"] == attempts - 1
    assert [b["Name"] for b in response["ImageBuilders"]] == ["a", "b"]
    assert codes(fake) == [code] * (attempts - 1) + [None]
    assert no_sleep == []  # AWS-style backoff for these retries would take seconds


@pytest.mark.parametrize(("mode", "attempts"), [("legacy", 5), ("standard", 3)])
def test_retries_give_up_after_the_clients_max_attempts(
    fake: FakeAppStream, no_sleep: list[float], mode: str, attempts: int
) -> None:
    fault = fake.inject("stop_image_builder", "ThrottlingException", times=None)
    c = client(mode=mode)
    with pytest.raises(ClientError) as info:
        c.stop_image_builder(Name="a")
    assert no_sleep == []
    assert info.value.response["Error"]["Code"] == "ThrottlingException"
    assert info.value.response["ResponseMetadata"]["RetryAttempts"] == attempts - 1
    assert fault.used == attempts
    fake.assert_state("a", "RUNNING")


def test_the_clients_max_attempts_is_honoured(fake: FakeAppStream) -> None:
    fake.inject("stop_image_builder", "ThrottlingException", times=None)
    with pytest.raises(ClientError):
        client(mode="standard", total_max_attempts=7).stop_image_builder(Name="a")
    assert len(fake.calls) == 7


def test_modeled_errors_are_not_retried(fake: FakeAppStream) -> None:
    fake.concurrent_modification(times=None)
    with pytest.raises(ClientError):
        client(mode="standard").stop_image_builder(Name="a")
    assert len(fake.calls) == 1


# -- bad injections -------------------------------------------------------------------------------


def test_an_unknown_operation_lists_the_operations() -> None:
    with pytest.raises(AppStreamUsageError) as info:
        make_fault("stop_imagebuilder", "ThrottlingException")
    text = str(info.value)
    assert text.startswith(
        "operation='stop_imagebuilder' is not an AppStream operation (did you mean "
        "'stop_image_builder'?); allowed (either spelling): "
    )
    assert text.endswith(", ".join(operation_names()))


def test_an_unmodeled_error_lists_the_operations_errors() -> None:
    with pytest.raises(AppStreamUsageError) as info:
        make_fault("start_image_builder", "OperationNotPermittedException")
    text = str(info.value)
    allowed = ", ".join(modeled_errors("StartImageBuilder") + tuple(COMMON_ERRORS))
    assert text.startswith(
        "error_code='OperationNotPermittedException' is not an error StartImageBuilder can answer"
    )
    assert f"; allowed: {allowed} (" in text


def test_every_modeled_and_common_error_is_accepted() -> None:
    for operation in ("StopImageBuilder", "CreateImageBuilder", "DescribeImageBuilders"):
        for code in modeled_errors(operation) + tuple(COMMON_ERRORS):
            assert make_fault(operation, code).error_code == code


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"error_code": "Throttling"}, "(did you mean 'ThrottlingException'?)"),
        ({"times": 0}, "times=0 is not allowed; allowed: an int >= 1, or None"),
        ({"times": "2"}, "times='2' is not allowed"),
        ({"times": True}, "times=True is not allowed"),
        ({"when": "NextToken"}, "when='NextToken' is not callable; allowed: None, or a function"),
        ({"message": 42}, "message=42 is not allowed; allowed: a string or None"),
        ({"name": ""}, "name='' is not allowed; allowed: None, or the resource name (or ARN)"),
        ({"name": 7}, "name=7 is not allowed; allowed: None, or the resource name"),
        ({"operation": None}, "operation=None is not an AppStream operation"),
    ],
)
def test_bad_arguments_are_refused_when_injected(arguments: dict[str, Any], message: str) -> None:
    fake = FakeAppStream()
    call = {"operation": "stop_image_builder", "error_code": "ThrottlingException", **arguments}
    with pytest.raises(AppStreamUsageError) as info:
        fake.inject(**call)
    assert message in str(info.value)
    assert len(fake.faults) == 0


# -- the marker and the teardown check, as users meet them ----------------------------------------


def test_fault_marker_from_every_level(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
        import pytest
        from botocore.exceptions import ClientError

        pytestmark = [
            pytest.mark.appstream_builder("b"),
            pytest.mark.appstream_fault("describe_image_builders", "ThrottlingException"),
        ]

        @pytest.mark.appstream_fault("StopImageBuilder", "OperationNotPermittedException")
        class TestFaults:
            @pytest.mark.appstream_fault("stop_image_builder", "ConcurrentModificationException",
                                         name="b", message="busy")
            def test_nearest_first(self, appstream, appstream_client):
                errors = []
                for _ in range(2):
                    with pytest.raises(ClientError) as info:
                        appstream_client.stop_image_builder(Name="b")
                    errors.append(info.value.response["Error"])
                assert errors == [
                    {"Code": "ConcurrentModificationException", "Message": "busy"},
                    {"Code": "OperationNotPermittedException",
                     "Message": "The attempted operation is not permitted on image builder b "
                                "for account 123456789012."},
                ]
                # The module's throttle is retried by the client, then the call succeeds.
                response = appstream_client.describe_image_builders()
                assert response["ResponseMetadata"]["RetryAttempts"] == 1
                appstream.assert_state("b", "RUNNING")
                assert [c.error_code for c in appstream.calls] == [
                    "ConcurrentModificationException", "OperationNotPermittedException",
                    "ThrottlingException", None,
                ]
        """,
        "--strict-markers",
    )
    result.assert_outcomes(passed=1)


def test_unused_faults_fail_the_test_at_teardown(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
        import pytest

        @pytest.mark.appstream_fault("stop_image_builder", "ThrottlingException", times=2)
        @pytest.mark.appstream_builder("b")
        def test_partly_used(appstream_client):
            appstream_client.meta.events  # nothing else
            try:
                appstream_client.stop_image_builder(Name="b")
            except Exception:
                pass

        def test_never_used(appstream):
            appstream.concurrent_modification(name="b")

        def test_endless_faults_are_not_checked(appstream):
            appstream.concurrent_modification(times=None)

        @pytest.mark.appstream(assert_all_faults_used=False)
        def test_opt_out(appstream):
            appstream.concurrent_modification()

        def test_a_failing_test_is_not_reported_twice(appstream):
            appstream.concurrent_modification()
            assert False, "the test's own failure"
        """,
    )
    result.assert_outcomes(passed=4, failed=1, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*ERROR at teardown of test_never_used*",
            "pytest-appstream: 1 injected fault(s) not used up:",
            "  StopImageBuilder -> ConcurrentModificationException (name='b', times=1): "
            "used 0 time(s)",
            "(opt out with @pytest.mark.appstream(assert_all_faults_used=False))",
        ]
    )
    # The default client retries the throttle: both uses happen in one call, nothing is unused.
    assert "teardown of test_partly_used" not in result.stdout.str()
    assert "Traceback" not in result.stdout.str()


def test_partly_used_fault_is_reported_with_its_count(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
        import pytest

        @pytest.mark.appstream_fault("stop_image_builder", "ConcurrentModificationException", times=3)
        @pytest.mark.appstream_builder("b")
        def test_partly_used(appstream_client):
            with pytest.raises(appstream_client.exceptions.ConcurrentModificationException):
                appstream_client.stop_image_builder(Name="b")
        """,
    )
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(
        ["  StopImageBuilder -> ConcurrentModificationException (times=3): used 1 time(s)"]
    )


@pytest.mark.parametrize("where", ["ini", "command line"])
def test_ini_option_turns_the_teardown_check_off(pytester: pytest.Pytester, where: str) -> None:
    if where == "ini":
        pytester.makeini("[pytest]\nappstream_assert_all_faults_used = false\n")
    options = ["--appstream-assert-all-faults-used=no"] if where == "command line" else []
    result = run(
        pytester,
        """
        import pytest

        @pytest.mark.appstream_fault("stop_image_builder", "ThrottlingException")
        def test_unused(appstream):
            pass

        @pytest.mark.appstream(assert_all_faults_used=True)
        @pytest.mark.appstream_fault("stop_image_builder", "ThrottlingException")
        def test_marker_turns_it_back_on(appstream):
            pass
        """,
        *options,
    )
    result.assert_outcomes(passed=2, errors=1)


def test_bad_fault_markers_error_at_setup(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
        import pytest

        @pytest.mark.appstream_fault("stop_image_builder", "ResourceNotAvailableException")
        def test_unmodeled_code(appstream):
            pass

        @pytest.mark.appstream_fault("reboot_image_builder", "ThrottlingException")
        def test_unknown_operation(appstream):
            pass

        @pytest.mark.appstream_fault("stop_image_builder")
        def test_missing_code(appstream):
            pass

        @pytest.mark.appstream_fault("stop_image_builder", "ThrottlingException", count=2)
        def test_unknown_argument(appstream):
            pass

        @pytest.mark.appstream_fault("stop_image_builder", "ThrottlingException", times=-1)
        def test_bad_times(appstream):
            pass
        """,
        "--strict-markers",
    )
    result.assert_outcomes(errors=5)
    result.stdout.fnmatch_lines(
        [
            "@pytest.mark.appstream_fault('stop_image_builder', 'ResourceNotAvailableException'): "
            "error_code='ResourceNotAvailableException' is not an error StopImageBuilder can "
            "answer*; allowed: ResourceNotFoundException, OperationNotPermittedException, "
            "ConcurrentModificationException, ThrottlingException, *",
            "@pytest.mark.appstream_fault('reboot_image_builder', 'ThrottlingException'): "
            "operation='reboot_image_builder' is not an AppStream operation; allowed (either "
            "spelling): AssociateAppBlockBuilderAppBlock, *",
            "@pytest.mark.appstream_fault('stop_image_builder'): missing a required argument: "
            "'error_code'; signature: appstream_fault(operation, error_code, *, name=None, "
            "when=None, times=1, message=None, region=None)",
            "*: got an unexpected keyword argument 'count'; signature: appstream_fault(*",
            "*: times=-1 is not allowed; allowed: an int >= 1, or None (every matching call)",
        ]
    )
    assert "Traceback" not in result.stdout.str()
