"""pytest-appstream: a high-fidelity, in-memory fake of the AWS AppStream 2.0 API for pytest.

>>> from pytest_appstream import FakeAppStream
>>> with FakeAppStream() as fake:
...     _ = fake.add_builder("b")
"""

from ._version import __version__
from .errors import AppStreamUsageError, ServiceError
from .fake import FakeAppStream
from .model import Call, ImageBuilder, Transition
from .server import serve
from .stub import ANY, Stubber

__all__ = [
    "ANY",
    "AppStreamUsageError",
    "Call",
    "FakeAppStream",
    "ImageBuilder",
    "ServiceError",
    "Stubber",
    "Transition",
    "__version__",
    "serve",
]
