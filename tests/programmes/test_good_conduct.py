"""The certificate of good conduct (extract of the criminal record, model 2): a programme may
ask for it; a coordinator records its dates, never the document; without a valid one the
volunteer is not active and matching refuses them with that reason."""

from datetime import date, timedelta

import pytest
from dateutil.relativedelta import relativedelta
from flask_babel import force_locale
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from passerelle.core.errors import DomainError
from passerelle.core.time import today_in_brussels, utcnow
from passerelle.extensions import db as _db
from passerelle.matching import loading, rules
from passerelle.matching.reasons import sentence
from passerelle.matching.rules import Rule
from passerelle.programmes import services, setup
from passerelle.programmes.eligibility import (
    Finding,
    Gap,
    Standing,
    conduct_valid_until,
    gaps,
)
from passerelle.programmes.models import Application, ApplicationStatus
from passerelle.programmes.steps import review_actions
from passerelle.reminders.models import OutboxMessage
from tests.factories import at, make_organisation, make_programme, make_user
from tests.matching import factories as m

TODAY = date(2026, 11, 29)
MISSING = ("Bring a certificate of good conduct to the coordinators: the extract of the "
           "criminal record, model 2 (for work with minors), from your municipality, issued "
           "less than 12 months ago.")


# Eligibility, pure -------------------------------------------------------------------------

def asked(**fields) -> Standing:
    return Standing(today=TODAY, conduct_required=True, **fields)


def test_not_required_means_no_gap_whatever_was_recorded():
    assert gaps(Standing(today=TODAY)) == []
    assert gaps(Standing(today=TODAY, conduct_issued_on=date(2020, 1, 1))) == []


def test_a_required_certificate_not_seen_is_missing():
    assert gaps(asked()) == [Finding(Gap.conduct_missing)]


def test_a_certificate_past_its_expiry_date_has_expired():
    assert gaps(asked(conduct_issued_on=date(2026, 10, 1),
                      conduct_expires_on=TODAY - timedelta(days=1))) == [
        Finding(Gap.conduct_expired)]
    # Valid until its last day included, even when issued long ago.
    assert gaps(asked(conduct_issued_on=date(2024, 1, 1), conduct_expires_on=TODAY)) == []


def test_without_an_expiry_date_it_counts_for_12_months_from_its_issue():
    assert gaps(asked(conduct_issued_on=date(2026, 1, 5))) == []
    assert gaps(asked(conduct_issued_on=date(2025, 11, 29))) == []  # 12 months: today
    assert gaps(asked(conduct_issued_on=date(2025, 11, 28))) == [Finding(Gap.conduct_expired)]
    assert conduct_valid_until(date(2024, 2, 29), None) == date(2025, 2, 28)


def test_the_gap_comes_after_the_others_and_alone():
    standing = asked(interview_required=True, places={"vottem": False})
    assert gaps(standing) == [Finding(Gap.interview), Finding(Gap.accreditation_missing),
                              Finding(Gap.conduct_missing)]


@settings(max_examples=60, deadline=None)
@given(issued=st.dates(date(2020, 1, 1), date(2030, 12, 31)),
       lasts=st.one_of(st.none(), st.integers(1, 2000)),
       today=st.dates(date(2020, 1, 1), date(2033, 12, 31)))
def test_expired_exactly_when_the_last_valid_day_is_past(issued, lasts, today):
    expires = issued + timedelta(days=lasts) if lasts is not None else None
    last_day = expires or issued + relativedelta(months=12)
    found = gaps(Standing(today=today, conduct_required=True, conduct_issued_on=issued,
                          conduct_expires_on=expires))
    assert found == ([Finding(Gap.conduct_expired)] if today > last_day else [])


def test_the_review_offers_the_certificate_only_where_asked():
    assert "conduct" in review_actions("screened", True, True, False, False, [],
                                       good_conduct=True)
    assert "conduct" not in review_actions("screened", True, True, False, False, [])
    # Not before the interview, nor on a closed application.
    assert "conduct" not in review_actions("submitted", False, True, False, False, [],
                                           good_conduct=True)
    assert review_actions("refused", False, True, False, False, [], good_conduct=True) == set()


# Recording it ------------------------------------------------------------------------------

@pytest.fixture
def organisation(db):
    return make_organisation(slug="up-together", name="Up Together")


