"""Every ```python block of the docs (docs/*.md) and of the README runs as a real inner pytest file.

A block is a test module that uses the plugin's fixtures and markers; it must pass. A comment on
the block's first line changes that, and is meant to read naturally in the docs:

- ``# file: myops/cleanup.py`` — not a test: written to that path (an importable module the
  page's other blocks use, a conftest.py, ...) before every block of the same page runs;
- ``# run with: pytest -n 2`` — the inner run gets the arguments after ``pytest``;
- ``# outcome: failed=1`` — the inner run must end with these outcomes (a page showing a failure);
- ``# not run: <why>`` — an explicit opt-out, for a fragment that cannot run on its own. Keep rare.

A block of any language (a JSON data file, say) preceded by a MyST comment line
``% file: builders.json`` is written to that path for the page's blocks, like ``# file:``.

Every ``ini`` and ``toml`` block, and every ``sh`` block that runs ``pytest --appstream-...``, is
a configuration: pytest must accept it under ``--strict-config``, and each setting it names must
reach the fake.

New pages are covered without touching this file.
"""

from __future__ import annotations

import re
import shlex
import textwrap
from pathlib import Path

import attrs
import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = [*sorted((ROOT / "docs").glob("*.md")), ROOT / "README.md"]
_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})\s*(?P<info>[^`\n]*)$")
_DIRECTIVE = re.compile(r"#\s*(file|run with|outcome|not run):\s*(.*)")
_FILE_COMMENT = re.compile(r"%\s*file:\s*(\S+)\s*")


@attrs.frozen
class Block:
    """One fenced code block of a page: where it is, its language and its source."""

    page: Path
    line: int
    language: str
    source: str
    file: str | None = None  # from a "% file: path" comment line before the fence

    @property
    def directive(self) -> tuple[str, str] | None:
        """The first-line comment that says how the block is run, if any."""
        if self.file is not None:
            return ("file", self.file)
        first = self.source.lstrip().partition("\n")[0]
        found = _DIRECTIVE.fullmatch(first.strip())
        return (found[1], found[2].strip()) if found else None

    @property
    def id(self) -> str:
        return f"{self.page.relative_to(ROOT)}:{self.line}"


def code_blocks(page: Path) -> list[Block]:
    """The fenced code blocks of a Markdown page (``` or ~~~ fences, possibly indented)."""
    blocks: list[Block] = []
    lines = page.read_text(encoding="utf-8").splitlines()
    i = 0
    while i < len(lines):
        opening = _FENCE.match(lines[i])
        if opening is None:
            i += 1
            continue
        fence, indent = opening["fence"], opening["indent"]
        language = opening["info"].strip().split(" ")[0].strip("{}")
        start, i = i, i + 1
        body: list[str] = []
        while i < len(lines) and not (
            lines[i].strip().startswith(fence[0] * len(fence))
            and lines[i].strip().strip(fence[0]) == ""
        ):
            body.append(lines[i][len(indent) :] if lines[i].startswith(indent) else lines[i])
            i += 1
        before = next((line for line in reversed(lines[:start]) if line.strip()), "")
        declared = _FILE_COMMENT.fullmatch(before.strip())
        source = textwrap.dedent("\n".join(body)) + "\n"
        blocks.append(Block(page, start + 1, language, source, declared[1] if declared else None))
        i += 1
    return blocks


def python_blocks(page: Path) -> list[Block]:
    """The blocks of a page written in Python (``python`` or ``py``)."""
    return [b for b in code_blocks(page) if b.language in ("python", "py", "python3")]


ALL_BLOCKS = [block for page in PAGES for block in python_blocks(page)]
RUNNABLE = [b for b in ALL_BLOCKS if b.directive is None or b.directive[0] != "file"]


def _support_files(page: Path) -> dict[str, str]:
    return {
        b.directive[1]: b.source
        for b in code_blocks(page)
        if b.directive is not None and b.directive[0] == "file"
    }


def _outcomes(text: str) -> dict[str, int]:
    outcomes = {}
    for part in text.replace(",", " ").split():
        key, _, value = part.partition("=")
        outcomes[key] = int(value)
    return outcomes


@pytest.mark.parametrize("block", RUNNABLE, ids=[b.id for b in RUNNABLE])
def test_docs_example_runs_and_passes(pytester: pytest.Pytester, block: Block) -> None:
    kind, value = block.directive or ("", "")
    if kind == "not run":
        assert value, f"{block.id}: say why the block is not run: '# not run: <why>'"
        pytest.skip(f"{block.id}: not run: {value}")
    for path, source in _support_files(block.page).items():
        target = pytester.path / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(source, encoding="utf-8")
    module = f"test_{block.page.stem.lower().replace('-', '_')}_line_{block.line}.py"
    (pytester.path / module).write_text(block.source, encoding="utf-8")
    args = shlex.split(value)[1:] if kind == "run with" else []
    pytester.syspathinsert()
    result = pytester.runpytest(
        "-p",
        "no:randomly",
        "-p",
        "no:cacheprovider",
        "-p",
        "no:hypothesispytest",
        "--strict-markers",
        *args,
        module,
    )
    if kind == "outcome":
        result.assert_outcomes(**_outcomes(value))
        return
    outcomes = result.parseoutcomes()
    assert outcomes.get("passed", 0) >= 1 and set(outcomes) <= {"passed", "warnings"}, (
        f"{block.id}: the example did not pass: {outcomes}\n{result.stdout.str()}"
    )


CONFIG_BLOCKS = [
    block
    for page in PAGES
    for block in code_blocks(page)
    if block.language in ("ini", "toml")
    or (block.language == "sh" and block.source.startswith("pytest --appstream"))
]
#: Reads back, inside a test, each setting a configuration block may set.
SETTING_PROBE = """
import os

from pytest_appstream import _wire as wire

# appstream_session_environment acts from the start: at import, before any fixture.
AT_IMPORT = os.environ.get("AWS_ACCESS_KEY_ID") == "testing" and "AWS_DEFAULT_REGION" in os.environ

def test_settings(appstream):
    seen = {
        "appstream_region": appstream.region,
        "appstream_account_id": appstream.account_id,
        "appstream_transitions": appstream.transitions,
        "appstream_polls": str(appstream.polls),
        "appstream_block_real": str(wire.is_blocking_real()).lower(),
        "appstream_session_environment": str(AT_IMPORT).lower(),
    }
    print("SETTINGS", sorted(seen.items()))
    assert seen == {**seen, **EXPECTED}, seen
"""


def _declared(block: Block) -> dict[str, str]:
    """The appstream settings a configuration block sets, as text."""
    if block.language == "sh":
        pairs = [a.removeprefix("--").partition("=") for a in shlex.split(block.source)[1:]]
        return {k.replace("-", "_"): v or "true" for k, _, v in pairs}
    found = re.findall(r"^(appstream_\w+)\s*=\s*(.+?)\s*$", block.source, re.MULTILINE)
    return {key: value.strip("'\"") for key, value in found}


@pytest.mark.parametrize("block", CONFIG_BLOCKS, ids=[b.id for b in CONFIG_BLOCKS])
def test_docs_configuration_is_accepted_and_takes_effect(
    pytester: pytest.Pytester, block: Block, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = _declared(block)
    assert expected, f"{block.id}: no appstream setting found in the block"
    args: list[str] = []
    if block.language == "ini":
        pytester.makeini(block.source)
    elif block.language == "toml":
        pytester.makepyprojecttoml(block.source)
    else:
        args = shlex.split(block.source)[1:]
    for variable in ("AWS_ACCESS_KEY_ID", "AWS_DEFAULT_REGION", "AWS_REGION"):
        monkeypatch.delenv(variable, raising=False)  # what the block sets must be its doing
    pytester.makepyfile(f"EXPECTED = {expected!r}\n" + SETTING_PROBE)
    result = pytester.runpytest("-p", "no:randomly", "--strict-config", "-s", *args)
    assert result.ret == 0, f"{block.id}:\n{result.stdout.str()}\n{result.stderr.str()}"
    result.assert_outcomes(passed=1)


def test_every_page_with_python_is_collected() -> None:
    """The extractor finds the blocks it should (guards against a silent zero)."""
    pages = {b.page.name for b in ALL_BLOCKS}
    assert {"README.md", "quickstart.md"} <= pages
    assert all(b.source.strip() for b in ALL_BLOCKS)


def test_opt_outs_stay_rare_and_explicit() -> None:
    skipped = [b for b in ALL_BLOCKS if b.directive is not None and b.directive[0] == "not run"]
    assert all(b.directive and b.directive[1] for b in skipped)
    assert len(skipped) <= max(3, len(ALL_BLOCKS) // 10), [b.id for b in skipped]


def test_the_extractor_reads_fences_directives_and_indentation(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "Text\n\n"
        "```python\n# file: pkg/mod.py\nVALUE = 1\n```\n\n"
        "- a list item:\n\n"
        "  ```python\n  # outcome: failed=1\n  def test_x():\n      assert 0\n  ```\n\n"
        "````markdown\n```python\nnot a block of its own\n```\n````\n\n"
        "```sh\npytest -n 2\n```\n",
        encoding="utf-8",
    )
    blocks = code_blocks(page)
    assert [(b.line, b.language) for b in blocks] == [
        (3, "python"),
        (10, "python"),
        (16, "markdown"),
        (22, "sh"),
    ]
    assert blocks[0].directive == ("file", "pkg/mod.py")
    assert blocks[1].directive == ("outcome", "failed=1")
    assert blocks[1].source == "# outcome: failed=1\ndef test_x():\n    assert 0\n"
    assert _support_files(page) == {"pkg/mod.py": "# file: pkg/mod.py\nVALUE = 1\n"}
    assert _outcomes("failed=1, passed=2") == {"failed": 1, "passed": 2}
