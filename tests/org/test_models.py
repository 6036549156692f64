import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import translation

from org.models import Absence, Unit
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    """A five-level chain with a sibling branch under its root, and an unrelated root."""
    chain = factories.unit_chain(5)
    sibling = factories.UnitFactory(parent=chain[0])
    sibling_child = factories.UnitFactory(parent=sibling)
    other_root = factories.UnitFactory()
    return {"chain": chain, "sibling": sibling, "sibling_child": sibling_child, "other_root": other_root}


def test_unit_path_and_depth_follow_the_tree(tree):
    """Each unit's path is its parent's path plus its own segment; depth counts the segments."""
    chain = tree["chain"]

    assert [u.depth for u in chain] == [1, 2, 3, 4, 5]
    for parent, child in zip(chain, chain[1:], strict=False):
        assert child.path.startswith(parent.path)
        assert child.path == f"{parent.path}{child.pk:08d}/"


def test_subtree_returns_the_unit_and_everything_below_it_in_one_query(tree, django_assert_num_queries):
    """subtree() of a depth-2 unit holds it and its three levels below, nothing beside or above."""
    chain = tree["chain"]

    with django_assert_num_queries(1):
        found = set(Unit.objects.subtree(chain[1]))

    assert found == set(chain[1:])


def test_subtree_of_the_root_includes_the_sibling_branch(tree):
    """subtree() of the root reaches every branch under it but not another root."""
    found = set(Unit.objects.subtree(tree["chain"][0]))

    assert found == {*tree["chain"], tree["sibling"], tree["sibling_child"]}


def test_subtree_of_a_leaf_is_the_leaf_alone(tree):
    """The deepest unit's subtree is just itself."""
    leaf = tree["chain"][-1]

    assert list(Unit.objects.subtree(leaf)) == [leaf]


def test_ancestors_of_lists_the_chain_root_first_including_the_unit(tree):
    """ancestors_of() is the unit and every unit above it, ordered from the root."""
    chain = tree["chain"]

    assert list(Unit.objects.ancestors_of(chain[4])) == chain


def test_ancestors_of_can_leave_out_the_unit_itself(tree):
    """include_self=False gives only the units above."""
    chain = tree["chain"]

    assert list(Unit.objects.ancestors_of(chain[4], include_self=False)) == chain[:4]


def test_ancestors_of_does_not_include_the_sibling_branch(tree):
    """A unit in the sibling branch has only its own chain above it."""
    assert list(Unit.objects.ancestors_of(tree["sibling_child"])) == [
        tree["chain"][0],
        tree["sibling"],
        tree["sibling_child"],
    ]


def test_display_name_is_the_english_name_in_english(db):
    """A unit shows its English name when the language is English, its Swedish name otherwise."""
    unit = factories.UnitFactory(name="Institutionen för medicin", name_en="Department of Medicine")

    with translation.override("en"):
        assert str(unit) == "Department of Medicine"
    with translation.override("sv"):
        assert str(unit) == "Institutionen för medicin"


def test_absence_last_day_before_first_day_violates_the_constraint(db):
    """The database refuses an absence that ends before it begins."""
    person = factories.UserFactory()
    first = datetime.date(2025, 7, 10)

    with pytest.raises(IntegrityError), transaction.atomic():
        Absence.objects.create(person=person, first_day=first, last_day=first - datetime.timedelta(days=1))

    assert Absence.objects.count() == 0


def test_absence_of_one_day_is_allowed(db):
    """An absence whose first and last day are the same is stored."""
    absence = factories.AbsenceFactory(first_day=datetime.date(2025, 7, 10), last_day=datetime.date(2025, 7, 10))

    absence.refresh_from_db()
    assert absence.first_day == absence.last_day
