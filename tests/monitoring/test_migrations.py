"""The migration that stores ping addresses as SHA-256 (issue 11, defect 10), run on real rows."""

import hashlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse

from monitoring import services
from monitoring.choices import CheckInSource
from monitoring.models import CheckIn, PingKey
from tests import factories

BEFORE = [("monitoring", "0002_checkin_post_index")]
AFTER = [("monitoring", "0003_pingkey_digest")]


def migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor


@pytest.fixture(autouse=True)
def latest_schema_afterwards():
    """Each test leaves the schema at the latest migration, not at AFTER: the transactional tests
    that run after these ones need the tables of later migrations (monitoring 0004: RuleEvaluation)."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # keeps the platforms migrations made
def test_existing_ping_addresses_are_hashed_and_keep_working():
    """An address bookmarked or put in a script before the upgrade still records check-ins after
    it, although its secret is no longer stored."""
    account = factories.staffed_account(name="KI Forskning")
    old_state = migrate(BEFORE).loader.project_state(BEFORE).apps
    OldPingKey = old_state.get_model("monitoring", "PingKey")
    OldPingKey.objects.create(account_id=account.pk, token="bookmarked-secret")
    other = factories.staffed_account(name="KI Utbildning")
    OldPingKey.objects.create(account_id=other.pk, token="script-secret")

    migrate(AFTER)

    assert dict(PingKey.objects.values_list("account_id", "digest")) == {
        account.pk: hashlib.sha256(b"bookmarked-secret").hexdigest(),
        other.pk: hashlib.sha256(b"script-secret").hexdigest(),
    }
    assert services.ping_checkin(token="script-secret").account == other
    response = Client().post(reverse("monitoring:ping", args=["bookmarked-secret"]))
    assert response.status_code == 200
    assert CheckIn.objects.get(account=account).source == CheckInSource.PING


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # keeps the platforms migrations made
def test_the_migration_can_be_undone_with_new_secrets():
    """Going back cannot recover a secret from its digest: every address gets a new secret."""
    first, second = factories.staffed_account(name="KI Forskning"), factories.staffed_account(name="KI Utbildning")
    PingKey.objects.create(account=first, digest=PingKey.digest_of("a"))
    PingKey.objects.create(account=second, digest=PingKey.digest_of("b"))

    old_state = migrate(BEFORE).loader.project_state(BEFORE).apps
    tokens = list(old_state.get_model("monitoring", "PingKey").objects.values_list("token", flat=True))
    migrate(AFTER)

    assert len(set(tokens)) == 2 and not {"a", "b", None} & set(tokens)
    assert PingKey.objects.count() == 2
