"""Unit pages: the unit, its manager and the units below it. Apps above add their panels (the
accounts of the unit's subtree, response times) through org.extensions."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.utils.translation import gettext_lazy as _
from django.views.generic import CreateView, DetailView, ListView, UpdateView

from core.views import ServiceFormMixin
from org import extensions, permissions, selectors, services
from org.forms import UnitForm
from org.mixins import RegistryEditorRequiredMixin
from org.models import Unit


class UnitListView(LoginRequiredMixin, ListView):
    template_name = "org/unit_list.html"
    context_object_name = "units"

    def get_queryset(self):
        return selectors.unit_list(user=self.request.user).order_by("path")


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
        )
        return context


class UnitCreateView(RegistryEditorRequiredMixin, ServiceFormMixin, CreateView):
    form_class = UnitForm
    template_name = "org/unit_form.html"
    success_message = _("The unit was created.")

    def perform(self, form):
        return services.unit_create(actor=self.request.user, **form.cleaned_data)

    def get_success_url(self):
        return self.object.get_absolute_url()


class UnitUpdateView(RegistryEditorRequiredMixin, ServiceFormMixin, UpdateView):
    form_class = UnitForm
    template_name = "org/unit_form.html"
    success_message = _("The unit was saved.")

    def get_queryset(self):
        return selectors.unit_list(user=self.request.user)

    def perform(self, form):
        return services.unit_update(actor=self.request.user, unit_id=self.object.pk, **form.cleaned_data)

    def get_success_url(self):
        return self.object.get_absolute_url()
