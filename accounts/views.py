from django.contrib.auth.mixins import LoginRequiredMixin
from django.utils.translation import gettext_lazy as _
from django.views.generic import CreateView, DetailView, ListView, UpdateView

from accounts import selectors, services
from accounts.filters import InventoryFilter
from accounts.forms import SocialAccountForm
from org import roles
from org.mixins import RegistryEditorRequiredMixin, ServiceFormMixin
from org.models import Unit
from org.selectors import responsible_manager


class InventoryView(LoginRequiredMixin, ListView):
    """The inventory: every account the user may see, filtered, searched, sorted and paged."""

    template_name = "accounts/socialaccount_list.html"
    context_object_name = "accounts"
    paginate_by = 25

    def get_queryset(self):
        qs = selectors.social_account_list(user=self.request.user).order_by("name", "id")
        self.filterset = InventoryFilter(self.request.GET or None, queryset=qs, request=self.request)
        return self.filterset.qs if self.filterset.is_bound and self.filterset.is_valid() else qs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filter"] = self.filterset
        query = self.request.GET.copy()
        query.pop("page", None)
        context["query_string"] = query.urlencode()
        return context


class MyAccountsView(LoginRequiredMixin, ListView):
    """The accounts where the user is the current owner or deputy."""

    template_name = "accounts/my_accounts.html"
    context_object_name = "accounts"

    def get_queryset(self):
        return selectors.social_account_mine(user=self.request.user).order_by("name", "id")


class AccountDetailView(LoginRequiredMixin, DetailView):
    template_name = "accounts/socialaccount_detail.html"
    context_object_name = "account"

    def get_queryset(self):
        return selectors.social_account_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        account = self.object
        ancestors = list(Unit.objects.ancestors_of(account.unit).select_related("manager"))
        manager, manager_unit = responsible_manager(account.unit, ancestors)
        context.update(
            people=selectors.people_of(account),
            history=selectors.social_account_history(account=account),
            audit_events=selectors.social_account_audit(account=account),
            unit_chain=ancestors,
            manager=manager,
            manager_unit=manager_unit,
            can_edit=roles.can_edit_registry(self.request.user),
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
