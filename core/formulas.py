"""The CSV/XLSX formula guard (OWASP "CSV injection"), one for every file the portal writes:
a spreadsheet runs a cell that starts with one of these characters as a formula."""

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def guard_formula(text: str) -> str:
    """Prefix text that a spreadsheet would run as a formula with ' so that it stays text."""
    return "'" + text if text.startswith(FORMULA_START) else text
