"""The layers hold: a selector (a read) never imports a service (a write). Services build on
selectors and on the pure rules (``rules.py``, ``policy.py``, ``measures.py``, ...), never
the other way round, so a read can never start a write."""

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "helhed"


def service_imports(path: Path) -> list[str]:
    """Every import of a services module in ``path``, at the top or inside a function."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if module.split(".")[-1] == "services":
                found.append(f"{path.name}:{node.lineno} from {module}")
            found += [f"{path.name}:{node.lineno} from {module} import {a.name}" for a in node.names
                      if a.name == "services"]
        elif isinstance(node, ast.Import):
            found += [f"{path.name}:{node.lineno} import {a.name}" for a in node.names
                      if a.name.split(".")[-1] == "services"]
    return found


def test_the_check_finds_an_import_of_a_service(tmp_path):
    sample = tmp_path / "selectors.py"
    sample.write_text("from helhed.pools import services\nimport helhed.review.services\n"
                      "def f():\n    from helhed.intake.services import x\n")
    assert len(service_imports(sample)) == 3


def test_no_selector_or_rule_imports_a_service():
    reads = sorted(SRC.glob("*/selectors.py")) + sorted(SRC.glob("*/*_selectors.py"))
    rules = sorted(SRC.glob("*/rules.py")) + sorted(SRC.glob("*/policy.py"))
    assert len(reads) >= 10 and len(rules) >= 10
    offenders = {str(p.relative_to(SRC)): found for p in reads + rules if (found := service_imports(p))}
    assert offenders == {}
