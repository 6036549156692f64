"""The platform catalogue's pages (issue 14): comms and auditors read it, comms edit it; everyone
else gets 404 (the catalogue's review facts are the communications department's working notes)."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import CreateView, DetailView, TemplateView, UpdateView

from accounts import permissions
from accounts.models import Platform
from accounts.platform_forms import PlatformForm
from accounts.platform_services import platform_create, platform_update
from core.pagination import paginate
from core.views import ServiceFormMixin
from org.calendar import local_day


class PlatformPageMixin(LoginRequiredMixin):
    """404 for those who may not read the catalogue; 403 for readers on the editing pages."""

    editing = False

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            if not permissions.can_see_platforms(request.user):
                raise Http404
            if self.editing and not permissions.can_edit_platforms(request.user):
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return Platform.objects.select_related("tos_reviewed_by")

    def get_context_data(self, **kwargs):
        return super().get_context_data(may_edit=permissions.can_edit_platforms(self.request.user), **kwargs)


class PlatformListView(PlatformPageMixin, TemplateView):
    """Every platform, a page at a time; ``?review=overdue`` lists those whose yearly review is
    overdue (rule platform-review-overdue: the communications department's queue)."""

    template_name = "accounts/platform_list.html"

    def get_context_data(self, **kwargs):
        # The catalogue is tens of rows, not the inventory: the overdue ones are read in one query.
        overdue_ids = set(Platform.objects.review_overdue(local_day(timezone.now())).values_list("pk", flat=True))
        overdue_only = self.request.GET.get("review") == "overdue"
        platforms = self.get_queryset()
        if overdue_only:
            platforms = platforms.filter(pk__in=overdue_ids)
        page = paginate(self.request, platforms.order_by("name", "pk"))
        return super().get_context_data(
            page_obj=page,
            platforms=page.object_list,
            overdue_only=overdue_only,
            overdue_ids=overdue_ids,
            **kwargs,
        )


class PlatformDetailView(PlatformPageMixin, DetailView):
    template_name = "accounts/platform_detail.html"
    context_object_name = "platform"

    def get_context_data(self, **kwargs):
        today = local_day(timezone.now())
        overdue = Platform.objects.review_overdue(today).filter(pk=self.object.pk).exists()
        return super().get_context_data(review_overdue=overdue, **kwargs)


class PlatformCreateView(PlatformPageMixin, ServiceFormMixin, CreateView):
    editing = True
    form_class = PlatformForm
    template_name = "accounts/platform_form.html"
    success_message = _("The platform was added. Its addresses are recognised from now on.")

    def perform(self, form):
        return platform_create(actor=self.request.user, **form.service_data())

    def get_success_url(self):
        return self.object.get_absolute_url()


class PlatformUpdateView(PlatformPageMixin, ServiceFormMixin, UpdateView):
    editing = True
    form_class = PlatformForm
    template_name = "accounts/platform_form.html"
    success_message = _("The platform was saved.")

    def perform(self, form):
        return platform_update(actor=self.request.user, platform_id=self.object.pk, **form.service_data())

    def get_success_url(self):
        return self.object.get_absolute_url()
