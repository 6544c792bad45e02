"""pytest-appstream: a high-fidelity, in-memory fake of the AWS AppStream 2.0 API for pytest.

>>> from pytest_appstream import FakeAppStream
>>> with FakeAppStream() as fake:
...     _ = fake.add_builder("b")
"""

from ._errors import AppStreamUsageError, ServiceError
from ._faults import Fault
from ._model import Call, Image, ImageBuilder, Transition
from ._version import __version__
from ._wire import RealCallBlockedError
from .fake import FakeAppStream
from .server import serve
from .stub import ANY, Stubber

__all__ = [
    "ANY",
    "AppStreamUsageError",
    "Call",
    "FakeAppStream",
    "Fault",
    "Image",
    "ImageBuilder",
    "RealCallBlockedError",
    "ServiceError",
    "Stubber",
    "Transition",
    "__version__",
    "serve",
]