@pytest.fixture
def programme(organisation):
    return make_programme(organisation, slug="up-together-mentoring", kind="mentoring",
                          interview=False, charter=False, good_conduct=True)


def test_recorded_with_who_and_when_it_makes_the_volunteer_active(db, programme):
    coordinator, volunteer = make_user(name="Colette"), make_user(name="Lina")
    application = services.apply(volunteer, programme, "", at(date(2026, 3, 1)))
    assert application.status == ApplicationStatus.submitted
    assert services.findings(application, date(2026, 3, 1)) == [Finding(Gap.conduct_missing)]
    now = at(date(2026, 3, 10))
    services.record_conduct(coordinator, application, date(2026, 3, 2), None, now)
    _db.session.expire_all()
    application = _db.session.get(Application, application.id)
    assert (application.conduct_issued_on, application.conduct_expires_on) == (
        date(2026, 3, 2), None)
    assert application.conduct_seen_by_id == coordinator.id
    assert application.conduct_seen_at == now
    assert application.status == ApplicationStatus.active
    seen = [step for step in application.steps if step.status == ApplicationStatus.conduct_seen]
    assert [(step.actor_id, step.at) for step in seen] == [(coordinator.id, now)]
    mail = _db.session.scalar(select(OutboxMessage).where(
        OutboxMessage.kind == "application-step"))
    assert "have seen your certificate of good conduct" in mail.body_text


def test_bad_dates_are_refused_beside_their_field_and_nothing_is_saved(db, programme):
    coordinator, application = make_user(), services.apply(make_user(), programme, "",
                                                           at(date(2026, 3, 1)))
    now = at(date(2026, 3, 10))
    with pytest.raises(DomainError) as future:
        services.record_conduct(coordinator, application, date(2026, 3, 11), None, now)
    assert future.value.field == "issued_on"
    with pytest.raises(DomainError) as backwards:
        services.record_conduct(coordinator, application, date(2026, 3, 2), date(2026, 3, 2),
                                now)
    assert backwards.value.field == "expires_on"
    _db.session.rollback()
    application = _db.session.get(Application, application.id)
    assert application.conduct_issued_on is None and application.conduct_seen_by_id is None
    assert application.status == ApplicationStatus.submitted


def test_an_expired_certificate_makes_an_active_volunteer_inactive(db, programme):
    coordinator, application = make_user(), services.apply(make_user(), programme, "",
                                                           at(date(2026, 3, 1)))
    services.record_conduct(coordinator, application, date(2026, 3, 2), date(2026, 9, 1),
                            at(date(2026, 3, 2)))
    assert application.status == ApplicationStatus.active
    services.refresh_status(application, at(date(2026, 9, 2)))
    assert application.status == ApplicationStatus.conduct_seen
    assert services.findings(application, date(2026, 9, 2)) == [Finding(Gap.conduct_expired)]


# The pages ---------------------------------------------------------------------------------

def _review(client, application):
    return client.get(f"/applications/{application.id}/review").get_data(as_text=True)


def test_the_coordinator_records_it_on_the_review_page(client, login_as, organisation,
                                                       programme):
    coordinator = login_as("coordinator", organisation=organisation)
    application = services.apply(make_user(), programme, "", utcnow())
    page = _review(client, application)
    assert "Certificate of good conduct: not seen yet." in page
    assert "Certificate of good conduct seen" in page and "12 months from its issue" in page
    url = f"/applications/{application.id}/review/conduct"
    issued = today_in_brussels() - timedelta(days=10)
    response = client.post(url, data={"conduct-issued_on": issued.isoformat()})
    assert response.status_code == 302
    _db.session.expire_all()
    application = _db.session.get(Application, application.id)
    assert application.conduct_issued_on == issued
    assert application.conduct_seen_by_id == coordinator.id
    assert application.status == ApplicationStatus.active
    assert "Certificate of good conduct: issued on" in _review(client, application)


