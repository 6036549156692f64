"""Unit pages: the unit, its manager and the units below it. Apps above add their panels (the
accounts of the unit's subtree, response times) through org.extensions."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from django.views.generic import CreateView, DetailView, ListView, UpdateView

from core.views import ServiceActionView, ServiceFormMixin
from org import extensions, permissions, selectors, services
from org.forms import UnitForm
from org.forms_people import UnitManagerForm
from org.mixins import UnitEditorRequiredMixin
from org.models import Unit


class UnitListView(LoginRequiredMixin, ListView):
    template_name = "org/unit_list.html"
    context_object_name = "units"

    def get_queryset(self):
        return selectors.unit_list(user=self.request.user).order_by("path")

    def get_context_data(self, **kwargs):
        return super().get_context_data(can_edit=permissions.can_edit_units(self.request.user), **kwargs)


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
        children = list(unit.children.select_related("manager").order_by("name"))
        subunit_columns, subunit_rows = extensions.subunit_table(self.request, unit, children)
        context.update(
            ancestors=ancestors[:-1],
            children=children,
            subunit_columns=subunit_columns,
            subunit_rows=subunit_rows,
            panels=extensions.panels(self.request, unit),
            manager=manager,
            manager_unit=manager_unit,
            can_edit=permissions.can_edit_units(self.request.user),
            manager_form=UnitManagerForm(initial={"manager": unit.manager})
            if permissions.can_edit_units(self.request.user)
            else None,
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
        return selectors.unit_list(user=self.request.user)

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
