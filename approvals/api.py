"""The decision records' register in the REST API (read-only, issue 14): the decisions of every
account the user may see, with the register page's FilterSet and scope (approvals.registers)."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers

from accounts.api import AccountRefSerializer, RegisterViewSet
from accounts.registers import without_sort
from approvals import registers
from approvals.models import Decision
from org.api import error_responses


class DecisionSerializer(serializers.ModelSerializer):
    account = AccountRefSerializer(read_only=True)

    class Meta:
        model = Decision
        fields = [
            "id",
            "account",
            "step",
            "outcome",
            "comment",
            "decided_by_repr",
            "clauses",
            "unit_repr",
            "created_at",
            "registry_email",
            "registry_reference",
        ]
        read_only_fields = fields


@extend_schema_view(
    list=extend_schema(
        summary="Decision records",
        description=(
            "Decisions on the accounts the user may see (START-1, START-2, RESP-1), with the register's filters."
        ),
        responses={200: DecisionSerializer(many=True), **error_responses(400, 401, 404)},
    ),
    retrieve=extend_schema(
        summary="One decision record", responses={200: DecisionSerializer, **error_responses(401, 404)}
    ),
)
class DecisionRegisterViewSet(RegisterViewSet):
    register_slug = "decisions"
    serializer_class = DecisionSerializer
    filterset_class = without_sort(registers.DecisionRegisterFilter)
