"""The sign-up pages: signing up and the waitlist told, cancelling, attendance and hours,
the hours' CSV only for the organisation's staff, bad minutes told beside the field."""

import re
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


def test_attendance_reads_labels_and_prefills_the_length(app, client, login_as):
    from passerelle.scheduling import signups
    from tests.matching.factories import NOW, volunteer

    programme = open_programme()
    occurrence = occurrence_of(make_event(programme, places=1, minutes=180))
    login_as("coordinator", organisation=programme.organisation)
    ada = signups.sign_up(volunteer(programme, "Ada"), occurrence,
                          occurrence.event.roles[0], NOW)
    bea = signups.sign_up(volunteer(programme, "Bea"), occurrence,
                          occurrence.event.roles[0], NOW)
    url = f"/occurrences/{occurrence.id}/attendance"
    page = client.get(url).get_data(as_text=True)
    assert "Has a place" in page and "On the waitlist" in page
    assert ">confirmed" not in page and ">waitlisted" not in page
    assert f'id="minutes-{ada.id}"' in page and f'for="minutes-{ada.id}"' in page
    assert 'value="180"' in page and f'id="minutes-{bea.id}"' not in page
    client.post(url, data={"signup": ada.id, "action": "minutes", "minutes": "150"})
    db.session.get(Signup, ada.id).checked_in_at = NOW  # check-in opens on the day
    db.session.commit()
    page = client.get(url).get_data(as_text=True)
    assert 'value="150"' in page and 'value="180"' not in page
    assert "Has a place · <strong>here</strong> · recorded: 2 h 30" in page


def test_my_hours_read_in_hours_and_minutes_with_their_labels(app, client, login_as):
    from passerelle.scheduling import signups
    from tests.factories import make_user
    from tests.matching.factories import NOW

    programme = open_programme()
    coordinator = make_user(name="Cora")
    make_membership(coordinator, programme.organisation, "coordinator")
    ada = login_as("volunteer")
    apply(ada, programme)
    for minutes, days in ((180, 0), (210, 7), (45, 14)):
        occurrence = occurrence_of(make_event(programme, start=TUESDAY + timedelta(days=days)))
        signup = signups.sign_up(ada, occurrence, occurrence.event.roles[0], NOW)
        signups.record_hours(coordinator, signup, minutes)
    page = client.get("/my/hours").get_data(as_text=True)
    cells = re.findall(r'<td data-label="Time volunteered">([^<]*)</td>', page)
    assert cells == ["45 min", "3 h 30", "3 h"]  # latest first
    assert page.count('data-label="Date"') == 3 and page.count('data-label="Event"') == 3
    assert "In all: 7 h 15." in page


def test_the_pages_lead_to_events_rota_hours_and_the_export(app, client, login_as):
    visits = open_programme(kind="detention_visits", slug="caricole-visits")
    login_as("coordinator", organisation=visits.organisation)
    page = client.get("/coordination/").get_data(as_text=True)
    assert f"/programmes/{visits.slug}/events" in page
    assert f"/visits/programmes/{visits.slug}" in page
    slug = visits.organisation.slug
    organisation_page = client.get(f"/organisations/{slug}").get_data(as_text=True)
    assert f"/organisations/{slug}/hours" in organisation_page
    export = client.get(f"/organisations/{slug}/hours")
    assert export.status_code == 200
    assert f"/organisations/{slug}/hours.csv" in export.get_data(as_text=True)
    schedule = client.get("/my/schedule").get_data(as_text=True)
    assert "/my/hours" in schedule and "/my/visits" in schedule
    other = make_organisation(name="Elsewhere")
    assert client.get(f"/organisations/{other.slug}/hours").status_code == 404


def test_an_organisation_s_staff_find_its_events_and_hours_from_its_page(app, client,
                                                                        login_as):
    programme = open_programme()
    slug = programme.organisation.slug
    login_as("staff", organisation=programme.organisation)
    page = client.get(f"/organisations/{slug}").get_data(as_text=True)
    assert f"/programmes/{programme.slug}/events" in page
    assert f"/organisations/{slug}/hours" in page
    login_as("volunteer")
    page = client.get(f"/organisations/{slug}").get_data(as_text=True)
    assert "/events" not in page and f"/organisations/{slug}/hours" not in page
