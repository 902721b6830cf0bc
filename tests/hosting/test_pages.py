"""The hosting pages: a coordinator plans and approves, a host accepts or declines, the
guest's organisation refuses a host, anyone concerned reports a concern; bad input is
shown beside its field; the pages do not query per row."""

from datetime import timedelta

from sqlalchemy import select

from passerelle.core.time import today_in_brussels, utcnow
from passerelle.extensions import db
from passerelle.hosting import services
from passerelle.hosting.models import Concern, Stay, StayStatus, Trajectory, TrajectoryStatus
from tests.hosting.factories import guest, host, hosting_programme, partner_staff
from tests.needs.factories import signed_in


def _page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def _nights(days):
    first = today_in_brussels() + timedelta(days=1)
    return first, first + timedelta(days=days - 1)


def test_from_a_waiting_guest_to_accepted_stays(app, client, login_as):
    programme = hosting_programme()
    login_as("coordinator", organisation=programme.organisation)
    hosts = {h.id: h for h in (host(programme, name=f"Host {n}") for n in range(3))}
    first, last = _nights(112)
    person = guest(programme, first_name="Zainab", first=first, last=last)
    page = _page(client, f"/hosting/{programme.slug}")
    assert "Zainab" in page and "3 hosts can welcome a guest now" in page
    response = client.post(f"/hosting/{programme.slug}/plan")
    trajectory = db.session.scalar(select(Trajectory))
    assert response.status_code == 302 and trajectory.person_id == person.id
    page = _page(client, f"/trajectories/{trajectory.id}")
    assert "Trajectory of Zainab" in page and "56 nights" in page
    # Two stays of 56 nights cover all 112: the per-night bound proves no plan covers more.
    assert "No plan is better" in page or "No plan covers more nights: it was proved" in page
    client.post(f"/trajectories/{trajectory.id}/approve")
    db.session.refresh(trajectory)
    assert trajectory.status == TrajectoryStatus.approved
    for stay in trajectory.stays:
        as_host = signed_in(app, hosts[stay.host_id])
        mine = _page(as_host, "/my/stays")
        assert "Zainab" in mine and "Waiting for the host" in mine
        shown = _page(as_host, f"/stays/{stay.id}")
        assert "Zainab" in shown and "Host 0" not in shown.replace(hosts[stay.host_id].name, "")
        assert as_host.post(f"/stays/{stay.id}/accept").status_code == 302
    db.session.expire_all()
    assert {s.status for s in db.session.scalars(select(Stay))} == {StayStatus.accepted}


def test_a_host_declines_and_the_stay_is_planned_again(app, client, login_as):
    programme = hosting_programme()
    login_as("coordinator", organisation=programme.organisation)
    first_host, _second = host(programme, name="First"), host(programme, name="Second")
    first, last = _nights(20)
    guest(programme, first=first, last=last)
    client.post(f"/hosting/{programme.slug}/plan")
    trajectory = db.session.scalar(select(Trajectory))
    client.post(f"/trajectories/{trajectory.id}/approve")
    [stay] = trajectory.stays
    as_host = signed_in(app, db.session.get(type(first_host), stay.host_id))
    too_long = as_host.post(f"/stays/{stay.id}/decline", data={"decline-reason": "x" * 600})
    assert too_long.status_code == 200 and "At most 500 characters" in too_long.get_data(
        as_text=True)
    db.session.refresh(stay)
    assert stay.status == StayStatus.asked  # nothing changed
    as_host.post(f"/stays/{stay.id}/decline", data={"decline-reason": "A family event"})
    db.session.expire_all()
    statuses = sorted(str(s.status) for s in trajectory.stays)
    assert statuses == ["declined", "proposed"]
    assert "Approve and ask the hosts" in _page(client, f"/trajectories/{trajectory.id}")


def test_the_guest_s_organisation_refuses_a_host_and_reports_a_concern(app, client, login_as):
    programme = hosting_programme()
    login_as("coordinator", organisation=programme.organisation)
    host(programme, name="First")
    first, last = _nights(10)
    person = guest(programme, first=first, last=last)
    client.post(f"/hosting/{programme.slug}/plan")
    trajectory = db.session.scalar(select(Trajectory))
    [stay] = trajectory.stays
    partner = signed_in(app, partner_staff(person))
    empty = partner.post(f"/stays/{stay.id}/concern", data={"concern-body": ""})
    assert empty.status_code == 200 and "This field is required" in empty.get_data(as_text=True)
    assert db.session.scalar(select(Concern)) is None
    partner.post(f"/stays/{stay.id}/concern", data={"concern-body": "Worried about food"})
    assert db.session.scalar(select(Concern)).body == "Worried about food"
    assert "Worried about food" in _page(client, f"/stays/{stay.id}")  # the coordinator
    partner.post(f"/stays/{stay.id}/refuse", data={})
    db.session.refresh(stay)
    assert stay.status == StayStatus.refused


def test_a_host_sees_the_emergency_contact_in_dutch(app, client, login_as):
    programme = hosting_programme()
    programme.organisation.emergency_contact = "0470 12 34 56"
    db.session.commit()
    login_as("coordinator", organisation=programme.organisation)
    the_host = host(programme, name="Hendrik")
    the_host.locale = "nl"
    db.session.commit()
    first, last = _nights(10)
    guest(programme, first=first, last=last, household_size=3)
    client.post(f"/hosting/{programme.slug}/plan")
    trajectory = db.session.scalar(select(Trajectory))
    client.post(f"/trajectories/{trajectory.id}/approve")
    [stay] = trajectory.stays
    page = _page(signed_in(app, the_host), f"/stays/{stay.id}")
    assert "0470 12 34 56" in page
    assert "Verblijf van" in page


def _programme_page_queries(client, login_as, count_queries, how_many: int) -> int:
    programme = hosting_programme(slug=f"queries-{how_many}")
    login_as("coordinator", organisation=programme.organisation)
    for n in range(how_many):
        host(programme, name=f"Host {n}")
        first, last = _nights(10 + n)
        guest(programme, first_name=f"Guest {n}", first=first, last=last)
    client.post(f"/hosting/{programme.slug}/plan")
    for n in range(how_many):
        first, last = _nights(5)
        guest(programme, first_name=f"Waiting {n}", first=first, last=last)
    trajectory = db.session.scalars(select(Trajectory).where(
        Trajectory.programme_id == programme.id)).first()
    with count_queries() as queries:
        _page(client, f"/hosting/{programme.slug}")
        _page(client, f"/trajectories/{trajectory.id}")
    return queries.count


def test_the_hosting_pages_do_not_query_per_row(app, client, login_as, count_queries):
    assert (_programme_page_queries(client, login_as, count_queries, 1)
            == _programme_page_queries(client, login_as, count_queries, 4))


def test_the_guest_s_record_leads_its_organisation_to_the_trajectory(app, client, login_as):
    programme = hosting_programme()
    coordinator = login_as("coordinator", organisation=programme.organisation)
    host(programme)
    first, last = _nights(10)
    person = guest(programme, first=first, last=last)
    [trajectory], _ = services.plan_programme(coordinator, programme, utcnow())
    partner = signed_in(app, partner_staff(person))
    record = _page(partner, f"/supported/{person.id}")
    assert f"/trajectories/{trajectory.id}" in record and "Hosting trajectories" in record
    other = signed_in(app, partner_staff(guest(hosting_programme(slug="other"),
                                               first_name="Other", first=first, last=last)))
    assert other.get(f"/trajectories/{trajectory.id}").status_code == 404
