"""The Stubber layer: botocore compatibility, pass-through to the fake, and the fixture."""

from __future__ import annotations

import contextlib
import inspect
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import botocore.session
import botocore.stub
import pytest
from botocore.client import BaseClient
from botocore.exceptions import (
    ClientError,
    ParamValidationError,
    StubAssertionError,
    StubResponseError,
    UnStubbedResponseError,
)

import pytest_appstream
from pytest_appstream import ANY, FakeAppStream, Stubber
from pytest_appstream._model import error_status

DOCS = Path(__file__).resolve().parent.parent / "docs" / "stubber.md"


def run(pytester: pytest.Pytester, source: str, *args: str) -> pytest.RunResult:
    pytester.makepyfile(source)
    return pytester.runpytest("-p", "no:randomly", "-p", "no:cacheprovider", *args)


@pytest.fixture
def client() -> BaseClient:
    return botocore.session.get_session().create_client(
        "appstream",
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


@pytest.fixture
def fake() -> Iterator[FakeAppStream]:
    with FakeAppStream() as fake:
        fake.add_builder("b")
        yield fake


BUILDER = {"Name": "b", "Arn": "arn:aws:appstream:us-east-1:123456789012:image-builder/b"}


# -- the same surface as botocore's ------------------------------------------------------------


@pytest.mark.parametrize(
    "method",
    ["add_response", "add_client_error", "assert_no_pending_responses", "activate", "deactivate"],
)
def test_public_methods_take_botocores_parameters_and_defaults(method: str) -> None:
    theirs = inspect.signature(getattr(botocore.stub.Stubber, method)).parameters
    ours = inspect.signature(getattr(Stubber, method)).parameters
    assert [(p.name, p.kind, p.default) for p in ours.values()] == [
        (p.name, p.kind, p.default) for p in theirs.values()
    ]


def test_constructor_adds_only_keyword_passthrough(client: BaseClient) -> None:
    parameters = inspect.signature(Stubber).parameters
    assert list(parameters) == ["client", "passthrough"]
    assert parameters["passthrough"].kind is inspect.Parameter.KEYWORD_ONLY
    assert parameters["passthrough"].default is False
    stubber = Stubber(client)
    assert (stubber.client, stubber.passthrough) == (client, False)
    assert pytest_appstream.Stubber is Stubber and pytest_appstream.ANY is ANY


def test_any_equals_everything_at_any_depth() -> None:
    assert repr(ANY) == "<ANY>"
    assert ANY == 1 and ANY == {"a": 1} and not (ANY != "x")  # noqa: SIM202
    assert {"Name": "b", "Tags": {"team": ANY}} == {"Name": "b", "Tags": {"team": "ops"}}


def test_responses_answer_in_order_then_unstubbed_call_raises(client: BaseClient) -> None:
    stubber = Stubber(client)
    stubber.add_response("describe_image_builders", {"ImageBuilders": [BUILDER]}, {})
    stubber.add_client_error("stop_image_builder", "Boom", "bad", expected_params={"Name": ANY})
    with stubber:
        assert client.describe_image_builders()["ImageBuilders"] == [BUILDER]
        with pytest.raises(ClientError) as info:
            client.stop_image_builder(Name="b")
        assert info.value.response["Error"] == {"Code": "Boom", "Message": "bad"}
        with pytest.raises(UnStubbedResponseError, match="Unexpected API Call"):
            client.describe_image_builders()
    stubber.assert_no_pending_responses()


def test_mismatches_raise_botocores_errors_with_botocores_messages(client: BaseClient) -> None:
    stubber = Stubber(client)
    stubber.add_response("stop_image_builder", {}, {"Name": "b"})
    with stubber:
        with pytest.raises(StubResponseError) as mismatch:
            client.describe_image_builders()
        assert str(mismatch.value) == (
            "Error getting response stub for operation DescribeImageBuilders: "
            "Operation mismatch: found response for StopImageBuilder."
        )
        with pytest.raises(StubAssertionError) as params:
            client.stop_image_builder(Name="c")
        assert str(params.value).endswith(
            "Expected parameters:\n{'Name': 'b'},\nbut received:\n{'Name': 'c'}"
        )
        client.stop_image_builder(Name="b")
    stubber.add_response("stop_image_builder", {})
    with pytest.raises(AssertionError, match=r"^1 responses remaining in queue\.$"):
        stubber.assert_no_pending_responses()


def test_responses_are_validated_against_the_output_shape(client: BaseClient) -> None:
    with pytest.raises(ParamValidationError, match="Nme"):
        Stubber(client).add_response("describe_image_builders", {"ImageBuilders": [{"Nme": "b"}]})


# -- checked when queued -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "hint"),
    [
        ("stop_image_bulder", "stop_image_builder"),
        ("StopImageBuilder", "stop_image_builder"),
        ("describe_image_builder", "describe_image_builders"),
    ],
)
def test_a_misspelt_method_fails_when_queued_naming_the_nearest_one_in_passthrough(
    client: BaseClient, method: str, hint: str
) -> None:
    botocores = f"Client appstream does not have method: {method}"
    for passthrough, message in [
        (True, f"{botocores}; did you mean '{hint}'?"),
        (False, botocores),
    ]:
        stubber = Stubber(client, passthrough=passthrough)
        for add in (stubber.add_response, stubber.add_client_error):
            with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
                add(method, {})


