"""The public directory's pages: open to anyone, logged in or not, GET only (PRIV-3, SEND-1).

- ``directory:index``         the HTML page: the list in pages of PAGE_SIZE, search and filters,
                              and the "is this an official KI account?" check;
- ``directory:accounts-json`` the list as JSON for other KI sites (same filters, in pages);
- ``directory:accounts-csv``  the whole list as a streamed CSV file (same filters);
- ``directory:check-json``    the check as JSON.

Each is rate-limited per client IP (core.throttles: THROTTLE_RATES "directory" for the page, the
JSON list and the CSV, "directory-check" for check.json): more answers 429 with Retry-After.

No page grows with the directory: the HTML and the JSON read one page of rows (and count them),
the CSV streams from a server-side cursor. A page number that is not a whole number, or lies past
the last page, answers 404 (page 1 of an empty list is an empty page).

The views parse their input with the forms below and read through accounts.directory, which
selects only what the accounts show publicly. The shapes are documented in docs/directory.md.
"""

import csv
from itertools import islice

from django import forms
from django.conf import settings
from django.http import HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.decorators import method_decorator
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from django.views import View

from accounts import directory, extensions
from accounts.directory import CheckInputError
from core.formulas import guard_formula
from core.pagination import page_of
from core.throttles import rate_limit
from core.widgets import Select, WrittenChoices
from org import unit_cache

JSON_VERSION = 1
# Other KI sites may embed the JSON; a few minutes' staleness is harmless for a directory.
JSON_MAX_AGE = 300
# Accounts per page: the HTML page, and the JSON list unless it asks for another page_size (at
# most JSON_MAX_PAGE_SIZE; more is capped, as DRF's max_page_size does).
PAGE_SIZE = 50
JSON_PAGE_SIZE = 100
JSON_MAX_PAGE_SIZE = 500
# Rows the CSV reads from its server-side cursor at a time.
CSV_CHUNK_SIZE = 2000
FILTER_PARAMS = ("q", "unit", "platform")


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
        label=_("Unit (including units below it)"), required=False, coerce=int, empty_value=None, widget=Select
    )
    platform = forms.ChoiceField(label=_("Platform"), required=False, widget=Select)

    def __init__(self, *args, units, platforms, **kwargs):
        super().__init__(*args, **kwargs)
        self.units_by_id = {u.pk: u for u in units}
        self.fields["unit"].choices = _unit_choices(units)
        self.fields["platform"].choices = [("", _("All platforms")), *platforms]
        for name, field in self.fields.items():
            field.widget.attrs["class"] = "form-select" if name in ("unit", "platform") else "form-control"

    def filters(self) -> dict:
        """Keyword arguments for directory.directory_rows (call after is_valid())."""
        data = self.cleaned_data
        return {
            "q": data.get("q") or "",
            "unit": self.units_by_id.get(data.get("unit")),
            "platform": data.get("platform") or "",
        }


def _unit_choices(units) -> WrittenChoices:
    """The unit filter's options, indented by depth so that the tree shows in the list, the name
    in the active language; kept, with their ``<option>`` elements, while the unit tree and the
    units listed are unchanged (org.unit_cache; issue 12, third pass)."""

    def make():
        return WrittenChoices(
            [("", gettext("All units"))] + [(u.pk, "\u2003" * (u.depth - 1) + u.display_name) for u in units]
        )

    return unit_cache.for_units(f"directory-unit-options:{get_language()}", make, key=tuple(u.pk for u in units))


class JsonPageSizeForm(forms.Form):
    """accounts.json's own parameters: the page size, a whole number from 1 (above
    JSON_MAX_PAGE_SIZE it is capped), and ``since``, an ISO 8601 time: only the accounts whose
    record changed at or after it (issue 14; an account that left the directory is in the Atom
    feed, accounts.directory_feed)."""

    page_size = forms.IntegerField(required=False, min_value=1)
    since = forms.DateTimeField(required=False)

    def size(self) -> int:
        return min(self.cleaned_data.get("page_size") or JSON_PAGE_SIZE, JSON_MAX_PAGE_SIZE)


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


