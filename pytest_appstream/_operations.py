"""Every operation the fake answers: one table from the kind modules' handlers (a dict lookup).

>>> HANDLERS["StopImageBuilder"].__module__
'pytest_appstream._image_builders'
"""

from __future__ import annotations

from . import _image_builders, _images, _service
from ._service import Handler

#: The operations the fake implements, by AWS name.
HANDLERS: dict[str, Handler] = {
    **_image_builders.HANDLERS,
    **_images.HANDLERS,
    **_service.HANDLERS,
}
