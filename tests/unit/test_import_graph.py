"""The import picture: between domains one direction only, and integrations import no domain code.

Every ``import`` and ``from ... import`` in ``src/ihome`` is read with ``ast`` (function-level ones
too, and relative ones resolved), so a cycle dodged by importing inside a function still counts.
Domains tell each other things through the events of ``core/events.py`` instead.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import ihome

ROOT = Path(ihome.__file__).resolve().parent
DOMAINS = {"accounts", "houses", "orders", "payments", "admin", "conversations", "reviews", "calendars"}


def _imported_modules(path: Path, package: list[str] | None = None) -> list[tuple[int, str]]:
    """(line, dotted module) of every import in one file, relative imports resolved from its package."""
    package = package or ["ihome", *path.relative_to(ROOT).parent.parts]
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package[: len(package) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.append((node.lineno, base))
            found.extend((node.lineno, f"{base}.{alias.name}") for alias in node.names)  # from ihome import orders
    return found


def _edges() -> dict[tuple[str, str], set[str]]:
    """(importing top-level package, imported one) → where, for every import inside ihome."""
    edges: dict[tuple[str, str], set[str]] = defaultdict(set)
    for path in ROOT.rglob("*.py"):
        parts = path.relative_to(ROOT).parts
        if parts[0] == "migrations" or len(parts) < 2:
            continue  # migrations freeze their own schema; top-level modules (cli, demo, create_app) wire it all
        for line, module in _imported_modules(path):
            names = module.split(".")
            if names[0] == "ihome" and len(names) > 1 and names[1] != parts[0]:
                edges[(parts[0], names[1])].add(f"{'/'.join(parts)}:{line} imports {module}")
    return edges


def test_no_two_domains_import_each_other():
    edges = _edges()
    cycles = sorted((a, b) for (a, b) in edges if a < b and a in DOMAINS and b in DOMAINS and (b, a) in edges)
    assert not cycles, "\n".join(
        f"{a} <-> {b}:\n  " + "\n  ".join(sorted(edges[(a, b)] | edges[(b, a)])) for a, b in cycles)


def test_integrations_import_no_domain():
    edges = _edges()
    found = sorted(where for (a, b), places in edges.items()
                   if a == "integrations" and b in DOMAINS for where in places)
    assert not found, "\n".join(found)


def test_the_reader_sees_function_level_and_relative_imports(tmp_path):
    """The parser the two tests rely on: an import inside a function and a relative one both count."""
    module = tmp_path / "probe.py"
    module.write_text("def f():\n    from ihome.payments import tasks\n\nfrom ..houses import models\n",
                      encoding="utf-8")
    modules = {name for _line, name in _imported_modules(module, ["ihome", "orders"])}
    assert {"ihome.payments.tasks", "ihome.houses.models"} <= modules
