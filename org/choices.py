from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitKind(models.TextChoices):
    UNIVERSITY_ADMINISTRATION = "administration", _("University administration")
    OFFICE = "office", _("Office")
    DEPARTMENT = "department", _("Department")
    DIVISION = "division", _("Division")
    CENTRE = "centre", _("Centre")
    RESEARCH_GROUP = "group", _("Research group")


class Language(models.TextChoices):
    SWEDISH = "sv", _("Swedish")
    ENGLISH = "en", _("English")


class NotificationMode(models.TextChoices):
    """How a person receives the portal's e-mails (issue 13)."""

    IMMEDIATE = "immediate", _("Each e-mail at once")
    DIGEST = "digest", _("One daily digest")


class IdentityProvider(models.TextChoices):
    """Where a person's single sign-on identity comes from (issue 13)."""

    OIDC = "oidc", _("OpenID Connect")
    SAML = "saml", _("SAML (SWAMID)")
