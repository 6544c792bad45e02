"""The fake served over real HTTP: an SDK outside the in-process hook meets the same service.

These fakes are not activated, so nothing in-process is hooked and botocore's requests really
cross the loopback socket.
"""

from __future__ import annotations

import contextlib
import http.client
import itertools
import json
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from typing import Any

import botocore.session
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from pytest_appstream import AppStreamUsageError, FakeAppStream
from pytest_appstream._kinds import kinds
from pytest_appstream.server import FakeServer, ServedFake, _url, serve

TARGET = "PhotonAdminProxyService."


def client_for(url: str, region: str = "us-east-1", service: str = "appstream") -> Any:
    return botocore.session.get_session().create_client(
        service,
        region_name=region,
        endpoint_url=url,
        aws_access_key_id="k",
        aws_secret_access_key="s",
        config=Config(retries={"total_max_attempts": 1}),
    )


def request(
    url: str,
    method: str,
    path: str,
    body: Any = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, http.client.HTTPResponse, Any]:
    """One request on a new connection: (status, response, parsed JSON body)."""
    host, port = url.removeprefix("http://").rsplit(":", 1)
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    data = body if isinstance(body, bytes) or body is None else json.dumps(body).encode()
    connection.request(method, path, body=data, headers=headers or {})
    response = connection.getresponse()
    parsed = json.loads(response.read())
    connection.close()
    return response.status, response, parsed


@pytest.fixture
def fake() -> FakeAppStream:
    return FakeAppStream(transitions="manual")


@pytest.fixture
def server(fake: FakeAppStream) -> Iterator[FakeServer]:
    with FakeServer(fake) as served:
        yield served


def test_a_signed_client_over_http_meets_the_same_service() -> None:
    fake = FakeAppStream(region="eu-central-1")
    fake.add_builder("b")
    with serve(fake) as url:
        client = client_for(url, "eu-central-1")
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


def test_calls_are_logged_in_the_callers_region_and_faults_apply(
    fake: FakeAppStream, server: FakeServer
) -> None:
    fake.inject("describe_image_builders", "ThrottlingException", times=1)
    client = client_for(server.url, "ap-southeast-2")
    with pytest.raises(ClientError) as info:
        client.describe_image_builders()
    assert info.value.response["Error"]["Code"] == "ThrottlingException"
    client.create_image_builder(
        Name="there",
        InstanceType="stream.standard.medium",
        ImageName="AppStream-WinServer2022-06-12-2023",
    )
    assert [(c.operation, c.region, c.error_code) for c in fake.calls] == [
        ("DescribeImageBuilders", "ap-southeast-2", "ThrottlingException"),
        ("CreateImageBuilder", "ap-southeast-2", None),
    ]
    assert "there" not in fake.builders  # it lives in the caller's region
    status, _, body = request(server.url, "GET", "/_appstream/resources")
    assert status == 200
    assert [b["Arn"].split(":")[3] for b in body["image_builders"]] == ["ap-southeast-2"]


def test_keep_alive_one_connection_serves_every_call_of_a_client(
    fake: FakeAppStream, server: FakeServer
) -> None:
    fake.add_builder("b")
    client = client_for(server.url)
    for _ in range(30):
        assert client.describe_image_builders(Names=["b"])["ImageBuilders"][0]["Name"] == "b"
    assert server.connections_accepted == 1


def test_answers_are_http_1_1_with_a_length_on_a_connection_kept_open(server: FakeServer) -> None:
    host, port = server.url.removeprefix("http://").rsplit(":", 1)
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    headers = {"X-Amz-Target": TARGET + "DescribeImageBuilders"}
    for body in (b"{}", b"{not json", b"{}"):  # an error answer keeps the connection too
        connection.request("POST", "/", body=body, headers=headers)
        response = connection.getresponse()
        data = response.read()
        assert response.version == 11
        assert response.getheader("Content-Length") == str(len(data))
        assert response.getheader("Connection") is None
        assert response.status == (200 if body == b"{}" else 400)
    assert json.loads(data) == {"ImageBuilders": []}
    assert server.connections_accepted == 1
    connection.close()


