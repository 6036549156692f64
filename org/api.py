"""The API's foundation: how the schema names personal-token authentication, the error shapes every
app's API documents, and the read-only units endpoint. The router that mounts every app's viewsets
is kipolicy.api; the authentication class itself is org.authentication."""

import django_filters
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets

from core.api import IdFilter, NoBlankParameters
from org import selectors
from org.choices import UnitKind
from org.models import Unit


class TokenAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "org.authentication.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal API token, created on the portal's API tokens page.",
        }


# Error shapes, documented on every operation so that the schema names every answer the API gives.


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What went wrong, in the user's language.")


ERROR_DESCRIPTIONS = {
    400: "Invalid input: an object naming each field with its messages (or `detail`).",
    401: "No credentials, or an unknown, revoked or expired token.",
    403: "The user may see this but not do it.",
    404: "No such object among those the user may see (or an invalid cursor).",
    409: "The request conflicts with the object's state.",
}


def error_responses(*codes: int) -> dict:
    """OpenAPI responses for the given error codes, for extend_schema(responses=...)."""
    return {
        code: OpenApiResponse(
            response=OpenApiTypes.OBJECT if code == 400 else ErrorSerializer, description=ERROR_DESCRIPTIONS[code]
        )
        for code in codes
    }


class _BlankAsNull:
    """A read-only field whose blank value is shown as null: an empty string is no URL or address,
    and the schema's format says what a value is."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, allow_null=True, **kwargs)

    def to_representation(self, value):
        return super().to_representation(value) if value else None


class OptionalURLField(_BlankAsNull, serializers.URLField):
    pass


class OptionalEmailField(_BlankAsNull, serializers.EmailField):
    pass


class PersonSerializer(serializers.Serializer):
    """A person as the portal shows them: their name."""

    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(source="__str__", read_only=True)


# Units


class UnitSerializer(serializers.ModelSerializer):
    manager = PersonSerializer(read_only=True, allow_null=True, help_text="The responsible manager (RESP-1).")
    registry_email = OptionalEmailField(help_text="Where records to be registered are sent; null if not set.")

    class Meta:
        model = Unit
        fields = ["id", "name", "name_en", "kind", "parent", "depth", "manager", "registry_email"]
        read_only_fields = fields


class UnitApiFilter(NoBlankParameters, django_filters.FilterSet):
    """A unit's kind, and its parent by id (core.api.IdFilter: 0 or less answers 400, an unknown
    id matches nothing)."""

    kind = django_filters.ChoiceFilter(choices=UnitKind.choices)
    parent = IdFilter(field_name="parent_id")

    class Meta:
        model = Unit
        fields = ["kind", "parent"]


@extend_schema_view(
    list=extend_schema(summary="Units", responses={200: UnitSerializer(many=True), **error_responses(400, 401, 404)}),
    retrieve=extend_schema(summary="One unit", responses={200: UnitSerializer, **error_responses(401, 404)}),
)
class UnitViewSet(viewsets.ReadOnlyModelViewSet):
    """KI's units, with their responsible managers. Every logged-in user sees all of them, as in the portal."""

    serializer_class = UnitSerializer
    filterset_class = UnitApiFilter

    def get_queryset(self):
        return selectors.unit_list(user=self.request.user)
