"""Unit pages: the unit, its manager and the units below it. Apps above add their panels (the
accounts of the unit's subtree, response times) through org.extensions."""

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _now
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import CreateView, DetailView, FormView, ListView, UpdateView

from core import kept
from core.exceptions import ApplicationError
from core.tables import ImportFileError
from core.views import ServiceActionView, ServiceFormMixin
from org import extensions, permissions, selectors, services, unit_import
from org.choices import UnitKind
from org.forms import UnitCloseForm, UnitForm, UnitImportForm, UnitMoveForm, UnitRenameForm
from org.forms_people import UnitManagerForm
from org.mixins import UnitEditorRequiredMixin
from org.models import Unit


class UnitListView(LoginRequiredMixin, ListView):
    template_name = "org/unit_list.html"
    context_object_name = "units"

    def get_queryset(self):
        # The tree shows the organisation as it is: closed units keep their pages, off the tree.
        return selectors.unit_list(user=self.request.user).open().order_by("path")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(can_edit=permissions.can_edit_units(self.request.user), **kwargs)
        # Every open unit is a row (a few hundred): each row's address and kind are worked out
        # once for the page, not a URL reverse and a choices lookup a row (issue 12: the page's
        # CPU was 10.6 times the trivial view's).
        url = reverse("org:unit-detail", args=[_URL_PLACEHOLDER])
        kinds = dict(UnitKind.choices)
        for unit in context["units"]:
            unit.url = url.replace(str(_URL_PLACEHOLDER), str(unit.pk))
            unit.kind_label = kinds.get(unit.kind, unit.kind)
        return context


# A primary key no unit has, replaced by each unit's in the units list's addresses.
_URL_PLACEHOLDER = 987654321


class UnitDetailView(LoginRequiredMixin, DetailView):
    """A unit, its manager, the units below it and the panels of the apps above (the accounts of its
    whole subtree that the user may see)."""

    template_name = "org/unit_detail.html"
    context_object_name = "unit"

    def get_queryset(self):
        return selectors.unit_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        unit = self.object
        ancestors = list(Unit.objects.ancestors_of(unit).select_related("manager"))
        manager, manager_unit = selectors.responsible_manager(unit, ancestors)
        # The units right below: bounded by the organisation, not the inventory, so all of them;
        # the apps above add a column each (the number of accounts below) in one query.
        children = list(unit.children.open().select_related("manager").order_by("name"))
        subunit_columns, subunit_rows = extensions.subunit_table(self.request, unit, children)
        context.update(
            ancestors=ancestors[:-1],
            children=children,
            subunit_columns=subunit_columns,
            subunit_rows=subunit_rows,
            panels=extensions.panels(self.request, unit),
            manager=manager,
            manager_unit=manager_unit,
            can_edit=permissions.can_edit_units(self.request.user) and not unit.is_closed,
            manager_form=UnitManagerForm(initial={"manager": unit.manager})
            if permissions.can_edit_units(self.request.user) and not unit.is_closed
            else None,
            successor=unit.successor if unit.is_closed else None,
            # Units closed into this one: their pages stay, and this is the way to them.
            predecessors=list(unit.predecessors.order_by("name")),
        )
        return context


class UnitCreateView(UnitEditorRequiredMixin, ServiceFormMixin, CreateView):
    form_class = UnitForm
    template_name = "org/unit_form.html"
    success_message = _("The unit was created.")

    def perform(self, form):
        return services.unit_create(actor=self.request.user, **form.cleaned_data)

    def get_success_url(self):
        return self.object.get_absolute_url()


class UnitUpdateView(UnitEditorRequiredMixin, ServiceFormMixin, UpdateView):
    form_class = UnitForm
    template_name = "org/unit_form.html"
    success_message = _("The unit was saved.")

    def get_queryset(self):
        return selectors.unit_list(user=self.request.user).open()  # a closed unit is read-only

    def perform(self, form):
        return services.unit_update(actor=self.request.user, unit_id=self.object.pk, **form.cleaned_data)

    def get_success_url(self):
        return self.object.get_absolute_url()


class UnitManagerView(LoginRequiredMixin, ServiceActionView):
    """POST manager: set or change the unit's responsible manager (RESP-1) from the unit page, by
    org.services.unit_update, which lets those org.permissions.can_edit_units names (comms and
    administrators; 403 for others)."""

    form_class = UnitManagerForm
    success_message = _("The responsible manager was saved.")

    def prepare(self):
        self.unit = get_object_or_404(selectors.unit_list(user=self.request.user), pk=self.kwargs["pk"])

    def perform(self, form):
        services.unit_update(actor=self.request.user, unit_id=self.unit.pk, manager=form.cleaned_data["manager"])

    def get_redirect_url(self):
        return self.unit.get_absolute_url()


# Reorganisation: move, rename, close with a successor (issue 13) --------------------------------


class _UnitActionView(UnitEditorRequiredMixin, ServiceFormMixin, FormView):
    """A form on one open unit whose valid data goes to one org service. A closed unit answers
    404: its page is read-only."""

    template_name = "org/unit_action_form.html"
    title = ""
    intro = ""

    def get_object(self):
        if not hasattr(self, "object"):
            self.object = get_object_or_404(selectors.unit_list(user=self.request.user).open(), pk=self.kwargs["pk"])
        return self.object

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "unit": self.get_object()}

    def get_context_data(self, **kwargs):
        return super().get_context_data(unit=self.get_object(), title=self.title, intro=self.intro, **kwargs)

    def get_success_url(self):
        return self.object.get_absolute_url()


