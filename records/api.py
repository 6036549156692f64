"""The records' registers in the REST API (read-only, issue 14): removed posts, questions and
comments, blocks, media consents and requests for public records across the accounts the user may
see, with the same FilterSets and scope as the register pages (records.registers)."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers

from accounts.api import AccountRefSerializer, RegisterViewSet
from accounts.registers import without_sort
from org.api import error_responses
from records import registers
from records.choices import HandOff, WithdrawalChannel
from records.models import Block, Incident, Inquiry, MediaConsent, RecordsRequest

_REFERENCE = ["hand_off", "handed_off_at", "registry_reference"]


def _blank_choice_field(choices):
    """A choice or "" (the model's blank choice, e.g. not handed off, not withdrawn), which a
    read-only model field would leave out of the schema's enum (issue 14, the API's contract)."""
    return serializers.ChoiceField(choices=choices.choices, allow_blank=True, read_only=True)


def _schema(plural: str, serializer, description: str):
    return extend_schema_view(
        list=extend_schema(
            summary=plural.capitalize(),
            description=description,
            responses={200: serializer(many=True), **error_responses(400, 401, 404)},
        ),
        retrieve=extend_schema(
            summary=f"One of the {plural}", responses={200: serializer, **error_responses(401, 404)}
        ),
    )


class IncidentSerializer(serializers.ModelSerializer):
    account = AccountRefSerializer(read_only=True)
    hand_off = _blank_choice_field(HandOff)

    class Meta:
        model = Incident
        fields = ["id", "account", "seen_at", "removed_at", "poster", "category", "description", *_REFERENCE]
        read_only_fields = fields


class InquirySerializer(serializers.ModelSerializer):
    account = AccountRefSerializer(read_only=True)
    hand_off = _blank_choice_field(HandOff)

    class Meta:
        model = Inquiry
        fields = [
            "id",
            "account",
            "received_at",
            "due_at",
            "kind",
            "summary",
            "needs_registration",
            "answered_at",
            *_REFERENCE,
        ]
        read_only_fields = fields


class BlockSerializer(serializers.ModelSerializer):
    account = AccountRefSerializer(read_only=True)

    class Meta:
        model = Block
        fields = ["id", "account", "visitor", "action", "reason", "blocked_at", "reviewed_at", "unblocked_at"]
        read_only_fields = fields


class MediaConsentSerializer(serializers.ModelSerializer):
    account = AccountRefSerializer(read_only=True)
    has_document = serializers.SerializerMethodField()
    withdrawn_via = _blank_choice_field(WithdrawalChannel)  # "" while the consent stands (MEDIA-1)

    class Meta:
        model = MediaConsent
        fields = [
            "id",
            "account",
            "subject",
            "form",
            "given_on",
            "publication",
            "photographer",
            "credit",
            "photographer_consents",
            "has_document",
            "withdrawn_on",
            "withdrawn_via",
        ]
        read_only_fields = fields

    def get_has_document(self, consent) -> bool:
        return bool(consent.document)


class RecordsRequestSerializer(serializers.ModelSerializer):
    accounts = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = RecordsRequest
        fields = ["id", "received_at", "requester", "accounts", "period_start", "period_end", "status", "closed_at"]
        read_only_fields = fields


@_schema(
    "removed posts",
    IncidentSerializer,
    "Removed posts (CONT-1/2, REC-3/4) of the accounts whose evidence the user may see.",
)
class IncidentRegisterViewSet(RegisterViewSet):
    register_slug = "removed-posts"
    serializer_class = IncidentSerializer
    filterset_class = without_sort(registers.IncidentRegisterFilter)


@_schema(
    "questions",
    InquirySerializer,
    "Questions and comments (ANS-1..3, REC-2/3) of the accounts whose evidence the user may see.",
)
class InquiryRegisterViewSet(RegisterViewSet):
    register_slug = "questions"
    serializer_class = InquirySerializer
    filterset_class = without_sort(registers.InquiryRegisterFilter)


@_schema("blocks", BlockSerializer, "Blocks (CONT-1, REC-1) of the accounts whose evidence the user may see.")
class BlockRegisterViewSet(RegisterViewSet):
    register_slug = "blocks"
    serializer_class = BlockSerializer
    filterset_class = without_sort(registers.BlockRegisterFilter)


@_schema(
    "media consents",
    MediaConsentSerializer,
    "Media consents (MEDIA-1..3) of the accounts whose evidence the user may see.",
)
class MediaConsentRegisterViewSet(RegisterViewSet):
    register_slug = "media-consents"
    serializer_class = MediaConsentSerializer
    filterset_class = without_sort(registers.ConsentRegisterFilter)


@_schema(
    "requests for public records",
    RecordsRequestSerializer,
    "Requests for public records (REC-1): for the communications department, registrars and auditors; "
    "empty for anyone else.",
)
class RecordsRequestRegisterViewSet(RegisterViewSet):
    register_slug = "records-requests"
    serializer_class = RecordsRequestSerializer
    filterset_class = without_sort(registers.RequestRegisterFilter)
