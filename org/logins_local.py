"""Who may log in with a username and password: LOCAL_LOGIN (issue 13).

- ``all`` (the default, and the demo's): everyone with a password;
- ``admins``: administrators and superusers only, the break-glass way in when single sign-on
  fails; everyone else logs in through the identity provider;
- ``off``: nobody; the login page shows only the single sign-on buttons.

The rule is enforced where passwords are checked, ``LocalPasswordBackend`` (Django's
ModelBackend, in AUTHENTICATION_BACKENDS): the portal's login form, the admin's and any other
caller of ``authenticate(username=…, password=…)`` are refused alike, and a session opened with a
password ends at the next request once the rule no longer lets its user in (``get_user``). The
login form adds the clear message: with ``off`` it refuses before any password is checked; with
``admins`` its wrong-password message says that only administrators may use it (the same answer
for a wrong password and for a non-administrator, so it tells nobody which usernames are
administrators'). django-axes still counts those failures.
"""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from org import roles
from org.sso import login_choices


def local_login_allows(user) -> bool:
    """May this user log in with their password under LOCAL_LOGIN?"""
    policy = settings.LOCAL_LOGIN
    if policy == "all":
        return True
    if policy == "admins":
        return user.is_superuser or roles.ADMINISTRATOR in roles.group_names(user)
    return False


class LocalPasswordBackend(ModelBackend):
    """Django's username and password backend, refusing the people LOCAL_LOGIN leaves out."""

    def user_can_authenticate(self, user):
        return super().user_can_authenticate(user) and local_login_allows(user)


class LocalAuthenticationForm(AuthenticationForm):
    """Django's login form with LOCAL_LOGIN's refusals in words."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "local_login_off": _("Logging in with a username and password is switched off. Log in with your KI account."),
        "invalid_login_admins": _(
            "Please enter a correct username and password. Only administrators may log in with a "
            "password here; everyone else logs in with their KI account."
        ),
    }

    def clean(self):
        policy = settings.LOCAL_LOGIN
        if policy == "off":
            raise ValidationError(self.error_messages["local_login_off"], code="local_login_off")
        return super().clean()

    def get_invalid_login_error(self):
        if settings.LOCAL_LOGIN == "admins":
            return ValidationError(self.error_messages["invalid_login_admins"], code="invalid_login")
        return super().get_invalid_login_error()


class LoginView(auth_views.LoginView):
    """The login page: the single sign-on buttons, and the password form when LOCAL_LOGIN allows."""

    form_class = LocalAuthenticationForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["sso_choices"] = login_choices()
        context["local_login"] = settings.LOCAL_LOGIN
        context["contact"] = settings.COMMS_EMAIL
        return context
