from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Category(models.TextChoices):
    """Why a post or comment was removed: CONT-1 (a)–(f), or the account's own rules."""

    SENSITIVE_PERSONAL_DATA = "a_personal_data", _("(a) Sensitive personal data")
    CLASSIFIED = "b_classified", _("(b) Classified information")
    DEFAMATION = (
        "c_defamation",
        _("(c) Defamation, personal attacks, violation of personal integrity or agitation against a population group"),
    )
    INCITEMENT = (
        "d_incitement",
        _(
            "(d) Incitement, unlawful threats, unlawful depiction of violence, child sexual abuse material or "
            "solicitation of crime"
        ),
    )
    COPYRIGHT = "e_copyright", _("(e) Unauthorised use of copyrighted material")
    ADVERTISING = "f_advertising", _("(f) Advertising or product placement")
    ACCOUNT_RULES = "rules", _("Another breach of the account's rules")


class Poster(models.TextChoices):
    VISITOR = "visitor", _("A visitor")
    STAFF = "staff", _("KI staff")


class InquiryKind(models.TextChoices):
    QUESTION = "question", _("Question")
    CRITICISM = "criticism", _("Criticism of KI")
    COMPLAINT = "complaint", _("Complaint")
    OTHER = "other", _("Other")


class HandOff(models.TextChoices):
    REGISTRY = "registry", _("Sent to the unit's registry")
    ARCHIVE = "archive", _("Kept in the portal's archive")


class BlockAction(models.TextChoices):
    BLOCK = "block", _("Blocked")
    MUTE = "mute", _("Muted")


class RequestStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("request status", "Open")
    CLOSED = "closed", pgettext_lazy("request status", "Closed")


class ConsentForm(models.TextChoices):
    ORAL = "oral", _("Oral")
    WRITTEN = "written", _("Written")
    GROUP_INFORMED = "group", _("Group informed, with a chance to object")


class WithdrawalChannel(models.TextChoices):
    """How a media consent was withdrawn (MEDIA-1): as the person told KI."""

    EMAIL = "email", _("By e-mail")
    LETTER = "letter", _("By letter")
    PHONE = "phone", _("By telephone")
    IN_PERSON = "in_person", _("In person")
    PLATFORM = "platform", _("In a message on the platform")
    OTHER = "other", _("Otherwise")


# Impostor cases (issue 14): records.impostor_models


class CaseStatus(models.TextChoices):
    NEW = "new", _("New")
    TRIAGED = "triaged", _("Triaged")
    TAKEDOWN_REQUESTED = "takedown_requested", _("Takedown requested")
    CLOSED = "closed", _("Closed")


OPEN_CASE_STATUSES = (CaseStatus.NEW, CaseStatus.TRIAGED, CaseStatus.TAKEDOWN_REQUESTED)


class CaseVerdict(models.TextChoices):
    OFFICIAL = "official", _("Official after all")
    IMPOSTOR = "impostor", _("Impostor")
    PARODY = "parody", _("Parody")
    NOT_KI = "not_ki", _("Not about KI")


# A takedown is asked for only where the account misuses KI's name.
TAKEDOWN_VERDICTS = (CaseVerdict.IMPOSTOR, CaseVerdict.PARODY)


class CaseOutcome(models.TextChoices):
    REMOVED = "removed", _("Removed by the platform")
    REFUSED = "refused", _("Platform refused")
    NO_ACTION = "no_action", _("No action needed")