@pytest.mark.parametrize(("data", "message"), [
    ({"conduct-issued_on": ""}, "Enter the date printed on the certificate."),
    ({"conduct-issued_on": "+1"}, "A certificate cannot be issued in the future."),
    ({"conduct-issued_on": "-10", "conduct-expires_on": "-20"},
     "The certificate must be valid until a day after its issue."),
])
def test_bad_dates_on_the_page_show_their_message_and_save_nothing(
        client, login_as, organisation, programme, data, message):
    login_as("coordinator", organisation=organisation)
    application = services.apply(make_user(), programme, "", utcnow())
    today = today_in_brussels()
    typed = {key: (today + timedelta(days=int(value))).isoformat() if value else ""
             for key, value in data.items()}
    response = client.post(f"/applications/{application.id}/review/conduct", data=typed)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and message in page
    for value in typed.values():
        assert f'value="{value}"' in page  # what was typed is kept
    _db.session.expire_all()
    application = _db.session.get(Application, application.id)
    assert application.conduct_issued_on is None and application.conduct_seen_at is None
    assert application.status == ApplicationStatus.submitted


def test_the_volunteer_sees_what_to_bring_then_the_dates_recorded(client, login_as,
                                                                  programme):
    volunteer = login_as("volunteer")
    application = services.apply(volunteer, programme, "", utcnow())
    page = client.get("/applications/").get_data(as_text=True)
    assert MISSING in page
    issued = today_in_brussels() - timedelta(days=30)
    services.record_conduct(make_user(), application, issued, None, utcnow())
    page = client.get("/applications/").get_data(as_text=True)
    assert MISSING not in page
    assert "Certificate of good conduct seen by the coordinators: issued on" in page
    assert str(issued.year + 1) in page  # valid until 12 months later


def test_only_the_programmes_coordinators_may_record_it(client, login_as, organisation,
                                                        programme):
    application = services.apply(make_user(), programme, "", utcnow())
    url = f"/applications/{application.id}/review/conduct"
    data = {"conduct-issued_on": (today_in_brussels() - timedelta(days=3)).isoformat()}
    for role, of in (("volunteer", None), ("coordinator", make_organisation())):
        login_as(role, organisation=of)
        assert client.post(url, data=data).status_code == 404, role
        assert client.get(f"/applications/{application.id}/review").status_code == 404, role
    _db.session.expire_all()
    assert _db.session.get(Application, application.id).conduct_issued_on is None


def test_the_requirements_form_asks_for_it(client, login_as, organisation):
    programme = make_programme(organisation, slug="exil-groups", interview=False,
                               charter=False)
    login_as("coordinator", organisation=organisation)
    page = client.get(f"/programmes/{programme.slug}/settings").get_data(as_text=True)
    assert "A certificate of good conduct is required" in page
    data = {name: f"new {name}" for name in setup.TEXT_FIELDS} | {
        "kind": "mentoring", "good_conduct": "y", "accreditation_places": []}
    assert client.post(f"/programmes/{programme.slug}/settings",
                       data=data).status_code == 302
    _db.session.expire_all()
    assert services.requirements_of(programme).good_conduct is True
    data.pop("good_conduct")
    client.post(f"/programmes/{programme.slug}/settings", data=data)
    _db.session.expire_all()
    assert services.requirements_of(programme).good_conduct is False


# Matching ---------------------------------------------------------------------------------

def test_matching_refuses_a_volunteer_without_it_and_says_why(app, db):
    programme = m.open_programme(kind="mentoring", slug="safe-space", good_conduct=True)
    user = m.volunteer(programme)
    need = rules.Need(id=1, organisation_id=programme.organisation_id, languages=("fr",))
    volunteer = loading.volunteers(programme, m.TODAY)[user.id]
    refusal = rules.check(volunteer, need)
    assert refusal == rules.Refusal(Rule.application,
                                    {"finding": Finding(Gap.conduct_missing)})
    with app.test_request_context(), force_locale("en"):
        assert sentence(refusal, "en", {}) == MISSING
    application = _db.session.scalar(select(Application).where(
        Application.user_id == user.id))
    services.record_conduct(make_user(), application, m.TODAY - timedelta(days=400),
                            m.TODAY - timedelta(days=1), at(m.TODAY))
    refusal = rules.check(loading.volunteers(programme, m.TODAY)[user.id], need)
    assert refusal.detail == {"finding": Finding(Gap.conduct_expired)}
    with app.test_request_context(), force_locale("en"):
        assert "out of date" in sentence(refusal, "en", {})
    services.record_conduct(make_user(), application, m.TODAY - timedelta(days=5), None,
                            at(m.TODAY))
    assert rules.check(loading.volunteers(programme, m.TODAY)[user.id], need) is None
