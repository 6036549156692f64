"""Writing an import (step 3 of accounts.imports): :func:`import_apply` adds the pending people and
creates the accounts of a dry run, all or nothing."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts import services
from accounts.choices import Origin
from accounts.imports.planning import ImportPlan
from accounts.models import SocialAccount
from core.exceptions import ApplicationError, NotAllowed
from org import roles
from org.services import person_create


@transaction.atomic
def import_apply(*, actor, plan: ImportPlan) -> list[SocialAccount]:
    """Create every account the dry run would create: active, origin "import" (awaiting a
    retroactive approval, START-1), with owner and deputy (RES-2; the deputy may be missing, which
    the compliance sweep reports) and audit events. People the file names by e-mail who are not
    users yet are first added once each as pending people (org.services.person_create, audited
    ``user.create``).

    All or nothing: if a row became a duplicate since the dry run, or fails the service's
    checks, nothing is written and ApplicationError says which row.
    """
    if not roles.can_edit_registry(actor):
        raise NotAllowed(_("Only the communications department may import accounts."))
    rows = plan.to_create
    if not rows:
        raise ApplicationError(_("The file has no accounts to create."))

    # Someone may have registered one of these accounts since the dry run. The unique constraint
    # would stop it anyway; checking first names the row and the account.
    wanted = {(r.platform.pk, r.handle): r for r in rows}
    taken = SocialAccount.objects.filter(handle__in={r.handle for r in rows}).only("pk", "name", "platform", "handle")
    for account in taken:
        row = wanted.get((account.platform_id, account.handle))
        if row is not None:
            raise ApplicationError(
                _(
                    "Row %(row)s was registered as “%(name)s” (number %(pk)s) after the dry run. "
                    "Nothing was imported; check the file again."
                )
                % {"row": row.row, "name": account.name, "pk": account.pk}
            )

    people = {}
    for person in plan.pending_people:
        try:
            people[person.key] = person_create(
                actor=actor, first_name=person.first_name, last_name=person.last_name, email=person.email
            )
        except ApplicationError as exc:  # someone with this address was added since the dry run
            raise ApplicationError(
                _("%(email)s: %(error)s Nothing was imported.") % {"email": person.email, "error": exc.message}
            ) from exc

    created = []
    for row in rows:
        owner, deputy = row.owner, row.deputy
        if "owner" in row.pending:
            owner = people[row.pending["owner"].key]
        if "deputy" in row.pending:
            deputy = people[row.pending["deputy"].key]
        try:
            created.append(
                services.social_account_create(
                    actor=actor, owner=owner, deputy=deputy, origin=Origin.IMPORT, **row.account_fields()
                )
            )
        except ApplicationError as exc:  # never NotAllowed: the actor was checked above
            raise ApplicationError(
                _("Row %(row)s: %(error)s Nothing was imported.") % {"row": row.row, "error": exc.message}
            ) from exc
        except ValidationError as exc:
            raise ApplicationError(
                _("Row %(row)s: %(error)s Nothing was imported.") % {"row": row.row, "error": " ".join(exc.messages)}
            ) from exc
    return created
