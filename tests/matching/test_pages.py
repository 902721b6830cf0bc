"""The matching pages: from an open need to an active match, with the reasons at each step,
in the reader's language, for whom they are meant."""

from datetime import timedelta

from sqlalchemy import func, select

from passerelle.core.audit import AuditEntry
from passerelle.core.time import utcnow
from passerelle.extensions import db
from passerelle.matching import queries, services
from passerelle.matching.models import Match, MatchingSettings, MatchStatus
from passerelle.needs.models import NeedStatus
from passerelle.programmes import sessions
from passerelle.programmes.models import ApplicationStatus
from tests.factories import make_organisation, make_programme
from tests.matching.factories import (
    coordinator_of,
    need,
    open_programme,
    volunteer,
)
from tests.needs.factories import make_person, signed_in


def _page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def _post(client, url, data=None):
    return client.post(url, data=data or {})


def test_a_coordinator_goes_from_an_open_need_to_an_active_match(app, client, login_as):
    programme = open_programme()
    coordinator = login_as("coordinator", organisation=programme.organisation)
    wanted = need(programme, title="A sponsor in Saint-Gilles")
    ada = volunteer(programme, "Ada Fits")
    volunteer(programme, "Dari Only", languages={"prs": 4})
    page = _page(client, f"/needs/{wanted.id}/candidates")
    assert "Ada Fits" in page and "1 excluded" in page and "No common language" in page
    listed = _page(client, f"/needs/{wanted.id}/candidates?excluded=language")
    assert "Dari Only" in listed and "the need asks for French" in listed
    response = _post(client, f"/needs/{wanted.id}/propose", {"volunteer": ada.id})
    match = db.session.scalar(select(Match))
    assert response.status_code == 302 and match.status == MatchStatus.proposed
    assert "Approve" in _page(client, f"/matches/{match.id}")
    _post(client, f"/matches/{match.id}/approve")
    db.session.refresh(match)
    assert match.status == MatchStatus.approved and match.decided_by_id == coordinator.id
    as_ada = signed_in(app, ada)
    mine = _page(as_ada, "/my/matches")
    assert "A sponsor in Saint-Gilles" in mine and "your answer is awaited" in mine
    assert "Accept" in _page(as_ada, f"/matches/{match.id}")
    assert _post(as_ada, f"/matches/{match.id}/accept").status_code == 302
    db.session.refresh(match)
    db.session.refresh(wanted)
    assert match.status == MatchStatus.active and wanted.status == NeedStatus.filled
    assert "Filled" in _page(client, f"/needs/{wanted.id}/candidates")


def test_someone_else_s_proposal_cannot_be_answered(app, client, login_as):
    programme = open_programme()
    coordinator = coordinator_of(programme.organisation)
    ada, bea = volunteer(programme, "Ada"), volunteer(programme, "Bea")
    match = services.propose(coordinator, need(programme), ada.id, utcnow())
    services.approve(coordinator, match, utcnow())
    as_bea = signed_in(app, bea)
    assert as_bea.get(f"/matches/{match.id}").status_code == 404
    assert _post(as_bea, f"/matches/{match.id}/accept").status_code == 404
    as_ada = signed_in(app, ada)
    # A volunteer cannot approve, even their own.
    assert _post(as_ada, f"/matches/{match.id}/approve").status_code == 404
    db.session.refresh(match)
    assert match.status == MatchStatus.approved


def test_a_proposal_is_not_shown_to_the_volunteer_before_approval(app):
    programme = open_programme()
    coordinator = coordinator_of(programme.organisation)
    ada = volunteer(programme)
    match = services.propose(coordinator, need(programme), ada.id, utcnow())
    assert signed_in(app, ada).get(f"/matches/{match.id}").status_code == 404


def test_a_refusal_without_a_reason_is_shown_again_with_the_message(app, client, login_as):
    programme = open_programme()
    login_as("coordinator", organisation=programme.organisation)
    match = services.propose(coordinator_of(programme.organisation), need(programme),
                             volunteer(programme).id, utcnow())
    response = _post(client, f"/matches/{match.id}/refuse", {"refuse-reason": "   "})
    assert response.status_code == 200 and "This field is required." in response.get_data(
        as_text=True)
    db.session.refresh(match)
    assert match.status == MatchStatus.proposed


def test_a_double_clicked_approve_approves_once(app, client, login_as):
    programme = open_programme()
    login_as("coordinator", organisation=programme.organisation)
    match = services.propose(coordinator_of(programme.organisation), need(programme),
                             volunteer(programme).id, utcnow())
    _post(client, f"/matches/{match.id}/approve")
    second = client.post(f"/matches/{match.id}/approve", follow_redirects=True)
    assert "no longer waiting for that" in second.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "approved")) == 1


