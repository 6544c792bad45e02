"""App block builders: create STOPPED, start only when associated, packaging, update rules,
associations, streaming URLs, delete, seeding."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from botocore.model import ListShape, MapShape, Shape, StructureShape
from hypothesis import given, settings
from hypothesis import strategies as st

from pytest_appstream import (
    AppStreamUsageError,
    FakeAppStream,
    _app_block_builders,
    _app_blocks,
    _applications,
    _entitlements,
)
from pytest_appstream._model import modeled_errors
from pytest_appstream._model import operation as model_operation

ACCOUNT = "123456789012"
BLOCK_ARN = f"arn:aws:appstream:us-east-1:{ACCOUNT}:app-block/"
VPC = {"SubnetIds": ["subnet-a", "subnet-b"], "SecurityGroupIds": ["sg-1"]}


def create(client: Any, name: str = "packager", **extra: Any) -> dict[str, Any]:
    params: dict[str, Any] = {
        "Name": name,
        "Platform": "WINDOWS_SERVER_2019",
        "InstanceType": "stream.standard.medium",
        "VpcConfig": VPC,
        **extra,
    }
    return dict(client.create_app_block_builder(**params)["AppBlockBuilder"])


def state(client: Any, name: str = "packager") -> str:
    return str(client.describe_app_block_builders(Names=[name])["AppBlockBuilders"][0]["State"])


def test_create_is_stopped_and_start_needs_an_app_block(appstream, appstream_client):
    created = create(appstream_client, Tags={"team": "apps"})
    assert created["State"] == "STOPPED"
    assert created["Arn"] == f"arn:aws:appstream:us-east-1:{ACCOUNT}:app-block-builder/packager"
    assert appstream_client.list_tags_for_resource(ResourceArn=created["Arn"])["Tags"] == {
        "team": "apps"
    }

    with pytest.raises(appstream_client.exceptions.OperationNotPermittedException) as info:
        appstream_client.start_app_block_builder(Name="packager")
    assert "can only be started when it's associated with an app block" in str(info.value)
    appstream.app_block_builders.assert_transitions("packager", ["STOPPED"])


@pytest.mark.appstream(now="2026-03-01T09:00:00Z")
def test_packaging_an_app_block(appstream, appstream_client):
    appstream.app_blocks.add("cad", packaging_type="APPSTREAM2", state="INACTIVE")
    create(appstream_client)
    association = appstream_client.associate_app_block_builder_app_block(
        AppBlockArn=BLOCK_ARN + "cad", AppBlockBuilderName="packager"
    )["AppBlockBuilderAppBlockAssociation"]
    assert association == {"AppBlockArn": BLOCK_ARN + "cad", "AppBlockBuilderName": "packager"}

    started = appstream_client.start_app_block_builder(Name="packager")["AppBlockBuilder"]
    assert started["State"] == "STARTING"
    assert state(appstream_client) == "STARTING"  # one poll under the default policy
    assert state(appstream_client) == "RUNNING"
    url = appstream_client.create_app_block_builder_streaming_url(AppBlockBuilderName="packager")
    assert url["StreamingURL"].startswith("https://appstream2.us-east-1.aws.amazon.com/")
    assert url["Expires"] - appstream.clock.now() == datetime.timedelta(seconds=3600)
    appstream.app_blocks.assert_state("cad", "INACTIVE")  # packaging still under way

    stopped = appstream_client.stop_app_block_builder(Name="packager")["AppBlockBuilder"]
    assert stopped["State"] == "STOPPING"
    appstream.app_blocks.assert_transitions("cad", ["INACTIVE", "ACTIVE"])
    assert appstream.app_blocks.history("cad")[-1].operation == "StopAppBlockBuilder"
    appstream.app_block_builders.advance()
    appstream.app_block_builders.assert_transitions(
        "packager", ["STOPPED", "STARTING", "RUNNING", "STOPPING", "STOPPED"]
    )


@pytest.mark.parametrize(
    ("seeded", "operation", "error"),
    [
        ("RUNNING", "start_app_block_builder", "OperationNotPermittedException"),
        ("STARTING", "start_app_block_builder", "ConcurrentModificationException"),
        ("STOPPED", "stop_app_block_builder", "OperationNotPermittedException"),
        ("STOPPING", "stop_app_block_builder", "ConcurrentModificationException"),
        ("RUNNING", "delete_app_block_builder", "OperationNotPermittedException"),
        ("STARTING", "delete_app_block_builder", "ConcurrentModificationException"),
    ],
)
def test_state_refusals_change_nothing(appstream, appstream_client, seeded, operation, error):
    appstream.app_block_builders.add("packager", state=seeded)

    with pytest.raises(appstream_client.exceptions.ClientError) as info:
        getattr(appstream_client, operation)(Name="packager")

    assert info.value.response["Error"]["Code"] == error
    assert f"is {seeded}." in info.value.response["Error"]["Message"]
    appstream.app_block_builders.assert_transitions("packager", [seeded])


def test_streaming_url_needs_running(appstream, appstream_client):
    appstream.app_block_builders.add("packager", state="STARTING")
    with pytest.raises(appstream_client.exceptions.OperationNotPermittedException) as info:
        appstream_client.create_app_block_builder_streaming_url(AppBlockBuilderName="packager")
    assert "must be in a RUNNING state to connect" in str(info.value)
    with pytest.raises(appstream_client.exceptions.ClientError, match="ValidationException"):
        appstream_client.create_app_block_builder_streaming_url(
            AppBlockBuilderName="packager", Validity=604801
        )


def test_delete_needs_no_app_block(appstream, appstream_client):
    appstream.app_block_builders.add("packager")  # with the app block of its name, made for it
    assert appstream.app_blocks["packager"].state == "INACTIVE"

    with pytest.raises(appstream_client.exceptions.ResourceInUseException) as info:
        appstream_client.delete_app_block_builder(Name="packager")
    assert "disassociate it from the app block" in str(info.value)

    appstream_client.disassociate_app_block_builder_app_block(
        AppBlockArn=BLOCK_ARN + "packager", AppBlockBuilderName="packager"
    )
    appstream_client.delete_app_block_builder(Name="packager")
    appstream.app_block_builders.assert_transitions("packager", ["STOPPED", None])
    with pytest.raises(appstream_client.exceptions.ResourceNotFoundException):
        appstream_client.describe_app_block_builders(Names=["packager"])


def test_one_app_block_at_a_time_and_only_when_stopped(appstream, appstream_client):
    appstream.app_blocks.add("office")
    appstream.app_blocks.add("cad")
    appstream.app_block_builders.add("packager", app_block="office", state="RUNNING")
    appstream.app_block_builders.add("idle", app_block="office")

    with pytest.raises(appstream_client.exceptions.OperationNotPermittedException):
        appstream_client.associate_app_block_builder_app_block(
            AppBlockArn=BLOCK_ARN + "cad", AppBlockBuilderName="packager"
        )
    with pytest.raises(appstream_client.exceptions.LimitExceededException):
        appstream_client.associate_app_block_builder_app_block(
            AppBlockArn=BLOCK_ARN + "cad", AppBlockBuilderName="idle"
        )
    with pytest.raises(appstream_client.exceptions.ResourceNotFoundException):
        appstream_client.associate_app_block_builder_app_block(
            AppBlockArn=BLOCK_ARN + "nope", AppBlockBuilderName="idle"
        )
    again = appstream_client.associate_app_block_builder_app_block(  # the same: nothing to do
        AppBlockArn=BLOCK_ARN + "office", AppBlockBuilderName="packager"
    )
    assert again["AppBlockBuilderAppBlockAssociation"]["AppBlockBuilderName"] == "packager"

    listed = appstream_client.describe_app_block_builder_app_block_associations(
        AppBlockArn=BLOCK_ARN + "office"
    )["AppBlockBuilderAppBlockAssociations"]
    assert [a["AppBlockBuilderName"] for a in listed] == ["packager", "idle"]
    by_builder = appstream_client.describe_app_block_builder_app_block_associations(
        AppBlockBuilderName="idle", MaxResults=100
    )
    assert by_builder["AppBlockBuilderAppBlockAssociations"] == [
        {"AppBlockArn": BLOCK_ARN + "office", "AppBlockBuilderName": "idle"}
    ]
    none = appstream_client.describe_app_block_builder_app_block_associations(
        AppBlockArn=BLOCK_ARN + "cad"
    )
    assert "AppBlockBuilderAppBlockAssociations" not in none  # the model's list has 1 at least
    every = appstream_client.describe_app_block_builder_app_block_associations()
    assert [a["AppBlockBuilderName"] for a in every["AppBlockBuilderAppBlockAssociations"]] == [
        "packager",
        "idle",
    ]


def test_update_rules_follow_the_state(appstream, appstream_client):
    appstream.app_block_builders.add("packager", state="RUNNING", iam_role_arn="arn:aws:iam::1:r")

    updated = appstream_client.update_app_block_builder(Name="packager", DisplayName="Packager")
    assert updated["AppBlockBuilder"]["DisplayName"] == "Packager"
    with pytest.raises(appstream_client.exceptions.ResourceInUseException) as info:
        appstream_client.update_app_block_builder(
            Name="packager", InstanceType="stream.standard.large"
        )
    assert "Cannot update the attribute InstanceType" in str(info.value)

    appstream.app_block_builders.set_state("packager", "STOPPED")
    updated = appstream_client.update_app_block_builder(
        Name="packager",
        InstanceType="stream.standard.large",
        VpcConfig={"SecurityGroupIds": ["sg-2"]},
        AttributesToDelete=["IAM_ROLE_ARN"],
    )["AppBlockBuilder"]
    assert updated["InstanceType"] == "stream.standard.large"
    assert updated["VpcConfig"]["SecurityGroupIds"] == ["sg-2"]
    assert len(updated["VpcConfig"]["SubnetIds"]) == 2
    assert "IamRoleArn" not in updated

    cleared = appstream_client.update_app_block_builder(
        Name="packager", AttributesToDelete=["VPC_CONFIGURATION_SECURITY_GROUP_IDS"]
    )["AppBlockBuilder"]
    assert "SecurityGroupIds" not in cleared["VpcConfig"]
    with pytest.raises(appstream_client.exceptions.InvalidParameterCombinationException):
        appstream_client.update_app_block_builder(
            Name="packager", VpcConfig={"SubnetIds": ["subnet-only-one"]}
        )
    with pytest.raises(appstream_client.exceptions.InvalidParameterCombinationException):
        appstream_client.update_app_block_builder(
            Name="packager", IamRoleArn="arn:aws:iam::1:r", AttributesToDelete=["IAM_ROLE_ARN"]
        )

    appstream.app_block_builders.set_state("packager", "STOPPING")
    with pytest.raises(appstream_client.exceptions.ConcurrentModificationException):
        appstream_client.update_app_block_builder(Name="packager", DisplayName="x")


@pytest.mark.parametrize(
    ("extra", "error"),
    [
        ({"VpcConfig": {"SubnetIds": ["subnet-a"]}}, "InvalidParameterCombinationException"),
        ({"InstanceType": "stream.graphics.g4dn.xlarge"}, "ValidationException"),
    ],
)
def test_create_checks_subnets_and_instance_type(appstream, appstream_client, extra, error):
    with pytest.raises(appstream_client.exceptions.ClientError) as info:
        create(appstream_client, **extra)

    assert info.value.response["Error"]["Code"] == error
    assert dict(appstream.app_block_builders) == {}


def test_seeding_defaults_and_checks() -> None:
    fake = FakeAppStream()
    fake.app_blocks.add("office")
    builder = fake.app_block_builders.add("packager", app_block="office", state="RUNNING")
    assert (builder.platform, builder.instance_type) == (
        "WINDOWS_SERVER_2019",
        "stream.standard.medium",
    )
    assert builder.vpc_config is not None and len(builder.vpc_config["SubnetIds"]) == 2
    lonely = fake.app_block_builders.add("lonely", app_block=None)
    assert lonely.state == "STOPPED" and "lonely" not in fake.app_blocks

    bad: list[tuple[dict[str, Any], str]] = [
        ({"app_block": "nope"}, "app_block='nope' is not an app block"),
        ({"app_block": None, "state": "RUNNING"}, "app_block=None is not allowed"),
        ({"instance_type": "stream.memory.large"}, "not an app block builder instance type"),
        ({"vpc_config": {"SubnetIds": ["subnet-a"]}}, "has 1 subnet"),
        ({"state": "PENDING"}, "is not an app block builder state"),
    ]
    for arguments, words in bad:
        with pytest.raises(AppStreamUsageError, match=words):
            fake.app_block_builders.add("x", **arguments)
    assert list(fake.app_block_builders) == ["packager", "lonely"]
    assert "x" not in fake.app_blocks  # a refused seed leaves nothing behind


@pytest.mark.appstream(transitions="timed", now="2026-03-01T09:00:00Z")
def test_timed_durations(appstream, appstream_client):
    appstream.app_block_builders.add("packager")
    appstream_client.start_app_block_builder(Name="packager")
    appstream.sleep(599)
    assert state(appstream_client) == "STARTING"
    appstream.sleep(1)
    assert state(appstream_client) == "RUNNING"


# -- a fuzz of the family's operations against a world of their resources --------------------

ELASTIC_OPERATIONS = sorted(
    op
    for module in (_app_blocks, _app_block_builders, _applications, _entitlements)
    for op in module.HANDLERS
)
#: Names and ARNs of the world below, and some that do not exist.
WORDS = [
    *("office", "cad", "packager", "idle", "excel", "word", "finance", "sales", "nope"),
    *(BLOCK_ARN + name for name in ("office", "cad", "nope")),
    *(f"arn:aws:appstream:us-east-1:{ACCOUNT}:application/{name}" for name in ("excel", "nope")),
    "",
    "x" * 300,
]


def _wire_value(shape: Shape, depth: int = 0) -> st.SearchStrategy[Any]:
    if isinstance(shape, StructureShape) and depth < 4:
        members = {m: _wire_value(s, depth + 1) for m, s in shape.members.items()}
        required = {m: members[m] for m in shape.required_members}
        return st.fixed_dictionaries(
            required, optional={m: v for m, v in members.items() if m not in required}
        )
    if isinstance(shape, ListShape):
        return st.lists(_wire_value(shape.member, depth + 1), max_size=3)
    if isinstance(shape, MapShape):
        return st.dictionaries(st.sampled_from(WORDS), st.sampled_from(WORDS), max_size=2)
    if shape.type_name == "string":
        enum = getattr(shape, "enum", None)
        return st.sampled_from(enum) if enum else st.sampled_from(WORDS)
    if shape.type_name in ("integer", "long"):
        return st.sampled_from([-1, 0, 1, 2, 25, 26, 3600, 604801])
    if shape.type_name == "boolean":
        return st.booleans()
    return st.just(None)


def _elastic_world() -> FakeAppStream:
    fake = FakeAppStream(transitions="manual")
    fake.app_blocks.add("office")
    fake.app_blocks.add("cad", packaging_type="APPSTREAM2", state="INACTIVE")
    fake.app_block_builders.add("packager", app_block="cad", state="RUNNING")
    fake.app_block_builders.add("idle", app_block=None)
    fake.applications.add("excel", app_block="office")
    return fake


def _snapshot(fake: FakeAppStream) -> list[Any]:
    found = []
    for collection in ("app_blocks", "app_block_builders", "applications", "entitlements"):
        for name, record in sorted(fake._collections[collection].items()):
            entry = fake.registry.get(fake.account_id, fake.region, name, collection)
            assert entry is not None
            found.append((name, record, repr(entry.data), dict(entry.tags), entry.pending))
            found.append(fake._collections[collection].history(name))
    return found


@pytest.mark.parametrize("operation", ELASTIC_OPERATIONS)
def test_well_shaped_requests_get_modeled_answers(operation: str) -> None:
    input_shape = model_operation(operation).input_shape
    assert input_shape is not None

    @settings(max_examples=60, derandomize=True, deadline=None, database=None)
    @given(_wire_value(input_shape))
    def fuzz(params: dict[str, Any]) -> None:
        fake = _elastic_world()
        before = _snapshot(fake)
        status, body = fake._handle(operation, params, None)
        assert fake._internal_errors == []
        if status != 200:
            assert body["__type"] in {*modeled_errors(operation), "ValidationException"}, body
            assert _snapshot(fake) == before, f"{operation} failed and changed something"

    fuzz()
