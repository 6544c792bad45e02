"""Image export tasks (an image exported as an EC2 AMI); and their operations.

CreateExportImageTask exports one of the account's own ``AVAILABLE`` images: the task is
``EXPORTING``, then ``COMPLETED`` by the transitions policy, with the ``AmiId`` of the new AMI.
Task ids and AMI ids are made from the account, the region and how many tasks the region has
had, the same in every run.

>>> ExportImageTask.SHAPE
'ExportImageTask'
>>> ami_id("6b3e2b8c-0f47-4d43-9a8e-b4f2a8e9e7b1")
'ami-0e3cbf68793e1312b'
"""

from __future__ import annotations

import copy
import datetime
import hashlib
import re
import uuid
from collections.abc import Mapping
from typing import Any, ClassVar

import attrs
from botocore import xform_name
from botocore.model import NoShapeFoundError

from . import _images
from ._directory_configs import entries_of
from ._errors import AppStreamUsageError, ServiceError
from ._kinds import Kind, register
from ._model import Record, aware, shape
from ._registry import Entry
from ._seeding import BASE_CREATED_TIME, check_fields, check_state, show
from ._service import Context, Handler, Params, Response, find, page_of, paged, poll, settled
from ._validation import message, problem


@attrs.frozen(kw_only=True)
class ExportImageTask(Record):
    """One ExportImageTask as the fake holds it: every member of its botocore shape, snake_case.

    Nested members keep their wire form; members a newer botocore adds live in ``extra``, and so
    does ``ImageArn``: :attr:`exported_image_arn` is the exported image, :attr:`image_arn` names
    it only while the export uses it (``EXPORTING``), so the image is in use (DeleteImage) then
    and only then.
    """

    SHAPE: ClassVar[str] = "ExportImageTask"
    KEY_FIELD: ClassVar[str] = "task_id"

    task_id: str
    state: str
    ami_name: str | None = None
    created_date: datetime.datetime | None = attrs.field(default=None, converter=aware)
    ami_description: str | None = None
    ami_id: str | None = None
    tag_specifications: Mapping[str, Any] | None = None
    error_details: list[Any] | None = None
    extra: Mapping[str, Any] = attrs.field(factory=dict, repr=False)

    @property
    def exported_image_arn(self) -> str | None:
        """The ARN of the exported image (the response's ``ImageArn``)."""
        found: str | None = self.extra.get("ImageArn")
        return found

    @property
    def image_arn(self) -> str | None:
        """The exported image's ARN while the export uses it (``EXPORTING``), else None."""
        return self.exported_image_arn if self.state == "EXPORTING" else None


def _states() -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    """(states shape, state values, resting states): the model's enum; an older model lacks it."""
    try:
        found = tuple(getattr(shape("ExportImageTaskState"), "enum", ()))
    except NoShapeFoundError:
        return "", ("EXPORTING", "COMPLETED", "FAILED"), ("COMPLETED", "FAILED")
    return "ExportImageTaskState", (), tuple(s for s in found if s != "EXPORTING")


_STATES_SHAPE, _STATE_VALUES, RESTING_STATES = _states()

#: ``timed`` duration of an export (AWS gives none: ours).
DURATIONS: dict[str, tuple[int, str]] = {
    "EXPORTING": (1800, "ours: AWS gives no figure; copying an image to an AMI takes minutes"),
}

#: TaskId: a UUID (the model's pattern), as AWS's.
TASK_ID = re.compile(r"[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}")


def ami_id(task_id: str) -> str:
    """The id of the AMI an export task makes (ours: from the task id, AWS's 17-digit form)."""
    return "ami-0" + hashlib.sha256(f"ami/{task_id}".encode()).hexdigest()[:16]


def task_id(account: str, region: str, number: int) -> str:
    """The id of a region's ``number``-th export task (ours: a UUID made from them)."""
    digest = hashlib.sha256(f"{account}/{region}/export-image-task/{number}".encode()).digest()
    return str(uuid.UUID(bytes=digest[:16], version=4))