def test_a_method_with_nothing_near_gets_botocores_message(client: BaseClient) -> None:
    with pytest.raises(ValueError, match=r"^Client appstream does not have method: zzz$"):
        Stubber(client).add_response("zzz", {})


def test_passthrough_checks_the_error_code_against_the_model(client: BaseClient) -> None:
    stubber = Stubber(client, passthrough=True)
    with pytest.raises(ValueError, match="ResourceNotFound") as info:
        stubber.add_client_error("stop_image_builder", "ResourceNotFound")
    message = str(info.value)
    assert message.startswith(
        "service_error_code='ResourceNotFound' is not an error StopImageBuilder can answer "
        "(allowed: ResourceNotFoundException, OperationNotPermittedException, "
        "ConcurrentModificationException, ThrottlingException,"
    )
    assert message.endswith("; did you mean 'ResourceNotFoundException'?")
    stubber.add_client_error("stop_image_builder", "ThrottlingException")  # a common error
    assert [str(q) for q in stubber.pending] == ["stop_image_builder -> ThrottlingException"]
    Stubber(client).add_client_error("stop_image_builder", "AnythingGoes")  # botocore mode


def test_documented_error_helpers_only_for_operations_that_model_them(client: BaseClient) -> None:
    stubber = Stubber(client)
    with pytest.raises(ValueError, match=r"OperationNotPermittedException.*StartImageBuilder"):
        stubber.operation_not_permitted("start_image_builder")
    stubber.resource_not_found()
    stubber.operation_not_permitted("delete_image_builder")
    stubber.concurrent_modification("start_image_builder")
    assert [str(q) for q in stubber.pending] == [
        "stop_image_builder -> ResourceNotFoundException",
        "delete_image_builder -> OperationNotPermittedException",
        "start_image_builder -> ConcurrentModificationException",
    ]


def test_queued_response_and_expected_params_are_copied(client: BaseClient) -> None:
    response: dict[str, Any] = {"ImageBuilders": [dict(BUILDER)]}
    expected: dict[str, Any] = {"Names": ["b"]}
    stubber = Stubber(client)
    stubber.add_response("describe_image_builders", response, expected)
    response["ImageBuilders"][0]["Name"] = "mutated"
    expected["Names"].append("mutated")
    with stubber:
        answer = client.describe_image_builders(Names=["b"])
    assert answer["ImageBuilders"][0]["Name"] == "b"


# -- unexpected calls are recorded ---------------------------------------------------------------


