"""The design card's rules, read from the source: data flows theory → numerics → verify → book,
the book and the CLI import only what a package's ``__all__`` names, claim modules stay small."""

import ast
import importlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("theory", "numerics", "verify")
#: a package may import only the packages before it
ALLOWED = {"theory": set(), "numerics": {"theory"}, "verify": {"theory", "numerics"}}
#: claim modules hold one claim and its twin: "about 300 lines" (issue 10); since issue 13 they also hold
#: the experiments of the figures the book regenerates (Patel's split their table and figure data into
#: _qc_figures/_st_figures; ziyin.appc, ziyin.prop3 and wu.toy are still 350-400 lines)
CLAIM_MODULE_LINES = 400


def imported(tree: ast.AST) -> list[tuple[str, list[str]]]:
    """(module, names) of every absolute import in ``tree``."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, []) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.module, [alias.name for alias in node.names]))
    return found


def sources(package: str):
    return sorted((ROOT / package).rglob("*.py"))


@pytest.mark.parametrize("package", PACKAGES)
def test_imports_flow_one_way(package):
    wrong = []
    for path in sources(package):
        for module, _ in imported(ast.parse(path.read_text())):
            top = module.split(".")[0]
            if top in PACKAGES and top != package and top not in ALLOWED[package]:
                wrong.append(f"{path.relative_to(ROOT)} imports {module}")
    assert not wrong, wrong


def public_name(module: str, names: list[str]) -> list[str]:
    """The first-level submodules of our packages that an import reaches."""
    parts = module.split(".")
    if parts[0] not in PACKAGES:
        return []
    if len(parts) > 1:
        return [parts[1]]
    return names


def book_code() -> list[tuple[str, str]]:
    cells = []
    for page in sorted((ROOT / "book").glob("*.md")):
        for cell in re.findall(r"```\{code-cell\}[^\n]*\n(.*?)\n```", page.read_text(), re.S):
            cell = re.sub(r"\A(:[^\n]*\n)+", "", cell)
            cells.append((page.name, re.sub(r"\A---\n.*?\n---\n", "", cell, flags=re.S)))
    cells.append(("sgdbook.py", (ROOT / "book" / "sgdbook.py").read_text()))
    return cells


def cli_code() -> list[tuple[str, str]]:
    paths = [ROOT / "verify" / "cli.py", *sorted((ROOT / "verify" / "commands").glob("*.py"))]
    return [(str(path.relative_to(ROOT)), path.read_text()) for path in paths]


@pytest.mark.parametrize("where", ["book", "cli"])
def test_book_and_cli_import_only_the_public_api(where):
    public = {package: set(importlib.import_module(package).__all__) for package in PACKAGES}
    wrong = []
    for name, code in book_code() if where == "book" else cli_code():
        for module, names in imported(ast.parse(code)):
            top = module.split(".")[0]
            for sub in public_name(module, names):
                if sub not in public[top] and not (where == "cli" and module.startswith("verify.commands")):
                    wrong.append(f"{name}: {module} {names}")
    assert not wrong, wrong


@pytest.mark.parametrize("package", PACKAGES)
def test_every_public_name_is_a_module(package):
    for name in importlib.import_module(package).__all__:
        assert (ROOT / package / f"{name}.py").exists() or (ROOT / package / name / "__init__.py").exists(), name


def test_claim_modules_are_small():
    large = {str(p.relative_to(ROOT)): n for p in sources("verify/claims") if (n := len(p.read_text().splitlines())) > CLAIM_MODULE_LINES}
    assert not large, large
