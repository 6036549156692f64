"""The API tokens page: a user lists, creates and revokes their own personal API tokens."""

import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import cache_control
from django.views.generic import TemplateView

from core.exceptions import ApplicationError
from core.pagination import paginate
from org import api_tokens

LIFETIMES = [
    ("30", _("30 days")),
    ("90", _("90 days")),
    ("365", _("1 year")),
    ("never", _("Never (revoke it when you no longer need it)")),
]


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the token is for, for example the script that uses it."),
    )
    lifetime = forms.ChoiceField(label=_("Expires after"), choices=LIFETIMES, initial="90")

    def expires_at(self, now: datetime.datetime) -> datetime.datetime | None:
        lifetime = self.cleaned_data["lifetime"]
        return None if lifetime == "never" else now + datetime.timedelta(days=int(lifetime))


# The page may hold a secret that is shown once: no cache may keep a copy.
@method_decorator(cache_control(no_store=True), name="dispatch")
class ApiTokenListView(LoginRequiredMixin, TemplateView):
    """The user's own tokens and the form for a new one. A new token's secret is shown in the
    answer to the form, once; it is neither stored nor put in the session."""

    template_name = "org/api_tokens.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", ApiTokenForm())
        # A page at a time: revoked and expired tokens stay listed, however many (issue 12).
        page = paginate(self.request, api_tokens.api_token_list(user=self.request.user))
        context.update(page_obj=page, tokens=page.object_list, now=timezone.now())
        return context

    def post(self, request):
        form = ApiTokenForm(request.POST)
        context = {}
        if form.is_valid():
            now = timezone.now()
            try:
                token, secret = api_tokens.api_token_create(
                    actor=request.user, name=form.cleaned_data["name"], expires_at=form.expires_at(now), now=now
                )
            except ApplicationError as exc:  # a logged-in user is never refused (NotAllowed)
                form.add_error(None, exc.message)
            else:
                context.update(new_token=token, secret=secret)
                form = ApiTokenForm()
        context["form"] = form
        return self.render_to_response(self.get_context_data(**context))


class ApiTokenRevokeView(LoginRequiredMixin, TemplateView):
    """GET asks for confirmation; POST revokes. Someone else's token is 404."""

    template_name = "org/api_token_revoke.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.token = api_tokens.api_token_get(user=request.user, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(token=self.token, **kwargs)

    def post(self, request, pk):
        api_tokens.api_token_revoke(actor=request.user, token_id=self.token.pk)
        messages.success(request, _("The token “%(name)s” was revoked.") % {"name": self.token.name})
        return redirect("api-tokens:list")