def test_a_swallowed_unexpected_call_is_still_recorded(client: BaseClient) -> None:
    stubber = Stubber(client)
    stubber.add_response("stop_image_builder", {}, {"Name": "b"})
    with stubber:
        for call in (client.describe_image_builders, lambda: client.stop_image_builder(Name="x")):
            with contextlib.suppress(Exception):  # the code under test hides the error
                call()
        client.stop_image_builder(Name="b")
        with contextlib.suppress(Exception):
            client.stop_image_builder(Name="b")
    stubber.assert_no_pending_responses()  # botocore's check: the queue is empty
    errors = stubber.unexpected_calls
    assert [type(e) for e in errors] == [
        StubResponseError,
        StubAssertionError,
        UnStubbedResponseError,
    ]
    with pytest.raises(AssertionError, match=r"^3 unexpected call\(s\):\n  Error getting"):
        stubber.assert_no_unexpected_calls()


# -- pass-through to the fake -------------------------------------------------------------------


def test_passthrough_answers_queue_first_then_the_fake(
    fake: FakeAppStream, client: BaseClient
) -> None:
    with Stubber(client, passthrough=True) as stubber:
        stubber.concurrent_modification()
        stubber.add_response("describe_image_builders", {"ImageBuilders": []})
        with pytest.raises(client.exceptions.ConcurrentModificationException):
            client.stop_image_builder(Name="b")
        assert client.describe_image_builders()["ImageBuilders"] == []
        assert client.stop_image_builder(Name="b")["ImageBuilder"]["State"] == "STOPPING"
    assert [c.operation for c in fake.calls] == ["StopImageBuilder"]
    assert stubber.unexpected_calls == []


def test_stubbed_errors_change_no_fake_state(fake: FakeAppStream, client: BaseClient) -> None:
    before = fake.builder("b")
    with Stubber(client, passthrough=True) as stubber:
        stubber.resource_not_found("delete_image_builder")
        stubber.operation_not_permitted()
        for call in (client.delete_image_builder, client.stop_image_builder):
            with pytest.raises(ClientError):
                call(Name="b")
    assert fake.builder("b") == before
    assert fake.history("b") == []
    assert fake.calls == []


def test_passthrough_checks_order_and_params_of_queued_responses(
    fake: FakeAppStream, client: BaseClient
) -> None:
    with Stubber(client, passthrough=True) as stubber:
        stubber.add_response("stop_image_builder", {}, expected_params={"Name": "other"})
        with pytest.raises(StubResponseError, match="Operation mismatch"):
            client.describe_image_builders()
        with pytest.raises(StubAssertionError, match="Expected parameters"):
            client.stop_image_builder(Name="b")
        with pytest.raises(ParamValidationError):  # botocore validates before the stub answers
            client.stop_image_builder(Nam="other")
        client.stop_image_builder(Name="other")
    assert len(stubber.unexpected_calls) == 2
    assert fake.calls == []


def test_helper_messages_name_the_builder_and_the_fakes_account(client: BaseClient) -> None:
    with FakeAppStream(account_id="111122223333"), Stubber(client, passthrough=True) as stubber:
        stubber.resource_not_found("describe_image_builders")
        stubber.concurrent_modification(message="custom")
        with pytest.raises(client.exceptions.ResourceNotFoundException) as missing:
            client.describe_image_builders(Names=["ghost"])
        with pytest.raises(client.exceptions.ConcurrentModificationException) as busy:
            client.stop_image_builder(Name="b")
    response = missing.value.response
    assert response["Error"] == {
        "Code": "ResourceNotFoundException",
        "Message": "The image builder ghost for account 111122223333 does not exist.",
    }
    metadata = response["ResponseMetadata"]
    assert metadata["HTTPStatusCode"] == error_status("ResourceNotFoundException")
    assert metadata["RetryAttempts"] == 0
    assert busy.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert metadata["HTTPHeaders"]["x-amzn-requestid"] == metadata["RequestId"]
    assert metadata["HTTPHeaders"]["date"].endswith(" GMT")
    assert busy.value.response["Error"]["Message"] == "custom"


