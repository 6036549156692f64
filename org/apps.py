from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "org"
    verbose_name = _("Organisation")

    def ready(self):
        from axes.signals import user_locked_out
        from django.contrib.auth.signals import user_login_failed

        from org import logins, search

        search.register()  # units and people in the search across everything (core.search)

        # After axes' own receivers (axes comes first in INSTALLED_APPS): they count the failure.
        user_login_failed.connect(logins.login_failed_record, dispatch_uid="org.logins.failed")
        user_locked_out.connect(logins.lockout_record, dispatch_uid="org.logins.locked_out")
