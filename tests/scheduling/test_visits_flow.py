"""Visit rotas end to end: pairs proposed (accredited, one experienced), approved by the
coordinator, confirmed by each visitor, then the report and the monitoring summary."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from passerelle.core.errors import DomainError
from passerelle.core.time import BRUSSELS
from passerelle.extensions import db as _db
from passerelle.programmes import setup
from passerelle.programmes.models import Accreditation
from passerelle.reminders.models import OutboxMessage
from passerelle.scheduling import visits
from passerelle.scheduling.models import EventKind, Signup, SignupStatus, VisitReport
from tests.factories import make_organisation, session_id_for
from tests.matching.factories import NOW, TODAY, open_programme, volunteer
from tests.scheduling.factories import make_event, occurrence_of


def _accredit(user, programme, centre="caricole"):
    _db.session.add(Accreditation(user_id=user.id, programme_id=programme.id, place=centre,
                                  granted_on=TODAY - timedelta(days=100)))
    _db.session.commit()


def _visit(programme, start, centre="caricole"):
    return occurrence_of(make_event(programme, kind=EventKind.visit, start=start, minutes=120,
                                    places=2, centre=centre, city="Steenokkerzeel",
                                    title="Visit"))


@pytest.fixture
def rota(db):
    programme = open_programme(make_organisation(name="APD"), kind="detention_visits",
                               slug="apd-caricole-visits")
    programme.facts = {"experienced_visits": 1}
    old, new, other, outsider = (volunteer(programme, name=name, availability=0)
                                 for name in ("Olga Old", "Nina New", "Noor New", "Omar Out"))
    for user in (old, new, other):
        _accredit(user, programme)
    _accredit(outsider, programme, centre="vottem")  # not for the Caricole
    past = _visit(programme, datetime(2026, 11, 4, 14, 0))
    _db.session.add(Signup(occurrence_id=past.id, role_id=past.event.roles[0].id,
                           user_id=old.id, status=SignupStatus.confirmed, since=NOW))
    slot = _visit(programme, datetime(2026, 12, 9, 14, 0))
    _db.session.commit()
    return programme, slot, {"old": old, "new": new, "other": other, "outsider": outsider}


def _proposed(slot):
    return list(_db.session.scalars(select(Signup).where(
        Signup.occurrence_id == slot.id, Signup.status == SignupStatus.proposed)))


def test_a_pair_is_proposed_with_an_experienced_accredited_visitor(app, rota):
    programme, slot, people = rota
    plan = visits.propose(people["old"], programme, NOW)
    pair = {signup.user_id for signup in _proposed(slot)}
    assert len(plan.pairs) == 1 and len(pair) == 2
    assert people["old"].id in pair and people["outsider"].id not in pair


def test_without_an_experienced_visitor_the_slot_says_why(app, rota):
    programme, slot, people = rota
    programme.facts = {"experienced_visits": 3}
    _db.session.commit()
    plan = visits.propose(people["old"], programme, NOW)
    assert plan.pairs == () and plan.unfilled == {slot.id: "no-experienced"}
    assert _proposed(slot) == []


def test_approved_then_confirmed_by_both_each_told(client, login_as, rota):
    programme, slot, people = rota
    login_as("coordinator", organisation=programme.organisation)
    page = client.post(f"/visits/programmes/{programme.slug}", follow_redirects=True)
    assert "Olga Old" in page.get_data(as_text=True)
    client.post(f"/visits/{slot.id}/pairs/1/approve")
    signups = list(_db.session.scalars(select(Signup).where(
        Signup.occurrence_id == slot.id, Signup.status == SignupStatus.asked)))
    assert len(signups) == 2
    kinds = [row.kind for row in _db.session.scalars(select(OutboxMessage))]
    assert kinds.count("visit-pair-proposed") == 2
    for signup in signups:
        visits.confirm(signup.user, signup, NOW)
    kinds = [row.kind for row in _db.session.scalars(select(OutboxMessage))]
    assert kinds.count("visit-pair-confirmed") == 2


def test_another_organisations_coordinator_sees_no_rota(client, login_as, rota):
    programme, slot, _people = rota
    login_as("coordinator", organisation=make_organisation(name="Elsewhere"))
    assert client.get(f"/visits/programmes/{programme.slug}").status_code == 404
    assert client.post(f"/visits/{slot.id}/pairs/1/approve").status_code == 404
    assert client.get(f"/visits/programmes/{programme.slug}/summary").status_code == 404


def _confirmed_pair(programme, slot, people):
    visits.propose(people["old"], programme, NOW)
    visits.approve(people["old"], slot, 1, NOW)
    for signup in _db.session.scalars(select(Signup).where(Signup.occurrence_id == slot.id)):
        visits.confirm(signup.user, signup, NOW)
    return {s.user_id for s in _db.session.scalars(select(Signup).where(
        Signup.occurrence_id == slot.id, Signup.status == SignupStatus.confirmed))}


def test_only_a_visitor_of_the_visit_reports_on_it_once_made(app, rota):
    programme, slot, people = rota
    pair = _confirmed_pair(programme, slot, people)
    after = slot.ends_at + timedelta(hours=1)
    stranger = next(p for p in people.values() if p.id not in pair)
    with pytest.raises(DomainError):
        visits.write_report(stranger, slot, visits.Report(3, ["health"], ""), after)
    member = next(p for p in people.values() if p.id in pair)
    with pytest.raises(DomainError):  # not yet made
        visits.write_report(member, slot, visits.Report(3, ["health"], ""), NOW)
    assert _db.session.scalar(select(VisitReport.id)) is None
    visits.write_report(member, slot, visits.Report(3, ["health", "legal_aid"], "Cold."),
                        after)
    summary = visits.summary(programme)
    assert summary[("caricole", "2026-12")]["health"] == 1
    assert summary[("caricole", "2026-12")]["people"] == 3


def test_a_bad_report_keeps_what_was_typed_and_saves_nothing(client, login_as, rota):
    programme, slot, people = rota
    pair = _confirmed_pair(programme, slot, people)
    slot.starts_at = slot.ends_at = datetime(2026, 11, 25, 14, tzinfo=BRUSSELS)
    _db.session.commit()
    member = next(p for p in people.values() if p.id in pair)
    page = _post_as(client, member, f"/visits/{slot.id}/report",
                    {"people_met": "-1", "themes": ["health"], "text": "Noted"})
    assert "Between 0 and 200." in page and "Noted" in page
    assert _db.session.scalar(select(VisitReport.id)) is None


def _post_as(client, user, url, data):
    with client.session_transaction() as session:
        session["_user_id"] = session_id_for(user)
        session["_fresh"] = True
    return client.post(url, data=data).get_data(as_text=True)


def test_the_coordinator_sets_how_many_visits_make_a_visitor_experienced(client, login_as,
                                                                          rota):
    programme, slot, _people = rota
    login_as("coordinator", organisation=programme.organisation)
    data = {name: getattr(programme, name) or "x" for name in setup.TEXT_FIELDS} | {
        "kind": "detention_visits", "accreditation_places": ["caricole"],
        "experienced_visits": "3"}
    assert client.post(f"/programmes/{programme.slug}/settings", data=data).status_code == 302
    _db.session.expire_all()
    assert programme.facts["experienced_visits"] == 3
    page = client.post(f"/visits/programmes/{programme.slug}",
                       follow_redirects=True).get_data(as_text=True)
    assert "(3 visits or more)" in page and "No experienced visitor is free" in page
    assert _proposed(slot) == []
    bad = client.post(f"/programmes/{programme.slug}/settings",
                      data=data | {"experienced_visits": "0"}).get_data(as_text=True)
    assert 'value="0"' in bad and "Between 1 and 100." in bad
    _db.session.expire_all()
    assert programme.facts["experienced_visits"] == 3
