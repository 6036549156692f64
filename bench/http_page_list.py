"""The pages bench/http_pages.py measures (bench/load.py, page_rows.py and profile_pages.py
reuse them): (client, label, path, kind) for the picks bench/seeding.py made. Apart from
http_pages.py so that each module stays short."""


def searched(p: dict) -> str:
    """The searches' word: one that matches 111 active accounts at each power of ten (a full page of
    each list) and no other account, so the two sizes compare the same search, not one that matches
    a hundred times more: "bench2" at 1 000 accounts (bench2, bench20-29, bench200-299), "bench200"
    at 100 000 (bench200, bench2000-2009, bench20000-20099). Not "bench1…": the accounts outside
    the rules are numbered after the active ones (1 001-1 010, 100 001-101 000), and "bench100"
    matched 1 000 of those at 100 000 (the inventory lists them to comms). A search whose matches
    grow with the inventory costs what its matches cost in the search's indexes
    (docs/performance.md, "Searches whose matches grow")."""
    return "bench2" + "0" * max(0, len(str(p["accounts"])) - 4)


# --------------------------------------------------------------------------- the pages


def pages(p: dict) -> list[tuple[str, str, str, str]]:
    """(client, label, path, kind). kind: the group a target applies to ("inventory", "unit",
    "directory"), "trivial", or "" for the other pages."""
    acct, mid, dept, q = p["account"], p["mid_unit"], p["department"], searched(p)
    report_unit = p.get("report_unit", p["leaf_unit"])  # (older picks: the research group)
    by_platform = f"/accounts/?status=active&platform={p['platform']}"
    ambassadors = "/accounts/?classification=student_ambassador"
    out = [
        ("anonymous", "trivial view", "/__bench__/trivial/", "trivial"),
        ("anonymous", "login page", "/login/", ""),
        ("anonymous", "directory", "/directory/", "directory"),
        ("anonymous", "directory, searched", f"/directory/?q={q}", "directory"),
        ("comms", "trivial view", "/__bench__/trivial/", "trivial"),
        ("comms", "inventory", "/accounts/", "inventory"),
        ("comms", "inventory, page 3", "/accounts/?page=3", "inventory"),
        ("comms", "inventory, filtered (status, platform)", by_platform, "inventory"),
        ("comms", "inventory, filtered (unit)", f"/accounts/?unit={mid}", "inventory"),
        ("comms", "inventory, filtered (student ambassadors)", ambassadors, "inventory"),
        ("comms", "inventory, searched", f"/accounts/?q={q}", "inventory"),
        ("comms", "inventory, sorted by unit", "/accounts/?sort=unit", "inventory"),
        ("comms", "units list", "/units/", "unit"),
        ("comms", "unit 1 (KI root)", "/units/1/", "unit"),
        ("comms", "unit, mid-size division", f"/units/{mid}/", "unit"),
        ("comms", "compliance overview", "/compliance/", ""),
        ("comms", "API accounts", "/api/v1/accounts/", ""),
        ("comms", "account page", f"/accounts/{acct}/", ""),
        ("comms", "account monitoring", f"/accounts/{acct}/monitoring/", ""),
        ("comms", "to do", "/todo/", ""),
        ("comms", "removed posts (account)", f"/accounts/{acct}/removed-posts/", ""),
        ("comms", "questions (account)", f"/accounts/{acct}/questions/", ""),
        ("comms", "blocks (account)", f"/accounts/{acct}/blocks/", ""),
        ("comms", "report form", "/reports/", ""),
        ("comms", "report, small division", f"/reports/?unit={report_unit}&half={p['half']}", ""),
        ("comms", "export jobs", "/reports/exports/jobs/", ""),
        ("manager", "trivial view", "/__bench__/trivial/", "trivial"),
        ("manager", "to do (requests to decide)", "/todo/", ""),
        ("manager", "inventory", "/accounts/", "inventory"),
        ("manager", "inventory, searched", f"/accounts/?q={q}", "inventory"),
        ("manager", "unit, own department", f"/units/{dept}/", "unit"),
        ("manager", "compliance overview", "/compliance/", ""),
        ("manager", "request to decide", f"/requests/{p['pending'][0]}/", ""),
        ("owner", "trivial view", "/__bench__/trivial/", "trivial"),
        ("owner", "today", "/today/", ""),
        ("owner", "my accounts", "/accounts/mine/", ""),
        ("owner", "account page", f"/accounts/{acct}/", ""),
        ("owner", "to do", "/todo/", ""),
        ("owner", "inventory", "/accounts/", "inventory"),
    ]
    if "registrar" in p:  # bench/seeding_lists.py seeded the list pages' records
        out += list_pages(p)
    return out


# The registers' queues (accounts.registers.QUEUES): the same addresses as their links.
QUEUE = "/registers/{register}/?state={state}&queue={queue}"


def _queue(register: str, state: str, queue: str) -> str:
    return QUEUE.format(register=register, state=state, queue=queue)


