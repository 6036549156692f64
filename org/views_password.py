"""Local accounts' passwords (issue 13): reset by e-mail and change, on Django's own views.

Local username/password is kept for the demo and for break-glass administrators. Django's views
do the checking (token, old password, AUTH_PASSWORD_VALIDATORS through the forms); the new
password is set by org.passwords' services, which check the rules again and audit the change.

- The reset form answers the same page whether or not the address belongs to anyone, and is
  limited per client IP (THROTTLE_RATES["password-reset"], core.throttles) so that it cannot be
  used to send e-mail in bulk.
- No link goes to a person without a usable password (single sign-on only, or a pending person
  named by an import: Django's form skips them), to a person who has left KI, nor to one that
  LOCAL_LOGIN does not let log in with a password (org.logins_local).
- The e-mail is in the person's own language (User.language), whatever the language of the page
  it was asked for from, and is sent at once rather than through the notifications outbox: it
  must not wait for a digest, and the link must not rest in a table.
"""

from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.http import HttpResponseRedirect
from django.utils import translation
from django.utils.decorators import method_decorator

from core.exceptions import ApplicationError
from core.throttles import client_ip, rate_limit
from org import passwords
from org.logins_local import local_login_allows


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's form; no link for leavers nor for people LOCAL_LOGIN keeps from using a password,
    and the e-mail in the recipient's language."""

    def get_users(self, email):
        return (user for user in super().get_users(email) if not user.has_left and local_login_allows(user))

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email, **kwargs):
        user = context["user"]
        with translation.override(user.language or settings.LANGUAGE_CODE):
            super().send_mail(subject_template_name, email_template_name, context, from_email, to_email, **kwargs)
        passwords.password_reset_requested(user=user, client_ip=self.client_ip)


@method_decorator(rate_limit("password-reset"), name="post")
class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetForm
    template_name = "registration/password_reset_form.html"
    email_template_name = "registration/password_reset_email.txt"
    html_email_template_name = "registration/password_reset_email.html"
    subject_template_name = "registration/password_reset_subject.txt"

    def form_valid(self, form):
        # The link is built from SITE_URL (the address people use), not from the request's Host.
        self.extra_email_context = {"site_url": settings.SITE_URL}
        form.client_ip = client_ip(self.request)
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "registration/password_reset_done.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(timeout_hours=max(1, settings.PASSWORD_RESET_TIMEOUT // 3600), **kwargs)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "registration/password_reset_confirm.html"

    def form_valid(self, form):
        try:
            passwords.password_reset(user=form.user, new_password=form.cleaned_data["new_password1"])
        except ApplicationError as exc:  # the form checked the same rules; kept for a rule added later
            form.add_error(None, exc.message)
            return self.form_invalid(form)
        del self.request.session[auth_views.INTERNAL_RESET_SESSION_TOKEN]
        # Not Django's form_valid, which would save the form and set the password a second time.
        return HttpResponseRedirect(self.get_success_url())


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "registration/password_reset_complete.html"


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "registration/password_change_form.html"

    def form_valid(self, form):
        try:
            passwords.password_change(user=form.user, new_password=form.cleaned_data["new_password1"])
        except ApplicationError as exc:
            form.add_error(None, exc.message)
            return self.form_invalid(form)
        # Changing the password ends the person's other sessions; this one stays logged in.
        update_session_auth_hash(self.request, form.user)
        return HttpResponseRedirect(self.get_success_url())


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "registration/password_change_done.html"