def test_another_services_target_is_unknown_and_not_logged(
    fake: FakeAppStream, server: FakeServer
) -> None:
    logs = client_for(server.url, service="logs")
    with pytest.raises(ClientError) as info:
        logs.describe_log_groups()
    error = info.value.response["Error"]
    assert error["Code"] == "UnknownOperationException"
    assert "Logs_20140328.DescribeLogGroups" in error["Message"]
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    status, _, body = request(server.url, "POST", "/", b"{}")  # no X-Amz-Target at all
    assert (status, body["__type"]) == (400, "UnknownOperationException")
    assert "Missing X-Amz-Target" in body["message"]
    assert fake.calls == []


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        (b"GARBAGE\r\n\r\n", 400),
        (b"PUT / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n", 501),
        (b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: twelve\r\n\r\n{}", 400),
        (b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 999999999\r\n\r\n{}", 413),
        (b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400),
    ],
)
def test_a_malformed_request_is_answered_in_json_and_the_server_goes_on(
    server: FakeServer, raw: bytes, status: int
) -> None:
    host, port = server.url.removeprefix("http://").rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        sock.sendall(raw)
        received = b""
        while chunk := sock.recv(65536):  # the server closes: the rest may be garbage
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    assert head.startswith(f"HTTP/1.1 {status} ".encode())
    assert b"Connection: close" in head
    assert json.loads(body)["message"]
    assert request(server.url, "GET", "/")[0] == 200


def test_a_chunked_body_and_a_body_without_length_are_read(server: FakeServer) -> None:
    target = {"X-Amz-Target": TARGET + "DescribeImageBuilders"}
    host, port = server.url.removeprefix("http://").rsplit(":", 1)
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    connection.request("POST", "/", body=iter([b'{"MaxRes', b'ults": 5}']), headers=target)
    response = connection.getresponse()
    assert (response.status, json.loads(response.read())) == (200, {"ImageBuilders": []})
    connection.close()
    status, _, body = request(server.url, "POST", "/", None, target)  # no body, no length
    assert (status, body) == (200, {"ImageBuilders": []})


def test_health_calls_and_resources(fake: FakeAppStream, server: FakeServer) -> None:
    fake.add_builder("b", state="STOPPED")
    status, response, health = request(server.url, "GET", "/")
    assert (status, response.getheader("Content-Type")) == (200, "application/json")
    assert health == {
        "status": "ok",
        "service": "appstream",
        "region": "us-east-1",
        "account_id": "123456789012",
        "transitions": "manual",
        "polls": 1,
    }
    client_for(server.url).start_image_builder(Name="b")
    _, _, calls = request(server.url, "GET", "/_appstream/calls")
    assert calls == [
        {
            "operation": "StartImageBuilder",
            "params": {"Name": "b"},
            "error_code": None,
            "region": "us-east-1",
            "account_id": "123456789012",
        }
    ]
    _, _, found = request(server.url, "GET", "/_appstream/resources")
    (builder,) = found["image_builders"]
    assert (builder["Name"], builder["State"]) == ("b", "PENDING")
    assert builder["CreatedTime"] == fake.builder("b").created_time.timestamp()  # type: ignore[union-attr]


def test_advance_completes_transitions(fake: FakeAppStream, server: FakeServer) -> None:
    fake.add_builder("a")
    fake.add_builder("b")
    client = client_for(server.url)
    client.stop_image_builder(Name="a")
    client.stop_image_builder(Name="b")
    status, _, found = request(server.url, "POST", "/_appstream/advance", {"name": "a"})
    assert status == 200
    assert {b["Name"]: b["State"] for b in found["image_builders"]} == {
        "a": "STOPPED",
        "b": "STOPPING",
    }
    assert request(server.url, "POST", "/_appstream/advance")[0] == 200
    fake.assert_state("b", "STOPPED")
    status, _, error = request(server.url, "POST", "/_appstream/advance", {"name": "nope"})
    assert (status, error["__type"]) == (400, "ValidationException")
    assert "no image builder named 'nope'" in error["message"]
    status, _, error = request(server.url, "POST", "/_appstream/advance", {"names": ["a"]})
    assert status == 400 and 'allowed: no body, {} or {"name"' in error["message"]


