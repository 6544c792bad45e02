"""The two kinds of error the fake raises: AWS service errors, and mistakes in a test's set-up.

>>> ServiceError("ResourceNotFoundException", "The image builder b ... does not exist.").status
400
"""

from __future__ import annotations


class ServiceError(Exception):
    """An error AWS would answer: ``code`` goes to the body's ``__type``, with ``message``."""

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status


class AppStreamUsageError(ValueError):
    """A test asked the fake for something impossible: a bad marker, seed, fault or assertion."""
