"""Every operation the fake answers: one table from the kind modules' handlers (a dict lookup).

>>> HANDLERS["StopImageBuilder"].__module__
'pytest_appstream._image_builders'
"""

from __future__ import annotations

from . import (
    _app_block_builders,
    _app_blocks,
    _applications,
    _directory_configs,
    _entitlements,
    _export_image_tasks,
    _fleets,
    _image_builders,
    _images,
    _service,
    _sessions,
    _stacks,
    _themes,
    _usage_reports,
    _users,
)
from ._model import operation_names
from ._service import Handler

#: The operations the fake implements, by AWS name: those the installed model has (an older
#: botocore lacks some: its clients cannot call them, and the docs do not list them).
HANDLERS: dict[str, Handler] = {
    operation: handler
    for operation, handler in {
        **_image_builders.HANDLERS,
        **_images.HANDLERS,
        **_fleets.HANDLERS,
        **_stacks.HANDLERS,
        **_users.HANDLERS,
        **_sessions.HANDLERS,
        **_app_blocks.HANDLERS,
        **_app_block_builders.HANDLERS,
        **_applications.HANDLERS,
        **_entitlements.HANDLERS,
        **_directory_configs.HANDLERS,
        **_themes.HANDLERS,
        **_usage_reports.HANDLERS,
        **_export_image_tasks.HANDLERS,
        **_service.HANDLERS,
    }.items()
    if operation in operation_names()
}
