"""The single sign-on and LOCAL_LOGIN settings at start-up (a fresh interpreter each, as in
tests/test_settings.py): what switches OIDC on, what a start refuses, and that nothing is
downloaded while the settings load."""

from tests.test_settings import start

SHOW = (
    "import django; django.setup(); from django.conf import settings as s; "
    "print(s.OIDC_ENABLED, s.AUTHENTICATION_BACKENDS[-1], 'mozilla_django_oidc' in s.INSTALLED_APPS, s.LOCAL_LOGIN)"
)
DEBUG = {"DEBUG": "true"}


def test_oidc_is_off_by_default_and_local_login_is_all(tmp_path):
    result = start(tmp_path, SHOW, **DEBUG)
    assert result.stdout.split() == ["False", "org.logins_local.LocalPasswordBackend", "False", "all"]


def test_a_client_id_switches_oidc_on_without_downloading_anything(tmp_path):
    """The discovery address points nowhere: the settings still load (discovery is read at the
    first login, not at start-up), with the backend after the password backend."""
    result = start(
        tmp_path,
        SHOW,
        OIDC_RP_CLIENT_ID="portal",
        OIDC_RP_CLIENT_SECRET="s",
        OIDC_OP_DISCOVERY_URL="http://127.0.0.1:9/.well-known/openid-configuration",
        **DEBUG,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "org.oidc.OIDCBackend", "True", "all"]


def test_oidc_enabled_false_wins_over_a_client_id(tmp_path):
    result = start(tmp_path, SHOW, OIDC_RP_CLIENT_ID="portal", OIDC_ENABLED="false", **DEBUG)
    assert result.stdout.split()[0] == "False"


def test_oidc_without_a_provider_address_stops_the_start(tmp_path):
    result = start(tmp_path, SHOW, OIDC_ENABLED="true", OIDC_RP_CLIENT_ID="portal", **DEBUG)
    assert result.returncode != 0
    assert "OIDC_OP_DISCOVERY_URL" in result.stderr


def test_the_client_secret_can_be_a_file(tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("from-a-file\n")
    code = "import django; django.setup(); from django.conf import settings as s; print(s.OIDC_RP_CLIENT_SECRET)"
    result = start(tmp_path, code, OIDC_RP_CLIENT_SECRET_FILE=str(secret), **DEBUG)
    assert result.stdout.strip() == "from-a-file"


def test_an_unknown_local_login_value_stops_the_start(tmp_path):
    result = start(tmp_path, SHOW, LOCAL_LOGIN="sometimes", **DEBUG)
    assert result.returncode != 0
    assert "LOCAL_LOGIN must be all, admins or off" in result.stderr
