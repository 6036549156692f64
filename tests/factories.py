import factory
from django.utils import timezone

from accounts.choices import AccountStatus, Classification, Role
from accounts.models import Assignment, Platform, SocialAccount
from org.choices import UnitKind
from org.models import PATH_SEPARATOR, Absence, Unit, User
from org.unit_cache import units_changed


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="sv_SE")
    last_name = factory.Faker("last_name", locale="sv_SE")
    email = factory.LazyAttribute(lambda u: f"{u.username}@ki.se")
    password = factory.django.Password("pw")


class UnitFactory(factory.django.DjangoModelFactory):
    """Builds units directly (the service needs a comms actor); keeps the path and announces the
    change of the tree (org.unit_cache) as the service does."""

    class Meta:
        model = Unit
        # fix_path saves the fields it sets; no second save is needed.
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Unit {n}")
    kind = UnitKind.DEPARTMENT
    parent = None
    path = factory.Sequence(lambda n: f"tmp{n}")

    @factory.post_generation
    def fix_path(obj, create, extracted, **kwargs):
        obj.path = (obj.parent.path if obj.parent else "") + f"{obj.pk:08d}{PATH_SEPARATOR}"
        obj.depth = obj.path.count(PATH_SEPARATOR)
        obj.save(update_fields=["path", "depth"])
        units_changed()  # as the services do (org.unit_cache)


def platform(slug: str = "instagram") -> Platform:
    return Platform.objects.get(slug=slug)


class SocialAccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SocialAccount

    name = factory.Sequence(lambda n: f"KI account {n}")
    platform = factory.LazyFunction(platform)
    handle = factory.Sequence(lambda n: f"kiaccount{n}")
    url = factory.LazyAttribute(lambda a: f"https://instagram.com/{a.handle}")
    unit = factory.SubFactory(UnitFactory)
    classification = Classification.OFFICIAL
    purpose = "Berätta om forskningen vid KI."
    status = AccountStatus.ACTIVE
    activated_at = factory.LazyFunction(timezone.now)


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    account = factory.SubFactory(SocialAccountFactory)
    person = factory.SubFactory(UserFactory)
    role = Role.OWNER
    started_at = factory.LazyFunction(timezone.now)


class AbsenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Absence

    person = factory.SubFactory(UserFactory)
    first_day = factory.LazyFunction(lambda: timezone.localdate())
    last_day = factory.LazyAttribute(lambda a: a.first_day)


def unit_chain(levels: int, *, parent: Unit | None = None, **kwargs) -> list[Unit]:
    """Units nested `levels` deep under `parent` (or from a new root), top first."""
    chain = []
    for _level in range(levels):
        parent = UnitFactory(parent=parent, **kwargs)
        chain.append(parent)
    return chain


def staffed_account(*, owner: User | None = None, deputy: User | None = None, **kwargs) -> SocialAccount:
    """An account with a current owner and deputy (new people unless given)."""
    account = SocialAccountFactory(**kwargs)
    AssignmentFactory(account=account, person=owner or UserFactory(), role=Role.OWNER)
    AssignmentFactory(account=account, person=deputy or UserFactory(), role=Role.DEPUTY)
    return account


# Monitoring (tests/monitoring). Models are named by label so that this block needs no new imports.


class CheckInFactory(factory.django.DjangoModelFactory):
    """A check-in on a Stockholm calendar day (MON-1/2)."""

    class Meta:
        model = "monitoring.CheckIn"

    account = factory.SubFactory(SocialAccountFactory)
    day = factory.LazyFunction(timezone.localdate)
    person_repr = "test"
    source = "web"


class FollowUpFactory(factory.django.DjangoModelFactory):
    """A yearly follow-up (PURP-3). `recorded_at` back-dates created_at, which auto_now_add would
    otherwise set to the real clock: the follow-up-overdue rule counts from it."""

    class Meta:
        model = "monitoring.FollowUp"
        skip_postgeneration_save = True

    account = factory.SubFactory(SocialAccountFactory)
    period_end = factory.LazyFunction(timezone.localdate)
    figures = "1 200 följare, 40 frågor besvarade."
    assessment = "Målen nås."

    @factory.post_generation
    def recorded_at(obj, create, extracted, **kwargs):
        if create and extracted is not None:
            type(obj).objects.filter(pk=obj.pk).update(created_at=extracted)
            obj.created_at = extracted


class SnapshotFactory(factory.django.DjangoModelFactory):
    """A start-page screenshot row (REC-5) without a stored file: the rules read only its date."""

    class Meta:
        model = "accounts.Snapshot"

    account = factory.SubFactory(SocialAccountFactory)
    kind = "start_page"
    taken_on = factory.LazyFunction(timezone.localdate)
    file = factory.Sequence(lambda n: f"snapshots/test/{n:064d}.png")
    content_type = "image/png"
    extension = "png"
    size = 1
    sha256 = factory.Sequence(lambda n: f"{n:064x}")


class SenderConfirmationFactory(factory.django.DjangoModelFactory):
    """One confirmed item of the sender checklist (SEND-1..3, INF-1)."""

    class Meta:
        model = "accounts.SenderConfirmation"

    account = factory.SubFactory(SocialAccountFactory)
    item = "ki_in_description"
    confirmed_by_repr = "test"
    confirmed_at = factory.LazyFunction(timezone.now)


class AccessReviewFactory(factory.django.DjangoModelFactory):
    """The owner's yearly access review (START-1, issue 15)."""

    class Meta:
        model = "accounts.AccessReview"

    account = factory.SubFactory(SocialAccountFactory)
    reviewed_by_repr = "test"
    reviewed_at = factory.LazyFunction(timezone.now)
    publishers = 0


class PublisherFactory(factory.django.DjangoModelFactory):
    """A confirmed KI person with access to an account besides its owner and deputy (START-1)."""

    class Meta:
        model = "accounts.Publisher"

    account = factory.SubFactory(SocialAccountFactory)
    person = factory.SubFactory(UserFactory)
    platform_role = "editor"
    status = "confirmed"
    acts_for_ki = True


class FindingFactory(factory.django.DjangoModelFactory):
    """An open finding of a rule for an account."""

    class Meta:
        model = "monitoring.Finding"

    account = factory.SubFactory(SocialAccountFactory)
    unit = factory.LazyAttribute(lambda f: f.account.unit)  # the unit at the time, as the sweep records it
    rule = "no-owner"
    opened_at = factory.LazyFunction(timezone.now)
    last_seen_at = factory.LazyAttribute(lambda f: f.opened_at)
