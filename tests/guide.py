"""The guide's examples (docs/*.md), so tests can run them as a user would."""

from __future__ import annotations

import re
from pathlib import Path

DOCS = Path(__file__).resolve().parent.parent / "docs"
_FENCE = re.compile(r"^```(\w+)\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def examples(page: str, language: str) -> list[str]:
    """The ``language`` code blocks of ``docs/{page}``, in order."""
    text = (DOCS / page).read_text(encoding="utf-8")
    return [body for lang, body in _FENCE.findall(text) if lang == language]


def example_tests(page: str) -> dict[str, str]:
    """The page's Python examples that are tests, as ``{module name: source}``."""
    blocks = [b for b in examples(page, "python") if "def test_" in b]
    stem = page.removesuffix(".md")
    return {f"test_{stem}_example_{i}": block for i, block in enumerate(blocks)}
