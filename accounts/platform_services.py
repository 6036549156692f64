"""Changes to the platform catalogue (issue 14): the one place a Platform row is written.

A platform's address rule is checked before it is saved against the example addresses stored with
it, each with the handle it must give, read with the catalogue as it will be after the change. The
cached catalogue (accounts.urlparse) is dropped when the change commits, so the next address is
read with the new rule in every process: no restart, no deploy.
"""

import re

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts import permissions
from accounts.models import Platform
from accounts.urlparse import BUILTIN_RULES, PlatformRule, UnrecognisedURL, catalogue, catalogue_forget, recognise
from accounts.urlrules import is_public_host
from audit.services import audit_record, diff, snapshot
from core.exceptions import ApplicationError, NotAllowed

# Every field comms edit on the platform form; the audit trail records the changed ones.
PLATFORM_FIELDS = (
    "name",
    "domains",
    "builtin_rule",
    "handle_pattern",
    "url_template",
    "examples",
    "identifier_label",
    "can_disable_comments",
    "has_description",
    "allowed_for_new",
    "content_retrievable",
    "collector",
    "token_setting",
    "tos_reviewed_on",
    "tos_reviewed_by",
    "tos_url",
    "data_location",
    "third_country_transfer",
    "dpia_url",
    "reviewed_on",
)


def _host(text: str) -> str:
    """A host name as the catalogue keeps it: lowercase, without scheme, www. or path."""
    host = text.strip().lower().removeprefix("https://").removeprefix("http://").split("/", 1)[0]
    host = host.removeprefix("www.").rstrip(".")
    if not is_public_host(host):
        raise ApplicationError(_("“%(host)s” is not a host name such as example.com.") % {"host": text.strip()})
    return host


def _check_rule(platform: Platform) -> None:
    """Refuse an address rule that does not compile, lacks its handle group, or gives another
    handle than one of its examples (each error names what to fix)."""
    if platform.builtin_rule and platform.builtin_rule not in BUILTIN_RULES:
        raise ApplicationError(_("Choose a built-in rule from the list."))
    if platform.builtin_rule and platform.handle_pattern:
        raise ApplicationError(_("Choose either a built-in rule or a pattern, not both."))
    if platform.handle_pattern:
        try:
            compiled = re.compile(platform.handle_pattern)
        except re.error as exc:
            raise ApplicationError(
                _("The pattern is not a valid regular expression: %(error)s") % {"error": exc}
            ) from None
        if "handle" not in compiled.groupindex:
            raise ApplicationError(_("The pattern must have a named group (?P<handle>…) for the handle."))
        if not platform.domains:
            raise ApplicationError(_("Give the host names the pattern applies to."))
    if platform.url_template and (
        not platform.url_template.startswith("https://") or "{handle}" not in platform.url_template
    ):
        raise ApplicationError(_("The profile address must start with https:// and contain {handle}."))
    if platform.has_address_rule and not platform.examples:
        raise ApplicationError(_("Give at least one example address with the handle it must give."))
    candidate = catalogue()
    taken = {d: p for p in candidate.platforms.values() if p.slug != platform.slug for d in p.domains}
    for host in platform.domains:
        if host in taken:
            raise ApplicationError(
                _("The host name %(host)s belongs to %(platform)s.") % {"host": host, "platform": taken[host].name}
            )
    candidate = candidate.replace(
        PlatformRule(
            platform.slug,
            platform.name,
            tuple(platform.domains),
            platform.builtin_rule,
            platform.handle_pattern,
            platform.url_template,
        )
    )
    # Every platform's examples, not only this one's: a new host name or rule must not take
    # another platform's addresses (e.g. a Mastodon server's, which any unclaimed host may be).
    others = Platform.objects.exclude(slug=platform.slug).values_list("slug", "examples")
    examples = [(platform.slug, a, h) for a, h in platform.examples]
    examples += [(slug, a, h) for slug, rows in others for a, h in rows]
    for slug, address, handle in examples:
        try:
            found = recognise(address, platforms=candidate)
        except UnrecognisedURL as exc:
            raise ApplicationError(
                _("The example %(address)s is not recognised: %(error)s") % {"address": address, "error": exc}
            ) from None
        if (found.platform, found.handle) != (slug, handle):
            raise ApplicationError(
                _("The example %(address)s gives the handle “%(found)s” of %(platform)s, not “%(handle)s”.")
                % {
                    "address": address,
                    "found": found.handle,
                    "platform": candidate.platforms[found.platform].name,
                    "handle": handle,
                }
            )


def _apply(platform: Platform, changes: dict) -> None:
    unknown = set(changes) - set(PLATFORM_FIELDS)
    if unknown:
        raise TypeError(f"platform fields unknown: {sorted(unknown)}")
    for field, value in changes.items():
        setattr(platform, field, value)
    platform.name = platform.name.strip()
    platform.handle_pattern = platform.handle_pattern.strip()
    platform.url_template = platform.url_template.strip()
    platform.domains = list(dict.fromkeys(_host(d) for d in platform.domains if d.strip()))
    platform.examples = [[a.strip(), h.strip()] for a, h in platform.examples]
    _check_rule(platform)
    platform.full_clean()
    platform.save()
    transaction.on_commit(catalogue_forget)


def _require_editor(actor) -> None:
    if not permissions.can_edit_platforms(actor):
        raise NotAllowed(_("Only the communications department may change the platform catalogue."))


@transaction.atomic
def platform_create(*, actor, slug: str = "", **fields) -> Platform:
    """Add a platform to the catalogue (issue 14): its addresses are recognised at once."""
    _require_editor(actor)
    slug = slugify(slug or fields.get("name", ""))[:30]
    if not slug:
        raise ApplicationError(_("Give the platform a name."))
    if Platform.objects.filter(slug=slug).exists():
        raise ApplicationError(_("A platform with the identifier “%(slug)s” exists already.") % {"slug": slug})
    platform = Platform(slug=slug)
    _apply(platform, fields)
    audit_record(actor=actor, target=platform, action="platform.create", after=snapshot(platform, PLATFORM_FIELDS))
    return platform


@transaction.atomic
def platform_update(*, actor, platform_id: int, **changes) -> Platform:
    """Change a platform's facts or address rule (issue 14); the audit trail keeps the difference."""
    _require_editor(actor)
    platform = Platform.objects.select_for_update().get(pk=platform_id)
    before = snapshot(platform, PLATFORM_FIELDS)
    _apply(platform, changes)
    before, after = diff(before, snapshot(platform, PLATFORM_FIELDS))
    if after:
        audit_record(actor=actor, target=platform, action="platform.update", before=before, after=after)
    return platform
