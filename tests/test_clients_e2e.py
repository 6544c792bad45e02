"""Real clients no one here wrote, against ``appstream_server``: the AWS CLI, the JavaScript SDK v3
and Terraform's AWS provider, each in its own process, configured only by the fixture's environment
(and, for Terraform, a provider block naming the URL).

Slow (seconds to a minute each): deselected by default, run by CI with ``pytest -m slow``. A test
skips, saying why, only when its tool is not installed; every subprocess has a timeout, so a hang
fails the test instead of eating CI's budget.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from pytest_appstream import FakeAppStream
from pytest_appstream._model import error_status
from pytest_appstream.server import ServedFake

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
#: npm installs the JavaScript SDK here once; later runs reuse it (git-ignored).
NODE_CACHE = ROOT / ".cache" / "node-appstream"
NODE_SDK = "@aws-sdk/client-appstream"
#: Terraform's AWS provider, from a filesystem mirror (no registry download).
TF_MIRROR = Path(os.environ.get("PYTEST_APPSTREAM_TF_MIRROR", "/opt/tf-plugins"))
IMAGE = "AppStream-WinServer2022-06-12-2023"
#: Seconds any one command may take before the test fails.
TIMEOUT = 300


def tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not installed on this machine (not on PATH)")
    return path


def run(
    command: list[str], *, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, capture_output=True, text=True, timeout=TIMEOUT, check=False, cwd=cwd, env=env
    )


AWS_CLI_SCRIPT = f"""\
#!/bin/sh
# Nothing here names the fake: the endpoint, region and credentials come from the environment.
set -eu
aws appstream create-image-builder --name nightly --instance-type stream.standard.medium \\
    --image-name {IMAGE} --query ImageBuilder.State --output text
aws appstream describe-image-builders --names nightly --query 'ImageBuilders[0].State' --output text
aws appstream stop-image-builder --name nightly --query ImageBuilder.State --output text
if aws appstream describe-image-builders --names ghost 2>error.txt; then
    echo "ghost found"; exit 1
else
    echo "exit $?"
fi
"""


@pytest.mark.appstream(transitions="immediate")
def test_the_aws_cli_from_a_shell_script(
    appstream: FakeAppStream, appstream_server: ServedFake, tmp_path: Path
) -> None:
    tool("aws")
    script = tmp_path / "builders.sh"
    script.write_text(AWS_CLI_SCRIPT)
    done = run(["sh", str(script)], cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    created, described, stopped, error_exit = done.stdout.split("\n")[:4]
    assert (created, described, stopped) == ("PENDING", "RUNNING", "STOPPING")
    assert error_exit in ("exit 254", "exit 255")  # AWS CLI v2 and v1 exit codes of a service error
    assert (tmp_path / "error.txt").read_text().strip() == (
        "An error occurred (ResourceNotFoundException) when calling the DescribeImageBuilders "
        f"operation: The image builder ghost for account {appstream.account_id} does not exist."
    )
    appstream.assert_transitions("nightly", ["PENDING", "RUNNING", "STOPPING"])
    assert {c.region for c in appstream.calls} == {appstream.region}


NODE_PROGRAM = f"""\
const sdk = require("{NODE_SDK}");

(async () => {{
  const client = new sdk.AppStreamClient({{}});  // endpoint, region, credentials: the environment
  const out = {{ states: [] }};
  const created = await client.send(new sdk.CreateImageBuilderCommand({{
    Name: "node", InstanceType: "stream.standard.medium", ImageName: "{IMAGE}",
  }}));
  out.states.push(created.ImageBuilder.State);
  for (let i = 0; i < 20; i++) {{  // one kept-alive connection for every call
    const found = await client.send(new sdk.DescribeImageBuildersCommand({{ Names: ["node"] }}));
    out.states.push(found.ImageBuilders[0].State);
  }}
  out.createdTime = created.ImageBuilder.CreatedTime instanceof Date;
  try {{
    await client.send(new sdk.StopImageBuilderCommand({{ Name: "ghost" }}));
  }} catch (error) {{
    out.error = {{
      name: error.name,
      modeled: error instanceof sdk.ResourceNotFoundException,
      status: error.$metadata.httpStatusCode,
      message: error.message,
    }};
  }}
  console.log(JSON.stringify(out));
}})().catch((error) => {{ console.error(error); process.exit(1); }});
"""


def node_sdk() -> Path:
    """The JavaScript SDK's node_modules, installed with npm into the cache on first use."""
    modules = NODE_CACHE / "node_modules"
    if not (modules / NODE_SDK / "package.json").exists():
        npm = tool("npm")
        NODE_CACHE.mkdir(parents=True, exist_ok=True)
        done = run(
            [npm, "install", "--no-audit", "--no-fund", "--prefix", str(NODE_CACHE), NODE_SDK],
            cwd=NODE_CACHE,
        )
        assert done.returncode == 0, f"npm install {NODE_SDK} failed:\n{done.stderr}"
    return modules


