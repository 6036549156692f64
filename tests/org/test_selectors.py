import pytest

from org import roles
from org.models import Unit
from org.selectors import responsible_manager, units_managed_by
from tests import factories

pytestmark = pytest.mark.django_db


def test_responsible_manager_is_the_units_own_manager():
    """RESP-1: a unit with a manager of its own answers with that manager."""
    top_manager, own_manager = factories.UserFactory(), factories.UserFactory()
    top = factories.UnitFactory(manager=top_manager)
    unit = factories.UnitFactory(parent=top, manager=own_manager)

    assert responsible_manager(unit) == (own_manager, unit)


def test_responsible_manager_falls_back_to_the_nearest_manager_above():
    """RESP-1: a unit without a manager answers with the nearest manager up the tree, not the topmost."""
    top_manager, division_manager = factories.UserFactory(), factories.UserFactory()
    top = factories.UnitFactory(manager=top_manager)
    division = factories.UnitFactory(parent=top, manager=division_manager)
    group = factories.UnitFactory(parent=division)
    subgroup = factories.UnitFactory(parent=group)

    assert responsible_manager(subgroup) == (division_manager, division)


def test_responsible_manager_is_none_when_no_unit_above_has_one():
    """RESP-1: with no manager anywhere up the tree the answer is (None, None)."""
    unit = factories.unit_chain(3)[-1]

    assert responsible_manager(unit) == (None, None)


def test_responsible_manager_uses_the_ancestors_it_is_given(django_assert_num_queries):
    """Given the ancestor chain already loaded, responsible_manager asks the database nothing."""
    manager = factories.UserFactory()
    top = factories.UnitFactory(manager=manager)
    unit = factories.UnitFactory(parent=top)

    ancestors = list(Unit.objects.ancestors_of(unit).select_related("manager"))

    with django_assert_num_queries(0):
        assert responsible_manager(unit, ancestors) == (manager, top)


def test_units_managed_by_lists_the_units_a_person_manages():
    """RESP-1: a manager's units are those naming them as responsible manager, not the units below."""
    manager = factories.UserFactory()
    managed = factories.UnitFactory(manager=manager)
    factories.UnitFactory(parent=managed)
    factories.UnitFactory(manager=factories.UserFactory())

    assert list(units_managed_by(user=manager)) == [managed]
    assert roles.is_manager(manager)


def test_a_person_who_manages_no_unit_is_not_a_manager(outsider):
    """Someone who is nobody's responsible manager has no managed units."""
    factories.UnitFactory(manager=factories.UserFactory())

    assert list(units_managed_by(user=outsider)) == []
    assert not roles.is_manager(outsider)
