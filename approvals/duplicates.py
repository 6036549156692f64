"""Likely duplicates of a requested account, for the communications department (START-2).

Two kinds of reasons, each shown with the suggestion:
1. the same platform in the same unit, in a unit above it or in a unit below it;
2. a similar name, handle or purpose anywhere in KI (trigram similarity, as PostgreSQL's pg_trgm
   computes it).

On PostgreSQL, pg_trgm narrows the candidates in the database; the final score is always computed
here in Python with the same formula, so SQLite and PostgreSQL rank the same data the same way.
"""

import re
from dataclasses import dataclass, field

from django.contrib.postgres.search import TrigramSimilarity
from django.db import connection
from django.db.models import Q
from django.db.models.functions import Greatest
from django.utils.translation import gettext_lazy as _

from accounts.choices import AccountStatus
from accounts.models import SocialAccount

SIMILARITY_THRESHOLD = 0.3
# Purposes share many words ("KI", "forskning", "strategi"): only a close match is a signal.
PURPOSE_THRESHOLD = 0.5
# The database pre-filter is looser than the final threshold, so that no rounding difference
# between pg_trgm and this module can drop a candidate.
PREFILTER_THRESHOLD = 0.2
STRUCTURAL_SCORES = {"same_unit": 1.0, "unit_above": 0.9, "unit_below": 0.85}
REASON_TEXT = {
    "same_unit": _("Same platform in the same unit"),
    "unit_above": _("Same platform in a unit above"),
    "unit_below": _("Same platform in a unit below"),
    "name": _("Similar name"),
    "handle": _("Similar handle"),
    "purpose": _("Similar purpose"),
}
CLOSED = (AccountStatus.REJECTED, AccountStatus.DECOMMISSIONED)
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def trigrams(text: str) -> set[str]:
    """pg_trgm's trigrams: lower-cased words, each padded with two spaces before and one after."""
    result: set[str] = set()
    for word in _WORD.findall((text or "").lower()):
        padded = f"  {word} "
        result.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return result


def similarity(a: str, b: str) -> float:
    """pg_trgm's similarity(): shared trigrams over all distinct trigrams of both."""
    ta, tb = trigrams(a), trigrams(b)
    if not ta or not tb:
        return 0.0
    return len(ta & tb) / len(ta | tb)


@dataclass
class Suggestion:
    account: SocialAccount
    score: float
    reasons: list[tuple[str, str]] = field(default_factory=list)  # (reason text, detail)


def likely_duplicates(account: SocialAccount, *, limit: int = 10) -> list[Suggestion]:
    """Existing or pending accounts that may serve the same need, best first."""
    others = SocialAccount.objects.exclude(pk=account.pk).exclude(status__in=CLOSED)
    structural = others.filter(platform_id=account.platform_id).filter(
        Q(unit__path__in=account.unit.ancestor_paths()) | Q(unit__path__startswith=account.unit.path)
    )
    if connection.vendor == "postgresql":
        similar = others.annotate(
            best=Greatest(
                TrigramSimilarity("name", account.name),
                TrigramSimilarity("handle", account.handle or account.name),
                TrigramSimilarity("purpose", account.purpose),
            )
        ).filter(best__gte=PREFILTER_THRESHOLD)
    else:
        similar = others
    candidates = {}
    for qs in (structural, similar):
        for candidate in qs.select_related("platform", "unit"):
            candidates[candidate.pk] = candidate

    suggestions = []
    for candidate in candidates.values():
        reasons, score = [], 0.0
        if candidate.platform_id == account.platform_id:
            relation = _relation(account, candidate)
            if relation:
                reasons.append((REASON_TEXT[relation], candidate.unit.name))
                score = max(score, STRUCTURAL_SCORES[relation])
        for attr, threshold, weight in (
            ("name", SIMILARITY_THRESHOLD, 1.0),
            ("handle", SIMILARITY_THRESHOLD, 1.0),
            ("purpose", PURPOSE_THRESHOLD, 0.8),
        ):
            mine = getattr(account, attr) or (account.name if attr == "handle" else "")
            value = similarity(mine, getattr(candidate, attr))
            if value >= threshold:
                reasons.append((REASON_TEXT[attr], f"{value:.0%}"))
                score = max(score, value * weight)
        if reasons:
            suggestions.append(Suggestion(account=candidate, score=round(score, 4), reasons=reasons))
    suggestions.sort(key=lambda s: (-s.score, s.account.name, s.account.pk))
    return suggestions[:limit]


def _relation(account: SocialAccount, candidate: SocialAccount) -> str | None:
    mine, theirs = account.unit.path, candidate.unit.path
    if mine == theirs:
        return "same_unit"
    if mine.startswith(theirs):
        return "unit_above"
    if theirs.startswith(mine):
        return "unit_below"
    return None
