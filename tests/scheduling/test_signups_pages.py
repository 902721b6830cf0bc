"""The sign-up pages: signing up and the waitlist told, cancelling, attendance and hours,
the hours' CSV only for the organisation's staff, bad minutes told beside the field."""

from datetime import timedelta

from sqlalchemy import select

from passerelle.extensions import db
from passerelle.scheduling.models import Signup, SignupStatus
from tests.factories import make_membership, make_organisation
from tests.matching.factories import apply, open_programme
from tests.scheduling.factories import TUESDAY, make_event, occurrence_of


def _future_event(programme, places=1):
    return make_event(programme, places=places, start=TUESDAY + timedelta(days=3650))


def test_sign_up_then_cancel(app, client, login_as):
    programme = open_programme()
    occurrence = occurrence_of(_future_event(programme))
    user = login_as("volunteer")
    apply(user, programme)
    response = client.post(f"/occurrences/{occurrence.id}/signup",
                           data={"role": occurrence.event.roles[0].id})
    assert response.status_code == 302
    signup = db.session.scalar(select(Signup).where(Signup.user_id == user.id))
    assert signup.status == SignupStatus.confirmed
    assert client.post(f"/signups/{signup.id}/cancel").status_code == 302
    db.session.expire_all()
    assert db.session.get(Signup, signup.id).status == SignupStatus.cancelled


def test_no_application_is_no_page(app, client, login_as):
    occurrence = occurrence_of(_future_event(open_programme()))
    login_as("volunteer")
    assert client.post(f"/occurrences/{occurrence.id}/signup", data={}).status_code == 404


def test_attendance_bad_minutes_beside_the_field_and_csv_for_own_staff(app, client, login_as):
    programme = open_programme()
    occurrence = occurrence_of(make_event(programme))
    staff = login_as("coordinator", organisation=programme.organisation)
    from passerelle.scheduling import signups
    from tests.matching.factories import NOW, volunteer

    ada = volunteer(programme, "Ada")
    mine = signups.sign_up(ada, occurrence, occurrence.event.roles[0], NOW)
    page = client.get(f"/occurrences/{occurrence.id}/attendance")
    assert page.status_code == 200 and "Ada" in page.get_data(as_text=True)
    bad = client.post(f"/occurrences/{occurrence.id}/attendance",
                      data={"signup": mine.id, "action": "minutes", "minutes": "9999"})
    assert bad.status_code == 400 and "9999" in bad.get_data(as_text=True)
    assert client.post(f"/occurrences/{occurrence.id}/attendance",
                       data={"signup": mine.id, "action": "minutes",
                             "minutes": "120"}).status_code == 302
    slug = programme.organisation.slug
    csv = client.get(f"/organisations/{slug}/hours.csv?first=2026-12-01&last=2026-12-31")
    assert csv.status_code == 200 and "Ada" in csv.get_data(as_text=True)
    other = make_organisation(name="Elsewhere")
    assert client.get(f"/organisations/{other.slug}/hours.csv").status_code == 404
    assert staff and make_membership


def test_a_coordinator_gives_a_volunteer_a_place_never_over_the_role_s_places(app, client,
                                                                              login_as):
    from passerelle.programmes.models import ApplicationStatus
    from passerelle.reminders.models import OutboxMessage
    from tests.matching.factories import volunteer

    programme = open_programme()
    occurrence = occurrence_of(_future_event(programme, places=1))
    role = occurrence.event.roles[0]
    ada, bob = volunteer(programme, "Ada Active"), volunteer(programme, "Bob Active")
    volunteer(programme, "Sam Submitted", status=ApplicationStatus.submitted)
    login_as("coordinator", organisation=programme.organisation)
    page = client.get(f"/occurrences/{occurrence.id}/attendance").get_data(as_text=True)
    assert "Ada Active" in page and "Bob Active" in page and "Sam Submitted" not in page
    # Someone not offered (not active) is refused beside the field; nothing is written.
    stranger = volunteer(open_programme(slug="elsewhere"), "Eve Elsewhere")
    refused = client.post(f"/occurrences/{occurrence.id}/assign",
                          data={"assign-person": stranger.id, "assign-role": role.id})
    assert refused.status_code == 400
    assert "Choose a volunteer from the list." in refused.get_data(as_text=True)
    assert db.session.scalar(select(Signup.id)) is None
    given = client.post(f"/occurrences/{occurrence.id}/assign",
                        data={"assign-person": ada.id, "assign-role": role.id})
    assert given.status_code == 302
    signup = db.session.scalar(select(Signup).where(Signup.user_id == ada.id))
    assert signup.status == SignupStatus.confirmed and signup.assigned_by_id is not None
    assert db.session.scalar(select(OutboxMessage.kind).where(
        OutboxMessage.recipient_id == ada.id)) == "signup-confirmed"
    full = client.post(f"/occurrences/{occurrence.id}/assign",
                       data={"assign-person": bob.id, "assign-role": role.id})
    assert full.status_code == 400
    assert "Every place of this role is taken" in full.get_data(as_text=True)
    assert db.session.scalar(select(Signup).where(Signup.user_id == bob.id)) is None


def test_another_organisation_cannot_assign(app, client, login_as):
    from tests.matching.factories import volunteer

    programme = open_programme()
    occurrence = occurrence_of(_future_event(programme))
    ada = volunteer(programme, "Ada Active")
    login_as("coordinator", organisation=make_organisation(name="Other"))
    assert client.post(f"/occurrences/{occurrence.id}/assign",
                       data={"assign-person": ada.id,
                             "assign-role": occurrence.event.roles[0].id}).status_code == 404
    assert db.session.scalar(select(Signup.id)) is None
