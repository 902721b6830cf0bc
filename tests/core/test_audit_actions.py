"""Every action written to the audit log fits its column and reads as words: SQLite does not
enforce the column's length, PostgreSQL refuses the whole transaction."""

import ast
from pathlib import Path

from passerelle.core.audit import ACTION_LABELS, PAGE_LABELS, AuditEntry

SOURCE = Path(__file__).resolve().parents[2] / "platform" / "passerelle"


def _actions() -> set[str]:
    found = set()
    for path in SOURCE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "log" and isinstance(node.func.value, ast.Name)
                    and node.func.value.id == "audit" and len(node.args) >= 2
                    and isinstance(node.args[1], ast.Constant)):
                found.add(node.args[1].value)
    return found


def test_every_audit_action_fits_its_column_and_has_a_label():
    actions = _actions()
    assert {"approved", "companion_yes", "read"} <= actions  # the scan finds them
    width = AuditEntry.__table__.c.action.type.length
    assert [a for a in actions if len(a) > width] == []
    assert sorted(actions - set(ACTION_LABELS)) == []


def _pages() -> set[str]:
    """The pages named where reads are logged: audit.record_reads(user, people, now, PAGE)
    and audit.log(..., page=PAGE)."""
    found = set()
    for path in SOURCE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and isinstance(node.func.value, ast.Name) and node.func.value.id == "audit"):
                continue
            if node.func.attr == "record_reads" and len(node.args) >= 4 and isinstance(
                    node.args[3], ast.Constant):
                found.add(node.args[3].value)
            found.update(k.value.value for k in node.keywords
                         if k.arg == "page" and isinstance(k.value, ast.Constant))
    return found


def test_every_page_where_reads_are_logged_has_a_label():
    pages = _pages()
    assert {"record", "hosting", "my_data"} <= pages  # the scan finds both forms
    assert sorted(pages - set(PAGE_LABELS)) == []