def test_the_person_helped_is_shown_only_to_the_registering_organisation(app, client,
                                                                        login_as):
    programme = open_programme()
    person = make_person(programme.organisation, "Zainab-Hidden", languages=["fr"])
    wanted = need(programme, person_id=person.id)
    volunteer(programme)
    login_as("staff", organisation=programme.organisation)
    assert "Zainab-Hidden" in _page(client, f"/needs/{wanted.id}/candidates")
    assert db.session.scalar(select(AuditEntry.page).where(
        AuditEntry.record_type == "person")) == "candidates"
    login_as("admin")
    page = _page(client, f"/needs/{wanted.id}/candidates")
    assert "Zainab-Hidden" not in page and "Ada Peeters" in page


def test_the_volunteer_sees_the_first_name_and_a_contact_only_once_active(app):
    programme = open_programme()
    programme.organisation.email = "contact@example.org"
    person = make_person(programme.organisation, "Zainab", languages=["ti"])
    wanted = need(programme, languages=("fr",), person_id=person.id)
    coordinator = coordinator_of(programme.organisation)
    ada = volunteer(programme)
    match = services.propose(coordinator, wanted, ada.id, utcnow())
    services.approve(coordinator, match, utcnow())
    as_ada = signed_in(app, ada)
    page = _page(as_ada, f"/matches/{match.id}")
    assert "Zainab" in page and "Tigrinya" in page and "contact@example.org" not in page
    services.accept(ada, match, utcnow())
    assert "contact@example.org" in _page(as_ada, f"/matches/{match.id}")


def test_needs_that_fit_me_say_why_not_and_link_to_the_next_training(app, login_as):
    programme = make_programme(make_organisation(), slug="visits-t", interview=False,
                               charter=False, trainings=["Welcome"])
    training = services.trainings_by_programme([programme.id])[programme.id][0]
    start = utcnow() + timedelta(days=9)
    occurrence = sessions.add_session(training, start, start + timedelta(hours=2), "Room 7",
                                      5, utcnow())
    db.session.commit()
    need(programme, title="Visit on Mondays")
    ada = volunteer(programme, status=ApplicationStatus.screened)
    page = _page(signed_in(app, ada), "/my/matches")
    assert "Not open to you yet" in page and "Training still to do: Welcome" in page
    # The one sign-up of any event, coming back to this page.
    assert "Room 7" in page and f'action="/occurrences/{occurrence.id}/signup"' in page
    assert 'name="next" value="/my/matches"' in page


def test_weights_out_of_range_are_refused_beside_the_field(app, client, login_as):
    programme = open_programme()
    login_as("coordinator", organisation=programme.organisation)
    data = {f"w_{part}": "10" for part in services.scoring.PARTS} | {"answer_days": "7",
                                                                    "w_distance": "150"}
    response = _post(client, f"/programmes/{programme.slug}/matching", data)
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and "from 0 to 100" in text and 'value="150"' in text
    assert db.session.scalar(select(func.count()).select_from(MatchingSettings)) == 0
    data["w_distance"] = "90"
    assert _post(client, f"/programmes/{programme.slug}/matching", data).status_code == 302
    assert services.weights_of(programme).of("distance") == 90


def test_the_batch_page_proposes_shows_greedy_and_approves_some(app, client, login_as):
    programme = open_programme()
    login_as("coordinator", organisation=programme.organisation)
    need(programme, title="First")
    need(programme, title="Second")
    volunteer(programme, "Ada")
    volunteer(programme, "Bea")
    response = _post(client, f"/programmes/{programme.slug}/batch", {"objective": "score"})
    assert response.status_code == 302
    page = _page(client, response.headers["Location"])
    assert "Greedy by score" in page and "Ada" in page and "Bea" in page
    matches = list(db.session.scalars(select(Match).order_by(Match.id)))
    batch_id = matches[0].batch_id
    _post(client, f"/batches/{batch_id}/approve", {"match": str(matches[0].id)})
    db.session.expire_all()
    statuses = [db.session.get(Match, m.id).status for m in matches]
    assert statuses == [MatchStatus.approved, MatchStatus.proposed]


