"""Compliance figures in the REST API: the report of reports.compliance for a unit and a period,
with the same rules for who may see it as the report pages (RESP-1: managers their units;
the communications department and auditors everything)."""

import datetime

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import ID_SCHEMA, MAX_ID
from org.api import error_responses
from org.models import Unit
from reports import verdict as verdicts
from reports.compliance import ComplianceReport
from reports.figures import FIGURES, UNIT_FIGURES
from reports.views_report import period_or_error

_FIELDS = {
    "int": lambda: serializers.IntegerField(allow_null=True),
    "percent": lambda: serializers.FloatField(allow_null=True, min_value=0, max_value=1),
    "decimal": lambda: serializers.FloatField(allow_null=True),
    "date": lambda: serializers.DateField(allow_null=True),
    "text": lambda: serializers.CharField(allow_blank=True),
}


def _serializer(name: str, figures, extra=None):
    fields = {f.key: _FIELDS[f.kind]() for f in figures}
    fields.update(extra or {})
    return type(name, (serializers.Serializer,), fields)


AccountFiguresSerializer = _serializer(
    "AccountFigures", FIGURES, {"account_id": serializers.IntegerField(help_text="The account's id.")}
)
UnitFiguresSerializer = _serializer("UnitFigures", [f for f in UNIT_FIGURES if f.key != "rank"])
RankedUnitFiguresSerializer = _serializer("RankedUnitFigures", UNIT_FIGURES)


class AreaVerdictSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    verdict = serializers.ChoiceField(choices=verdicts.VERDICT_CHOICES)
    previous = serializers.ChoiceField(choices=verdicts.VERDICT_CHOICES, allow_null=True)
    figures = serializers.SerializerMethodField()

    @extend_schema_field(
        {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"label": {"type": "string"}, "share": {"type": ["number", "null"]}},
                "required": ["label", "share"],
            },
        }
    )
    def get_figures(self, obj):
        return [{"label": label, "share": share} for label, share in obj.figures]


class TrendSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    now = serializers.FloatField(allow_null=True)
    before = serializers.FloatField(allow_null=True)
    change = serializers.FloatField(allow_null=True)
    better = serializers.BooleanField(allow_null=True, help_text="null: unchanged, not comparable or neutral")


class AttentionSerializer(serializers.Serializer):
    account_id = serializers.IntegerField()
    account = serializers.CharField()
    unit = serializers.CharField()
    why = serializers.CharField()


class ComplianceReportSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    unit = serializers.IntegerField(allow_null=True, help_text="null: all of KI")
    scope = serializers.CharField()
    made_at = serializers.DateTimeField()
    counted_up_to = serializers.DateField(help_text="Days are counted up to and including this day.")
    previous_start = serializers.DateField(help_text="The previous period the trend compares with.")
    previous_end = serializers.DateField()
    verdicts = AreaVerdictSerializer(many=True)
    trend = TrendSerializer(many=True)
    attention = AttentionSerializer(many=True)
    totals = UnitFiguresSerializer()
    units = RankedUnitFiguresSerializer(many=True)
    accounts = AccountFiguresSerializer(many=True)


class ComplianceQuery(forms.Form):
    unit = forms.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    start = forms.DateField(input_formats=["%Y-%m-%d"])
    end = forms.DateField(input_formats=["%Y-%m-%d"])

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("start") and cleaned.get("end"):
            cleaned["period"] = period_or_error(self, cleaned["start"], cleaned["end"])
        return cleaned


class ComplianceView(APIView):
    """Compliance figures for a period and a unit with the units below it (or all of KI)."""

    @extend_schema(
        operation_id="compliance_report",
        parameters=[
            OpenApiParameter("unit", ID_SCHEMA, description="Unit id; leave out for all of KI (comms and auditors)."),
            OpenApiParameter("start", datetime.date, required=True, description="First day (YYYY-MM-DD)."),
            OpenApiParameter("end", datetime.date, required=True, description="Last day, inclusive."),
        ],
        responses={
            200: ComplianceReportSerializer,
            **error_responses(400, 401, 403),
            404: OpenApiResponse(description="No such unit, or not one the user may report on."),
        },
    )
    def get(self, request):
        query = ComplianceQuery(request.query_params)
        if not query.is_valid():
            raise exceptions.ValidationError(query.errors.get_json_data())
        unit_id = query.cleaned_data["unit"]
        unit = None
        if unit_id is not None:
            unit = Unit.objects.overseen_by(request.user).filter(pk=unit_id).first()
            if unit is None:
                raise exceptions.NotFound
        # A scope the user may not report on raises ReportNotAllowed: 403 with its message (core.api).
        report = ComplianceReport(user=request.user, unit=unit, period=query.cleaned_data["period"])
        if report.account_count() > settings.REPORTS_INLINE_MAX_ACCOUNTS:
            raise exceptions.ValidationError(
                {"unit": [_("Too many accounts for one request: choose a smaller unit, or export the report.")]}
            )
        accounts = report.materialise()
        answer = report.answer()
        return Response(
            ComplianceReportSerializer(
                {
                    "start": report.period.start,
                    "end": report.period.end,
                    "unit": unit.pk if unit else None,
                    "scope": report.scope_label,
                    "made_at": report.made_at,
                    "counted_up_to": report.last_day,
                    "previous_start": answer.previous_period.start,
                    "previous_end": answer.previous_period.end,
                    "verdicts": answer.verdicts,
                    "trend": answer.trends,
                    "attention": answer.attention,
                    "totals": report.totals,
                    "units": report.unit_rows(),
                    "accounts": accounts,
                }
            ).data
        )