def test_helper_message_without_a_fake_uses_the_default_account(client: BaseClient) -> None:
    with Stubber(client) as stubber:
        stubber.operation_not_permitted()
        with pytest.raises(client.exceptions.OperationNotPermittedException) as info:
            client.stop_image_builder(Name="b")
    assert info.value.response["Error"]["Message"] == (
        "The attempted operation is not permitted on image builder b for account 123456789012."
    )


def test_passthrough_works_for_any_client_here_moto(client: BaseClient) -> None:
    moto = pytest.importorskip("moto")
    with moto.mock_aws():
        sqs = botocore.session.get_session().create_client(
            "sqs", region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b"
        )
        with Stubber(sqs, passthrough=True) as stubber:
            stubber.add_client_error("list_queues", "ThrottlingException")
            with pytest.raises(ClientError, match="ThrottlingException"):
                sqs.list_queues()
            sqs.create_queue(QueueName="q")  # moto answers
            assert len(sqs.list_queues()["QueueUrls"]) == 1


def test_two_stubbers_on_one_client_do_not_clash(fake: FakeAppStream, client: BaseClient) -> None:
    first, second = Stubber(client, passthrough=True), Stubber(client, passthrough=True)
    first.add_response("describe_image_builders", {"ImageBuilders": []})
    second.add_response("describe_image_builders", {"ImageBuilders": [BUILDER]})
    with first, second:
        assert client.describe_image_builders()["ImageBuilders"] == []
        assert client.describe_image_builders()["ImageBuilders"] == [BUILDER]
        assert len(client.describe_image_builders()["ImageBuilders"]) == 1  # the fake's "b"
    with first:
        first.add_response("describe_image_builders", {"ImageBuilders": []})
    assert len(client.describe_image_builders()["ImageBuilders"]) == 1  # deactivated


# -- the fixture, as users meet it ------------------------------------------------------------------


def test_fixture_stubs_first_then_the_fake_answers(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
        import pytest
        from pytest_appstream import Stubber

        @pytest.mark.appstream_builder("nightly")
        def test_it(appstream, appstream_stubber, appstream_client):
            assert isinstance(appstream_stubber, Stubber) and appstream_stubber.passthrough
            assert appstream_stubber.client is appstream_client
            appstream_stubber.concurrent_modification()
            with pytest.raises(appstream_client.exceptions.ConcurrentModificationException):
                appstream_client.stop_image_builder(Name="nightly")
            appstream.assert_state("nightly", "RUNNING")
            appstream_client.stop_image_builder(Name="nightly")
            appstream.assert_transitions("nightly", ["RUNNING", "STOPPING"])
        """,
    )
    result.assert_outcomes(passed=1)


def test_fixture_pending_responses_are_a_teardown_error(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
        import pytest

        def test_pending(appstream_stubber):
            appstream_stubber.resource_not_found()
            appstream_stubber.add_response("describe_image_builders", {"ImageBuilders": []})

        @pytest.mark.appstream(assert_all_stubs_used=False)
        def test_opted_out(appstream_stubber):
            appstream_stubber.resource_not_found()

        def test_failing_test_reports_only_its_failure(appstream_stubber):
            appstream_stubber.resource_not_found()
            assert False, "the test's own failure"
        """,
    )
    result.assert_outcomes(passed=2, failed=1, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*ERROR at teardown of test_pending*",
            "pytest-appstream: appstream_stubber: queued responses were not used:",
            "  stop_image_builder -> ResourceNotFoundException",
            "  describe_image_builders -> response",
            "(opt out with @pytest.mark.appstream(assert_all_stubs_used=False))",
        ]
    )
    assert "stub.py" not in result.stdout.str() and "plugin.py" not in result.stdout.str()


