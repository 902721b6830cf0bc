"""core.web.submit: a form's operation run once the form validates, its refusal shown
beside the field with nothing kept."""

import pytest
from sqlalchemy import func, select

from passerelle.accounts.models import User
from passerelle.core.errors import DomainError, NotFound
from passerelle.core.web import submit
from passerelle.matching.forms import ReasonForm


def _posted(app, reason: str):
    return app.test_request_context("/", method="POST", data={"refuse-reason": reason})


def _users(db) -> int:
    return db.session.scalar(select(func.count()).select_from(User))


def test_a_valid_form_runs_its_operation(app):
    ran = []
    with _posted(app, "  not now "):
        form = ReasonForm(prefix="refuse")
        assert submit(form, lambda: ran.append(form.reason.data))
    assert ran == ["not now"]


def test_a_form_that_does_not_validate_runs_nothing(app):
    ran = []
    with _posted(app, ""):
        form = ReasonForm(prefix="refuse")
        assert not submit(form, lambda: ran.append(True))
        assert form.reason.errors
    assert ran == []


def test_a_refusal_stands_beside_its_field_and_keeps_nothing(app, db):
    def refused():
        db.session.add(User(email="kept@example.org", name="Kept", locale="en",
                            password_hash="x"))
        db.session.flush()
        raise DomainError("No, because.", field="reason")

    with _posted(app, "my reason"):
        form = ReasonForm(prefix="refuse")
        assert not submit(form, refused)
        assert form.reason.errors == ["No, because."]
        assert form.reason.data == "my reason"  # what was typed is shown again
    assert _users(db) == 0


def test_a_refusal_without_a_field_stands_above_the_form(app):
    def refused():
        raise DomainError("Not this time.")

    with _posted(app, "my reason"):
        form = ReasonForm(prefix="refuse")
        assert not submit(form, refused)
        assert form.form_errors == ["Not this time."]


def test_not_found_goes_on_up(app):
    def missing():
        raise NotFound()

    with _posted(app, "my reason"), pytest.raises(NotFound):
        submit(ReasonForm(prefix="refuse"), missing)