def test_approving_a_batch_skips_a_proposal_refused_meanwhile_and_names_it(
        app, client, login_as):
    programme = open_programme()
    coordinator = login_as("coordinator", organisation=programme.organisation, locale="en")
    first = need(programme, title="First")
    need(programme, title="Second")
    need(programme, title="Third")
    for name in ("Ada", "Bea", "Cas"):
        volunteer(programme, name)
    batch = services.run_batch(coordinator, programme, services.Objective.score, utcnow())
    matches = queries.batch_matches(batch)
    assert len(matches) == 3
    stale = next(m for m in matches if m.need_id == first.id)
    services.refuse(coordinator_of(programme.organisation), stale, "Moved away", utcnow())
    page = client.post(f"/batches/{batch.id}/approve",
                       data={"match": [str(m.id) for m in matches]},
                       follow_redirects=True).get_data(as_text=True)
    assert "2 approved." in page
    assert (f"{stale.user.name} for &#34;First&#34;: This match is no longer waiting for "
            "that: it is refused by a coordinator.") in page
    db.session.expire_all()
    assert sorted(db.session.get(Match, m.id).status for m in matches) == [
        MatchStatus.approved, MatchStatus.approved, MatchStatus.refused]


def test_the_candidates_page_in_french_and_dutch(app, client, login_as):
    programme = open_programme()
    coordinator = login_as("coordinator", organisation=programme.organisation, locale="fr")
    wanted = need(programme)
    volunteer(programme, languages={"ar": 4})
    page = _page(client, f"/needs/{wanted.id}/candidates?excluded=language")
    assert "Pas de langue commune\xa0: le besoin demande français" in page
    coordinator.locale = "nl"
    db.session.commit()
    page = _page(client, f"/needs/{wanted.id}/candidates?excluded=language")
    assert "Geen gemeenschappelijke taal: de behoefte vraagt Frans" in page


def _candidates_queries(client, login_as, count_queries, how_many: int) -> int:
    programme = open_programme(slug=f"queries-{how_many}")
    login_as("coordinator", organisation=programme.organisation)
    wanted = need(programme)
    for n in range(how_many):
        volunteer(programme, f"Fits {n}")
        volunteer(programme, f"Too far {n}", place="9000")
    with count_queries() as queries:
        _page(client, f"/needs/{wanted.id}/candidates?excluded=distance")
    return queries.count


def test_the_candidates_page_does_not_query_per_volunteer(app, client, login_as, count_queries):
    assert (_candidates_queries(client, login_as, count_queries, 1)
            == _candidates_queries(client, login_as, count_queries, 6))


def test_a_declined_proposal_offers_the_coordinator_the_next_candidate(app, client, login_as):
    programme = open_programme()
    login_as("coordinator", organisation=programme.organisation)
    coordinator = coordinator_of(programme.organisation)
    wanted = need(programme)
    ada = volunteer(programme, "Ada First", languages={"fr": 4})
    volunteer(programme, "Bea Next", languages={"fr": 2})
    match = services.propose(coordinator, wanted, ada.id, utcnow())
    services.approve(coordinator, match, utcnow())
    services.decline(ada, match, "", utcnow())
    page = _page(client, f"/matches/{match.id}")
    assert "The next candidates" in page and "Propose Bea Next" in page


def _fits_me_queries(app, count_queries, how_many: int) -> int:
    ada = None
    for n in range(how_many):
        programme = open_programme(slug=f"fits-{how_many}-{n}")
        need(programme, title=f"Fits {n}")
        need(programme, title=f"Too far {n}", place="9000")
        if ada is None:
            ada = volunteer(programme, "Ada")
        else:
            from tests.matching.factories import apply

            apply(ada, programme)
    client = signed_in(app, ada)
    with count_queries() as queries:
        page = _page(client, "/my/matches")
    assert f"Fits {how_many - 1}" in page
    return queries.count


def test_needs_that_fit_me_do_not_query_per_programme_or_need(app, count_queries):
    assert _fits_me_queries(app, count_queries, 1) == _fits_me_queries(app, count_queries, 4)


def test_homes_tell_each_side_what_waits_for_them(app, client, login_as):
    programme = open_programme()
    login_as("coordinator", organisation=programme.organisation)
    coordinator = coordinator_of(programme.organisation)
    ada, bea = volunteer(programme, "Ada"), volunteer(programme, "Bea")
    first = services.propose(coordinator, need(programme, title="Approved one"), ada.id,
                             utcnow())
    services.approve(coordinator, first, utcnow())
    services.propose(coordinator, need(programme, title="Proposed one"), bea.id, utcnow())
    home = _page(client, "/")
    assert "Proposed matches waiting for approval" in home
    assert f"/programmes/{programme.slug}/matches?status=proposed" in home
    mine = _page(signed_in(app, ada), "/")
    assert "your answer is awaited" in mine and "Approved one" in mine


def test_a_person_s_page_leads_to_the_candidates_of_their_needs(app, client, login_as):
    programme = open_programme()
    login_as("staff", organisation=programme.organisation)
    person = make_person(programme.organisation, "Omid")
    wanted = need(programme, title="Sponsor for Omid", person_id=person.id)
    page = _page(client, f"/supported/{person.id}")
    assert "Sponsor for Omid" in page and f"/needs/{wanted.id}/candidates" in page
