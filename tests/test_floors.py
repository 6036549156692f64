"""The floors of docs/architecture.md, from the ground: core and audit; org; notifications; accounts;
approvals | monitoring; records; watching; reports; demo. Each app imports only from the apps below it
(approvals and monitoring not from each other, core and audit not from each other). Read from the
source, so a new import that breaks the order fails here."""

import ast
from pathlib import Path

import pytest

BASE = Path(__file__).resolve().parent.parent
_GROUND = {"core", "audit"}
BELOW = {
    "core": set(),
    "audit": {"core"},
    "org": _GROUND,
    "notifications": _GROUND | {"org"},
    "accounts": _GROUND | {"org", "notifications"},
    "approvals": _GROUND | {"org", "notifications", "accounts"},
    "monitoring": _GROUND | {"org", "notifications", "accounts"},
    "records": _GROUND | {"org", "notifications", "accounts", "monitoring"},
    "watching": _GROUND | {"org", "notifications", "accounts", "monitoring", "records"},
    "reports": _GROUND | {"org", "notifications", "accounts", "monitoring", "approvals", "records", "watching"},
    "demo": _GROUND | {"org", "notifications", "accounts", "monitoring", "approvals", "records", "watching", "reports"},
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


def test_accounts_holds_nothing_about_units_absences_or_tokens():
    """org owns its services, admin, tokens and unit pages; accounts is the registry only."""
    names = {p.stem for p in (BASE / "accounts").glob("*.py")}
    assert not {n for n in names if any(w in n for w in ("unit", "absence", "token", "org_"))}
