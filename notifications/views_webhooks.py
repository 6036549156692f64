"""Webhook pages (issue 14, namespace `webhooks`, docs/webhooks.md): the endpoints and each one's
delivery log, read by comms and auditors (403 for anyone else); registered, changed, disabled and
enabled by comms. A new endpoint's secret is shown once, on the page that answers the
registration, and never again (the page is not cached)."""

from django import forms
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.decorators.cache import never_cache

from core.exceptions import ApplicationError
from core.pagination import paginate
from core.views import ServiceActionView
from notifications import webhooks
from notifications.models import WebhookEndpoint
from notifications.webhook_models import WebhookEvent


class EndpointForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200, help_text=_("Which KI system receives the events."))
    url = forms.URLField(
        label=_("Address"), max_length=500, assume_scheme="https", help_text=_("An https:// address of the receiver.")
    )
    events = forms.MultipleChoiceField(
        label=_("Events"), choices=WebhookEvent.choices, widget=forms.CheckboxSelectMultiple
    )


class WebhookPageMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not webhooks.can_see_webhooks(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class ManagerOnlyMixin(WebhookPageMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not webhooks.can_manage_webhooks(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class EndpointListView(WebhookPageMixin, View):
    def get(self, request):
        page = paginate(request, WebhookEndpoint.objects.order_by("name", "id"))
        return render(
            request,
            "notifications/webhooks/endpoint_list.html",
            {"page_obj": page, "endpoints": page.object_list, "may_manage": webhooks.can_manage_webhooks(request.user)},
        )


@method_decorator(never_cache, name="dispatch")
class EndpointCreateView(ManagerOnlyMixin, View):
    template_name = "notifications/webhooks/endpoint_form.html"

    def get(self, request):
        return render(request, self.template_name, {"form": EndpointForm(), "creating": True})

    def post(self, request):
        form = EndpointForm(request.POST)
        if form.is_valid():
            try:
                endpoint, secret = webhooks.webhook_endpoint_create(actor=request.user, **form.cleaned_data)
            except ApplicationError as exc:
                form.add_error("url", exc.message)
            else:
                return render(
                    request, "notifications/webhooks/endpoint_secret.html", {"endpoint": endpoint, "secret": secret}
                )
        return render(request, self.template_name, {"form": form, "creating": True})


class EndpointUpdateView(ManagerOnlyMixin, View):
    template_name = "notifications/webhooks/endpoint_form.html"

    def get(self, request, pk):
        endpoint = get_object_or_404(WebhookEndpoint, pk=pk)
        form = EndpointForm(initial={"name": endpoint.name, "url": endpoint.url, "events": endpoint.events})
        return render(request, self.template_name, {"form": form, "endpoint": endpoint})

    def post(self, request, pk):
        endpoint = get_object_or_404(WebhookEndpoint, pk=pk)
        form = EndpointForm(request.POST)
        if form.is_valid():
            try:
                webhooks.webhook_endpoint_update(actor=request.user, endpoint_id=endpoint.pk, **form.cleaned_data)
            except ApplicationError as exc:
                form.add_error("url", exc.message)
            else:
                return redirect("webhooks:detail", endpoint.pk)
        return render(request, self.template_name, {"form": form, "endpoint": endpoint})


class EndpointDetailView(WebhookPageMixin, View):
    """The endpoint and its delivery log, newest first, a page at a time."""

    def get(self, request, pk):
        endpoint = get_object_or_404(WebhookEndpoint, pk=pk)
        # A bounded count (issue 12): the log grows with every event; the page shows no total.
        deliveries = endpoint.deliveries.order_by("-created_at", "-id").defer("body")
        page = paginate(request, deliveries, bounded=True)
        labels = dict(WebhookEvent.choices)
        return render(
            request,
            "notifications/webhooks/endpoint_detail.html",
            {
                "endpoint": endpoint,
                "event_labels": [labels.get(e, e) for e in endpoint.events],
                "page_obj": page,
                "deliveries": page.object_list,
                "may_manage": webhooks.can_manage_webhooks(request.user),
            },
        )


class EndpointActiveView(LoginRequiredMixin, ServiceActionView):
    active = True
    success_message = _("The endpoint was enabled.")

    def prepare(self):
        if not webhooks.can_see_webhooks(self.request.user):
            raise PermissionDenied
        self.endpoint = get_object_or_404(WebhookEndpoint, pk=self.kwargs["pk"])

    def perform(self, form):
        webhooks.webhook_endpoint_set_active(actor=self.request.user, endpoint_id=self.endpoint.pk, active=self.active)

    def get_redirect_url(self):
        return reverse("webhooks:detail", args=[self.endpoint.pk])


class EndpointDisableView(EndpointActiveView):
    active = False
    success_message = _("The endpoint was disabled.")
