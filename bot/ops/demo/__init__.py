"""The demo company (knowledge/) and the prompts (prompts/), wherever the code runs from.

In a checkout they are the top-level `knowledge/` and `prompts/` folders; `bot/ops/demo/knowledge` and
`bot/ops/demo/prompts` are symbolic links to them, so a wheel built from the checkout carries copies of both as
package data (pyproject.toml, [tool.setuptools.package-data]) and an installed bot finds them here. The layout
of the repository stays as it is: the links, not the folders, live in the package.
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent
# parents: [0] ops, [1] bot, [2] the checkout (or site-packages, where no knowledge/rules folder is).
_CHECKOUT = HERE.parents[2]


def _find(name: str, marker: str) -> Path:
    """The checkout's folder when there is one (a clone whose links were not made, e.g. with
    core.symlinks=false, still works), else the copy inside the installed package."""
    for folder in (_CHECKOUT / name, HERE / name):
        if (folder / marker).exists():
            return folder.resolve()
    return (HERE / name).resolve()


KNOWLEDGE_DIR = _find("knowledge", "rules/expenses.yaml")
PROMPTS_DIR = _find("prompts", "understand.ja.md")


def default_knowledge_dir() -> Path:
    """`./knowledge` when the working directory has one (a checkout, or a company folder made by `backoffice
    init`), else the demo shipped in the package: an installed bot starts with no folder of its own."""
    local = Path("knowledge")
    return local if (local / "rules").is_dir() else KNOWLEDGE_DIR
