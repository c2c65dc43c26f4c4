#!/usr/bin/env python3
"""Modules a person can hold in their head (issue #11, docs/architecture.md "Sizes").

No module under sampark/ or pipeline/ (tests and migrations aside) over 800 lines, and no function
over 80 lines unless a comment right above it (before its decorators) starts with `# One piece:`
and says why it must be one piece. Prints each offender as `path:line: reason`; exits 1 if any.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAX_MODULE = 800
MAX_FUNCTION = 80
MARK = "# One piece:"


def product_files() -> list[Path]:
    files = [*ROOT.glob("sampark/**/*.py"), *ROOT.glob("pipeline/**/*.py")]
    return sorted(f for f in files if "tests" not in f.parts and "migrations" not in f.parts)


def justified(lines: list[str], node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """Whether the comment block just above the function (and its decorators) carries the mark."""
    first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
    index = first - 2  # the line above, 0-based
    while index >= 0 and lines[index].strip().startswith("#"):
        if lines[index].strip().startswith(MARK):
            return True
        index -= 1
    return False


def offences(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    rel = path.relative_to(ROOT)
    found = []
    if len(lines) > MAX_MODULE:
        found.append(f"{rel}:1: module has {len(lines)} lines (max {MAX_MODULE})")
    for node in ast.walk(ast.parse(text, filename=str(path))):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        length = (node.end_lineno or node.lineno) - node.lineno + 1
        if length > MAX_FUNCTION and not justified(lines, node):
            found.append(
                f"{rel}:{node.lineno}: {node.name} has {length} lines (max {MAX_FUNCTION}, "
                f"or a '{MARK} …' comment above it saying why)"
            )
    return found


def main() -> int:
    found = [line for path in product_files() for line in offences(path)]
    for line in found:
        print(line)
    print(f"{len(product_files())} modules checked, {len(found)} over size")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
