"""A volunteer applies; a coordinator screens; requirements make them active, or not."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from passerelle.accounts.twofactor.gate import SESSION_KEY, verified_value
from passerelle.core.time import utcnow
from passerelle.extensions import db as _db
from passerelle.organisations.models import Programme
from passerelle.programmes import services, setup
from passerelle.programmes.models import Application, Charter, CharterSignature
from passerelle.volunteers.models import VolunteerProfile
from tests.factories import at, make_organisation, make_programme, make_user, session_id_for

TODAY = date(2026, 6, 1)
NOW = datetime(2026, 6, 1, 8, tzinfo=UTC)  # the same day, in UTC


@pytest.fixture
def cire(db):
    return make_organisation(slug="cire", name="CIRÉ")


@pytest.fixture
def sponsorship(cire):
    return make_programme(cire, slug="cire-sponsorship")


def status_of(application_id):
    _db.session.expire_all()
    return _db.session.get(Application, application_id).status


def test_volunteer_applies_and_coordinator_screens_until_active(client, app, db, login_as,
                                                                 cire, sponsorship):
    volunteer = login_as()
    response = client.post("/programmes/cire-sponsorship/apply",
                           data={"motivation": "I live nearby."})
    assert response.status_code == 302
    application = db.session.scalar(select(Application))
    assert application.status == "submitted"
    page = client.get("/applications/").get_data(as_text=True)
    assert "The screening interview has not taken place yet." in page
    assert "The charter is not signed yet." in page

    coordinator_client = app.test_client()
    coordinator_client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    coordinator = make_user(email="coord@example.org")
    from tests.factories import make_membership
    make_membership(coordinator, cire, "coordinator")
    with coordinator_client.session_transaction() as session:
        session["_user_id"] = session_id_for(coordinator)
        session[SESSION_KEY] = verified_value(coordinator, utcnow())
    review = f"/applications/{application.id}/review"
    queue = coordinator_client.get("/programmes/cire-sponsorship/applications")
    assert volunteer.name in queue.get_data(as_text=True)
    page = coordinator_client.get(review).get_data(as_text=True)
    assert "Plan the interview" in page and "I live nearby." in page
    coordinator_client.post(review + "/interview", data={"interview-moment": "2026-01-05T18:30"})
    assert status_of(application.id) == "interview_planned"
    coordinator_client.post(review + "/screening", data={
        "screening-outcome": "passed", "screening-note": "Warm and reliable."})
    assert status_of(application.id) == "screened"

    charter_page = client.get(f"/applications/{application.id}/charter")
    assert "Charter text v1" in charter_page.get_data(as_text=True)
    client.post(f"/applications/{application.id}/charter", data={"version": "1", "accept": "y"})
    assert status_of(application.id) == "active"
    steps = [step.status for step in db.session.get(Application, application.id).steps]
    assert steps == ["submitted", "interview_planned", "screened", "charter_signed", "active"]
    actors = {step.actor.email for step in db.session.get(Application, application.id).steps}
    assert actors == {volunteer.email, "coord@example.org"}


def test_the_private_note_is_not_shown_to_the_volunteer(client, db, login_as, cire,
                                                        sponsorship):
    volunteer = login_as()
    application = services.apply(volunteer, sponsorship, "", NOW)
    coordinator = make_user()
    services.record_screening(coordinator, application, True, "Secret remark",
                              at(date(2026, 1, 1)))
    assert "Secret remark" not in client.get("/applications/").get_data(as_text=True)


def test_signing_an_old_charter_version_is_refused(client, db, login_as, sponsorship):
    volunteer = login_as()
    application = services.apply(volunteer, sponsorship, "", NOW)
    setup.publish_charter(sponsorship, {"body_fr": "v2", "body_nl": "v2", "body_en": "v2"}, None,
                          NOW)
    page = client.post(f"/applications/{application.id}/charter",
                       data={"version": "1", "accept": "y"}).get_data(as_text=True)
    assert "The charter has changed since you opened it" in page
    assert db.session.scalar(select(CharterSignature)) is None


def test_charter_needs_the_box_ticked(client, db, login_as, sponsorship):
    application = services.apply(login_as(), sponsorship, "", NOW)
    page = client.post(f"/applications/{application.id}/charter",
                       data={"version": "1"}).get_data(as_text=True)
    assert "Tick the box to sign the charter." in page
    assert db.session.scalar(select(CharterSignature)) is None


def test_someone_elses_application_is_404(client, db, login_as, sponsorship):
    other = services.apply(make_user(), sponsorship, "", NOW)
    login_as()
    assert client.get(f"/applications/{other.id}/charter").status_code == 404
    assert client.post(f"/applications/{other.id}/withdraw").status_code == 404
    assert client.get(f"/applications/{other.id}/review").status_code == 404


def test_applying_twice_is_refused(db, sponsorship):
    volunteer = make_user()
    services.apply(volunteer, sponsorship, "", NOW)
    with pytest.raises(services.DomainError):
        services.apply(volunteer, sponsorship, "", NOW)


def test_expired_charter_makes_an_active_volunteer_inactive_until_renewed(db, cire):
    programme = make_programme(cire, interview=False)
    volunteer = make_user()
    application = services.apply(volunteer, programme, "", NOW)
    services.sign_charter(volunteer, application, 1, at(date(2026, 1, 10)))
    assert application.status == "active"
    assert services.refresh_status(application, at(date(2027, 1, 11))) == "charter_signed"
    reasons = services.findings(application, date(2027, 1, 11))
    assert [f.gap for f in reasons] == ["charter_expired"]
    services.sign_charter(volunteer, application, 1, at(date(2027, 1, 11)))
    assert application.status == "active"


def test_detention_visitor_needs_training_and_accreditation(db, cire):
    programme = make_programme(cire, slug="transit", kind="detention_visits", interview=False,
                               charter=False, places=["caricole"],
                               trainings=["Visiting in detention"])
    volunteer, coordinator = make_user(), make_user()
    application = services.apply(volunteer, programme, "", NOW)
    training = services.trainings_of(programme)[0]
    services.record_training(coordinator, application, training, date(2026, 3, 1),
                             at(date(2026, 3, 2)))
    assert application.status == "trained"
    services.grant_accreditation(coordinator, application, "caricole", date(2026, 3, 5),
                                 date(2027, 3, 5), at(date(2026, 3, 5)))
    assert application.status == "active"
    with pytest.raises(services.DomainError):
        services.grant_accreditation(coordinator, application, "guantanamo", date(2026, 3, 5),
                                     None, at(date(2026, 3, 5)))


def test_minimum_age_uses_the_profile(db, cire):
    programme = make_programme(cire, slug="duo", kind="mentoring", interview=False,
                               charter=False, minimum_age=18)
    volunteer = make_user()
    application = services.apply(volunteer, programme, "", NOW)
    assert [f.gap for f in services.findings(application, date(2026, 6, 1))] == ["age_unknown"]
    db.session.add(VolunteerProfile(user=volunteer, birth_date=date(2010, 1, 1)))
    db.session.commit()
    assert [f.gap for f in services.findings(application, date(2026, 6, 1))] == ["too_young"]


def test_withdraw_and_suspend_with_reason(client, db, login_as, sponsorship):
    volunteer = login_as()
    application = services.apply(volunteer, sponsorship, "", NOW)
    coordinator = make_user()
    with pytest.raises(services.DomainError):
        services.suspend(coordinator, application, "   ", NOW)
    services.suspend(coordinator, application, "Did not respect the charter.", NOW)
    assert application.steps[-1].reason == "Did not respect the charter."
    services.reinstate(coordinator, application, utcnow())
    assert application.status == "submitted"
    client.post(f"/applications/{application.id}/withdraw", data={"reason": "Moving away"})
    assert status_of(application.id) == "withdrawn"


def test_deleting_a_programme_with_engaged_volunteers_is_refused(client, db, login_as, cire,
                                                                 sponsorship):
    services.apply(make_user(), sponsorship, "", NOW)
    login_as("coordinator", organisation=cire)
    page = client.post("/programmes/cire-sponsorship/delete",
                       follow_redirects=True).get_data(as_text=True)
    assert "1 volunteers are active or in screening" in page
    assert db.session.scalar(select(Programme).where(Programme.slug == "cire-sponsorship"))


def test_coordinator_edits_requirements_and_settings(client, db, login_as, cire, sponsorship):
    login_as("coordinator", organisation=cire)
    data = {name: f"new {name}" for name in setup.TEXT_FIELDS} | {
        "kind": "housing_hosting", "interview": "y", "minimum_age": "21",
        "accreditation_places": [], "max_stay_weeks": "8", "trajectory_weeks": "52",
        "cities": "Liège, Sint-Gillis"}
    assert client.post("/programmes/cire-sponsorship/settings", data=data).status_code == 302
    db.session.expire_all()
    programme = db.session.scalar(select(Programme).where(Programme.slug == "cire-sponsorship"))
    rules = services.requirements_of(programme)
    assert (rules.interview, rules.charter, rules.minimum_age) == (True, False, 21)
    assert programme.facts["max_stay_weeks"] == 8 and programme.name_en == "new name_en"
    assert programme.cities == ["62063", "21013"]
    page = client.get("/programmes/cire-sponsorship/settings").get_data(as_text=True)
    assert 'value="4000 Liège, 1060 Saint-Gilles"' in page
    unknown = client.post("/programmes/cire-sponsorship/settings",
                          data=data | {"cities": "Liège, Atlantis"}).get_data(as_text=True)
    assert "We do not know the municipality “Atlantis”" in unknown
    bad = client.post("/programmes/cire-sponsorship/settings",
                      data=data | {"max_stay_weeks": "60"}).get_data(as_text=True)
    assert "A stay cannot be longer than the whole trajectory." in bad


def test_new_charter_version_requires_signing_again(db, cire):
    programme = make_programme(cire, interview=False)
    volunteer = make_user()
    application = services.apply(volunteer, programme, "", NOW)
    services.sign_charter(volunteer, application, 1, at(date(2026, 2, 1)))
    assert application.status == "active"
    setup.publish_charter(programme, {"body_fr": "2", "body_nl": "2", "body_en": "2"}, None, NOW)
    assert db.session.scalar(select(Charter.version).order_by(Charter.version.desc())) == 2
    services.refresh_status(application, at(date(2026, 2, 2)))
    assert [f.gap for f in services.findings(application, date(2026, 2, 2))] == [
        "charter_outdated"]


def test_staff_cannot_screen_and_other_organisations_get_404(client, db, login_as, cire,
                                                             sponsorship):
    application = services.apply(make_user(), sponsorship, "", NOW)
    login_as("staff", organisation=cire)
    assert client.get(f"/applications/{application.id}/review").status_code == 404
    assert client.get("/programmes/cire-sponsorship/applications").status_code == 404


def test_network_coordinator_sees_member_queues(client, db, login_as, cire, sponsorship):
    from passerelle.organisations.models import NetworkMembership

    network = make_organisation(slug="transit", kind="network")
    db.session.add(NetworkMembership(network=network, member=cire))
    db.session.commit()
    login_as("network_coordinator", organisation=network)
    page = client.get("/coordination/").get_data(as_text=True)
    assert "name_en text" in page
    assert client.get("/programmes/cire-sponsorship/applications").status_code == 200


def test_refresh_job_and_command_follow_expiries(app, db, cire):
    from passerelle.programmes.jobs import refresh_statuses

    programme = make_programme(cire, interview=False)
    volunteer = make_user()
    application = services.apply(volunteer, programme, "", NOW)
    services.sign_charter(volunteer, application, 1, at(date(2020, 1, 10)))
    assert application.status == "active"
    assert refresh_statuses(at(date(2020, 6, 1))) == 0
    assert refresh_statuses(at(date(2021, 6, 1))) == 1
    assert status_of(application.id) == "charter_signed"
    result = app.test_cli_runner().invoke(args=["programmes", "refresh-statuses"])
    assert result.exit_code == 0 and "0 application(s) changed status." in result.output


def test_applying_under_the_minimum_age_is_refused_and_changes_nothing(client, db, login_as,
                                                                       cire):
    make_programme(cire, slug="duo-mentoring", kind="mentoring", interview=False,
                   charter=False, minimum_age=18)
    volunteer = login_as()
    sixteen = date.today() - timedelta(days=16 * 365)
    db.session.add(VolunteerProfile(user=volunteer, birth_date=sixteen))
    db.session.commit()
    page = client.post("/programmes/duo-mentoring/apply", data={"motivation": "Hi"},
                       follow_redirects=True).get_data(as_text=True)
    assert "This programme is open from the age of 18." in page
    assert db.session.scalar(select(Application)) is None


def test_refreshing_an_unchanged_application_writes_nothing(app, db, cire):
    from passerelle.programmes.jobs import refresh_statuses
    from passerelle.programmes.models import ApplicationStep

    programme = make_programme(cire, interview=False)
    volunteer = make_user()
    application = services.apply(volunteer, programme, "", NOW)
    services.sign_charter(volunteer, application, 1, at(date(2026, 1, 10)))
    steps = db.session.scalar(select(func.count()).select_from(ApplicationStep))
    updated = status_updated(application.id)
    assert refresh_statuses(at(date(2026, 2, 1))) == 0
    assert refresh_statuses(at(date(2026, 3, 1))) == 0
    assert db.session.scalar(select(func.count()).select_from(ApplicationStep)) == steps
    assert status_updated(application.id) == updated


def status_updated(application_id):
    _db.session.expire_all()
    return _db.session.get(Application, application_id).updated_at
