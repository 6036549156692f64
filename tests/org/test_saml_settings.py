"""The SAML_* settings (issue 13): off by default, refused at start-up when switched on without
its files, and, when on, a pysaml2 configuration that requires signed assertions and keeps
`check --deploy` clean. Each case starts a fresh interpreter (tests/test_settings.py)."""

import json

import pytest

from tests.idp_saml import make_key_pair
from tests.test_settings import start

PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "x" * 10 + "a-long-random-production-secret-for-the-deploy-checks-only",
    "ALLOWED_HOSTS": "socialmedia.example.ki.se",
    "SITE_URL": "https://socialmedia.example.ki.se",
}
READ = (
    "import django, json; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({'enabled': s.SAML_ENABLED, 'config': getattr(s, 'SAML_CONFIG', None), "
    "'backends': s.AUTHENTICATION_BACKENDS, 'cookie': [s.SAML_SESSION_COOKIE_NAME, s.SAML_SESSION_COOKIE_SAMESITE]}))"
)


@pytest.fixture
def saml_files(tmp_path):
    key_file, cert_file = make_key_pair(tmp_path, "sp")
    metadata = tmp_path / "idp-metadata.xml"
    metadata.write_text("<EntityDescriptor/>")
    return {"SAML_KEY_FILE": key_file, "SAML_CERT_FILE": cert_file, "SAML_IDP_METADATA_FILE": str(metadata)}


def test_saml_is_off_by_default_and_builds_no_configuration(tmp_path):
    result = start(tmp_path, code=READ, **PRODUCTION)
    assert result.returncode == 0, result.stderr
    read = json.loads(result.stdout.splitlines()[-1])
    assert (read["enabled"], read["config"]) == (False, None)
    assert "org.saml.SamlBackend" not in read["backends"]


def test_saml_on_without_its_files_refuses_to_start_naming_them(tmp_path):
    result = start(tmp_path, SAML_ENABLED="true", **PRODUCTION)
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert "SAML_KEY_FILE" in last_line and "SAML_CERT_FILE" in last_line
    assert "SAML_IDP_METADATA_FILE (or SAML_IDP_METADATA_URL)" in last_line


def test_saml_on_builds_a_configuration_requiring_signed_assertions_and_a_secure_cross_site_cookie(
    tmp_path, saml_files
):
    result = start(tmp_path, code=READ, SAML_ENABLED="true", SAML_CLOCK_SKEW="30", **saml_files, **PRODUCTION)
    assert result.returncode == 0, result.stderr
    read = json.loads(result.stdout.splitlines()[-1])
    config, sp = read["config"], read["config"]["service"]["sp"]
    assert config["entityid"] == "https://socialmedia.example.ki.se/saml2/metadata/"
    assert sp["endpoints"]["assertion_consumer_service"][0][0] == "https://socialmedia.example.ki.se/saml2/acs/"
    assert (sp["want_assertions_signed"], sp["allow_unsolicited"], config["accepted_time_diff"]) == (True, False, 30)
    assert config["metadata"] == {"local": [saml_files["SAML_IDP_METADATA_FILE"]]}
    assert sp["required_attributes"] == ["eduPersonPrincipalName"]
    assert "org.saml.SamlBackend" in read["backends"]
    assert read["cookie"] == ["__Host-saml_session", "None"]


def test_an_idp_metadata_url_is_read_remotely_with_its_signing_certificate(tmp_path, saml_files):
    del saml_files["SAML_IDP_METADATA_FILE"]
    url = "https://mds.swamid.se/entities/https%3A%2F%2Fidp.ki.se%2Fidp"
    result = start(
        tmp_path,
        code=READ,
        SAML_ENABLED="true",
        SAML_IDP_METADATA_URL=url,
        SAML_IDP_METADATA_CERT="/etc/kipolicy/md-signer2.crt",
        **saml_files,
        **PRODUCTION,
    )
    assert result.returncode == 0, result.stderr
    config = json.loads(result.stdout.splitlines()[-1])["config"]
    assert config["metadata"] == {"remote": [{"url": url, "cert": "/etc/kipolicy/md-signer2.crt"}]}


def test_check_deploy_stays_clean_with_saml_on(tmp_path, saml_files):
    """The production security settings of docs/deployment.md, with SAML on: no warning."""
    result = start(
        tmp_path,
        code=["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        SAML_ENABLED="true",
        BEHIND_TLS_PROXY="true",
        SECURE_SSL_REDIRECT="true",
        SECURE_HSTS_SECONDS="31536000",
        SECURE_HSTS_INCLUDE_SUBDOMAINS="true",
        SECURE_HSTS_PRELOAD="true",
        **saml_files,
        **PRODUCTION,
    )
    assert result.returncode == 0, result.stdout + result.stderr
