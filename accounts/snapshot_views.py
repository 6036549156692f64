"""Pages for an account's screenshots: the list with the upload form, and the file itself.

Both answer 404 to anyone who may not see the account's screenshots, including a logged-in user
looking at a public account: evidence is never public.
"""

import logging

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout, Submit
from django import forms
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.decorators.cache import cache_control, never_cache
from django.views.generic import FormView

from accounts import permissions, snapshots
from accounts.choices import SnapshotKind
from accounts.uploads import IMAGE_CONTENT_TYPES, PDF_CONTENT_TYPE, checked_upload
from core.pagination import paginate
from core.views import ServiceFormMixin
from core.widgets import DateInput

logger = logging.getLogger(__name__)


class SnapshotForm(forms.Form):
    """Upload a screenshot. clean_file checks the file once and hands on a CheckedFile, which the
    view passes to accounts.snapshots.snapshot_upload."""

    kind = forms.ChoiceField(label=_("What the screenshot shows"), choices=SnapshotKind.choices)
    taken_on = forms.DateField(
        label=_("Date of the screenshot"),
        widget=DateInput,
    )
    file = forms.FileField(
        label=_("File"),
        help_text=_("A PNG, JPEG or WebP image, or a PDF of the page; at most 10 MB. Image metadata is removed."),
        widget=forms.FileInput(attrs={"accept": ",".join((*IMAGE_CONTENT_TYPES, PDF_CONTENT_TYPE))}),
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["taken_on"].initial = timezone.localdate
        self.helper = FormHelper()
        self.helper.layout = Layout("kind", "taken_on", "file", "note", Submit("upload", _("Upload")))

    def clean_taken_on(self):
        taken_on = self.cleaned_data["taken_on"]
        if taken_on > timezone.localdate():
            raise forms.ValidationError(_("The date of the screenshot cannot be in the future."))
        return taken_on

    def clean_file(self):
        return checked_upload(self.cleaned_data["file"])


@method_decorator(never_cache, name="dispatch")  # evidence
class SnapshotListView(LoginRequiredMixin, ServiceFormMixin, FormView):
    """An account's screenshots, and the form to upload one (403 for those who may only look)."""

    form_class = SnapshotForm
    template_name = "accounts/snapshot_list.html"
    success_message = _("The screenshot was stored.")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.account = snapshots.snapshot_account_get(user=request.user, pk=kwargs["pk"])
            self.can_upload = permissions.can_upload_snapshot(request.user, self.account)
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if not self.can_upload:
            raise PermissionDenied
        return super().post(request, *args, **kwargs)

    def perform(self, form):
        data = form.cleaned_data
        return snapshots.snapshot_upload(
            actor=self.request.user,
            account_id=self.account.pk,
            kind=data["kind"],
            taken_on=data["taken_on"],
            uploaded_file=data["file"],
            note=data["note"],
        )

    def get_success_url(self):
        return reverse("snapshots:list", args=[self.account.pk])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["page_obj"] = page = paginate(
            self.request, snapshots.snapshot_list(user=self.request.user, account=self.account)
        )
        context.update(
            account=self.account,
            snapshots=page.object_list,
            latest_start_page=snapshots.latest_start_page(self.account),
            can_upload=self.can_upload,
        )
        return context


# Evidence: never kept by a shared cache, nor by the browser.
@method_decorator(cache_control(private=True, no_store=True), name="dispatch")
class SnapshotFileView(LoginRequiredMixin, View):
    """The stored file, to those who may see the account's screenshots. Images are shown in the
    browser, PDFs downloaded; the headers stop the browser from running anything in either."""

    def get(self, request, pk):
        snapshot = snapshots.snapshot_get(user=request.user, pk=pk)
        try:
            handle = snapshot.file.open("rb")
        except FileNotFoundError:
            logger.error("Snapshot %s: file %s is missing from storage", snapshot.pk, snapshot.file.name)
            raise Http404 from None
        name = f"{slugify(snapshot.account.name) or 'account'}-{snapshot.kind}-{snapshot.taken_on}.{snapshot.extension}"
        response = FileResponse(
            handle,
            content_type=snapshot.content_type,
            as_attachment=snapshot.content_type == PDF_CONTENT_TYPE,
            filename=name,
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        return response
