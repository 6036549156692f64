"""The rows of the account tables, written in Python once per page (issue 12, third pass).

Every table of accounts goes through here: the inventory, a unit's accounts and "My accounts"
(templates/accounts/includes/_account_table.html, ``{% account_rows accounts %}``), and the
public directory (``{% directory_rows entries %}``). The tables' headings, caption and header
cells stay in the templates; only the rows are written here.

Why: with few queries, these pages' time was the template engine's, not the database's. Rendering
25 rows through a loop with an include, filters and ``{% url %}`` per row took about 40 % of the
inventory's CPU time and the directory's 50 rows about a third of the directory's (bench/
profile_pages.py, 1 000 accounts: ~12 ms of ~35 ms per inventory page). Here a row is one
f-string; what rows repeat is worked out once per table: the account page's address (reversed
once, core.html.id_url), each platform's and unit's name, each status label, each person's name.
The markup is exactly what the templates wrote (bench/compare_pages.py compares the pages of the
demo before and after, as every demo user, in both languages).
"""

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from accounts.choices import Classification, Role
from core.html import id_url, rule_badge, text


def _people(assignments, role: str) -> str:
    return "".join(text(a.person) for a in assignments if a.role == role)


def account_rows(accounts) -> SafeString:
    """The ``<tr>`` rows of an account table: name (and a badge for a student ambassador's
    account), platform and handle, unit, owner, deputy, status and open findings (the
    ``open_findings`` a list annotator attached; none if no annotator did)."""
    accounts = list(accounts)
    if not accounts:
        return mark_safe(f'<tr><td colspan="7">{text(gettext("No accounts."))}</td></tr>')
    url = id_url("accounts:detail")
    ambassador = text(gettext("Student ambassador – not official"))
    ambassador = f'\n<br><span class="badge text-bg-warning">{ambassador}</span>'
    no_findings = f'<span class="visually-hidden">{text(gettext("No findings"))}</span>'
    no_owner = '<span class="text-body-secondary">–</span>'
    platforms: dict[int, str] = {}
    units: dict[int, str] = {}
    statuses: dict[str, str] = {}
    rows = []
    for account in accounts:
        platform = platforms.get(account.platform_id)
        if platform is None:
            platform = platforms[account.platform_id] = text(account.platform.name)
        unit = units.get(account.unit_id)
        if unit is None:
            unit = units[account.unit_id] = text(account.unit)
        status = statuses.get(account.status)
        if status is None:
            status = statuses[account.status] = text(account.get_status_display())
        handle = f'<br><span class="small text-body-secondary">{text(account.handle)}</span>' if account.handle else ""
        assignments = account.current_assignments  # selectors.table_keepers, or a prefetch
        owner = _people(assignments, Role.OWNER) if assignments else no_owner
        findings = getattr(account, "open_findings", None)
        badges = "".join(f"{rule_badge(f)}\n" for f in findings) if findings else no_findings
        rows.append(
            f'<tr>\n<td><a href="{url(account.pk)}">{text(account.name)}</a>'
            f"{'' if account.classification == Classification.OFFICIAL else ambassador}</td>\n"
            f"<td>{platform}{handle}</td>\n<td>{unit}</td>\n<td>{owner}</td>\n"
            f"<td>{_people(assignments, Role.DEPUTY)}</td>\n"
            f'<td><span class="status-badge">{status}</span></td>\n<td>{badges}</td>\n</tr>\n'
        )
    return mark_safe("".join(rows))


def directory_rows(entries) -> SafeString:
    """The ``<tr>`` rows of the public directory (accounts.directory.DirectoryEntry): name and
    handle as the row's header, platform, unit (and the units above it), address and
    classification. Each unit's two lines are worked out once per page."""
    official_badge = '<span class="badge text-bg-success" data-label="official">'
    ambassador_badge = '<span class="badge text-bg-warning" data-label="student_ambassador">'
    not_official = f'<span class="small">{text(gettext("not an official KI channel (PRIV-3)"))}</span>'
    units: dict[str, str] = {}
    labels: dict[str, str] = {}
    rows = []
    for entry in entries:
        unit = units.get(entry.unit.path)
        if unit is None:
            unit = text(entry.unit.display_name)
            if len(entry.unit_chain) > 1:
                unit += f'<br><span class="small text-body-secondary">{text(entry.units_above)}</span>'
            units[entry.unit.path] = unit
        label = labels.get(entry.classification)
        if label is None:
            label = labels[entry.classification] = text(entry.classification_label)
        if entry.is_official:
            classification = f"{official_badge}{label}</span>"
        else:
            classification = f"{ambassador_badge}{label}</span> {not_official}"
        handle = f'<br><span class="small fw-normal">{text(entry.handle)}</span>' if entry.handle else ""
        address = (
            f'<a href="{text(entry.url)}" rel="noopener noreferrer nofollow">{text(entry.url)}</a>' if entry.url else ""
        )
        rows.append(
            f'<tr data-classification="{text(entry.classification)}">\n'
            f'<th scope="row">{text(entry.name)}{handle}</th>\n'
            f"<td>{text(entry.platform_name)}</td>\n<td>{unit}</td>\n"
            f'<td class="text-break">{address}</td>\n<td>{classification}</td>\n</tr>\n'
        )
    return mark_safe("".join(rows))
