"""The platform catalogue's rule (issue 14): a platform KI uses or allows whose yearly review is
overdue. A subject rule (monitoring.subject_rules), not an account finding: the sweep counts it,
the weekly digest lists it for the communications department, and their queue is the platform
list filtered to it (accounts.platform_views, ``?review=overdue``)."""

from django.utils.translation import gettext_lazy as _

from accounts.models import Platform
from monitoring.choices import Severity
from monitoring.subject_rules import SubjectRule, register
from org.calendar import local_day


def review_overdue(now):
    """Platforms allowed for new accounts or with an open account, whose catalogue entry (terms of
    service, where data is processed, third-country transfer, data-protection assessment) was
    never reviewed or not within a year."""
    return Platform.objects.review_overdue(local_day(now))


PLATFORM_REVIEW_OVERDUE = register(
    SubjectRule(
        id="platform-review-overdue",
        clauses="START-2",
        severity=Severity.MEDIUM,
        title=_("Platforms whose yearly review is overdue"),
        fix=_("Review the platform's terms of service, data processing and assessment, and record the date."),
        subjects=review_overdue,
        url_name="platforms:list",
    )
)
