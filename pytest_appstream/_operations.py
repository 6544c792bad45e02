"""Every operation the fake answers: one table from the kind modules' handlers (a dict lookup).

>>> HANDLERS["StopImageBuilder"].__module__
'pytest_appstream._image_builders'
"""

from __future__ import annotations

from . import _image_builders, _images, _service
from ._model import operation_names
from ._service import Handler

#: The operations the fake implements, by AWS name: those the installed model has (an older
#: botocore lacks some: its clients cannot call them, and the docs do not list them).
HANDLERS: dict[str, Handler] = {
    operation: handler
    for operation, handler in {
        **_image_builders.HANDLERS,
        **_images.HANDLERS,
        **_service.HANDLERS,
    }.items()
    if operation in operation_names()
}
