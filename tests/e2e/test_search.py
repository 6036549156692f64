"""The search across everything in a real browser over the demo (issue 14): the demo owner types
words of a question's summary in the header's box and finds the question on their account; the
outsider, who sees the same account because it is public, finds no question at all; axe-core finds
nothing serious on the results page."""

import re

import pytest

from accounts.models import SocialAccount
from org.models import User
from records.models import Inquiry
from tests.e2e.a11y import page_problems

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (requirements-dev.txt)")
expect = sync_api.expect

pytestmark = pytest.mark.e2e

QUESTION = "Hur anmäler man sig till föreläsningen?"


def _without_evidence() -> str:
    """A Swedish-speaking demo user who sees the question's account (it is public) but not its
    records (REC-1, CONT-2)."""
    question = Inquiry.objects.get(summary=QUESTION)
    for username in ("editor4", "editor1", "editor2", "limehead", "epihead", "studenthead"):
        user = User.objects.get(username=username)
        if not SocialAccount.objects.with_evidence_for(user).filter(pk=question.account_id).exists():
            return username
    raise AssertionError("no demo user without the account's evidence")


def _search(page, words: str):
    box = page.get_by_role("search").first.get_by_label("Sök konton, enheter, personer och handlingar")
    box.fill(words)
    with page.expect_navigation():
        box.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sök")


def test_the_owner_finds_a_question_from_the_header_and_an_outsider_does_not(demo, as_user):
    from axe_playwright_python.sync_playwright import Axe

    page = as_user("owner")
    _search(page, "anmäler föreläsningen")
    questions = page.get_by_role("region", name=re.compile("Frågor och kommentarer"))
    expect(questions.get_by_role("link", name=QUESTION)).to_have_count(1)
    problems = page_problems(Axe(), page, "/search/ as the owner")
    assert not problems, "\n".join(problems)

    page = as_user(_without_evidence())
    _search(page, "anmäler föreläsningen")
    expect(page.get_by_role("region", name=re.compile("Frågor och kommentarer"))).to_contain_text("Inga träffar.")
    expect(page.get_by_text(QUESTION)).to_have_count(0)
