"""The one translation of service errors: NotAllowed → 403, ApplicationError → a message and a
redirect back (HTML) or 409 with {"detail": …} (API). Views call services and catch neither."""

import pytest
from django.contrib.messages import get_messages
from django.test import override_settings

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.core.urls")]


def test_not_allowed_answers_403_on_a_page(client):
    response = client.get("/refuse/")
    assert response.status_code == 403


def test_application_error_is_a_message_on_the_page_the_user_came_from(client):
    response = client.post("/conflict/", HTTP_REFERER="http://testserver/accounts/7/")
    assert response.status_code == 302
    assert response["Location"] == "http://testserver/accounts/7/"
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["The account is already live."]


@override_settings(ALLOWED_HOSTS=["testserver"])
def test_application_error_never_redirects_off_site(client):
    response = client.post("/conflict/", HTTP_REFERER="https://evil.example/phish")
    assert response["Location"] == "/"


def test_api_not_allowed_is_403_json(client):
    response = client.post("/api/refuse/")
    assert response.status_code == 403
    assert response.json() == {"detail": "Only the communications department may do this."}


def test_api_application_error_is_409_json(client):
    response = client.post("/api/conflict/")
    assert response.status_code == 409
    assert response.json() == {"detail": "The account is already live."}


def test_service_action_view_shows_the_refusal_and_goes_back(client):
    response = client.post("/action/", {"fail": "1"})
    assert response["Location"] == "/back/"
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["The account is already live."]


def test_service_action_view_leaves_not_allowed_to_the_middleware(client):
    """NotAllowed is an ApplicationError, but it is a 403, never a message."""
    response = client.post("/action/", {"refuse": "1"})
    assert response.status_code == 403
    assert list(get_messages(response.wsgi_request)) == []


def test_service_action_view_confirms_success_and_goes_back(client):
    response = client.post("/action/")
    assert response["Location"] == "/back/"
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Done."]
