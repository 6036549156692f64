"""Monitoring in the REST API: findings (read) and check-ins (read, and record one: MON-1)."""

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

from accounts.selectors import social_account_list
from core.api import MAX_ID, IdFilter, NoBlankParameters, StrictCharField
from monitoring import services
from monitoring.choices import CheckInSource
from monitoring.models import CheckIn, Finding
from monitoring.rules import RULES
from org.api import error_responses
from org.calendar import local_day


def _visible_account_ids(user):
    return social_account_list(user=user).values("pk")


# Findings


class _RuleChoices:
    """The rule catalogue's ids and titles, read when iterated: the filter's form checks against
    the rules registered by then (apps above monitoring add theirs in ready()), and the OpenAPI
    schema lists them as the parameter's enum (a callable would leave the enum out)."""

    def __iter__(self):
        return iter([(rule.id, rule.title) for rule in RULES.values()])


class FindingFilter(NoBlankParameters, django_filters.FilterSet):
    rule = django_filters.ChoiceFilter(label=_("Rule"), choices=_RuleChoices())
    state = django_filters.ChoiceFilter(
        label=_("Open or resolved"), choices=[("open", _("Open")), ("resolved", _("Resolved"))], method="in_state"
    )
    account = IdFilter(label=_("Account"), field_name="account_id")

    class Meta:
        model = Finding
        fields = ["rule", "state", "account"]

    def in_state(self, queryset, name, value):
        if value == "open":
            return queryset.filter(resolved_at__isnull=True)
        if value == "resolved":
            return queryset.filter(resolved_at__isnull=False)
        return queryset


class FindingSerializer(serializers.ModelSerializer):
    account_name = serializers.CharField(source="account.name", read_only=True)
    title = serializers.SerializerMethodField()
    clauses = serializers.SerializerMethodField()
    severity = serializers.SerializerMethodField()
    is_open = serializers.BooleanField(read_only=True)
    # Annotated by Finding.objects.with_last_seen(): the sweep does not rewrite open findings.
    last_seen_at = serializers.DateTimeField(source="last_seen", read_only=True)

    class Meta:
        model = Finding
        fields = [
            "id",
            "account",
            "account_name",
            "rule",
            "title",
            "clauses",
            "severity",
            "is_open",
            "opened_at",
            "last_seen_at",
            "resolved_at",
            "escalated_at",
        ]
        read_only_fields = fields

    def get_title(self, finding) -> str:
        rule = RULES.get(finding.rule)
        return str(rule.title) if rule else finding.rule

    def get_clauses(self, finding) -> str:
        rule = RULES.get(finding.rule)
        return rule.clauses if rule else ""

    def get_severity(self, finding) -> str:
        rule = RULES.get(finding.rule)
        return str(rule.severity) if rule else ""


@extend_schema_view(
    list=extend_schema(
        summary="Findings",
        description="Compliance findings of the accounts the user sees, open and resolved.",
        responses={200: FindingSerializer(many=True), **error_responses(400, 401, 404)},
    ),
    retrieve=extend_schema(summary="One finding", responses={200: FindingSerializer, **error_responses(401, 404)}),
)
class FindingViewSet(viewsets.ReadOnlyModelViewSet):
    """Findings of the accounts the user may see; any other finding is 404."""

    serializer_class = FindingSerializer
    filterset_class = FindingFilter

    def get_queryset(self):
        return (
            Finding.objects.filter(account__in=_visible_account_ids(self.request.user))
            .with_last_seen()
            .select_related("account")
        )


# Check-ins


class CheckInFilter(NoBlankParameters, django_filters.FilterSet):
    account = IdFilter(label=_("Account"), field_name="account_id")
    day_from = django_filters.DateFilter(label=_("From day"), field_name="day", lookup_expr="gte")
    day_to = django_filters.DateFilter(label=_("To day"), field_name="day", lookup_expr="lte")

    class Meta:
        model = CheckIn
        fields = ["account", "day_from", "day_to"]


class CheckInSerializer(serializers.ModelSerializer):
    person = serializers.CharField(source="person_repr", read_only=True, help_text="Who checked in.")

    class Meta:
        model = CheckIn
        fields = ["id", "account", "day", "person", "source", "note", "latest_post_on", "created_at"]
        read_only_fields = fields


class CheckInRecordedSerializer(CheckInSerializer):
    created = serializers.BooleanField(
        read_only=True, help_text="False when the day was already recorded (the first check-in is kept)."
    )

    class Meta(CheckInSerializer.Meta):
        fields = [*CheckInSerializer.Meta.fields, "created"]
        read_only_fields = fields


class CheckInInputSerializer(serializers.Serializer):
    account = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="The account's id.")
    note = StrictCharField(max_length=500, required=False, allow_blank=True, default="")
    latest_post_on = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="The date of the account's latest post, if known."
    )

    def validate_latest_post_on(self, value):
        if value and value > local_day(timezone.now()):
            raise serializers.ValidationError(_("The date of the latest post cannot be in the future."))
        return value


@extend_schema_view(
    list=extend_schema(
        summary="Check-ins",
        description="Check-ins of the accounts the user sees, newest first.",
        responses={200: CheckInSerializer(many=True), **error_responses(400, 401, 404)},
    ),
    create=extend_schema(
        summary="Record today's check-in",
        description=(
            "The account was monitored today (Europe/Stockholm), MON-1. Its owner or deputy (or the "
            "communications department) only. 201 when recorded; 200 when today was already recorded."
        ),
        request=CheckInInputSerializer,
        responses={
            201: CheckInRecordedSerializer,
            200: OpenApiResponse(CheckInRecordedSerializer, description="Today was already recorded."),
            **error_responses(400, 401, 403, 404, 409),
        },
    ),
)
class CheckInViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """GET: check-ins of the accounts the user sees. POST: record today's check-in of one account."""

    serializer_class = CheckInSerializer
    filterset_class = CheckInFilter
    # JSON only: a form encoding cannot say that latest_post_on is null, so the schema would
    # promise what a form post cannot send (issue 14).
    parser_classes = [JSONParser]

    def get_queryset(self):
        return CheckIn.objects.filter(account__in=_visible_account_ids(self.request.user))

    def create(self, request):
        serializer = CheckInInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        account = social_account_list(user=request.user).filter(pk=data["account"]).first()
        if account is None:
            raise exceptions.NotFound()
        # A refusal is 403 or 409 with {"detail": …} (core.api.exception_handler).
        checkin, created = services.checkin_record(
            actor=request.user,
            account=account,
            note=data["note"],
            latest_post_on=data["latest_post_on"],
            source=CheckInSource.API,
        )
        checkin.created = created
        return Response(
            CheckInRecordedSerializer(checkin).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )
