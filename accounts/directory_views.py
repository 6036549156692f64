"""The public directory's pages: open to anyone, logged in or not, GET only (PRIV-3, SEND-1).

- ``directory:index``         the HTML page: the list by unit and platform, search and filters,
                              and the "is this an official KI account?" check;
- ``directory:accounts-json`` the list as JSON for other KI sites (same filters);
- ``directory:check-json``    the check as JSON.

Each is rate-limited per client IP (core.throttles: THROTTLE_RATES "directory" for the page and
the list, "directory-check" for check.json): more answers 429 with Retry-After.

The views parse their input with the forms below and read through accounts.directory, which
selects only what the accounts show publicly. The shapes are documented in docs/directory.md.
"""

from django import forms
from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.decorators import method_decorator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View

from accounts import directory
from accounts.directory import CheckInputError
from core.throttles import rate_limit

JSON_VERSION = 1
# Other KI sites may embed the JSON; a few minutes' staleness is harmless for a directory.
JSON_MAX_AGE = 300


class SearchInput(forms.TextInput):
    input_type = "search"


class DirectoryFilterForm(forms.Form):
    """Search and filters, shared by the page and the JSON list."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=directory.SEARCH_MAX_LENGTH,
        widget=SearchInput,
        help_text=_("Account name, handle, address or unit."),
        error_messages={"max_length": _("Search for at most %(limit_value)d characters.")},
    )
    unit = forms.TypedChoiceField(
        label=_("Unit (including units below it)"), required=False, coerce=int, empty_value=None
    )
    platform = forms.ChoiceField(label=_("Platform"), required=False)

    def __init__(self, *args, units, platforms, **kwargs):
        super().__init__(*args, **kwargs)
        self.units_by_id = {u.pk: u for u in units}
        # Indented by depth so that the tree shows in the list; the name in the active language.
        self.fields["unit"].choices = [("", _("All units"))] + [
            (u.pk, "\u2003" * (u.depth - 1) + u.display_name) for u in units
        ]
        self.fields["platform"].choices = [("", _("All platforms"))] + [(p.slug, p.name) for p in platforms]
        for name, field in self.fields.items():
            field.widget.attrs["class"] = "form-select" if name in ("unit", "platform") else "form-control"

    def filters(self) -> dict:
        """Keyword arguments for directory.directory_list (call after is_valid())."""
        data = self.cleaned_data
        return {
            "q": data.get("q") or "",
            "unit": self.units_by_id.get(data.get("unit")),
            "platform": data.get("platform") or "",
        }


class CheckForm(forms.Form):
    """The check: a pasted profile address or handle."""

    check = forms.CharField(
        label=_("Profile address or handle"),
        max_length=directory.CHECK_MAX_LENGTH,
        help_text=_("For example https://www.instagram.com/karolinskainstitutet or @karolinskainstitutet."),
        error_messages={"required": directory.MSG_EMPTY, "max_length": directory.MSG_TOO_LONG},
    )

    def clean_check(self):
        try:
            self.answer = directory.directory_check(self.cleaned_data["check"])
        except CheckInputError as exc:
            raise forms.ValidationError(exc.message, code="invalid") from None
        return self.cleaned_data["check"]


class PublicView(View):
    """No login (the directory is public) and nothing but GET (and HEAD)."""

    http_method_names = ["get", "head"]


def _filter_form(data):
    units = directory.directory_units()
    form = DirectoryFilterForm(data, units=units, platforms=directory.directory_platforms())
    return form, {u.path: u for u in units}


def _answer_message(answer) -> str:
    if answer.is_official:
        return gettext("Yes. This is an official KI account.")
    if answer.is_student_ambassador:
        return gettext("This is a student-ambassador account, not an official KI channel (PRIV-3).")
    return gettext("No. This is not an official KI account in our directory.")


@method_decorator(rate_limit("directory"), name="dispatch")
class DirectoryView(PublicView):
    """The directory page. Works without JavaScript (plain GET forms); with htmx the check form
    replaces only the answer region, which is an aria-live region."""

    template_name = "accounts/directory.html"
    answer_template_name = "accounts/directory_answer.html"

    def get(self, request):
        check_form = CheckForm(request.GET if "check" in request.GET else None)
        answer = check_form.answer if check_form.is_valid() else None
        check_context = {
            "check_form": check_form,
            "answer": answer,
            "answer_message": _answer_message(answer) if answer else "",
            "comms_email": settings.COMMS_EMAIL,
        }
        if request.htmx and request.htmx.target == "check-answer":
            return render(request, self.answer_template_name, check_context)

        filter_data = request.GET if any(k in request.GET for k in ("q", "unit", "platform")) else None
        filter_form, units_by_path = _filter_form(filter_data)
        if filter_form.is_bound and not filter_form.is_valid():
            entries = []
        else:
            filters = filter_form.filters() if filter_form.is_bound else {}
            entries = directory.directory_list(**filters, units=units_by_path)
        context = {
            **check_context,
            "filter_form": filter_form,
            "filtered": filter_form.is_bound,
            "count": len(entries),
            "groups": directory.directory_groups(entries),
        }
        return render(request, self.template_name, context)


def _json(payload: dict, *, status: int = 200, vary_language: bool = False) -> JsonResponse:
    """A public JSON response: any origin may read it (CORS) and caches may keep it briefly."""
    response = JsonResponse(payload, status=status, json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"
    patch_cache_control(response, public=True, max_age=JSON_MAX_AGE)
    if vary_language:  # messages follow the visitor's language (header or language cookie)
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
    return response


@method_decorator(rate_limit("directory", json=True), name="dispatch")
class DirectoryJsonView(PublicView):
    """The directory as JSON: ``{"version": 1, "count": n, "accounts": [...]}`` (docs/directory.md).
    Language-neutral: units carry both their Swedish and English names."""

    def get(self, request):
        form, units_by_path = _filter_form(request.GET)
        if not form.is_valid():
            return _json({"version": JSON_VERSION, "errors": form.errors.get_json_data()}, status=400)
        filters = form.filters()
        entries = directory.directory_list(**filters, units=units_by_path)
        return _json(
            {
                "version": JSON_VERSION,
                "filters": {
                    "q": filters["q"],
                    "unit": filters["unit"].pk if filters["unit"] else None,
                    "platform": filters["platform"] or None,
                },
                "count": len(entries),
                "accounts": [entry.as_json() for entry in entries],
            }
        )


@method_decorator(rate_limit("directory-check", json=True), name="dispatch")
class CheckJsonView(PublicView):
    """The check as JSON: ``/directory/check.json?q=<address or handle>`` (docs/directory.md)."""

    def get(self, request):
        form = CheckForm({"check": request.GET.get("q", "")})
        base = {"version": JSON_VERSION, "query": form.data["check"].strip()[: directory.CHECK_MAX_LENGTH]}
        if not form.is_valid():
            message = " ".join(str(m) for m in form.errors["check"])
            return _json({**base, "answer": "invalid", "message": message}, status=400, vary_language=True)
        answer = form.answer
        recognised = answer.recognised
        return _json(
            {
                **base,
                "answer": answer.answer,
                "message": _answer_message(answer),
                "recognised": {"platform": recognised.platform, "handle": recognised.handle} if recognised else None,
                "accounts": [entry.as_json() for entry in answer.entries],
                "report_to": settings.COMMS_EMAIL,
            },
            vary_language=True,
        )