def _page(accounts, number, per_page: int, *, bounded: bool = False, searched: bool = False):
    """Page ``number`` (default 1) of the accounts' public rows: one COUNT, on the accounts
    themselves (none of the joins the rows' platform and unit columns need), and one query for
    the page's rows; Http404 for a page that does not exist (core.pagination). `bounded`: the
    page says "more than 1 000" instead of counting every match (the HTML page, issue 12); the
    JSON keeps its documented exact count. `searched`: the page of a search is read from its
    matches (core.pagination, searched lists)."""
    rows = directory.directory_rows(accounts)
    if bounded:
        return page_of(
            rows, number, per_page=per_page, strict=True, bounded=True, count_from=accounts, searched=searched
        )
    return page_of(rows, number, per_page=per_page, count=accounts.count(), strict=True)


def _filter_query(request) -> str:
    """The request's search and filters as a query string, for links to the other pages."""
    query = request.GET.copy()
    for key in list(query):
        if key not in FILTER_PARAMS:
            del query[key]
    return query.urlencode()


@method_decorator(rate_limit("directory"), name="dispatch")
class DirectoryView(PublicView):
    """The directory page. Works without JavaScript (plain GET forms); with htmx the check form
    replaces only the answer region, which is an aria-live region. The list shows PAGE_SIZE
    accounts a page; the page links keep the search and the filters."""

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
            "answer_panels": extensions.answer_panels(request, answer) if answer else [],
        }
        if request.htmx and request.htmx.target == "check-answer":
            return render(request, self.answer_template_name, check_context)

        filter_data = request.GET if any(k in request.GET for k in FILTER_PARAMS) else None
        filter_form, units_by_path = _filter_form(filter_data)
        page = None
        if not filter_form.is_bound or filter_form.is_valid():
            filters = filter_form.filters() if filter_form.is_bound else {}
            searched = bool(filters.get("q", "").strip())
            page = _page(
                directory.directory_search(**filters),
                request.GET.get("page"),
                PAGE_SIZE,
                bounded=True,
                searched=searched,
            )
            page.object_list = directory.directory_entries(page.object_list, units_by_path)
        query_string = _filter_query(request) if filter_form.is_bound else ""
        context = {
            **check_context,
            "filter_form": filter_form,
            "filtered": filter_form.is_bound,
            "page_url_drop": ("check",),  # page links keep the search and filters, not the check
            "count": page.paginator.count if page else 0,
            "page_obj": page,
            "paginator": page.paginator if page else None,
            "is_paginated": bool(page and page.paginator.num_pages > 1),
            "entries": page.object_list if page else [],
            "query_string": query_string,
            "list_query": f"?{query_string}" if query_string else "",
        }
        return render(request, self.template_name, context)


def _json(payload: dict, *, status: int = 200, vary_language: bool = False) -> JsonResponse:
    """A public JSON response: any origin may read it (CORS) and caches may keep it briefly."""
    response = JsonResponse(payload, status=status, json_dumps_params={"ensure_ascii": False})
    _public(response)
    if vary_language:  # messages follow the visitor's language (header or language cookie)
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
    return response


def _public(response):
    response["Access-Control-Allow-Origin"] = "*"
    patch_cache_control(response, public=True, max_age=JSON_MAX_AGE)
    return response


def _page_url(request, number: int | None) -> str | None:
    """The absolute address of page ``number`` of this list (None for no such page)."""
    if number is None:
        return None
    query = request.GET.copy()
    query["page"] = str(number)
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


