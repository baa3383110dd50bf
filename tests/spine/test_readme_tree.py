"""The README's file tree is the map of the code: one line of purpose per module, no module left off, none made up."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
#: Package plumbing with no purpose of its own to state.
PLUMBING = {"sitegen/__init__.py", "sitegen/__main__.py"}


def _tree() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```\nsitegen/\n(.*?)```", readme, re.DOTALL)
    assert block is not None, "README.md has no file tree starting with 'sitegen/'"
    return block[1]


def _listed(tree: str) -> dict[str, str]:
    """Module path → its line of purpose, as the tree's indentation nests them."""
    listed: dict[str, str] = {}
    folders = ["sitegen"]
    for line in tree.splitlines():
        indent = len(line) - len(line.lstrip())
        name, _, purpose = line.strip().partition(" ")
        depth = indent // 2
        if depth == 0:
            break  # past sitegen/: themes, benchmarks, tests
        del folders[depth:]
        if name.endswith("/"):
            folders.append(name.rstrip("/"))
        elif name.endswith(".py"):
            listed["/".join([*folders, name])] = purpose.strip()
    return listed


def test_every_module_has_one_line_of_purpose_in_the_readme_tree() -> None:
    modules = {path.relative_to(ROOT).as_posix() for path in (ROOT / "sitegen").rglob("*.py")} - PLUMBING
    listed = _listed(_tree())
    assert sorted(modules - listed.keys()) == [], "modules missing from the README's file tree"
    assert sorted(listed.keys() - modules) == [], "the README's file tree lists modules that do not exist"
    assert [path for path, purpose in listed.items() if not purpose] == [], "tree lines without a purpose"
