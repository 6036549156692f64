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