def test_data_seeds_all_or_nothing(fake: FakeAppStream, server: FakeServer) -> None:
    entries = [
        {"name": "a"},
        {"name": "b", "state": "STOPPED", "instance_type": "stream.standard.large"},
    ]
    status, _, found = request(server.url, "POST", "/_appstream/data", {"image_builders": entries})
    assert status == 200 and [b["Name"] for b in found["image_builders"]] == ["a", "b"]
    assert fake.builder("b").instance_type == "stream.standard.large"

    bad = {"image_builders": [{"name": "c"}, {"name": "d", "colour": "red"}]}
    status, _, error = request(server.url, "POST", "/_appstream/data", bad)
    assert status == 400 and error["message"].startswith("/_appstream/data: image_builders[1]: ")
    assert "colour" in error["message"]
    assert list(fake.builders) == ["a", "b"]  # c was not seeded either

    status, _, error = request(server.url, "POST", "/_appstream/data", {"fleet": []})
    assert status == 400
    assert error["message"].startswith(
        "/_appstream/data: unknown key 'fleet'; allowed: images, image_builders"
    )
    status, _, error = request(
        server.url, "POST", "/_appstream/data", {"image_builders": [{"name": "a"}]}
    )
    assert status == 400 and "name='a' is already live" in error["message"]
    status, _, error = request(server.url, "POST", "/_appstream/data", b"[1,")
    assert (status, error["__type"]) == (400, "SerializationException")


def test_reset_makes_a_fresh_fake_where_the_server_owns_it() -> None:
    first = FakeAppStream(region="eu-west-1")
    first.add_builder("b")
    with FakeServer(first, reset=lambda: FakeAppStream(region="eu-west-1")) as server:
        status, _, health = request(server.url, "POST", "/_appstream/reset")
        assert (status, health["region"]) == (200, "eu-west-1")
        assert server.backend is not first
        assert request(server.url, "GET", "/_appstream/resources")[2] == {
            of.data_key: [] for of in kinds()
        }
    assert "b" in first.builders  # the old fake is left as it was


def test_reset_is_refused_for_a_fake_the_server_does_not_own(server: FakeServer) -> None:
    status, _, error = request(server.url, "POST", "/_appstream/reset")
    assert (status, error["__type"]) == (409, "Conflict")
    assert "appstream_server fixture" in error["message"]


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [("GET", "/nope", 404), ("POST", "/_appstream/nope", 404), ("GET", "/_appstream/reset", 405)],
)
def test_unknown_paths_and_methods(server: FakeServer, method: str, path: str, status: int) -> None:
    got, response, error = request(server.url, method, path)
    assert got == status
    assert "allowed: POST / (the AppStream API), GET /, " in error["message"]
    if status == 405:
        assert response.getheader("Allow") == "GET, POST"


def test_close_ends_idle_kept_alive_connections(fake: FakeAppStream) -> None:
    server = FakeServer(fake)
    host, port = server.url.removeprefix("http://").rsplit(":", 1)
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    connection.request("GET", "/")
    connection.getresponse().read()
    assert server.open_connections == 1
    server.close()
    assert server.open_connections == 0
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection((host, int(port)), timeout=30)
    connection.close()


def test_a_url_is_usable_as_given() -> None:
    assert _url("0.0.0.0", 80) == "http://127.0.0.1:80"
    assert _url("::", 80) == "http://[::1]:80"
    assert _url("::1", 80) == "http://[::1]:80"
    assert _url("localhost", 80) == "http://localhost:80"


@pytest.mark.parametrize("kind", [RuntimeError, OSError])
def test_an_exception_in_the_fake_is_answered_as_internal_failure(
    fake: FakeAppStream, server: FakeServer, monkeypatch: pytest.MonkeyPatch, kind: type[Exception]
) -> None:
    def broken(*args: object) -> Any:
        raise kind("boom")

    monkeypatch.setattr(fake, "_handle", broken)
    status, _, error = request(
        server.url, "POST", "/", b"{}", {"X-Amz-Target": TARGET + "DescribeImageBuilders"}
    )
    message = f"{kind.__name__}: boom"
    assert (status, error) == (500, {"__type": "InternalFailure", "message": message})
    assert request(server.url, "GET", "/")[0] == 200


