"""The one people search behind every person field and filter (org.fields.PersonField, issue 12),
and the People pages (issue 13): the list, a person, adding a pending person, granting and
revoking roles."""

from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.generic import FormView, TemplateView

from audit.models import AuditEvent
from core.pagination import paginate
from core.throttles import rate_limit
from core.views import ServiceActionView, ServiceFormMixin
from org import extensions, permissions, roles, selectors, services, sso
from org.fields import person_label
from org.forms_people import PersonCreateForm, PersonFilterForm, RoleChangeForm
from org.models import Absence, Unit
from org.selectors import person_search


@require_GET
@never_cache
@login_required
@rate_limit("people-search", json=True, per_user=True)
def person_search_view(request):
    """GET ?q=words[&inactive=1]: at most 20 people as JSON ``{"results": [{"id", "label",
    "detail"}]}``; ``detail`` is the e-mail address (and whether the person has left), to tell
    namesakes apart. Fewer than two characters find no one."""
    people = person_search(
        user=request.user, query=request.GET.get("q", ""), include_inactive=request.GET.get("inactive") == "1"
    )
    results = []
    for person in people:
        detail = person.email
        if not person.is_active:
            detail = f"{detail} – {_('inactive')}" if detail else _("inactive")
        results.append({"id": person.pk, "label": person_label(person), "detail": detail})
    return JsonResponse({"results": results}, json_dumps_params={"ensure_ascii": False})


# The People pages (issue 13): administrators and the communications department
# (org.permissions.can_manage_people); 403 for everyone else, as the other role-only pages answer.

PEOPLE_PAGE_SIZE = 50
PERSON_PANEL_PAGE_SIZE = 25


class PeopleManagerRequiredMixin(LoginRequiredMixin):
    """Only those who manage people (administrators, comms); 403 for other logged-in users."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not permissions.can_manage_people(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class PeopleListView(PeopleManagerRequiredMixin, TemplateView):
    """GET /people/?q=&role=&status=: everyone, 50 a page, searched and filtered (never a list of
    everyone on one page). Three queries a page, however many people: count, rows, their roles."""

    template_name = "org/people/person_list.html"

    def get_context_data(self, **kwargs):
        form = PersonFilterForm(self.request.GET or None)
        data = form.cleaned_data if form.is_valid() else {}
        people = selectors.person_list(
            user=self.request.user, query=data.get("q", ""), role=data.get("role", ""), status=data.get("status", "")
        )
        page = paginate(self.request, people, per_page=PEOPLE_PAGE_SIZE)
        return super().get_context_data(
            form=form,
            page_obj=page,
            people=[(person, _role_labels(person)) for person in page.object_list],
            filtered=any(data.values()),
            **kwargs,
        )


def _role_labels(person) -> list[str]:
    """The person's portal roles by name, from the prefetched groups."""
    names = {group.name for group in person.groups.all()}
    return [str(services.ROLE_LABELS[role]) for role in roles.ROLE_GROUPS if role in names]


class PersonCreateView(PeopleManagerRequiredMixin, ServiceFormMixin, FormView):
    """Name a pending person (issue 13): they can be chosen as owner or deputy at once and are
    linked to their single sign-on identity by e-mail at their first login."""

    template_name = "org/people/person_form.html"
    form_class = PersonCreateForm
    success_message = gettext_lazy("The person was added. They can be chosen as owner or deputy now.")

    def perform(self, form):
        return services.person_create(actor=self.request.user, **form.cleaned_data)

    def get_success_url(self):
        return reverse("people:detail", args=[self.object.pk])


def _optional_url(name: str, *args) -> str:
    """The URL of a page that another part of the portal may provide (marking a leaver, the bulk
    handover: issue 13), or "" while it does not exist, so that no dead link is shown."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


class PersonDetailView(PeopleManagerRequiredMixin, TemplateView):
    """A person: details and status, roles (with the grant and revoke forms the viewer may use),
    units they manage, their accounts (from the apps above, org.extensions.person_panels),
    absences, single sign-on identities and the audit trail about the person (added, roles
    granted and revoked, details changed), each list paginated."""

    template_name = "org/people/person_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        person = selectors.person_get(user=user, pk=self.kwargs["pk"])
        held = selectors.person_role_names(person)
        idp_roles = sso.roles_from_idp()
        role_rows = []
        for role in roles.ROLE_GROUPS:
            may_change = role not in idp_roles and person.pk != user.pk and permissions.can_grant_role(user, role)
            role_rows.append(
                {
                    "role": role,
                    "label": services.ROLE_LABELS[role],
                    "held": role in held,
                    "by_sso": role in idp_roles,
                    "may_change": may_change,
                }
            )
        absences = paginate(
            self.request,
            Absence.objects.filter(person=person).order_by("-first_day", "-pk"),
            per_page=PERSON_PANEL_PAGE_SIZE,
            param="absences",
        )
        history = paginate(
            self.request,
            AuditEvent.objects.for_object(person).order_by("-created_at", "-pk"),
            per_page=PERSON_PANEL_PAGE_SIZE,
            param="history",
        )
        may_manage = permissions.can_manage_people(user)
        return super().get_context_data(
            person=person,
            role_rows=role_rows,
            held_labels=[row["label"] for row in role_rows if row["held"]],
            managed_units=list(Unit.objects.filter(manager=person).order_by("path")),
            identities=list(person.identities.order_by("provider", "subject")),
            absences_page=absences,
            history_page=history,
            panels=extensions.person_panel_list(self.request, person),
            leave_url=_optional_url("people:leave", person.pk) if may_manage and not person.has_left else "",
            # The bulk handover is comms' (and the leaver's managers', from the e-mail): an
            # administrator without the comms role would find the page closed.
            handover_url=(
                _optional_url("people:handover", person.pk)
                if roles.is_comms(self.request.user) and person.has_left
                else ""
            ),
            **kwargs,
        )


class PersonRoleView(PeopleManagerRequiredMixin, ServiceActionView):
    """POST role, change (grant / revoke) and reason: org.services.role_grant / role_revoke, which
    refuse one's own roles, administrator for comms and roles the single sign-on decides."""

    form_class = RoleChangeForm

    def prepare(self):
        self.person = selectors.person_get(user=self.request.user, pk=self.kwargs["pk"])

    def perform(self, form):
        data = form.cleaned_data
        change = services.role_grant if data["change"] == "grant" else services.role_revoke
        label = services.ROLE_LABELS[data["role"]]
        names = {"person": self.person, "role": label}
        if change(actor=self.request.user, person=self.person, role=data["role"], reason=data["reason"]):
            if data["change"] == "grant":
                self.success_message = _("%(person)s now has the role %(role)s.") % names
            else:
                self.success_message = _("%(person)s no longer has the role %(role)s.") % names
        else:
            self.success_message = _("Nothing changed.")

    def get_redirect_url(self):
        return reverse("people:detail", args=[self.person.pk])
