from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import DetailView, FormView, TemplateView

from accounts import permissions as accounts_permissions
from accounts.selectors import people_of, social_account_list
from core import charts
from core.exceptions import ApplicationError
from core.pagination import paginate
from core.throttles import rate_limit
from core.views import ServiceActionView, ServiceFormMixin
from monitoring import coverage, permissions, selectors, services
from monitoring.forms import AbsenceForm, CheckInForm, FollowUpForm
from monitoring.models import CheckIn, FollowUp
from monitoring.rules import RULES
from monitoring.views_cover import cover_panel_context
from org.calendar import local_day
from org.models import Absence
from org.services import absence_create, absence_delete

TODAY_PAGE = 50
CHECKINS_PAGE = 31
FOLLOW_UPS_PAGE = 10
COVERS_SHOWN = 20  # the covers of today and later: a few at most (the cover page paginates them all)


class TodayView(LoginRequiredMixin, TemplateView):
    """'Today': every account the user keeps, with one click to record it as monitored (MON-1/2)."""

    template_name = "monitoring/today.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        # A page of accounts at a time; "All monitored today" still records every one of them.
        page = paginate(self.request, selectors.today_accounts(user=self.request.user, now=now), per_page=TODAY_PAGE)
        accounts = list(page.object_list)
        selectors.annotate_open_findings(accounts)
        context.update(today=local_day(now), page_obj=page, accounts=accounts, form=CheckInForm())
        return context

    def post(self, request):
        return CheckInView.as_view()(request)


class CheckInView(LoginRequiredMixin, ServiceActionView):
    """The check-in buttons of 'Today' (posted to the same address): one account, or every account
    the user keeps ("all monitored today")."""

    form_class = CheckInForm

    def perform(self, form):
        data, request = form.cleaned_data, self.request
        if data["account"]:
            account = get_object_or_404(social_account_list(user=request.user), pk=data["account"])
            _checkin, created = services.checkin_record(
                actor=request.user, account=account, note=data["note"], latest_post_on=data["latest_post_on"]
            )
            messages.success(
                request,
                _("%(name)s is recorded as monitored today.") % {"name": account.name}
                if created
                else _("%(name)s was already recorded as monitored today.") % {"name": account.name},
            )
        else:
            count = services.checkins_record_all(actor=request.user, note=data["note"])
            messages.success(
                request,
                ngettext(
                    "%(count)s account recorded as monitored today.",
                    "%(count)s accounts recorded as monitored today.",
                    count,
                )
                % {"count": count},
            )

    def get_redirect_url(self):
        return reverse("monitoring:today")


# A script posts without a CSRF token; the secret in the address is the credential.
@method_decorator(csrf_exempt, name="dispatch")
@method_decorator(never_cache, name="dispatch")  # the address is a secret: no cache keeps the page
@method_decorator(rate_limit("ping"), name="dispatch")  # per IP, wrong tokens included
class PingView(TemplateView):
    """The secret ping address (MON-1). GET and HEAD show a page with one button and record
    nothing: link previews in Teams or Outlook open the addresses they see and must not check in
    on someone's behalf. POST records today's check-in: the button, or a script (`curl -X POST`),
    answered "OK" as text, JSON when asked for (Accept: application/json), or the page for a
    browser. A wrong token is 404 and records nothing. Search engines are told not to index it."""

    template_name = "monitoring/ping.html"
    http_method_names = ["get", "post", "head"]

    def dispatch(self, request, *args, **kwargs):
        response = super().dispatch(request, *args, **kwargs)
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    def get(self, request, token):
        key = services.ping_key_find(token=token)
        if key is None:
            raise Http404
        return self.render_to_response({"account": key.account, "checkin": None})

    def post(self, request, token):
        try:
            checkin = services.ping_checkin(token=token)
        except ApplicationError:
            checkin = None  # a closed account's old address records nothing
        if checkin is None:
            raise Http404
        answer = request.get_preferred_type(["text/plain", "application/json", "text/html"])
        if answer == "application/json":
            return JsonResponse({"status": "ok", "day": checkin.day.isoformat()})
        if answer == "text/html":
            return self.render_to_response({"account": checkin.account, "checkin": checkin})
        return HttpResponse("OK\n", content_type="text/plain; charset=utf-8")


