"""Terraform's AWS provider manages a fleet, a stack and their association against
``appstream_server``: apply creates them (and starts the fleet), a second apply changes the fleet
in place, destroy removes all three. After each step the fake's own state is checked.

Slow (Terraform starts the provider for every command): deselected by default, run by CI with
``pytest -m slow``. Skipped, saying why, only when Terraform or its AWS provider is not installed.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from pytest_appstream import FakeAppStream
from pytest_appstream.server import ServedFake
from tests.test_clients_e2e import TF_MIRROR, run, tool

pytestmark = pytest.mark.slow

IMAGE = "AppStream-WinServer2022-06-12-2023"

TERRAFORM_CONFIG = """\
terraform {{
  required_providers {{
    aws = {{ source = "hashicorp/aws" }}
  }}
}}

variable "display_name" {{
  type = string
}}

variable "desired_instances" {{
  type = number
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

resource "aws_appstream_fleet" "office" {{
  name          = "office"
  instance_type = "stream.standard.medium"
  image_name    = "{image}"
  display_name  = var.display_name
  description   = "Office applications"
  compute_capacity {{
    desired_instances = var.desired_instances
  }}
  tags = {{ schedule = "office-hours" }}
}}

resource "aws_appstream_stack" "desktop" {{
  name         = "desktop"
  display_name = "Office desktop"
  tags         = {{ team = "it" }}
}}

resource "aws_appstream_fleet_stack_association" "office_desktop" {{
  fleet_name = aws_appstream_fleet.office.name
  stack_name = aws_appstream_stack.desktop.name
}}

output "fleet_state" {{
  value = aws_appstream_fleet.office.state
}}

output "fleet_arn" {{
  value = aws_appstream_fleet.office.arn
}}
"""


@pytest.fixture
def terraform(
    appstream: FakeAppStream, appstream_server: ServedFake, tmp_path: Path
) -> Callable[..., str]:
    """``terraform(*arguments)`` in a folder holding the configuration above, initialised with
    the AWS provider from the filesystem mirror; fails the test with Terraform's output."""
    binary = tool("terraform")
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
        done = run([binary, f"-chdir={tmp_path}", *arguments, "-no-color"], env=env)
        assert done.returncode == 0, (
            f"terraform {arguments[0]}:\n{done.stdout}\n{done.stderr}\n"
            f"failed calls: {failed_calls(appstream)}"
        )
        return done.stdout

    terraform_run("init", "-input=false")
    return terraform_run


def failed_calls(appstream: FakeAppStream) -> list[tuple[str, dict[str, object], str]]:
    """Every call the fake answered with an error: what to look at when Terraform fails."""
    return [
        (c.operation, dict(c.params), str(c.error_code)) for c in appstream.calls if c.error_code
    ]


def variables(display_name: str, desired: int) -> list[str]:
    return ["-var", f"display_name={display_name}", "-var", f"desired_instances={desired}"]


def test_terraform_creates_updates_and_destroys_a_fleet_and_a_stack(
    appstream: FakeAppStream, appstream_client: Any, terraform: Callable[..., str]
) -> None:
    # -- apply: the fleet is created STOPPED, started, and associated with the new stack
    terraform("apply", "-auto-approve", "-input=false", *variables("Office", 1))

    assert terraform("output", "-raw", "fleet_state") == "RUNNING"
    fleet = appstream.fleets["office"]
    assert fleet.arn == terraform("output", "-raw", "fleet_arn")
    assert (fleet.display_name, fleet.description, fleet.instance_type) == (
        "Office",
        "Office applications",
        "stream.standard.medium",
    )
    assert fleet.image_arn is not None and fleet.image_arn.endswith(f"image/{IMAGE}")
    assert fleet.compute_capacity_status is not None
    assert fleet.compute_capacity_status["Desired"] == 1
    appstream.fleets.assert_transitions("office", ["STOPPED", "STARTING", "RUNNING"])
    stack = appstream.stacks["desktop"]
    assert stack.display_name == "Office desktop"
    assert appstream_client.list_associated_fleets(StackName="desktop")["Names"] == ["office"]
    assert appstream_client.list_associated_stacks(FleetName="office")["Names"] == ["desktop"]
    assert appstream_client.list_tags_for_resource(ResourceArn=fleet.arn)["Tags"] == {
        "schedule": "office-hours"
    }
    appstream.assert_called("start_fleet", times=1, Name="office")
    appstream.assert_called("associate_fleet", times=1, FleetName="office", StackName="desktop")

    # -- a second apply changes display_name and capacity in place: the fleet keeps running
    terraform("apply", "-auto-approve", "-input=false", *variables("Office (winter)", 3))

    fleet = appstream.fleets["office"]
    assert fleet.display_name == "Office (winter)"
    assert fleet.compute_capacity_status is not None
    assert fleet.compute_capacity_status["Desired"] == 3
    appstream.fleets.assert_transitions("office", ["STOPPED", "STARTING", "RUNNING"])
    appstream.assert_called("update_fleet", times=1, Name="office")
    appstream.assert_not_called("stop_fleet")
    assert "office" in appstream.fleets and "desktop" in appstream.stacks  # nothing replaced

    # -- destroy: the association goes first, then the fleet (stopped first) and the stack
    terraform("destroy", "-auto-approve", "-input=false", *variables("Office (winter)", 3))

    appstream.fleets.assert_transitions(
        "office", ["STOPPED", "STARTING", "RUNNING", "STOPPING", "STOPPED", None]
    )
    appstream.stacks.assert_state("desktop", None)
    assert list(appstream.fleets) == [] and list(appstream.stacks) == []
    appstream.assert_called("disassociate_fleet", times=1, FleetName="office", StackName="desktop")
    operations = [c.operation for c in appstream.calls]
    assert operations.index("DisassociateFleet") < operations.index("DeleteFleet")
    assert operations.index("DisassociateFleet") < operations.index("DeleteStack")
    assert [c for c in failed_calls(appstream) if c[2] == "UnsupportedOperation"] == []
