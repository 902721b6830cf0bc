"""Security headers on every page; no copy kept of pages about people helped; size limit."""

import re
from datetime import date
from pathlib import Path

import pytest

from passerelle.config import from_environment
from passerelle.core.security_headers import CONTENT_SECURITY_POLICY
from passerelle.core.time import utcnow
from passerelle.programmes import services as programmes
from tests.factories import make_organisation, make_programme, make_user
from tests.needs.factories import make_person, signed_in, staff_of

TODAY = date(2026, 6, 1)
TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def test_every_response_carries_the_policy_and_no_sniffing(client, db):
    for path in ("/", "/organisations/", "/account/login", "/help", "/static/style.css",
                 "/no-such-page"):
        with client.get(path) as response:
            headers = response.headers
        assert headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY, path
        assert headers["X-Content-Type-Options"] == "nosniff", path
        assert headers["Referrer-Policy"] == "same-origin", path
        assert "Strict-Transport-Security" not in headers, path
    assert "script-src 'self';" in CONTENT_SECURITY_POLICY
    assert "frame-ancestors 'none'" in CONTENT_SECURITY_POLICY
    assert "unsafe-inline" not in CONTENT_SECURITY_POLICY


def test_no_template_has_inline_script_style_or_event_handler():
    """The policy would block them: JavaScript and CSS belong in static/ files."""
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text()
        assert not re.search(r"<script(?![^>]*\ssrc=)", text, re.I), template
        assert not re.search(r"<style|\sstyle\s*=|\son[a-z]+\s*=|javascript:", text, re.I), (
            template)


def test_production_turns_on_hsts_and_secure_cookies_unless_told_otherwise():
    on = {"SESSION_COOKIE_SECURE": True, "REMEMBER_COOKIE_SECURE": True, "HSTS_ENABLED": True}
    assert from_environment({"PASSERELLE_ENV": "production"}).items() >= on.items()
    assert not on.keys() & from_environment({"PASSERELLE_ENV": "development"}).keys()
    behind_plain_http = from_environment({"PASSERELLE_ENV": "production",
                                          "HSTS_ENABLED": "false"})
    assert behind_plain_http["HSTS_ENABLED"] is False
    assert behind_plain_http["SESSION_COOKIE_SECURE"] is True
    assert from_environment({"REMEMBER_COOKIE_SECURE": "1"})["REMEMBER_COOKIE_SECURE"] is True


def test_with_hsts_and_secure_cookies_the_login_sets_only_secure_cookies(app, client, db):
    app.config.update(HSTS_ENABLED=True, SESSION_COOKIE_SECURE=True,
                      REMEMBER_COOKIE_SECURE=True)
    user = make_user()
    response = client.post("/account/login", data={
        "email": user.email, "password": "correct horse battery", "remember": "y"},
        base_url="https://passerelle.test")
    assert response.status_code == 302
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    cookies = response.headers.getlist("Set-Cookie")
    assert {cookie.split("=")[0] for cookie in cookies} >= {"session", "remember_token"}
    assert all("Secure" in cookie and "HttpOnly" in cookie for cookie in cookies)


@pytest.fixture
def private_pages(app, db):
    """Each page that shows a person helped, a screening note or an audit log, with who may
    open it."""
    organisation = make_organisation()
    staff, coordinator = staff_of(organisation), staff_of(organisation, "coordinator")
    person = make_person(organisation, "Zainab")
    programme = make_programme(organisation, slug="visits")
    application = programmes.apply(make_user(), programme, "", TODAY)
    programmes.record_screening(coordinator, application, True, "Secret remark", TODAY,
                                utcnow())
    slug = organisation.slug
    return [
        (staff, "GET", f"/organisations/{slug}/supported", "Zainab"),
        (staff, "GET", f"/organisations/{slug}/supported/new", "Register"),
        (staff, "POST", f"/organisations/{slug}/supported/new", "Zainab"),
        (staff, "GET", f"/supported/{person.id}", "Who saw or changed this record"),
        (staff, "GET", f"/supported/{person.id}/edit", "Zainab"),
        (staff, "GET", f"/organisations/{slug}/needs/new?person={person.id}", "Zainab"),
        (coordinator, "GET", f"/applications/{application.id}/review", "Secret remark"),
        (coordinator, "POST", f"/applications/{application.id}/review/screening",
         "Secret remark"),
    ]


def test_pages_about_people_helped_are_never_stored(app, private_pages):
    for user, method, path, shown in private_pages:
        # A POST with a field left out shows the form again, with what was typed.
        response = signed_in(app, user).open(path, method=method,
                                             data={"first_name": "Zainab"})
        assert response.status_code == 200, path
        assert shown in response.get_data(as_text=True), path
        assert response.headers["Cache-Control"] == "no-store", path


def test_other_pages_may_be_cached(client, db):
    assert "no-store" not in client.get("/organisations/").headers.get("Cache-Control", "")


def test_a_request_too_large_gets_a_translated_page_and_changes_nothing(app, client, db):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "fr"
    limit = app.config["MAX_CONTENT_LENGTH"]
    assert limit == 2 * 1024 * 1024
    response = client.post("/account/register", data={
        "name": "x" * limit, "email": "big@example.org", "password": "a long password",
        "confirm": "a long password", "locale": "fr"})
    assert response.status_code == 413
    assert "Ce que vous avez envoyé est trop volumineux" in response.get_data(as_text=True)
    from passerelle.accounts.models import User
    assert db.session.query(User).count() == 0
