"""The two kinds of error the fake raises: AWS service errors, and mistakes in a test's set-up.

>>> ServiceError("OperationNotPermittedException", "The image builder b ... is STOPPED.").status
400
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable


class ServiceError(Exception):
    """An error AWS would answer: ``code`` goes to the body's ``__type``, with ``message``; the
    HTTP status is ``status``, by default the one the model gives the error (400 when none)."""

    def __init__(self, code: str, message: str, status: int | None = None) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self._status = status

    @property
    def status(self) -> int:
        """The HTTP status of the answer (``ResourceNotFoundException``: the model's 404)."""
        if self._status is None:
            from ._model import error_status  # the model imports this module

            self._status = error_status(self.code)
        return self._status


class AppStreamUsageError(ValueError):
    """A test asked the fake for something impossible: a bad marker, seed, fault or assertion."""


def closest(value: object, choices: Iterable[str], cutoff: float = 0.6) -> str | None:
    """The choice closest to ``value`` (a string), or None when none is close enough.

    >>> closest("stop_imagebuilder", ["stop_image_builder", "start_image_builder"])
    'stop_image_builder'
    """
    if not isinstance(value, str):
        return None
    close = difflib.get_close_matches(value, list(choices), n=1, cutoff=cutoff)
    return close[0] if close else None


def did_you_mean(value: object, choices: Iterable[str], cutoff: float = 0.6) -> str:
    """`` (did you mean 'x'?)`` for the choice closest to ``value``, or ``""``.

    >>> did_you_mean("RUNING", ["RUNNING", "STOPPED"])
    " (did you mean 'RUNNING'?)"
    """
    found = closest(value, choices, cutoff)
    return "" if found is None else f" (did you mean {found!r}?)"