THREADS = 8
ROUNDS = 15


def test_concurrent_clients_over_http_leave_valid_histories(
    fake: FakeAppStream, server: FakeServer
) -> None:
    """8 threads, each with its own client, cycle their builder and describe everyone's."""
    for i in range(THREADS):
        fake.add_builder(f"b{i}")
    fake.add_builder("shared")
    failures: list[BaseException] = []
    start = threading.Barrier(THREADS)

    def work(i: int) -> None:
        client = client_for(server.url)
        try:
            start.wait()
            with contextlib.suppress(client.exceptions.ConcurrentModificationException):
                client.stop_image_builder(Name="shared")  # all at once: one wins
            for _ in range(ROUNDS):
                client.stop_image_builder(Name=f"b{i}")
                client.describe_image_builders()
                request(server.url, "POST", "/_appstream/advance", {"name": f"b{i}"})
                client.start_image_builder(Name=f"b{i}")
                request(server.url, "POST", "/_appstream/advance", {"name": f"b{i}"})
        except BaseException as error:
            failures.append(error)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    cycle = ["STOPPING", "STOPPED", "PENDING", "RUNNING"]
    for i in range(THREADS):
        fake.assert_transitions(f"b{i}", ["RUNNING", *cycle * ROUNDS])
        history = fake.history(f"b{i}")
        assert all(a.to_state == b.from_state for a, b in itertools.pairwise(history))
    fake.assert_transitions("shared", ["RUNNING", "STOPPING"])
    shared = [c.error_code for c in fake.calls if c.params.get("Name") == "shared"]
    assert sorted(shared, key=str) == ["ConcurrentModificationException"] * 7 + [None]
    operations = [c.operation for c in fake.calls]
    assert len(operations) == THREADS * ROUNDS * 3 + THREADS
    assert operations.count("DescribeImageBuilders") == THREADS * ROUNDS


def test_the_fixture_serves_the_tests_fake_to_a_subprocess(
    appstream: FakeAppStream, appstream_server: ServedFake
) -> None:
    appstream.add_builder("b")
    assert appstream_server.url.startswith("http://127.0.0.1:")
    assert appstream_server.env["AWS_ENDPOINT_URL_APPSTREAM"] == appstream_server.url
    for key, value in appstream_server.env.items():
        assert os.environ[key] == value
    code = (
        "import botocore.session;"
        "c = botocore.session.get_session().create_client('appstream');"
        "print(c.describe_image_builders()['ImageBuilders'][0]['Name'])"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "b\n", "")
    appstream.assert_called("describe_image_builders", times=1)
    assert appstream.calls[0].region == appstream.region


@pytest.mark.appstream(region="eu-west-1")
def test_the_fixtures_environment_follows_the_fakes_region(
    appstream: FakeAppStream, appstream_server: ServedFake
) -> None:
    assert appstream_server.env["AWS_REGION"] == "eu-west-1"
    assert appstream_server.env["AWS_DEFAULT_REGION"] == "eu-west-1"
    assert appstream_server.env["AWS_ACCESS_KEY_ID"] == "testing"
    assert request(appstream_server.url, "POST", "/_appstream/reset")[0] == 409


def test_a_data_upload_may_refer_to_resources_live_already() -> None:
    """Seeding is all or nothing, yet an entry may name what the fake holds (a live stack)."""
    from pytest_appstream._data import seed_data

    fake = FakeAppStream()
    fake.fleets.add("f")
    fake.stacks.add("s", fleets=["f"])
    seed_data(
        fake, {"sessions": [{"id": "one", "stack_name": "s", "fleet_name": "f", "user_id": "ann"}]}
    )
    assert fake.sessions["one"].fleet_name == "f"

    bad = {
        "sessions": [
            {"id": "two", "stack_name": "s", "fleet_name": "f", "user_id": "bob"},
            {"id": "three", "stack_name": "nope", "fleet_name": "f", "user_id": "cy"},
        ]
    }
    with pytest.raises(AppStreamUsageError, match=r"sessions\[1\]"):
        seed_data(fake, bad)
    assert list(fake.sessions) == ["one"]  # nothing of the bad document was seeded