# The page shows evidence (screenshots' links, who was away) and, once, a new ping address.
@method_decorator(cache_control(private=True, no_store=True), name="dispatch")
class AccountMonitoringView(LoginRequiredMixin, DetailView):
    """An account's monitoring: check-ins, findings, coverage, follow-ups and its ping address."""

    template_name = "monitoring/account_monitoring.html"
    context_object_name = "account"

    def get_queryset(self):
        return social_account_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        account, user = self.object, self.request.user
        today = local_day(timezone.now())
        people = people_of(account)
        may = {
            "ping": permissions.can_use_ping_address(user, account),
            "follow_up": permissions.can_record_follow_up(user, account),
            "acknowledge": permissions.can_acknowledge_follow_up(user, account),
            "see_evidence": accounts_permissions.can_see_snapshots(user, account),
            "arrange_cover": permissions.can_arrange_cover(user, account),
        }
        context.update(
            today=today,
            people=people,
            may=may,
            checkins_page=paginate(
                self.request, CheckIn.objects.filter(account=account).order_by("-day", "-pk"), per_page=CHECKINS_PAGE
            ),
            open_findings=selectors.open_findings_by_account([account.pk]).get(account.pk, []),
            resolved_findings=account.findings.filter(resolved_at__isnull=False).order_by("-resolved_at")[:20],
            rules=RULES,
            calendar=selectors.coverage_calendar(
                account,
                people["owner"],
                people["deputy"],
                today=today,
                days=settings.MONITORING_COVERAGE_LOOKAHEAD_DAYS,
            ),
            follow_ups_page=paginate(
                self.request,
                account.follow_ups.select_related("recorded_by", "acknowledged_by").order_by("-period_end", "-pk"),
                per_page=FOLLOW_UPS_PAGE,
                param="follow_ups",
            ),
            follow_up_form=FollowUpForm(initial={"period_end": today}),
            # MON-2, DECOM-2: the cover of today and later, shown with a coverage-gap finding.
            covers=list(coverage.covers_of(account, today=today).order_by("first_day", "pk")[:COVERS_SHOWN]),
            checkin_form=CheckInForm(initial={"account": account.pk}),
        )
        if may["ping"]:
            context["ping_key"] = selectors.ping_key_of(account)
        return context


class _AccountPost(LoginRequiredMixin, ServiceActionView):
    """A button of an account's monitoring page, on an account the user sees (404 otherwise)."""

    def prepare(self):
        self.account = get_object_or_404(social_account_list(user=self.request.user), pk=self.kwargs["pk"])

    def get_redirect_url(self):
        return reverse("monitoring:account", args=[self.account.pk])


class PingRotateView(AccountMonitoringView):
    """Make the account's ping address, or a new one. The answer is the monitoring page with the
    new address, shown this once (only its SHA-256 is stored), as the API token page does."""

    http_method_names = ["post"]

    def post(self, request, pk):
        self.object = self.get_object()  # 404 for an account the user does not see
        _key, token = services.ping_key_rotate(actor=request.user, account_id=self.object.pk)
        ping_url = request.build_absolute_uri(reverse("monitoring:ping", args=[token]))
        return self.render_to_response(self.get_context_data(object=self.object, ping_url=ping_url))


class FollowUpCreateView(_AccountPost):
    form_class = FollowUpForm
    success_message = gettext_lazy("The follow-up was recorded.")

    def perform(self, form):
        services.follow_up_record(actor=self.request.user, account_id=self.account.pk, **form.cleaned_data)


class FollowUpAcknowledgeView(LoginRequiredMixin, ServiceActionView):
    success_message = gettext_lazy("The follow-up was acknowledged.")

    def prepare(self):
        visible = FollowUp.objects.filter(account__in=social_account_list(user=self.request.user))
        self.follow_up = get_object_or_404(visible, pk=self.kwargs["pk"])

    def perform(self, form):
        services.follow_up_acknowledge(actor=self.request.user, follow_up_id=self.follow_up.pk)

    def get_redirect_url(self):
        return reverse("monitoring:account", args=[self.follow_up.account_id])


class AbsenceView(LoginRequiredMixin, ServiceFormMixin, FormView):
    """The user's own absences; both owner and deputy away on one day is a coverage gap."""

    template_name = "monitoring/absences.html"
    form_class = AbsenceForm
    success_message = gettext_lazy("The absence was registered.")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = paginate(self.request, Absence.objects.filter(person=self.request.user).order_by("-first_day", "-pk"))
        context.update(page_obj=page, absences=page.object_list)
        return context

    def perform(self, form):
        return absence_create(actor=self.request.user, **form.cleaned_data)

    def get_success_url(self):
        return reverse("monitoring:absences")


class AbsenceDeleteView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        absence = get_object_or_404(Absence.objects.filter(person=request.user), pk=pk)
        absence_delete(actor=request.user, absence_id=absence.pk)
        messages.success(request, _("The absence was removed."))
        return redirect("monitoring:absences")


class ComplianceOverviewView(LoginRequiredMixin, TemplateView):
    """Findings by rule and by unit with trends, for the communications department, auditors and
    managers (each over what they may see)."""

    template_name = "monitoring/overview.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not permissions.can_see_overview(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            selectors.compliance_overview(
                user=self.request.user, now=timezone.now(), page=self.request.GET.get("page") or 1
            )
        )
        context["max_trend"] = max([r["opened"] for r in context["trend"]] + [1])
        context["coverage_chart"] = charts.column_chart(
            [(date_format(week, "SHORT_DATE_FORMAT"), share) for week, share in context["coverage"]],
            title=_("Monitoring coverage per week (MON-1, MON-2)"),
        )
        context["rules_chart"] = charts.bar_chart(
            [(str(rule.title), n) for rule, n in context["rules"]], title=_("Open findings by rule")
        )
        context["units_chart"] = charts.bar_chart(
            [(row["account__unit__name"], row["n"]) for row in context["by_unit"][:15]],
            title=_("Open findings by unit"),
        )
        return context


def account_panel(request, account):
    """accounts.extensions detail panel: the account's open findings and latest check-in."""
    return "monitoring/includes/_account_panel.html", {
        "findings": selectors.open_findings_by_account([account.pk]).get(account.pk, []),
        "last_checkin": CheckIn.objects.filter(account=account).order_by("-day").first(),
        "account": account,
        **cover_panel_context(request, account),
    }
