from django.db import models
from django.utils.translation import gettext_lazy as _


class AccountStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    AWAITING_MANAGER = "awaiting_manager", _("Awaiting manager")
    AWAITING_COMMS = "awaiting_comms", _("Awaiting communications department")
    RETURNED = "returned", _("Returned for changes")
    REJECTED = "rejected", _("Rejected")
    APPROVED = "approved", _("Approved")
    ACTIVE = "active", _("Active")
    DECOMMISSIONING = "decommissioning", _("Being decommissioned")
    DECOMMISSIONED = "decommissioned", _("Decommissioned")


S = AccountStatus

# The lifecycle (DESIGN.md), declared once as data: the only moves the lifecycle service allows.
TRANSITIONS: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.AWAITING_MANAGER}),
    S.AWAITING_MANAGER: frozenset({S.AWAITING_COMMS, S.RETURNED, S.REJECTED}),
    S.AWAITING_COMMS: frozenset({S.APPROVED, S.RETURNED, S.REJECTED}),
    S.RETURNED: frozenset({S.AWAITING_MANAGER}),
    S.REJECTED: frozenset(),
    S.APPROVED: frozenset({S.ACTIVE}),
    S.ACTIVE: frozenset({S.DECOMMISSIONING}),
    S.DECOMMISSIONING: frozenset({S.DECOMMISSIONED, S.ACTIVE}),
    S.DECOMMISSIONED: frozenset(),
}

# States in which an account exists on its platform and must be governed.
LIVE_STATUSES = frozenset({S.ACTIVE, S.DECOMMISSIONING})
# States of a request that has not yet been decided.
PENDING_STATUSES = frozenset({S.DRAFT, S.AWAITING_MANAGER, S.AWAITING_COMMS, S.RETURNED})


class Classification(models.TextChoices):
    OFFICIAL = "official", _("Official KI channel")
    # PRIV-3: student ambassadors post on KI's behalf but are not official spokespersons.
    STUDENT_AMBASSADOR = "student_ambassador", _("Student ambassador account")


class Role(models.TextChoices):
    OWNER = "owner", _("Account owner")
    DEPUTY = "deputy", _("Deputy")


class Origin(models.TextChoices):
    REQUEST = "request", _("Requested through the portal")
    IMPORT = "import", _("Imported existing account")
    REGISTERED = "registered", _("Registered by the communications department")


class SenderCheck(models.TextChoices):
    """The sender checklist (SEND-1..3, INF-1), confirmed item by item before an account is active."""

    KI_IN_DESCRIPTION = "ki_in_description", _("“Karolinska Institutet” is written in the profile description")
    LINK_TO_KI = "link_to_ki", _("The profile description links to ki.se")
    NAME_SAYS_UNIT = "name_says_unit", _("The account name says which part of KI is the sender")
    LOGO = "logo", _("KI's logo is the profile picture")
    COVER_IMAGE = "cover_image", _("The cover image reflects the activity")
    VISITOR_NOTICE = (
        "visitor_notice",
        _("The description says that messages are public records and that posts breaking the law may be removed"),
    )


# Clauses each sender-checklist item serves.
SENDER_CHECK_CLAUSES = {
    SenderCheck.KI_IN_DESCRIPTION: "SEND-1, SEND-2",
    SenderCheck.LINK_TO_KI: "SEND-2",
    SenderCheck.NAME_SAYS_UNIT: "SEND-2",
    SenderCheck.LOGO: "SEND-3",
    SenderCheck.COVER_IMAGE: "SEND-3",
    SenderCheck.VISITOR_NOTICE: "INF-1",
}


class HandoverStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the new owner")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    CANCELLED = "cancelled", _("Cancelled")


class SnapshotKind(models.TextChoices):
    START_PAGE = "start_page", _("Start page (REC-5)")
    BEFORE_CHANGE = "before_change", _("Start page before a major change (REC-5)")
    FINAL_PAGE = "final_page", _("Final page at decommissioning")
    REMOVED_POST = "removed_post", _("Removed post (CONT-2)")
    KI_REPLY = "ki_reply", _("KI's reply (REC-4)")
    INQUIRY = "inquiry", _("Question or comment (REC-3)")


# Kinds that count as the half-yearly start-page screenshot (REC-5).
START_PAGE_KINDS = frozenset({SnapshotKind.START_PAGE, SnapshotKind.BEFORE_CHANGE, SnapshotKind.FINAL_PAGE})


class PublisherStatus(models.TextChoices):
    """A publisher's access (START-1): added by the owner, confirmed by the responsible manager."""

    PENDING = "pending", _("Waiting for the manager")
    CONFIRMED = "confirmed", _("Confirmed")
    DECLINED = "declined", _("Declined")
    REMOVED = "removed", _("Access removed")


# Publishers who have, or are about to get, access on the platform.
CURRENT_PUBLISHER_STATUSES = frozenset({PublisherStatus.PENDING, PublisherStatus.CONFIRMED})


class PlatformRole(models.TextChoices):
    """What a publisher may do on the platform."""

    ADMINISTRATOR = "administrator", _("Administrator")
    EDITOR = "editor", _("Editor (publishes)")
    MODERATOR = "moderator", _("Moderator (answers and moderates comments)")
    ANALYST = "analyst", _("Analyst (reads statistics)")
    ADVERTISER = "advertiser", _("Advertiser")


class ReportStatus(models.TextChoices):
    """An accessibility problem reported about the portal itself (DOS-lagen, issue 15)."""

    OPEN = "open", _("Open")
    ANSWERED = "answered", _("Answered")


class CollectorKind(models.TextChoices):
    """How the portal looks at a public profile on the platform by itself (issue 17, watching):
    which public source its collector reads. Chosen per platform in the catalogue."""

    NONE = "", _("Not watched")
    YOUTUBE = "youtube", _("YouTube channel feed")
    MASTODON = "mastodon", _("Mastodon public API")
    BLUESKY = "bluesky", _("Bluesky public API")
    FEED = "feed", _("RSS or Atom feed")
    REACHABLE = "reachable", _("Profile page reachable")
    MANUAL = "manual", _("Manual unless a token is configured")
    # The platforms' own APIs (watching.api_collectors): manual until the catalogue's token setting holds a token.
    X_API = "x-api", _("X API v2 (needs a token)")
    FACEBOOK_API = "facebook-api", _("Meta Graph API, Facebook Page (needs a token)")
    INSTAGRAM_API = "instagram-api", _("Meta Graph API, Instagram business discovery (needs a token)")
    LINKEDIN_API = "linkedin-api", _("LinkedIn API, organization page (needs a token)")
