"""The portal's own password rule, next to Django's validators (AUTH_PASSWORD_VALIDATORS).

Django's validators refuse short, common, numeric and user-like passwords; none of them knows
the password the demo data publishes (README) or that a password made of the portal's own name
is the first one an attacker tries. This small validator does; Django has no option for it.
The demo seed sets its users' passwords directly and is not affected.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

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
