from django.utils.translation import gettext_lazy as _

from accounts.selectors import social_account_list
from records.models import Inquiry


def routed_criticism(user):
    """To-do section: accounts with criticism of KI routed to this manager and not yet answered (ANS-2)."""
    routed = Inquiry.objects.filter(routed_to=user, answered_at__isnull=True).values("account")
    accounts = social_account_list(user=user).filter(pk__in=routed).order_by("name", "id")
    return "routed_criticism", _("Criticism of KI routed to you (ANS-2)"), accounts, "records:inquiries"
