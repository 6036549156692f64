#!/usr/bin/env python
"""Save the account tables' pages of the demo data as each demo user, normalised, to compare two
versions of the code (issue 12: the pages must show the same after a rendering change).

    python bench/compare_pages.py save DIR [--database-url URL] [--code DIR]
    python bench/compare_pages.py diff DIR_A DIR_B

``save`` seeds the demo (``seed_demo``) into the database when it has no users yet (default: a
SQLite file in /tmp, kept, so that two versions of the code read the same data), then requests,
in Swedish and in English, as anonymous and as every demo user: the inventory (pages 1 and 2,
each filter and sort), "My accounts", every unit page, every register (and filtered), the
public directory (searched, filtered, page 2) and the units list; and writes each page
normalised: one tag or text a line, attributes sorted, whitespace collapsed, CSRF tokens blanked.
``--code`` runs another checkout of the portal (e.g. ``git archive main | tar -x -C DIR``)
with this script.

``diff`` prints the pages that differ (a unified diff of the first few lines each) and exits
non-zero if any does, or if either directory has a page the other lacks.
"""

import argparse
import difflib
import html.parser
import os
import re
import sys
import tempfile
from pathlib import Path

DEFAULT_DB = "sqlite:////tmp/kipolicy-compare-pages.sqlite3"
USERS = ("comms", "manager", "owner", "deputy", "auditor", "registrar")
LANGUAGES = ("sv", "en")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
CSRF = re.compile(r'("X-CSRFToken": ")[^"]*(")')


class Normaliser(html.parser.HTMLParser):
    """One line per start tag (attributes sorted), end tag and non-blank text (whitespace collapsed)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = sorted((k, "" if v is None else v) for k, v in attrs)
        if tag == "input" and ("name", "csrfmiddlewaretoken") in attrs:
            attrs = [(k, "-" if k == "value" else v) for k, v in attrs]
        attrs = [(k, CSRF.sub(r"\1-\2", v)) for k, v in attrs]
        self.lines.append("<" + " ".join([tag, *(f'{k}="{v}"' for k, v in attrs)]) + ">")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if tag not in VOID:
            self.lines.append(f"</{tag}>")

    def handle_data(self, data):
        text = " ".join(data.split())
        if text:
            self.lines.append(text)


def normalise(content: str) -> str:
    parser = Normaliser()
    parser.feed(content)
    parser.close()
    return "\n".join(parser.lines) + "\n"


def page_paths(unit_ids, unit_with_accounts: int, platform: int, registers) -> list[tuple[str, str]]:
    """(name, path) of every page compared, for a logged-in user."""
    paths = [
        ("inventory", "/accounts/"),
        ("inventory-page2", "/accounts/?page=2"),
        ("inventory-status", "/accounts/?status=active"),
        ("inventory-platform", f"/accounts/?platform={platform}"),
        ("inventory-unit", f"/accounts/?unit={unit_with_accounts}"),
        ("inventory-ambassadors", "/accounts/?classification=student_ambassador"),
        ("inventory-searched", "/accounts/?q=ki"),
        ("inventory-nothing", "/accounts/?q=zzzzzz"),
        ("inventory-invalid", "/accounts/?unit=999999"),
        ("inventory-sort-unit", "/accounts/?sort=unit"),
        ("inventory-sort-status", "/accounts/?sort=-status"),
        ("mine", "/accounts/mine/"),
        ("units", "/units/"),
    ]
    paths += [(f"unit-{pk}", f"/units/{pk}/") for pk in unit_ids]
    for slug in registers:
        paths += [
            (f"register-{slug}", f"/registers/{slug}/"),
            (f"register-{slug}-filtered", f"/registers/{slug}/?platform={platform}&unit={unit_with_accounts}"),
        ]
    return paths + directory_paths(unit_with_accounts, platform)


def directory_paths(unit: int, platform: int) -> list[tuple[str, str]]:
    return [
        ("directory", "/directory/"),
        ("directory-page2", "/directory/?page=2"),
        ("directory-searched", "/directory/?q=medicin"),
        ("directory-unit", f"/directory/?unit={unit}"),
        ("directory-platform", f"/directory/?platform={platform}"),
        ("directory-nothing", "/directory/?q=zzzzzz"),
        ("directory-check", "/directory/?check=%40karolinskainstitutet"),
    ]


def save(args) -> int:
    code = Path(args.code).resolve() if args.code else Path(__file__).resolve().parent.parent
    var_dir = tempfile.mkdtemp(prefix="kipolicy-compare-")
    os.environ.update(
        DJANGO_SETTINGS_MODULE="kipolicy.settings_test",
        DATABASE_URL=args.database_url,
        VAR_DIR=var_dir,
        MEDIA_ROOT=str(Path(var_dir) / "media"),
    )
    os.chdir(code)
    sys.path.insert(0, str(code))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.utils import translation

    from accounts.models import Platform, SocialAccount
    from accounts.registers import REGISTERS
    from org.models import Unit, User

    call_command("migrate", verbosity=0)
    if not User.objects.exists():
        call_command("seed_demo", force=True, verbosity=0)
    registers = sorted(REGISTERS)
    unit_ids = list(Unit.objects.order_by("path").values_list("pk", flat=True))
    busiest = SocialAccount.objects.values_list("unit_id", flat=True).order_by("unit_id").first()
    platform = SocialAccount.objects.values_list("platform_id", flat=True).order_by("platform_id").first()
    out = Path(args.dir)
    out.mkdir(parents=True, exist_ok=True)
    n = 0
    backend = settings.AUTHENTICATION_BACKENDS[-1]
    for language in LANGUAGES:
        for who in ("anonymous", *USERS):
            client = Client(HTTP_ACCEPT_LANGUAGE=language)
            client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
            if who == "anonymous":
                paths = directory_paths(busiest, platform)
            else:
                client.force_login(User.objects.get(username=who), backend=backend)
                paths = page_paths(unit_ids, busiest, platform, registers)
            for name, path in paths:
                with translation.override(language):
                    response = client.get(path)
                body = response.content.decode() if response.status_code == 200 else ""
                text = f"{response.status_code} {path}\n" + normalise(body)
                (out / f"{language}-{who}-{name}.txt").write_text(text)
                n += 1
    print(f"{n} pages written to {out} ({Platform.objects.count()} platforms, {len(unit_ids)} units)")
    return 0


def diff(args) -> int:
    a, b = Path(args.a), Path(args.b)
    names_a, names_b = {p.name for p in a.glob("*.txt")}, {p.name for p in b.glob("*.txt")}
    bad = 0
    for name in sorted(names_a ^ names_b):
        print(f"only in {'the first' if name in names_a else 'the second'}: {name}")
        bad += 1
    for name in sorted(names_a & names_b):
        left, right = (a / name).read_text().splitlines(), (b / name).read_text().splitlines()
        if left != right:
            bad += 1
            print(f"--- {name} differs")
            for line in list(difflib.unified_diff(left, right, lineterm="", n=2))[2:40]:
                print(line)
    print(f"{len(names_a & names_b)} pages compared, {bad} differ")
    return 1 if bad else 0


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("save")
    s.add_argument("dir")
    s.add_argument("--database-url", default=DEFAULT_DB)
    s.add_argument("--code", help="the checkout of the portal to run (default: this one)")
    d = sub.add_parser("diff")
    d.add_argument("a")
    d.add_argument("b")
    args = p.parse_args(argv)
    return save(args) if args.command == "save" else diff(args)


if __name__ == "__main__":
    sys.exit(main())
