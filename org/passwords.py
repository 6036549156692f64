"""The portal's own password rule, next to Django's validators (AUTH_PASSWORD_VALIDATORS).

Django's validators refuse short, common, numeric and user-like passwords; none of them knows
the password the demo data publishes (README) or that a password made of the portal's own name
is the first one an attacker tries. This small validator does; Django has no option for it.
The demo seed sets its users' passwords directly and is not affected.
"""

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from audit.services import audit_record
from core.exceptions import ApplicationError

# The portal's name as it appears in its addresses, settings and the published demo password.
PORTAL_NAME = "kipolicy"


class PortalPasswordValidator:
    """Refuse the published demo password and any password containing the portal's own name."""

    def validate(self, password, user=None):
        folded = password.casefold()
        if folded == settings.DEMO_PASSWORD.casefold():
            raise ValidationError(
                _("This is the demo data's published password. Choose another."), code="password_demo"
            )
        if PORTAL_NAME in folded:
            raise ValidationError(
                _("The password cannot contain the portal's name (%(name)s).") % {"name": PORTAL_NAME},
                code="password_portal_name",
            )

    def get_help_text(self):
        return _("Your password cannot be the demo password or contain the portal's name (%(name)s).") % {
            "name": PORTAL_NAME
        }


# --- Local accounts' passwords: the services (issue 13) ---
# Local username/password is kept for the demo and for break-glass administrators; everyone else
# signs in through single sign-on and has an unusable password (org.sso). A password is set only
# here, so that each change is checked against AUTH_PASSWORD_VALIDATORS and audited with the
# person as the target (the trail says whose password changed, when, and by whom).


def _password_set(*, user, password: str) -> None:
    """Check the password rules, then set the password (the caller audits, in its transaction)."""
    try:
        password_validation.validate_password(password, user)
    except ValidationError as error:
        raise ApplicationError(" ".join(error.messages)) from error
    user.set_password(password)
    user.save(update_fields=["password"])


# The password itself is never recorded, nor its hash: only that it changed.


@transaction.atomic
def password_change(*, user, new_password: str) -> None:
    """A logged-in person sets a new password (their old one checked by the form)."""
    _password_set(user=user, password=new_password)
    audit_record(actor=user, target=user, action="password.changed")


@transaction.atomic
def password_reset(*, user, new_password: str) -> None:
    """A person sets a new password through the link of a password-reset e-mail."""
    _password_set(user=user, password=new_password)
    audit_record(actor=user, target=user, action="password.reset")


def password_reset_requested(*, user, client_ip: str | None) -> None:
    """Record that a reset link was e-mailed to the person (asked for by someone not logged in,
    from the address given). Nothing is recorded for an address that has no local account, so
    the trail cannot be filled by someone typing addresses."""
    audit_record(
        actor=None,
        target=user,
        action="password.reset_requested",
        actor_repr=f"anonymous ({client_ip or 'unknown address'})",
    )
