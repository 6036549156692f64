"""The user's own profile page (issue 13): who they are in the portal, and their e-mail
preferences: the language of e-mails and immediate delivery or one daily digest."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView

from core.views import ServiceFormMixin
from org import roles, selectors, services
from org.forms_people import ProfileForm


class ProfileView(LoginRequiredMixin, ServiceFormMixin, FormView):
    template_name = "org/profile.html"
    form_class = ProfileForm
    success_message = _("Your preferences were saved.")

    def get_initial(self):
        user = self.request.user
        return {"language": user.language, "notification_mode": user.notification_mode}

    def get_context_data(self, **kwargs):
        user = self.request.user
        held = selectors.person_role_names(user)
        return super().get_context_data(
            role_labels=[services.ROLE_LABELS[r] for r in roles.ROLE_GROUPS if r in held], **kwargs
        )

    def perform(self, form):
        return services.profile_update(actor=self.request.user, **form.cleaned_data)

    def get_success_url(self):
        return reverse("profile")
