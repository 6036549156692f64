"""The one translation of service errors for the REST API (REST_FRAMEWORK["EXCEPTION_HANDLER"]):
`NotAllowed` answers 403 and `ApplicationError` 409, both as `{"detail": message}` like every
other DRF error. The HTML pages have theirs in core.middleware.

A request refused for missing or wrong credentials (401) also counts against its IP's anonymous
rate (core.throttles): DRF checks throttles only after authentication, so without this nothing
would slow down a client guessing tokens."""

import django_filters
from django import forms
from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema_field
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.exceptions import ApplicationError, NotAllowed
from core.throttles import AnonRateThrottle


def exception_handler(exc, context):
    if isinstance(exc, NotAllowed):
        exc = exceptions.PermissionDenied(exc.message)
    elif isinstance(exc, ApplicationError):
        return Response({"detail": exc.message}, status=status.HTTP_409_CONFLICT)
    elif isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        throttle = AnonRateThrottle()
        if not throttle.allow_request(context["request"], context["view"]):
            exc = exceptions.Throttled(throttle.wait())
    return drf_exception_handler(exc, context)


# Bigint ids: anything outside is no id at all (and SQLite cannot even compare it).
MAX_ID = 2**63 - 1
ID_SCHEMA = {"type": "integer", "format": "int64", "minimum": 1, "maximum": MAX_ID}


@extend_schema_field(ID_SCHEMA)
class IdFilter(django_filters.Filter):
    """An object id in a filter of the API: a whole number from 1 (anything else answers 400, as
    the schema says: ID_SCHEMA). An id the user may not see, or that does not exist, simply
    matches nothing (no hint that it exists; issue 14: the schema and the API agree)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class NoBlankParameters:
    """A FilterSet mixin for the API: a parameter given but empty (``?day_to=``) answers 400, as
    the schema says (a date, an id or an enum value is never ""); only free text (CharFilter: the
    search ``q``) may be empty. The portal's own filter forms submit empty fields and keep
    django-filter's "empty is no filter"."""

    def is_valid(self):
        valid = super().is_valid()
        for name, field in self.filters.items():
            if isinstance(field, django_filters.CharFilter) or self.data.get(name, None) != "":
                continue
            if name in self.form.fields:
                self.form.add_error(name, gettext("This field may not be blank."))
                valid = False
        return valid


class StrictCharField(serializers.CharField):
    """A text field that takes only text: DRF's CharField turns a JSON number into a string, which
    the schema ("type": "string") says the API refuses (issue 14)."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)