# -- seeding -------------------------------------------------------------------------------------


def build_task(
    name: object,
    *,
    state: object = "COMPLETED",
    region: str,
    account_id: str,
    index: int,
    **fields: Any,
) -> ExportImageTask:
    """A checked :class:`ExportImageTask` with the id ``name`` (a UUID); ``image_arn`` is
    required; a ``COMPLETED`` task gets its ``ami_id``."""
    del region, account_id
    if not isinstance(name, str) or not TASK_ID.fullmatch(name):
        raise AppStreamUsageError(
            f"name={show(name)} is not an export image task id; allowed: a UUID in lowercase "
            "hex (pattern [a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}), e.g. "
            "'6b3e2b8c-0f47-4d43-9a8e-b4f2a8e9e7b1'"
        )
    checked_state = check_state(state, states=EXPORT_IMAGE_TASKS.states, label="export image task")
    if "task_id" in fields:
        raise AppStreamUsageError(
            f"task_id={show(fields['task_id'])} is not allowed; allowed: the task id as the "
            "first argument"
        )
    wire = check_fields(fields, "ExportImageTask", "CreateExportImageTask")
    snake = {xform_name(member): value for member, value in wire.items()}
    if "image_arn" not in snake:
        raise AppStreamUsageError(
            "image_arn is required; allowed: the ARN of the exported image, e.g. "
            "'arn:aws:appstream:us-east-1:123456789012:image/golden'"
        )
    values: dict[str, Any] = {
        "ami_name": f"appstream-export-{name[:8]}",
        "created_date": BASE_CREATED_TIME + datetime.timedelta(minutes=index),
        **snake,
    }
    if checked_state == "COMPLETED":
        values.setdefault("ami_id", ami_id(name))
    return ExportImageTask.from_fields(task_id=name, state=checked_state, **values)


def _finish(entry: Entry) -> None:
    """A ``COMPLETED`` task has the id of its AMI (an export completes by the policy)."""
    record = entry.record
    if entry.state == "COMPLETED" and getattr(record, "ami_id", None) is None:
        entry.record = attrs.evolve(record, ami_id=ami_id(entry.name))  # type: ignore[misc]


EXPORT_IMAGE_TASKS = register(
    Kind(
        collection="export_image_tasks",
        label="export image task",
        data_key="export_image_tasks",
        marker=None,
        record=ExportImageTask,
        arn_resource="export-image-task",  # a task has no ARN: never matched
        states_shape=_STATES_SHAPE,
        state_values=_STATE_VALUES,
        default_state="COMPLETED",
        resting_states=RESTING_STATES,
        seeded_default_end="COMPLETED",
        durations=DURATIONS,
        default_duration=1800,
        build=build_task,
        create_operation="CreateExportImageTask",
        on_advance=_finish,
        key_argument="task_id",
        taggable=False,
        order=12,
    )
)


# -- operations ----------------------------------------------------------------------------------


def _shown(entry: Entry) -> dict[str, Any]:
    """A task as AWS answers it: a ``COMPLETED`` one with its AMI's id."""
    _finish(entry)
    return entry.record.to_response()


