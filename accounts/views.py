from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.formats import number_format
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import CreateView, DetailView, FormView, ListView, UpdateView

from accounts import extensions, imports, permissions, selectors, services
from accounts.filters import InventoryFilter
from accounts.forms import SocialAccountForm
from accounts.import_forms import ImportUploadForm
from core.exceptions import ApplicationError
from core.pagination import PAGE_SIZE, BoundedPaginator, paginate
from core.views import ServiceFormMixin
from org.mixins import RegistryEditorRequiredMixin
from org.models import Unit
from org.selectors import responsible_manager

# The account page shows this many of the latest owner/deputy changes and audit events.
LATEST = 10


class InventoryView(LoginRequiredMixin, ListView):
    """The inventory: every account the user may see, filtered, searched, sorted and paged."""

    template_name = "accounts/socialaccount_list.html"
    context_object_name = "accounts"
    paginate_by = PAGE_SIZE
    # "More than 1 000 accounts": no exact COUNT of every visible account (issue 12).
    paginator_class = BoundedPaginator

    def get_queryset(self):
        qs = selectors.table_rows(selectors.social_account_list(user=self.request.user)).order_by("name", "id")
        self.filterset = InventoryFilter(self.request.GET or None, queryset=qs, request=self.request)
        if not self.filterset.is_bound:
            return qs
        # An invalid filter shows its error and no accounts, never the unfiltered inventory.
        if not self.filterset.is_valid():
            return qs.none()
        qs = self.filterset.qs
        # A sort by a column whose values repeat (status, platform, unit) would let an account
        # move between pages, or show on two: the id breaks the ties.
        return qs if "id" in qs.query.order_by else qs.order_by(*qs.query.order_by, "id")

    def get_paginator(self, queryset, per_page, **kwargs):
        # A searched inventory reads its page from the matches (core.pagination, searched lists).
        searched = self.filterset.is_bound and bool((self.filterset.form.cleaned_data.get("q") or "").strip())
        return BoundedPaginator(queryset, per_page, searched=searched, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filter"] = self.filterset
        context["accounts"] = extensions.annotate(selectors.table_keepers(context["accounts"]))
        context["inventory_actions"] = extensions.inventory_actions_for(self.request)
        return context


class MyAccountsView(LoginRequiredMixin, ListView):
    """The accounts where the user is the current owner or deputy."""

    template_name = "accounts/my_accounts.html"
    context_object_name = "accounts"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        return selectors.social_account_mine(user=self.request.user).order_by("name", "id")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["accounts"] = extensions.annotate(context["accounts"])
        return context


# The panels of higher floors show evidence (screenshots, removed posts): never cached.
@method_decorator(never_cache, name="dispatch")
class AccountDetailView(LoginRequiredMixin, DetailView):
    template_name = "accounts/socialaccount_detail.html"
    context_object_name = "account"

    def get_queryset(self):
        return selectors.social_account_list(user=self.request.user).select_related("partner")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        account = self.object
        ancestors = list(Unit.objects.ancestors_of(account.unit).select_related("manager"))
        manager, manager_unit = responsible_manager(account.unit, ancestors)
        # The latest of each history only, however long the account has lived: the whole of both
        # is on its history page, a page at a time.
        history = selectors.social_account_history(account=account)
        audit_events = selectors.social_account_audit(user=self.request.user, account=account)
        context.update(
            people=selectors.current_keepers(account),
            history=history[:LATEST],
            history_count=history.count(),
            audit_events=audit_events[:LATEST],
            audit_count=audit_events.count(),
            latest=LATEST,
            whole_history=permissions.can_see_whole_history(self.request.user, account),
            unit_chain=ancestors,
            manager=manager,
            manager_unit=manager_unit,
            can_edit=permissions.can_edit_registry(self.request.user),
            panels=extensions.panels(self.request, account),
        )
        return context


# Never cached: the audit trail is evidence for those who may see it.
@method_decorator(never_cache, name="dispatch")
class AccountHistoryView(LoginRequiredMixin, DetailView):
    """The account's owners and deputies over time and its audit trail, each a page at a time
    (the account page shows the latest of each): 404 for an account the user may not see, and
    the lifecycle events only for those who may not see its evidence (accounts.history)."""

    template_name = "accounts/socialaccount_history.html"
    context_object_name = "account"

    def get_queryset(self):
        return selectors.social_account_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        account, user = self.object, self.request.user
        context.update(
            people_page=paginate(self.request, selectors.social_account_history(account=account), param="people"),
            page_obj=paginate(self.request, selectors.social_account_audit(user=user, account=account)),
            whole_history=permissions.can_see_whole_history(user, account),
        )
        return context


class AccountCreateView(RegistryEditorRequiredMixin, ServiceFormMixin, CreateView):
    form_class = SocialAccountForm
    template_name = "accounts/socialaccount_form.html"
    success_message = _("The account was registered.")

    def perform(self, form):
        return services.social_account_create(actor=self.request.user, **form.service_data())


class AccountUpdateView(RegistryEditorRequiredMixin, ServiceFormMixin, UpdateView):
    form_class = SocialAccountForm
    template_name = "accounts/socialaccount_form.html"
    success_message = _("The account was saved.")

    def get_queryset(self):
        return selectors.social_account_list(user=self.request.user)

    def get_initial(self):
        people = selectors.people_of(self.object)
        return {"owner": people["owner"], "deputy": people["deputy"]}

    def perform(self, form):
        return services.social_account_update(actor=self.request.user, account_id=self.object.pk, **form.service_data())


# Importing the accounts KI already has (the communications department)

IMPORT_SESSION_KEY = "account_imports"


class AccountImportView(RegistryEditorRequiredMixin, FormView):
    """Upload a CSV or XLSX file and see the dry run: what would be created, what is a duplicate
    and what is invalid, row by row. Nothing is written; the file is kept for the confirmation."""

    form_class = ImportUploadForm
    template_name = "accounts/import_form.html"

    def form_valid(self, form):
        table = form.cleaned_data["table"]
        plan = imports.plan_import(table, actor=self.request.user)
        token = None
        if plan.to_create:
            # Files never confirmed hold personal data; they go once no session can use them.
            imports.import_files_purge(now=timezone.now(), max_age=timedelta(seconds=settings.SESSION_COOKIE_AGE))
            token, stored = imports.import_file_store(form.cleaned_data["file"], kind=table.kind)
            pending = self.request.session.get(IMPORT_SESSION_KEY, {})
            pending[token] = {
                "file": stored,
                "user": self.request.user.pk,
                "name": form.cleaned_data["file"].name,
                # What the user saw: the import refuses to run if the outcome has changed since.
                "rows": [r.row for r in plan.to_create],
            }
            self.request.session[IMPORT_SESSION_KEY] = pending
        return _import_preview(
            self.request, plan=plan, table=table, token=token, file_name=form.cleaned_data["file"].name
        )


def _import_preview(request, *, plan, table, token, file_name: str, error: str = ""):
    return render(
        request,
        "accounts/import_preview.html",
        {
            "plan": plan,
            "counts": plan.counts,
            "warning_count": len(plan.with_warnings),
            "pending_people": plan.pending_people,
            "ignored_columns": table.ignored_columns,
            "token": token,
            "file_name": file_name,
            "error": error,
        },
    )


class AccountImportConfirmView(RegistryEditorRequiredMixin, View):
    """Import the file of a dry run. The kept file is read and checked again, so that the import
    sees the same data as the dry run; if the outcome differs, nothing is written."""

    http_method_names = ["post"]

    def post(self, request):
        token = request.POST.get("token", "")
        pending = request.session.get(IMPORT_SESSION_KEY, {})
        entry = pending.get(token)
        if entry is None or entry["user"] != request.user.pk:
            raise Http404
        stored = entry.get("file", "")
        if not imports.import_file_name_ok(stored):
            raise Http404
        try:
            with imports.import_file_open(stored) as kept:
                table = imports.parse_table(kept)
        except (OSError, imports.ImportFileError):
            self._forget(request, token, stored)
            messages.error(request, _("The uploaded file is no longer available. Upload it again."))
            return redirect("accounts:import")
        plan = imports.plan_import(table, actor=request.user)
        if [r.row for r in plan.to_create] != entry["rows"]:
            # An account was registered, or a unit or person changed, since the dry run.
            error = _("The registry has changed since the dry run. Nothing was imported; check the new dry run.")
            return self._new_dry_run(request, token, stored, entry, table, plan, error)
        try:
            # The mixin let only the communications department in, so this refuses only by a
            # business rule (a row that became a duplicate): shown on a new dry run, not as 403.
            created = imports.import_apply(actor=request.user, plan=plan)
        except ApplicationError as exc:
            plan = imports.plan_import(table, actor=request.user)
            return self._new_dry_run(request, token, stored, entry, table, plan, exc.message)
        self._forget(request, token, stored)
        count = len(created)
        messages.success(
            request,
            ngettext("%(count)s account imported.", "%(count)s accounts imported.", count) % {"count": count},
        )
        return redirect("accounts:inventory")

    def _new_dry_run(self, request, token: str, stored: str, entry: dict, table, plan, error: str):
        """Show the dry run as it is now, confirmable again if it still has rows to create."""
        if plan.to_create:
            pending = request.session[IMPORT_SESSION_KEY]
            pending[token]["rows"] = [r.row for r in plan.to_create]
            request.session[IMPORT_SESSION_KEY] = pending
        else:
            self._forget(request, token, stored)
            token = None
        return _import_preview(
            request, plan=plan, table=table, token=token, file_name=entry.get("name", ""), error=error
        )

    @staticmethod
    def _forget(request, token: str, stored: str) -> None:
        imports.import_file_delete(stored)
        pending = request.session.get(IMPORT_SESSION_KEY, {})
        pending.pop(token, None)
        request.session[IMPORT_SESSION_KEY] = pending


# Accounts a page in the unit page's panel.
UNIT_PANEL_PAGE_SIZE = 25


PERSON_PANEL_PAGE_SIZE = 25


def person_accounts_panel(request, person):
    """org.extensions person panel: the accounts the person currently holds as owner or deputy
    (RES-2) that the viewer may see, PERSON_PANEL_PAGE_SIZE a page (``?accounts=``)."""
    page = paginate(
        request,
        selectors.assignments_held_by(user=request.user, person=person),
        per_page=PERSON_PANEL_PAGE_SIZE,
        param="accounts",
    )
    return "accounts/includes/_person_accounts_panel.html", {"page_obj": page, "assignments": page.object_list}


def subunit_account_counts(request, unit, children):
    """org.extensions sub-unit column: the accounts the user may see in each child's subtree,
    counted up to settings.PAGINATION_COUNT_LIMIT ("more than 1 000" past it; issue 12)."""
    limit = settings.PAGINATION_COUNT_LIMIT
    counts = selectors.social_account_counts_below(user=request.user, units=children, limit=limit)
    more = gettext("more than %(count)s") % {"count": number_format(limit, force_grouping=True)}
    return _("Accounts (with the units below)"), {pk: n if n <= limit else more for pk, n in counts.items()}


def unit_accounts_panel(request, unit):
    """org.extensions unit panel: the accounts of the unit and every unit below it that the user
    may see, UNIT_PANEL_PAGE_SIZE a page (``?page=``; a page past the last answers 404)."""
    accounts = selectors.table_rows(selectors.social_account_within_reach(user=request.user))
    accounts = accounts.visible_in_unit(request.user, unit).order_by("name", "id")
    # "More than 1 000 accounts" past the bound, not an exact count of the subtree (issue 12).
    page = paginate(request, accounts, per_page=UNIT_PANEL_PAGE_SIZE, strict=True, bounded=True)
    return "accounts/includes/_unit_accounts_panel.html", {
        "accounts": extensions.annotate(selectors.table_keepers(page.object_list)),
        "page_obj": page,
        "paginator": page.paginator,
    }