class UnitMoveView(_UnitActionView):
    form_class = UnitMoveForm
    title = _("Move the unit")
    intro = _("The unit moves with every unit below it and their accounts; the responsible manager above may change.")
    success_message = _("The unit was moved.")

    def perform(self, form):
        return services.unit_update(actor=self.request.user, unit_id=self.object.pk, parent=form.cleaned_data["parent"])


class UnitRenameView(_UnitActionView):
    form_class = UnitRenameForm
    title = _("Rename the unit")
    intro = _("Decisions already made keep the name the unit had then.")
    success_message = _("The unit was renamed.")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        unit = kwargs.pop("unit")
        kwargs.setdefault("initial", {}).update(name=unit.name, name_en=unit.name_en)
        return kwargs

    def perform(self, form):
        return services.unit_update(actor=self.request.user, unit_id=self.object.pk, **form.cleaned_data)


class UnitCloseView(_UnitActionView):
    form_class = UnitCloseForm
    title = _("Close the unit")
    intro = _(
        "Its accounts, with their open requests, and the units below it move to the successor. The unit "
        "leaves the tree and the pickers; its page stays, read-only. Decisions and findings keep the unit "
        "as it was, so reports for past periods still show it."
    )
    success_message = _("The unit was closed.")

    def perform(self, form):
        return services.unit_close(
            actor=self.request.user,
            unit_id=self.object.pk,
            successor_id=form.cleaned_data["successor"].pk,
            closed_on=form.cleaned_data["closed_on"],
        )


# Importing the unit tree (issue 13) --------------------------------------------------------------

UNIT_IMPORT_SESSION_KEY = "unit_imports"


def _unit_import_preview(request, *, plan, table, token, file_name: str, error: str = ""):
    return render(
        request,
        "org/unit_import_preview.html",
        {
            "plan": plan,
            "counts": plan.counts,
            "ignored_columns": table.ignored_columns,
            "token": token,
            "file_name": file_name,
            "error": error,
        },
    )


class UnitImportView(UnitEditorRequiredMixin, FormView):
    """Upload a CSV or XLSX file of units and see the dry run, row by row. Nothing is written;
    the file is kept for the confirmation (core.kept), tied to the user in the session."""

    form_class = UnitImportForm
    template_name = "org/unit_import_form.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(columns=unit_import.COLUMNS, **kwargs)

    def form_valid(self, form):
        table = form.cleaned_data["table"]
        plan = unit_import.plan_unit_import(table, actor=self.request.user)
        token = None
        if plan.to_write:
            kept.import_files_purge(now=timezone.now(), max_age=timedelta(seconds=settings.SESSION_COOKIE_AGE))
            token, stored = kept.import_file_store(form.cleaned_data["file"], kind=table.kind)
            pending = self.request.session.get(UNIT_IMPORT_SESSION_KEY, {})
            pending[token] = {
                "file": stored,
                "user": self.request.user.pk,
                "name": form.cleaned_data["file"].name,
                "plan": plan.signature(),  # what the user saw
            }
            self.request.session[UNIT_IMPORT_SESSION_KEY] = pending
        return _unit_import_preview(
            self.request, plan=plan, table=table, token=token, file_name=form.cleaned_data["file"].name
        )


class UnitImportConfirmView(UnitEditorRequiredMixin, View):
    """Import the file of a dry run: read again and planned again, written only if the plan is
    still the one the user saw."""

    http_method_names = ["post"]

    def post(self, request):
        token = request.POST.get("token", "")
        pending = request.session.get(UNIT_IMPORT_SESSION_KEY, {})
        entry = pending.get(token)
        if entry is None or entry["user"] != request.user.pk or not kept.import_file_name_ok(entry.get("file", "")):
            raise Http404
        stored = entry["file"]
        try:
            with kept.import_file_open(stored) as handle:
                table = unit_import.parse_units(handle)
        except (OSError, ImportFileError):
            self._forget(request, token, stored)
            messages.error(request, _now("The uploaded file is no longer available. Upload it again."))
            return redirect("org:unit-import")
        plan = unit_import.plan_unit_import(table, actor=request.user)
        if plan.signature() != entry["plan"]:
            self._forget(request, token, stored)
            error = _now("The units have changed since the dry run. Nothing was imported; upload the file again.")
            return _unit_import_preview(
                request, plan=plan, table=table, token=None, file_name=entry["name"], error=error
            )
        try:
            done = unit_import.unit_import_apply(actor=request.user, plan=plan)
        except ApplicationError as exc:
            self._forget(request, token, stored)
            return _unit_import_preview(
                request, plan=plan, table=table, token=None, file_name=entry["name"], error=exc.message
            )
        self._forget(request, token, stored)
        messages.success(
            request,
            _now("Units imported: %(created)s created, %(changed)s changed, %(people)s pending people added.") % done,
        )
        return redirect("org:unit-list")

    @staticmethod
    def _forget(request, token: str, stored: str) -> None:
        pending = request.session.get(UNIT_IMPORT_SESSION_KEY, {})
        pending.pop(token, None)
        request.session[UNIT_IMPORT_SESSION_KEY] = pending
        kept.import_file_delete(stored)
