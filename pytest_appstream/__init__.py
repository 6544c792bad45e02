"""pytest-appstream: a high-fidelity, in-memory fake of the AWS AppStream 2.0 API for pytest.

>>> from pytest_appstream import FakeAppStream
>>> with FakeAppStream() as fake:
...     _ = fake.add_builder("b")
"""

from ._app_block_builders import AppBlockBuilder
from ._app_blocks import AppBlock
from ._applications import Application
from ._directory_configs import DirectoryConfig
from ._entitlements import Entitlement
from ._errors import AppStreamUsageError, ServiceError
from ._export_image_tasks import ExportImageTask
from ._faults import Fault
from ._fleets import Fleet
from ._model import Call, Image, ImageBuilder, Transition
from ._sessions import Session
from ._stacks import Stack
from ._themes import Theme
from ._usage_reports import UsageReportSubscription
from ._users import User
from ._version import __version__
from ._wire import RealCallBlockedError
from .fake import FakeAppStream
from .server import serve
from .stub import ANY, Stubber

__all__ = [
    "ANY",
    "AppBlock",
    "AppBlockBuilder",
    "AppStreamUsageError",
    "Application",
    "Call",
    "DirectoryConfig",
    "Entitlement",
    "ExportImageTask",
    "FakeAppStream",
    "Fault",
    "Fleet",
    "Image",
    "ImageBuilder",
    "RealCallBlockedError",
    "ServiceError",
    "Session",
    "Stack",
    "Stubber",
    "Theme",
    "Transition",
    "UsageReportSubscription",
    "User",
    "__version__",
    "serve",
]
