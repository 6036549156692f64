"""The temporary cover page of an account (MON-2, DECOM-2): its owner or responsible manager names a
stand-in, hands the monitoring to the communications department, or records that comments are
switched off, for a period; the coverage calendar shows which days are still gaps."""

from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.generic import FormView

from accounts import permissions as accounts_permissions
from accounts.selectors import people_of, social_account_list
from core.pagination import paginate
from core.views import ServiceActionView, ServiceFormMixin
from monitoring import coverage, permissions, selectors
from monitoring.cover import cover_cancel, cover_record
from monitoring.forms import CoverForm
from monitoring.models import Cover
from org.calendar import local_day

COVERS_PAGE = 20


class CoverView(LoginRequiredMixin, ServiceFormMixin, FormView):
    """404 for an account the user does not see, 403 for one they see but may not arrange cover
    for (only its owner, a responsible manager or the communications department may)."""

    template_name = "monitoring/cover.html"
    form_class = CoverForm
    success_message = gettext_lazy("The cover was recorded.")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.account = get_object_or_404(
                social_account_list(user=request.user).select_related("platform"), pk=kwargs["pk"]
            )
            if not permissions.can_arrange_cover(request.user, self.account):
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        today = local_day(timezone.now())
        return {"first_day": today, "last_day": today}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = local_day(timezone.now())
        people = people_of(self.account)
        context.update(
            account=self.account,
            people=people,
            today=today,
            page_obj=paginate(
                self.request,
                coverage.covers_of(self.account, today=today).order_by("first_day", "pk"),
                per_page=COVERS_PAGE,
            ),
            calendar=selectors.coverage_calendar(
                self.account,
                people["owner"],
                people["deputy"],
                today=today,
                days=settings.MONITORING_COVERAGE_LOOKAHEAD_DAYS,
            ),
        )
        return context

    def perform(self, form):
        return cover_record(actor=self.request.user, account_id=self.account.pk, **form.cleaned_data)

    def get_success_url(self):
        return reverse("monitoring:cover", args=[self.account.pk])


class CoverCancelView(LoginRequiredMixin, ServiceActionView):
    """Cancel a cover: one not begun is removed, one under way ends yesterday."""

    success_message = gettext_lazy("The cover was cancelled.")

    def prepare(self):
        visible = Cover.objects.filter(account__in=social_account_list(user=self.request.user))
        self.cover = get_object_or_404(visible.select_related("account"), pk=self.kwargs["pk"])

    def perform(self, form):
        cover_cancel(actor=self.request.user, cover_id=self.cover.pk)

    def get_redirect_url(self):
        return reverse("monitoring:cover", args=[self.cover.account_id])


def cover_panel_context(request, account) -> dict:
    """What the account page's monitoring panel shows of the cover (MON-2, DECOM-2): the covers
    of today and later to those who may see the account's evidence, and whether the user may
    arrange cover (the link to this page)."""
    user = request.user
    if not accounts_permissions.can_see_snapshots(user, account):
        return {}
    today = local_day(timezone.now())
    return {
        "show_cover": True,
        "covers": list(coverage.covers_of(account, today=today).order_by("first_day", "pk")[:COVERS_PAGE]),
        "may_arrange_cover": permissions.can_arrange_cover(user, account),
    }
