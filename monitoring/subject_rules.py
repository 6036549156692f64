"""Rules about things other than an account (issue 14): a platform whose review is overdue, an
impostor case left without action, and the like.

A `Finding` is one account breaking one rule (RES-2: at most one open per account and rule), so
these rules do not open findings. Each is a set-based queryset of the subjects breaking it at a
moment. The sweep counts them in its run (evidence that they were checked), the weekly digest lists
them for the communications department (COMMS-1), and the app that owns the subject shows them in
its queue. Apps register their rules here with `register`, as they do with monitoring.rules.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import QuerySet


@dataclass(frozen=True)
class SubjectRule:
    id: str
    clauses: str
    severity: str
    title: str
    fix: str
    # The subjects breaking the rule at a moment (a queryset: counted, or listed a page at a time).
    subjects: Callable[[datetime.datetime], QuerySet]
    # The page listing them (a URL name without arguments), for the digest and the queue links.
    url_name: str


SUBJECT_RULES: dict[str, SubjectRule] = {}


def register(rule: SubjectRule) -> SubjectRule:
    SUBJECT_RULES[rule.id] = rule
    return rule


def subject_counts(now: datetime.datetime) -> list[tuple[SubjectRule, int]]:
    """Each registered rule with how many subjects break it now (one COUNT query per rule)."""
    return [(rule, rule.subjects(now).order_by().count()) for rule in SUBJECT_RULES.values()]
