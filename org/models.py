import hashlib

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _

from org import roles
from org.choices import IdentityProvider, Language, NotificationMode, UnitKind

PATH_SEPARATOR = "/"


def ancestor_paths(path: str) -> list[str]:
    """The paths of the unit at ``path`` and of every unit above it, root first (no model
    instance needed: the directory asks this for every unit of a page)."""
    parts = [p for p in path.split(PATH_SEPARATOR) if p]
    return [PATH_SEPARATOR.join(parts[: i + 1]) + PATH_SEPARATOR for i in range(len(parts))]


class BaseModel(models.Model):
    """Supplies created_at and updated_at to every model of the portal."""

    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


def person_name(first_name: str, last_name: str, username: str) -> str:
    """How a person is named on the pages (User.__str__): the full name, or the username if
    there is none. Lists that read only these three columns name people the same way."""
    return f"{first_name} {last_name}".strip() or username


class User(AbstractUser):
    """A member of KI staff who logs in to the portal."""

    language = models.CharField(
        _("language"),
        max_length=2,
        choices=Language,
        default=Language.SWEDISH,
        help_text=_("The language of the e-mails the portal sends you."),
    )
    notification_mode = models.CharField(
        _("e-mail delivery"),
        max_length=10,
        choices=NotificationMode,
        default=NotificationMode.IMMEDIATE,
        help_text=_("Receive each e-mail at once, or the day's reminders and decisions in one digest."),
    )
    unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("unit"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
        help_text=_("The unit the person works at, from single sign-on or an import."),
    )
    left_on = models.DateField(
        _("left KI on"),
        null=True,
        blank=True,
        help_text=_("The day the person left KI; their accounts need a new owner or deputy."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["first_name", "last_name", "username"]
        constraints = [
            models.CheckConstraint(condition=Q(language__in=Language.values), name="org_user_language_valid"),
            models.CheckConstraint(
                condition=Q(notification_mode__in=NotificationMode.values), name="org_user_notification_mode_valid"
            ),
        ]
        # The username or e-mail address typed exactly (org.selectors.person_exact, iexact, issue
        # 12): the person pickers and the search page read these first, by a B-tree.
        indexes = [
            models.Index(Upper("username"), name="org_user_username_upper"),
            models.Index(Upper("email"), name="org_user_email_upper"),
            # The People page's order (org.selectors.person_list): a page is the first rows of
            # this index, not a sort of everyone (issue 12).
            models.Index(fields=["first_name", "last_name", "username", "id"], name="org_user_name_order"),
        ]

    def __str__(self):
        return person_name(self.first_name, self.last_name, self.username)

    @property
    def is_pending(self) -> bool:
        """Named by an import or by comms, but has never logged in (issue 13): reminders reach them
        by e-mail meanwhile, and their first single sign-on links them to this row."""
        return self.last_login is None

    @property
    def has_left(self) -> bool:
        return self.left_on is not None


class ExternalIdentity(BaseModel):
    """A person's stable identity at a single sign-on provider: OIDC's ``sub`` or SAML's
    ``eduPersonPrincipalName``. The key by which a returning person is found, whatever their
    e-mail address or name has become since (org.sso)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="identities"
    )
    provider = models.CharField(_("provider"), max_length=10, choices=IdentityProvider)
    subject = models.CharField(_("identifier at the provider"), max_length=255)
    last_login_at = models.DateTimeField(_("last login"), null=True, blank=True)

    class Meta:
        verbose_name = _("single sign-on identity")
        verbose_name_plural = _("single sign-on identities")
        constraints = [
            models.UniqueConstraint(fields=["provider", "subject"], name="org_identity_provider_subject_unique"),
            models.CheckConstraint(
                condition=Q(provider__in=IdentityProvider.values), name="org_identity_provider_valid"
            ),
        ]

    def __str__(self):
        return f"{self.provider}:{self.subject}"


class UnitQuerySet(models.QuerySet):
    def subtree(self, unit: "Unit"):
        """The unit and every unit below it, at any depth: one indexed prefix query."""
        return self.filter(path__startswith=unit.path)

    def managed_by(self, user):
        """The units this user is the responsible manager of, each with every unit below it (RESP-1).
        The one place that turns "manages" into a query; match accounts with `unit__in=` this."""
        condition = Q(pk__in=[])  # matches nothing: a user who manages no unit
        for path in roles.managed_unit_paths(user):
            condition |= Q(path__startswith=path)
        return self.filter(condition)

    def overseen_by(self, user):
        """The units whose accounts, figures, reports and audit trail the user may read as a whole:
        every unit for the communications department and auditors, the managed subtrees for a
        responsible manager (RESP-1), none for anyone else. roles.oversees_unit is its predicate."""
        return self.all() if roles.sees_everything(user) else self.managed_by(user)

    def open(self):
        """Units not closed: what the tree and every unit picker offer. A closed unit keeps its page
        (read-only, naming its successor) and stays on the decisions and findings of its time."""
        return self.filter(closed_on__isnull=True)

    def ancestors_of(self, unit: "Unit", *, include_self: bool = True):
        """The units above this one (nearest last when ordered by depth)."""
        paths = unit.ancestor_paths()
        if not include_self:
            paths = paths[:-1]
        return self.filter(path__in=paths).order_by("depth")


class Unit(BaseModel):
    """A part of KI's organisation: the university administration, an office, a department,
    a division, a centre or a research group. The tree is kept as a materialised path
    ("00000001/00000004/") so that a unit with everything below it is one prefix query."""

    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible manager"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="managed_units",
        help_text=_("The manager with operational responsibility for the unit (RESP-1)."),
    )
    registry_email = models.EmailField(
        _("registry e-mail address"),
        blank=True,
        help_text=_("Where records to be registered (diarieförda) are sent."),
    )
    code = models.CharField(
        _("organisation code"),
        max_length=40,
        unique=True,
        null=True,
        blank=True,
        help_text=_("KI's code for the unit; the unit tree import matches units by it."),
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True, editable=False)
    successor = models.ForeignKey(
        "self",
        verbose_name=_("successor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="predecessors",
        help_text=_("The unit that took over this one's accounts when it was closed or merged."),
    )
    # Kept by org.services; unique=True gives PostgreSQL a pattern index for the prefix query.
    path = models.CharField(max_length=255, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField(default=1, editable=False)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=UnitKind.values), name="org_unit_kind_valid"),
        ]
        # The inventory sorted by unit (ORDER BY unit name, account id, LIMIT 25): PostgreSQL walks
        # the units by name and each unit's accounts through their unit index (an incremental sort
        # that stops after the page) instead of sorting every account (issue 12: 415 ms -> 3 ms at
        # 100 000 accounts, docs/performance.md).
        indexes = [models.Index(fields=["name"], name="org_unit_name")]

    def __str__(self):
        return self.display_name

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("org:unit-detail", args=[self.pk])

    @property
    def display_name(self) -> str:
        from django.utils.translation import get_language

        if self.name_en and (get_language() or "sv").startswith("en"):
            return self.name_en
        return self.name

    @property
    def is_closed(self) -> bool:
        return self.closed_on is not None

    def ancestor_paths(self) -> list[str]:
        """The paths of this unit and of every unit above it, root first."""
        return ancestor_paths(self.path)


class Absence(BaseModel):
    """A period when a person is away (leave, holiday); drives the coverage-gap rule (MON-2, RES-2)."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.CASCADE, related_name="absences"
    )
    first_day = models.DateField(_("first day"))
    last_day = models.DateField(_("last day"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("absence")
        verbose_name_plural = _("absences")
        ordering = ["first_day"]
        indexes = [models.Index(fields=["person", "first_day", "last_day"], name="org_absence_person_days")]
        constraints = [
            models.CheckConstraint(
                condition=Q(last_day__gte=models.F("first_day")),
                name="org_absence_days_ordered",
                violation_error_message=_("The last day cannot be before the first day."),
            ),
        ]

    def __str__(self):
        return f"{self.person}: {self.first_day}–{self.last_day}"


API_TOKEN_PREFIX = "kip_"


class ApiTokenQuerySet(models.QuerySet):
    def usable(self, now):
        """Tokens that still authenticate: not revoked and not expired."""
        return self.filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now), revoked_at__isnull=True)


class ApiToken(BaseModel):
    """A personal token for the REST API: it acts as its user and sees what the user sees.

    Only the SHA-256 digest of the secret is stored; the secret is shown once, when the token is
    created. `prefix` is the secret's harmless beginning, so the user can tell tokens apart.
    Tokens are revoked, never deleted, so the audit trail keeps pointing at them.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100, help_text=_("What the token is for, e.g. the script using it."))
    prefix = models.CharField(_("beginning of the token"), max_length=16, editable=False)
    digest = models.CharField("SHA-256", max_length=64, unique=True, editable=False)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"], name="org_apitoken_user")]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def digest_of(secret: str) -> str:
        return hashlib.sha256(secret.encode()).hexdigest()

    def is_usable(self, now) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)
