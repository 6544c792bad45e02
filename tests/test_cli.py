"""The command line: ``python -m pytest_appstream serve``: its arguments, its URL line, its exits."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import botocore.session
import pytest

from pytest_appstream.__main__ import main

#: Seconds a served process gets to start or stop before the test fails (never a hang).
DEADLINE = 60


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        (
            ["--transitions", "sometimes"],
            "--transitions='sometimes' is not a transitions policy; allowed: immediate, polled, manual",
        ),
        (["--polls", "-1"], "--polls=-1 is not allowed; allowed: an int >= 0"),
        (["--polls", "many"], "--polls='many' is not allowed; allowed: an int >= 0"),
        (["--region", "mars"], "--region='mars' is not a region name; allowed: a name like"),
        (["--account-id", "42"], "--account-id='42' is not an account id; allowed: a string of 12"),
        (["--port", "70000"], "--port='70000' is not allowed; allowed: an int from 0 to 65535"),
        (["--data", "missing.json"], "--data='missing.json' cannot be read (No such file"),
    ],
)
def test_a_bad_argument_is_named_with_what_it_allows(
    capsys: pytest.CaptureFixture[str], arguments: list[str], expected: str
) -> None:
    assert main(["serve", *arguments]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("pytest-appstream serve: error: ")
    assert expected in err


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("{oops", "--data='data.json' is not valid JSON"),
        (
            '{"fleet": []}',
            "--data='data.json': unknown key 'fleet'; allowed: images, image_builders",
        ),
        ('[{"name": "b"}]', "--data='data.json' holds list; allowed: an object with the keys"),
        ('{"image_builders": [{"state": "RUNNING"}]}', "image_builders[0]={'state': 'RUNNING'}"),
        (
            '{"image_builders": [{"name": "b", "state": "ASLEEP"}]}',
            "--data='data.json': image_builders[0]: state='ASLEEP'",
        ),
    ],
)
def test_a_bad_data_file_is_named_with_the_entry(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    content: str,
    expected: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("data.json").write_text(content)
    assert main(["serve", "--data", "data.json"]) == 2
    assert expected in capsys.readouterr().err


def test_without_a_command_it_says_what_there_is(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "serve" in capsys.readouterr().err
    assert main(["serve", "--help"]) == 0
    help_text = capsys.readouterr().out
    for option in ("--host", "--port", "--region", "--account-id", "--transitions", "--polls"):
        assert option in help_text


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], str]]:
    data = tmp_path / "world.json"
    data.write_text(json.dumps({"image_builders": [{"name": "golden", "state": "STOPPED"}]}))
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pytest_appstream",
            "serve",
            "--region",
            "eu-west-1",
            "--transitions",
            "immediate",
            "--data",
            str(data),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    url = process.stdout.readline().strip()
    try:
        yield process, url
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate(timeout=DEADLINE)


def get(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=DEADLINE) as response:
        return json.loads(response.read())


def post(url: str) -> Any:
    request = urllib.request.Request(url, data=b"", method="POST")
    with urllib.request.urlopen(request, timeout=DEADLINE) as response:
        return json.loads(response.read())


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_serve_prints_its_url_first_and_exits_cleanly_when_interrupted(
    served: tuple[subprocess.Popen[str], str], stop: signal.Signals
) -> None:
    process, url = served
    assert url.startswith("http://127.0.0.1:")
    assert get(url + "/")["region"] == "eu-west-1"
    client: Any = botocore.session.get_session().create_client(
        "appstream",
        region_name="eu-west-1",
        endpoint_url=url,
        aws_access_key_id="k",
        aws_secret_access_key="s",
    )
    assert client.start_image_builder(Name="golden")["ImageBuilder"]["State"] == "PENDING"
    assert [c["operation"] for c in get(url + "/_appstream/calls")] == ["StartImageBuilder"]
    post(url + "/_appstream/reset")  # back to how it started: seeded again, no calls
    assert get(url + "/_appstream/calls") == []
    (builder,) = get(url + "/_appstream/resources")["image_builders"]
    assert (builder["Name"], builder["State"]) == ("golden", "STOPPED")
    process.send_signal(stop)
    out, err = process.communicate(timeout=DEADLINE)
    assert process.returncode == 0
    assert out == ""  # the URL was the only line
    assert "Traceback" not in err