@pytest.mark.appstream(transitions="polled", polls=3)
def test_the_javascript_sdk(
    appstream: FakeAppStream, appstream_server: ServedFake, tmp_path: Path
) -> None:
    node = tool("node")
    modules = node_sdk()
    program = tmp_path / "builders.cjs"
    program.write_text(NODE_PROGRAM)
    done = run([node, str(program)], env={**os.environ, "NODE_PATH": str(modules)})
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["states"] == ["PENDING"] * 4 + ["RUNNING"] * 17  # polled: 3 reads in PENDING
    assert out["createdTime"] is True
    assert out["error"] == {
        "name": "ResourceNotFoundException",
        "modeled": True,
        "status": error_status("ResourceNotFoundException"),  # the model's (404 in 1.44)
        "message": f"The image builder ghost for account {appstream.account_id} does not exist.",
    }
    assert len(appstream.calls) == 22
    assert appstream_server.connections_accepted == 1


TERRAFORM_CONFIG = """\
terraform {{
  required_providers {{
    aws = {{ source = "hashicorp/aws" }}
  }}
}}

provider "aws" {{
  region                      = "{region}"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
  endpoints {{
    appstream = "{url}"
  }}
}}

resource "aws_appstream_image_builder" "golden" {{
  name          = "golden"
  instance_type = "stream.standard.medium"
  image_name    = "{image}"
  tags          = {{ team = "images" }}
}}

output "state" {{
  value = aws_appstream_image_builder.golden.state
}}
"""


@pytest.mark.appstream(transitions="immediate")
def test_terraform_applies_and_destroys_an_image_builder(
    appstream: FakeAppStream, appstream_server: ServedFake, tmp_path: Path
) -> None:
    terraform = tool("terraform")
    if not any(TF_MIRROR.glob("registry.terraform.io/hashicorp/aws/*/*/terraform-provider-aws*")):
        pytest.skip(f"Terraform's AWS provider is not installed in the mirror {TF_MIRROR}")
    cli_config = tmp_path / "cli.tfrc"
    cli_config.write_text(
        f'provider_installation {{\n  filesystem_mirror {{\n    path = "{TF_MIRROR}"\n  }}\n}}\n'
    )
    (tmp_path / "main.tf").write_text(
        TERRAFORM_CONFIG.format(region=appstream.region, url=appstream_server.url, image=IMAGE)
    )
    env = {
        **os.environ,
        "TF_CLI_CONFIG_FILE": str(cli_config),
        "TF_IN_AUTOMATION": "1",
        "CHECKPOINT_DISABLE": "1",
    }

    def terraform_run(*arguments: str) -> str:
        done = run([terraform, f"-chdir={tmp_path}", *arguments, "-no-color"], env=env)
        assert done.returncode == 0, f"terraform {arguments[0]}:\n{done.stdout}\n{done.stderr}"
        return done.stdout

    terraform_run("init", "-input=false")
    terraform_run("apply", "-auto-approve", "-input=false")
    assert terraform_run("output", "-raw", "state") == "RUNNING"
    builder = appstream.builder("golden")
    assert builder.image_arn is not None and builder.image_arn.endswith(f"image/{IMAGE}")
    appstream.assert_called("list_tags_for_resource")
    terraform_run("destroy", "-auto-approve", "-input=false")
    appstream.assert_transitions("golden", ["PENDING", "RUNNING", "DELETING", None])
    unsupported = [c.operation for c in appstream.calls if c.error_code == "UnsupportedOperation"]
    assert unsupported == []
