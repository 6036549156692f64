"""The people search's plan (issue 12, fifth pass, PostgreSQL only): every word is matched against
one text of the four searched fields (org.selectors.PersonText), which the trigram index of
migration org/0011 serves. As in tests/accounts/test_visibility_plans.py the planner is asked what
it can do with sequential scans priced out: what breaks when the SQL and the index part."""

import pytest
from django.db import connection, transaction

from org.models import User
from org.selectors import person_list
from tests import factories

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the plans are PostgreSQL's"),
]


def plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_a_searched_people_list_reads_the_person_text_index():
    factories.UserFactory.create_batch(20)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE org_user")
    text = plan(person_list(user=None, query="registr olivia").order_by().values("pk"))
    assert "org_user_person_trgm" in text
    assert "Seq Scan on org_user" not in text


def test_a_word_matches_within_one_field_never_across_two(db):
    person = factories.UserFactory(first_name="Anna", last_name="Berg", username="aberg", email="anna.berg@ki.se")
    assert list(person_list(user=None, query="anna berg").values_list("pk", flat=True)) == [person.pk]
    assert not person_list(user=None, query="annaberg").exists()
    assert not person_list(user=None, query="bergaberg").exists()
    assert User.objects.count() == 1
