"""The floors of DESIGN.md: each app imports only from the apps below it (approvals and monitoring
not from each other). Read from the source, so a new import that breaks the order fails here."""

import ast
from pathlib import Path

import pytest

BASE = Path(__file__).resolve().parent.parent
BELOW = {
    "org": set(),
    "audit": {"org"},
    "notifications": {"org"},
    "accounts": {"org", "audit", "notifications"},
    "approvals": {"org", "audit", "notifications", "accounts"},
    "monitoring": {"org", "audit", "notifications", "accounts"},
    "records": {"org", "audit", "notifications", "accounts", "monitoring"},
    "reports": {"org", "audit", "notifications", "accounts", "monitoring", "approvals", "records"},
}


def imported_apps(path: Path) -> set[str]:
    apps = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            apps.add(node.module.split(".")[0])
        elif isinstance(node, ast.Import):
            apps.update(alias.name.split(".")[0] for alias in node.names)
    return apps & (set(BELOW) | {"demo", "kipolicy"})


@pytest.mark.parametrize("app", sorted(BELOW))
def test_each_app_imports_only_from_the_floors_below(app):
    wrong = {}
    for path in sorted((BASE / app).rglob("*.py")):
        if "migrations" in path.parts:
            continue
        above = imported_apps(path) - BELOW[app] - {app}
        if above:
            wrong[str(path.relative_to(BASE))] = sorted(above)
    assert not wrong, wrong


def test_the_check_sees_imports_inside_functions_too(tmp_path):
    source = tmp_path / "m.py"
    source.write_text("from org import roles\n\ndef f():\n    from reports import jobs\n    import monitoring.rules\n")
    assert imported_apps(source) == {"org", "reports", "monitoring"}
