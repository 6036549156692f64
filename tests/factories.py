import factory
from django.utils import timezone

from accounts.choices import AccountStatus, Classification, Role
from accounts.models import Assignment, Platform, SocialAccount
from org.choices import UnitKind
from org.models import PATH_SEPARATOR, Absence, Unit, User


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
    """Builds units directly (the service needs a comms actor); keeps the path as the service does."""

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
