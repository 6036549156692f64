"""The register pages (namespace `registers`, docs/registers.md): the index of the user's
registers and queues, one page per register, and the reference number entered in place.

Who sees what is the register's selector (scoped to the user in the query); a register the user
may not open, or a record outside their selector, answers 404. A page never shows a button its
user cannot follow: the reference form of a row is shown by the predicate the service refuses
with, and the export links come from the reports floor through accounts.extensions.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.decorators.cache import cache_control
from django.views.generic import ListView, TemplateView

from accounts import extensions, registers
from core.exceptions import ApplicationError, NotAllowed
from core.pagination import PAGE_SIZE, BoundedPaginator
from core.views import form_errors_to_messages

# Registers show evidence (removed posts, blocks): never kept by a cache.
NO_STORE = method_decorator(cache_control(private=True, no_store=True), name="dispatch")


class ReferenceForm(forms.Form):
    """The registry's reference number (diarienummer), entered in a register's row (REC-4)."""

    reference = forms.CharField(
        label=_("Registry reference number"),
        max_length=100,
        error_messages={"required": _("Enter the reference number.")},
    )
    back = forms.CharField(required=False, widget=forms.HiddenInput)


class RegisterIndexView(LoginRequiredMixin, TemplateView):
    """The registers the user may open and their queues with counts."""

    template_name = "registers/index.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["registers"] = registers.registers_for(self.request.user)
        context["queues"] = registers.queue_counts(self.request.user)
        return context


@NO_STORE
class RegisterView(LoginRequiredMixin, ListView):
    """One register: filtered, sorted and paged (two queries for the rows whatever their number,
    tests/scale/test_register_pages.py); a queue is the same page with the queue's filters."""

    template_name = "registers/register.html"
    context_object_name = "records"
    paginate_by = PAGE_SIZE
    paginator_class = BoundedPaginator  # "more than 1 000 records" (issue 12)

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.register = registers.register_get(user=request.user, slug=kwargs["slug"])
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        self.filterset, qs = registers.filtered(
            self.register, user=self.request.user, data=self.request.GET, request=self.request
        )
        return qs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        queue = registers.QUEUES.get(self.request.GET.get("queue", ""))
        if queue is not None and queue.register != self.register.slug:
            queue = None
        records = list(context["records"])
        may_set = self.register.may_set_reference
        for record in records:
            record.may_set_reference = bool(may_set and may_set(user, record))
        context.update(
            register=self.register,
            queue=queue,
            filter=self.filterset,
            records=records,
            reference_form=ReferenceForm(),
            back=self.request.get_full_path(),
            register_actions=extensions.register_actions_for(self.request, self.register),
        )
        return context


class RegisterReferenceView(LoginRequiredMixin, View):
    """Enter the registry's reference number of one record of a register, from its row: 404 for
    a record outside the user's register, 403 (the service's NotAllowed) for one they may only
    read, such as an auditor (core.middleware). Back to the register page it came from."""

    http_method_names = ["post"]

    def post(self, request, slug, pk):
        register = registers.register_get(user=request.user, slug=slug)
        if register.set_reference is None:
            raise Http404
        record = get_object_or_404(register.selector(request.user), pk=pk)
        form = ReferenceForm(request.POST)
        back = register.url()
        if form.is_valid():
            back = _local(form.cleaned_data["back"]) or back
            try:
                register.set_reference(
                    actor=request.user, record_id=record.pk, reference=form.cleaned_data["reference"]
                )
            except NotAllowed:
                raise  # core.middleware answers 403 (an auditor reads, never writes)
            except ApplicationError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("The reference number was saved."))
        else:
            back = _local(request.POST.get("back", "")) or back
            form_errors_to_messages(request, form)
        return HttpResponseRedirect(back)


def _local(url: str) -> str:
    """Only a path on this site (a register page), never another site."""
    return url if url.startswith("/registers/") and "//" not in url else ""