@method_decorator(rate_limit("directory", json=True), name="dispatch")
class DirectoryJsonView(PublicView):
    """The directory as JSON, a page at a time: ``{"version": 1, "count": n, "next": url,
    "previous": url, "accounts": [...]}`` (docs/directory.md). Language-neutral: units carry both
    their Swedish and English names."""

    def get(self, request):
        form, units_by_path = _filter_form(request.GET)
        size_form = JsonPageSizeForm(request.GET)
        if not (form.is_valid() & size_form.is_valid()):  # both, so that every error is reported
            errors = {**form.errors.get_json_data(), **size_form.errors.get_json_data()}
            return _json({"version": JSON_VERSION, "errors": errors}, status=400)
        filters = form.filters()
        page_size = size_form.size()
        accounts = directory.directory_search(**filters)
        since = size_form.cleaned_data.get("since")
        if since is not None:
            accounts = accounts.filter(updated_at__gte=since)  # index accounts_updated_id
        page = _page(accounts, request.GET.get("page"), page_size)
        entries = directory.directory_entries(page.object_list, units_by_path)
        return _json(
            {
                "version": JSON_VERSION,
                "filters": {
                    "q": filters["q"],
                    "unit": filters["unit"].pk if filters["unit"] else None,
                    "platform": filters["platform"] or None,
                    "since": since.isoformat() if since else None,
                },
                "count": page.paginator.count,
                "page": page.number,
                "pages": page.paginator.num_pages,
                "page_size": page_size,
                "next": _page_url(request, page.next_page_number() if page.has_next() else None),
                "previous": _page_url(request, page.previous_page_number() if page.has_previous() else None),
                "accounts": [entry.as_json() for entry in entries],
            }
        )


# The CSV's columns: the JSON's fields, flat. The header is language-neutral, like the JSON.
CSV_COLUMNS = (
    "name",
    "platform",
    "handle",
    "url",
    "classification",
    "official",
    "unit_id",
    "unit",
    "unit_en",
    "hierarchy",
    "hierarchy_en",
)
# Between the units of a hierarchy cell, top first.
HIERARCHY_SEPARATOR = " > "


class _Line:
    """A file-like object whose write() hands back the line, for csv.writer in a generator."""

    def write(self, value):
        return value


def _csv_unit_cells(entry: directory.DirectoryEntry) -> list[str]:
    """The unit's columns, the same for every account of the unit."""
    chain = entry.unit_chain
    return [
        str(entry.unit.pk),
        entry.unit.name,
        entry.unit.name_en,
        HIERARCHY_SEPARATOR.join(u.name for u in chain),
        HIERARCHY_SEPARATOR.join(u.name_en or u.name for u in chain),
    ]


def _csv_lines(rows, units_by_path):
    """The file's lines, encoded: the header, then one chunk of rows at a time. Every cell goes
    through the formula guard: names and handles come from people, and none may reach a
    spreadsheet as a formula."""
    writer = csv.writer(_Line(), lineterminator="\r\n")
    # The byte-order mark tells spreadsheet programs that the file is UTF-8.
    yield ("\ufeff" + writer.writerow(CSV_COLUMNS)).encode()
    unit_cells: dict[str, list[str]] = {}  # by unit path: built once per unit, not per account
    stream = rows.iterator(chunk_size=CSV_CHUNK_SIZE)
    while chunk := list(islice(stream, CSV_CHUNK_SIZE)):
        lines = []
        for entry in directory.directory_entries(chunk, units_by_path):
            path = entry.unit.path
            if path not in unit_cells:
                unit_cells[path] = [guard_formula(cell) for cell in _csv_unit_cells(entry)]
            own = [entry.name, entry.platform_slug, entry.handle, entry.url, entry.classification]
            official = "true" if entry.is_official else "false"
            lines.append(writer.writerow([guard_formula(cell) for cell in own] + [official] + unit_cells[path]))
        yield "".join(lines).encode()


@method_decorator(rate_limit("directory"), name="dispatch")
class DirectoryCsvView(PublicView):
    """The whole directory (with the page's filters) as one CSV file, streamed: rows are read
    from a server-side cursor CSV_CHUNK_SIZE at a time while the response is sent, so neither the
    memory nor the time before the first byte grows with the directory. Public data only (the
    directory's columns): no audit event, unlike the inventory's exports of personal data."""

    def get(self, request):
        form, units_by_path = _filter_form(request.GET)
        if not form.is_valid():
            message = "\n".join(f"{field}: {' '.join(errors)}" for field, errors in form.errors.items())
            return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
        rows = directory.directory_rows(directory.directory_search(**form.filters()))
        response = StreamingHttpResponse(_csv_lines(rows, units_by_path), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="kipolicy_directory_{timezone.localdate():%Y-%m-%d}.csv"'
        )
        return _public(response)


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
                **extensions.check_fields(request, answer),
            },
            vary_language=True,
        )
