"""The registry in the REST API: accounts (read, with the inventory's filters) and screenshot uploads."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from accounts import permissions, registers, selectors, snapshots
from accounts.access_selectors import publishers_prefetch
from accounts.choices import SnapshotKind
from accounts.filters import InventoryFilter
from accounts.models import (
    IDENTITY_FIELDS,
    PURPOSE_FIELDS,
    RESOURCE_FIELDS,
    VALUES_FIELDS,
    Platform,
    Publisher,
    Snapshot,
    SocialAccount,
)
from accounts.uploads import checked_upload
from core.api import IdFilter, NoBlankParameters
from org.api import OptionalURLField, PersonSerializer, error_responses
from org.models import Unit


class AccountApiFilter(NoBlankParameters, InventoryFilter):
    """The inventory's filters (status, platform, unit with its subtree, classification, owner or
    deputy, q). Not its sort: cursor pagination fixes the order, newest first. Platform, unit
    and person are ids (core.api.IdFilter): a whole number from 1, and one that names nothing
    the user may use matches nothing instead of answering 400 (issue 14: what the schema says)."""

    sort = None
    platform = IdFilter(label=InventoryFilter.base_filters["platform"].label, field_name="platform_id")
    unit = IdFilter(label=InventoryFilter.base_filters["unit"].label, method="in_unit_id")
    person = IdFilter(label=InventoryFilter.base_filters["person"].label, method="held_by")

    def in_unit_id(self, queryset, name, value):
        unit = Unit.objects.filter(pk=value).first()
        return queryset.in_unit(unit) if unit else queryset.none()


class PlatformSerializer(serializers.ModelSerializer):
    class Meta:
        model = Platform
        fields = ["id", "slug", "name"]
        read_only_fields = fields


class UnitRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Unit
        fields = ["id", "name"]
        read_only_fields = fields


class PublisherSerializer(serializers.ModelSerializer):
    """Someone with access besides owner and deputy, confirmed by the responsible manager
    (START-1, PRIV-2): a KI person or an external agency."""

    name = serializers.CharField(read_only=True)
    person = PersonSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Publisher
        fields = ["id", "name", "person", "agency_name", "platform_role", "ends_on", "acts_for_ki", "decided_at"]
        read_only_fields = fields


class SocialAccountSerializer(serializers.ModelSerializer):
    """An account as its detail page shows it to the user, with its current owner and deputy."""

    platform = PlatformSerializer(read_only=True)
    url = OptionalURLField(help_text="The profile address; null until it is known.")
    strategy_link = OptionalURLField()
    unit = UnitRefSerializer(read_only=True)
    hours_per_week = serializers.DecimalField(
        max_digits=5, decimal_places=1, coerce_to_string=False, read_only=True, allow_null=True
    )
    owner = serializers.SerializerMethodField()
    deputy = serializers.SerializerMethodField()
    publishers = serializers.SerializerMethodField(
        help_text="The confirmed publishers (START-1); empty unless you may see the account's evidence."
    )

    class Meta:
        model = SocialAccount
        fields = [
            "id",
            *IDENTITY_FIELDS,
            "status",
            "owner",
            "deputy",
            "publishers",
            *PURPOSE_FIELDS,
            *RESOURCE_FIELDS,
            *VALUES_FIELDS,
            "activated_at",
            "decommissioned_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @staticmethod
    def _person(person):
        return PersonSerializer(person).data if person else None

    # From the selector's prefetched current assignments (selectors.current_keepers).
    @extend_schema_field(PersonSerializer(allow_null=True))
    def get_owner(self, account):
        return self._person(selectors.current_keepers(account).owner)

    @extend_schema_field(PersonSerializer(allow_null=True))
    def get_deputy(self, account):
        return self._person(selectors.current_keepers(account).deputy)

    # From the viewset's prefetch (access_selectors.publishers_prefetch), scoped to the user.
    @extend_schema_field(PublisherSerializer(many=True))
    def get_publishers(self, account):
        return PublisherSerializer(getattr(account, "evidence_publishers", []), many=True).data


class SnapshotUploadSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=SnapshotKind.choices, error_messages={"invalid_choice": _("Choose what the screenshot shows.")}
    )
    taken_on = serializers.DateField(help_text="The day the screenshot was taken (YYYY-MM-DD); not in the future.")
    file = serializers.FileField(help_text="A PNG, JPEG or WebP image, or a PDF; at most 10 MB. Checked by content.")
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")

    def validate_taken_on(self, value):
        if value > timezone.localdate():
            raise serializers.ValidationError(_("The date of the screenshot cannot be in the future."))
        return value

    def validate_file(self, value):
        # The upload form's check: by content, re-encoded without metadata (accounts.uploads). Its
        # django ValidationError becomes this field's message.
        return checked_upload(value)


class SnapshotSerializer(serializers.ModelSerializer):
    file_url = serializers.SerializerMethodField()

    class Meta:
        model = Snapshot
        fields = [
            "id",
            "account",
            "kind",
            "taken_on",
            "content_type",
            "size",
            "width",
            "height",
            "sha256",
            "note",
            "created_at",
            "file_url",
        ]
        read_only_fields = fields

    def get_file_url(self, snapshot) -> str:
        return reverse("snapshots:file", args=[snapshot.pk])


@extend_schema_view(
    list=extend_schema(
        summary="Accounts",
        description="The inventory as the user sees it, with the same filters.",
        responses={200: SocialAccountSerializer(many=True), **error_responses(400, 401, 404)},
    ),
    retrieve=extend_schema(
        summary="One account", responses={200: SocialAccountSerializer, **error_responses(401, 404)}
    ),
)
class SocialAccountViewSet(viewsets.ReadOnlyModelViewSet):
    """Social media accounts the user may see (accounts.selectors.social_account_list); others are 404."""

    serializer_class = SocialAccountSerializer
    filterset_class = AccountApiFilter

    def get_queryset(self):
        return selectors.social_account_list(user=self.request.user).prefetch_related(
            publishers_prefetch(user=self.request.user)
        )

    @extend_schema(
        summary="Upload a screenshot",
        description=(
            "Store a dated screenshot (or PDF) of the account's page (REC-5): the same check and "
            "permission as the upload form. Owner, deputy, a responsible manager or the "
            "communications department."
        ),
        request={"multipart/form-data": SnapshotUploadSerializer},
        responses={201: SnapshotSerializer, **error_responses(400, 401, 403, 404, 409)},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="snapshots",
        parser_classes=[MultiPartParser, FormParser],
    )
    def snapshots(self, request, pk=None):
        # Screenshots are evidence: 404 unless the user may see them (as on the screenshots page),
        # then 403 unless they may upload, before the file is even read.
        try:
            account_id = int(pk)
        except (TypeError, ValueError):
            raise exceptions.NotFound() from None
        account = snapshots.snapshot_account_get(user=request.user, pk=account_id)
        if not permissions.can_upload_snapshot(request.user, account):
            raise exceptions.PermissionDenied(
                _(
                    "Only the account's owner, its deputy, a responsible manager or the communications "
                    "department may do this."
                )
            )
        serializer = SnapshotUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        snapshot = snapshots.snapshot_upload(
            actor=request.user,
            account_id=account.pk,
            kind=data["kind"],
            taken_on=data["taken_on"],
            uploaded_file=data["file"],
            note=data["note"],
        )
        return Response(SnapshotSerializer(snapshot).data, status=status.HTTP_201_CREATED)


class RegisterViewSet(viewsets.ReadOnlyModelViewSet):
    """A register across accounts in the API (accounts.registers, issue 14): the register's
    selector scoped to the user (a record outside it is 404) and its FilterSet without the sort.
    Subclasses name the register (`register_slug`) and set `filterset_class` to
    `registers.without_sort(<the register's FilterSet>)`, the serializer and the schema."""

    register_slug = ""

    def get_queryset(self):
        register = registers.REGISTERS[self.register_slug]
        if not register.may_see(self.request.user):
            return register.selector(self.request.user).none()
        return register.selector(self.request.user)


class AccountRefSerializer(serializers.ModelSerializer):
    """The account a record belongs to: id, name and platform (from the selector's joins)."""

    platform = serializers.CharField(source="platform.name", read_only=True)

    class Meta:
        model = SocialAccount
        fields = ["id", "name", "platform"]
        read_only_fields = fields