def list_pages(p: dict) -> list[tuple[str, str, str, str]]:
    """The list pages of issues 14 to 17 (registers, queues, search, catalogue, impostor cases,
    webhooks, publishers, covers, accessibility and delivered reports, people, the feed, the
    audit trail), on the records bench/seeding_lists.py seeded. kind "list": the size, ratio and
    query-count targets apply (not the ×trivial one)."""
    acct, mid, dept, q = p["account"], p["mid_unit"], p["department"], searched(p)
    # the measured account's unit and platform: records at every size (older picks: the mid unit)
    filtered_unit, filtered_platform = p.get("account_unit", mid), p.get("account_platform", p["platform"])
    registers = [
        ("removed posts", "removed-posts"),
        ("questions", "questions"),
        ("blocks", "blocks"),
        ("media consents", "media-consents"),
        ("records requests", "records-requests"),
        ("decisions", "decisions"),
    ]
    out = [("comms", "registers", "/registers/", "list")]
    out += [("comms", f"register: {label}", f"/registers/{slug}/", "list") for label, slug in registers]
    out += [
        (
            "comms",
            "register: removed posts, filtered (unit, platform)",
            f"/registers/removed-posts/?unit={filtered_unit}&platform={filtered_platform}",
            "list",
        ),
        ("comms", "register: questions, sorted by due", "/registers/questions/?state=open&sort=-due", "list"),
        ("comms", "register: decisions, page 3", "/registers/decisions/?page=3", "list"),
        ("comms", "queue: questions overdue", _queue("questions", "overdue", "questions-overdue"), "list"),
        (
            "comms",
            "queue: removed posts not registered",
            _queue("removed-posts", "unregistered", "removed-posts-unregistered"),
            "list",
        ),
        ("comms", "queue: blocks due for review", _queue("blocks", "review_due", "blocks-review-due"), "list"),
        ("comms", "search, many matches", f"/search/?q={q}", "list"),
        ("comms", "search, few matches", "/search/?q=Registrar", "list"),
        ("comms", "search, all accounts found", f"/search/?q={q}&kind=accounts", "list"),
        ("comms", "platform catalogue", "/platforms/", "list"),
        ("comms", "platforms, review overdue", "/platforms/?review=overdue", "list"),
        ("comms", "impostor cases", "/impostor-cases/", "list"),
        ("comms", "impostor cases, new", "/impostor-cases/?status=new", "list"),
        ("comms", "impostor case", f"/impostor-cases/{p['impostor_case']}/", "list"),
        ("comms", "webhooks", "/webhooks/", "list"),
        ("comms", "webhook delivery log", f"/webhooks/{p['webhook']}/", "list"),
        ("comms", "accessibility reports", "/accessibility/reports/", "list"),
        ("comms", "people", "/people/", "list"),
        ("comms", "people, searched", "/people/?q=bench00", "list"),
        ("comms", "person page", f"/people/{p['person']}/", "list"),
        ("comms", "people search (JSON)", "/people/search/?q=bench00", "list"),
        ("comms", "account search (JSON)", f"/accounts/search/?q={q}", "list"),
        ("comms", "publishers (access)", f"/accounts/{acct}/access/", "list"),
        ("comms", "account history (audit trail)", f"/accounts/{acct}/history/", "list"),
        ("comms", "media consents (account)", f"/accounts/{acct}/consents/", "list"),
        ("comms", "weeding (account)", f"/accounts/{acct}/weeding/", "list"),
        ("comms", "screenshots (account)", f"/accounts/{acct}/snapshots/", "list"),
        ("comms", "covers (account)", f"/accounts/{acct}/monitoring/cover/", "list"),
        ("comms", "records requests", "/records-requests/", "list"),
        ("comms", "partners", "/accounts/partners/", "list"),
        ("comms", "API tokens (own)", "/profile/api-tokens/", "list"),
        ("anonymous", "known impostors", "/impostors/", "list"),
        ("anonymous", "directory feed (Atom)", "/directory/feed.atom", "list"),
        ("registrar", "trivial view", "/__bench__/trivial/", "trivial"),
        ("registrar", "registers", "/registers/", "list"),
        (
            "registrar",
            "queue: decisions without a reference",
            _queue("decisions", "awaiting_reference", "registrar-decisions"),
            "list",
        ),
        (
            "registrar",
            "queue: removed posts without a reference",
            _queue("removed-posts", "awaiting_reference", "registrar-removed-posts"),
            "list",
        ),
        (
            "registrar",
            "queue: questions without a reference",
            _queue("questions", "awaiting_reference", "registrar-questions"),
            "list",
        ),
        ("registrar", "records requests", "/records-requests/", "list"),
        ("registrar", "records request", f"/records-requests/{p['records_request']}/", "list"),
        ("auditor", "trivial view", "/__bench__/trivial/", "trivial"),
        ("auditor", "register: decisions", "/registers/decisions/", "list"),
        ("auditor", "register: records requests", "/registers/records-requests/", "list"),
        ("auditor", "platform catalogue", "/platforms/", "list"),
        ("auditor", "impostor cases", "/impostor-cases/", "list"),
        ("manager", "register: removed posts", "/registers/removed-posts/", "list"),
        ("manager", "register: questions, unanswered", "/registers/questions/?state=open", "list"),
        ("manager", "register: decisions", "/registers/decisions/", "list"),
        ("manager", "response times, own department", f"/units/{dept}/questions/", "list"),
        ("manager", "to do: requests to decide", "/todo/to_decide/", "list"),
        ("manager", "retroactive approvals", "/retroactive/", "list"),
        ("manager", "report form (delivered reports)", "/reports/", "list"),
        ("owner", "register: blocks", "/registers/blocks/", "list"),
        ("owner", "publishers (access)", f"/accounts/{acct}/access/", "list"),
        ("owner", "access review", f"/accounts/{acct}/access/review/", "list"),
        ("owner", "absences", "/absences/", "list"),
    ]
    if "leaver" in p:  # (a database the first version of seeding_lists.py seeded has none)
        out.append(("comms", "a leaver's handover", f"/people/{p['leaver']}/handover/", "list"))
    return out


# --------------------------------------------------------------------------- processes