def create_export_image_task(ctx: Context, params: Params) -> Response:
    """CreateExportImageTask: an own AVAILABLE image to an AMI, EXPORTING -> COMPLETED."""
    name, ami_name = params["ImageName"], params["AmiName"]
    image = _images._own(ctx, name, "CreateExportImageTask")
    if image.state != "AVAILABLE":
        raise _images.not_available(name, image.state)
    _images.check_role(ctx, params["IamRoleArn"])
    for entry in entries_of(ctx, EXPORT_IMAGE_TASKS.collection):
        live = settled(ctx, entry)
        if (
            live is not None
            and live.state in ("EXPORTING", "COMPLETED")
            and getattr(live.record, "ami_name", None) == ami_name
        ):
            raise ServiceError(
                "OperationNotPermittedException",
                f"An AMI named {ami_name} already exists or is being created for account "
                f"{ctx.account} in {ctx.region} (export image task {live.name}). AMI names "
                "must be unique within an account and region.",
            )
    number = 1 + sum(
        1
        for account, region, _ in ctx.registry.names(EXPORT_IMAGE_TASKS.collection)
        if (account, region) == (ctx.account, ctx.region)
    )
    new_id = task_id(ctx.account, ctx.region, number)
    while ctx.registry.history(ctx.account, ctx.region, new_id, EXPORT_IMAGE_TASKS.collection):
        number += 1  # a seeded task took the id
        new_id = task_id(ctx.account, ctx.region, number)
    record = ExportImageTask.from_fields(
        task_id=new_id,
        state="EXPORTING",
        image_arn=getattr(image.record, "arn", None),
        ami_name=ami_name,
        created_date=ctx.clock.now(),
        ami_description=params.get("AmiDescription"),
        tag_specifications=copy.deepcopy(params.get("TagSpecifications")),
    )
    entry = ctx.registry.seed(
        ctx.account, ctx.region, record, "CreateExportImageTask", EXPORT_IMAGE_TASKS.collection
    )
    entry.pending = ctx.pending(EXPORT_IMAGE_TASKS, "EXPORTING", "COMPLETED")
    return {"ExportImageTask": record.to_response()}


def get_export_image_task(ctx: Context, params: Params) -> Response:
    """GetExportImageTask: one task by ``TaskId`` (each read is a poll of an export)."""
    wanted = params.get("TaskId")
    if wanted is None:  # the model makes it optional; AWS needs it
        raise ServiceError(
            "ValidationException", message([problem(None, "taskId", "Member must not be null")])
        )
    entry = find(ctx, EXPORT_IMAGE_TASKS, wanted)
    if entry is None:
        raise ServiceError(
            "ResourceNotFoundException",
            f"The export image task {wanted} for account {ctx.account} does not exist.",
        )
    poll([entry])
    return {"ExportImageTask": _shown(entry)}


#: ListExportImageTasks ``Filters``: the task members a filter may name (ours: AWS lists none).
FILTERS = ("AmiId", "AmiName", "ImageArn", "State", "TaskId")
#: ListExportImageTasks page size without ``MaxResults`` (the API reference: 50).
DEFAULT_PAGE_SIZE = 50


def list_export_image_tasks(ctx: Context, params: Params) -> Response:
    """ListExportImageTasks: the tasks every filter matches, in pages of ``MaxResults`` (50).

    Tasks come in creation order; a filter matches a task with one of its values.
    """
    filters = params.get("Filters", [])
    for index, given in enumerate(filters, 1):
        if given["Name"] not in FILTERS:
            raise ServiceError(
                "ValidationException",
                message(
                    [
                        problem(
                            given["Name"],
                            f"filters.{index}.member.name",
                            f"Member must satisfy enum value set: [{', '.join(FILTERS)}]",
                        )
                    ]
                ),
            )
    live = [
        e
        for e in (settled(ctx, e) for e in entries_of(ctx, EXPORT_IMAGE_TASKS.collection))
        if e is not None
    ]
    for entry in live:
        _finish(entry)
    chosen = [
        e for e in live if all(e.record.wire_items().get(f["Name"]) in f["Values"] for f in filters)
    ]
    page, token = page_of(
        ctx,
        "ListExportImageTasks",
        {**params, "MaxResults": params.get("MaxResults", DEFAULT_PAGE_SIZE)},
        chosen,
    )
    poll(page)
    return paged({"ExportImageTasks": [_shown(e) for e in page]}, token)


#: The operations of this module, by AWS name.
HANDLERS: dict[str, Handler] = {
    "CreateExportImageTask": create_export_image_task,
    "GetExportImageTask": get_export_image_task,
    "ListExportImageTasks": list_export_image_tasks,
}
