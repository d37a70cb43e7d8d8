"""Data flows one way: no import runs back up the layers (model and text statistics know no rule, rules know
only the rule API, reports never parse or read the registry), and modules import no cycle."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = {"audit": "clinic_audit", "rules": "clinic_audit.rules", "reports": "clinic_audit.reports"}
CORE = ("clinic_audit.model", "clinic_audit.facts", "clinic_audit.textstats", "clinic_audit.textscan", "clinic_audit.language",
        "clinic_audit.rule", "clinic_audit.syllables")
RULE_API = CORE + ("clinic_audit.siterules", "clinic_audit.rules")
UPPER = ("clinic_audit.rules", "clinic_audit.engine", "clinic_audit.reports", "clinic_audit.cli", "clinic_audit.parse",
         "clinic_audit.config", "clinic_audit.registry", "clinic_audit.web")


def _module(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    rest = [p for p in parts[1:] if p != "__init__"]
    return ".".join([PACKAGES[parts[0]], *rest])


def _imports() -> dict[str, set[str]]:
    """Module -> the clinic_audit modules it imports (at any depth: lazy imports are dependencies too)."""
    paths = {_module(path): path for folder in PACKAGES for path in (ROOT / folder).rglob("*.py")}
    found: dict[str, set[str]] = {}
    for name, path in paths.items():
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        deps: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                base = package.split(".")[: len(package.split(".")) - node.level + 1] if node.level else []
                target = ".".join([*base, node.module] if node.module else base) if node.level else node.module
                if not target or not target.startswith("clinic_audit"):
                    continue
                # "from . import chrome" imports the module chrome, not what the package defines
                submodules = {f"{target}.{a.name}" for a in node.names if f"{target}.{a.name}" in paths}
                deps |= submodules if submodules and len(submodules) == len(node.names) else {target} | submodules
            elif isinstance(node, ast.Import):
                deps |= {a.name for a in node.names if a.name.startswith("clinic_audit")}
        found[name] = deps
    return found


IMPORTS = _imports()


def _under(module: str, prefixes: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


@pytest.mark.parametrize("module", sorted(m for m in IMPORTS if m in CORE))
def test_the_model_and_text_statistics_import_nothing_above_them(module: str) -> None:
    assert not [d for d in IMPORTS[module] if _under(d, UPPER)]


@pytest.mark.parametrize("module", sorted(m for m in IMPORTS if _under(m, ("clinic_audit.rules",))))
def test_rules_import_only_the_rule_api(module: str) -> None:
    assert not [d for d in IMPORTS[module] if not _under(d, RULE_API)]


@pytest.mark.parametrize("module", sorted(m for m in IMPORTS if _under(m, ("clinic_audit.reports",))))
def test_reports_never_parse_or_read_rules(module: str) -> None:
    forbidden = ("clinic_audit.parse", "clinic_audit.rules", "clinic_audit.registry", "clinic_audit.engine",
                 "clinic_audit.cli")
    assert not [d for d in IMPORTS[module] if _under(d, forbidden)]


def test_no_module_imports_a_cycle() -> None:
    graph = {m: {d for d in deps if d in IMPORTS and d != m} for m, deps in IMPORTS.items()}
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for dep in sorted(graph[node]):
            if state.get(dep) == 1:
                cycles.append(path[path.index(dep):] + [dep] if dep in path else [node, dep])
            elif dep not in state:
                visit(dep, path + [dep])
        state[node] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert cycles == []


def test_no_test_module_imports_another() -> None:
    """Shared test code lives in helper modules (conftest, fixture_harness, site_server), never in a test_*.py."""
    offenders = []
    for path in sorted((ROOT / "tests").glob("test_*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([node.module or ""] if isinstance(node, ast.ImportFrom)
                     else [a.name for a in node.names] if isinstance(node, ast.Import) else [])
            offenders += [f"{path.name} imports {n}" for n in names if n.split(".")[0].startswith("test_")]
    assert offenders == []