@pytest.mark.parametrize(
    "setting",
    [("-p", "no:cacheprovider"), ("--appstream-assert-all-stubs-used=false",), ("ini",)],
)
def test_options_turn_the_pending_responses_check_off(
    pytester: pytest.Pytester, setting: tuple[str, ...]
) -> None:
    if setting == ("ini",):
        pytester.makeini("[pytest]\nappstream_assert_all_stubs_used = false\n")
        setting = ()
    result = run(
        pytester,
        """
        import pytest

        def test_pending(appstream_stubber):
            appstream_stubber.resource_not_found()

        @pytest.mark.appstream(assert_all_stubs_used=True)
        def test_marker_wins(appstream_stubber):
            appstream_stubber.resource_not_found()
        """,
        *setting,
    )
    errors = 2 if setting == ("-p", "no:cacheprovider") else 1
    result.assert_outcomes(passed=2, errors=errors)
    result.stdout.fnmatch_lines(["*ERROR at teardown of test_marker_wins*"])


def test_fixture_fails_a_test_that_swallowed_an_unexpected_call(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
        import pytest

        def stop_quietly(client, name):
            try:
                client.stop_image_builder(Name=name)
            except Exception:
                pass  # the bug: errors are swallowed

        @pytest.mark.appstream_builder("b")
        @pytest.mark.appstream(assert_all_stubs_used=False)
        def test_swallowed(appstream_stubber, appstream_client):
            appstream_stubber.add_response("describe_image_builders", {"ImageBuilders": []})
            stop_quietly(appstream_client, "b")
        """,
    )
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*calls the stubber refused (the code under test may have caught the error):",
            "  Error getting response stub for operation StopImageBuilder: "
            "Operation mismatch: found response for DescribeImageBuilders.",
        ]
    )


def test_real_botocore_stubber_on_appstream_client_answers_first(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
        import pytest
        from botocore.stub import Stubber as BotocoreStubber

        EMPTY = {"ImageBuilders": []}
        ONE = {"ImageBuilders": [{"Name": "stubbed", "Arn": "arn:x"}]}

        @pytest.mark.appstream_builder("real")
        def test_with_ours(appstream, appstream_stubber, appstream_client):
            appstream_stubber.add_response("describe_image_builders", EMPTY)
            with BotocoreStubber(appstream_client) as theirs:
                theirs.add_response("describe_image_builders", ONE)
                assert appstream_client.describe_image_builders() == ONE
            assert appstream_client.describe_image_builders() == EMPTY
            names = [b["Name"] for b in appstream_client.describe_image_builders()["ImageBuilders"]]
            assert names == ["real"]

        @pytest.mark.appstream_builder("real")
        def test_alone(appstream, appstream_client):
            with BotocoreStubber(appstream_client) as theirs:
                theirs.add_client_error("stop_image_builder", "ConcurrentModificationException")
                with pytest.raises(appstream_client.exceptions.ConcurrentModificationException):
                    appstream_client.stop_image_builder(Name="real")
                theirs.assert_no_pending_responses()
            appstream.assert_state("real", "RUNNING")
            appstream_client.stop_image_builder(Name="real")
            appstream.assert_state("real", "STOPPING")
        """,
    )
    result.assert_outcomes(passed=2)


def test_stubber_does_not_outlive_its_test(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        """
        import pytest

        @pytest.mark.appstream(assert_all_stubs_used=False)
        def test_first(appstream_stubber, appstream_client):
            appstream_stubber.add_response("describe_image_builders", {"ImageBuilders": []})

        @pytest.mark.appstream_builder("b")
        def test_second(appstream_client):
            assert [b["Name"] for b in appstream_client.describe_image_builders()["ImageBuilders"]] == ["b"]
        """,
    )
    result.assert_outcomes(passed=2)


def test_documented_errors_have_deterministic_request_ids(appstream_client: Any) -> None:
    from pytest_appstream import Stubber

    ids = []
    for _ in range(2):
        with Stubber(appstream_client, passthrough=True) as stubber:
            stubber.resource_not_found()
            try:
                appstream_client.stop_image_builder(Name="b")
            except appstream_client.exceptions.ResourceNotFoundException as error:
                ids.append(error.response["ResponseMetadata"]["RequestId"])
    assert len(ids) == 2 and all(i.startswith("00000000-0000-4000-") for i in ids)
