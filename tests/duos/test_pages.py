"""The duo pages: a coordinator runs a batch and reads why each duo, in their language;
both participants accept in the page; bad input is shown beside its field and changes
nothing; the batch page does not query per duo."""

import pytest
from sqlalchemy import select

from passerelle.core.errors import NotFound
from passerelle.duos import services
from passerelle.duos.models import Duo, DuoStatus
from passerelle.extensions import db
from passerelle.matching.models import MatchBatch
from tests.duos.factories import exchange_programme, participant
from tests.factories import make_organisation
from tests.matching.factories import NOW, coordinator_of
from tests.needs.factories import signed_in


def _page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def _pair(programme, suffix=""):
    ada = participant(programme, f"Ada{suffix} Local", {"fr": 4}, ["ar"], ["music", "cooking"])
    farah = participant(programme, f"Farah{suffix} New", {"ar": 4, "ti": 3}, ["fr"],
                        ["music", "cooking"], newcomer=True)
    return ada, farah


def test_a_coordinator_reads_why_and_both_participants_accept(app, client, login_as):
    programme = exchange_programme()
    coordinator = login_as("coordinator", organisation=programme.organisation)
    ada, farah = _pair(programme)
    assert f"/duos/programmes/{programme.slug}" in _page(client, "/coordination/")
    page = _page(client, f"/duos/programmes/{programme.slug}")
    assert "2 participants" in page
    response = client.post(f"/duos/programmes/{programme.slug}/batch")
    batch = db.session.scalar(select(MatchBatch))
    assert response.status_code == 302 and response.location.endswith(f"/duos/batches/{batch.id}")
    page = _page(client, f"/duos/batches/{batch.id}")
    assert "Ada Local helps Farah New practise: French" in page
    assert "Farah New helps Ada Local practise: Arabic" in page
    assert "Shared interests: Cooking, Music" in page
    coordinator.locale = "nl"
    db.session.commit()
    assert "Arabisch" in _page(client, f"/duos/batches/{batch.id}")  # in the reader's language
    coordinator.locale = "en"
    db.session.commit()
    duo = db.session.scalar(select(Duo))
    as_ada = signed_in(app, ada)
    assert as_ada.get(f"/duos/{duo.id}").status_code == 404  # not approved yet
    client.post(f"/batches/{batch.id}/approve")  # matching's batch: not this one
    client.post(f"/duos/batches/{batch.id}/approve", data={"duo": [str(duo.id)]})
    db.session.refresh(duo)
    assert duo.status == DuoStatus.approved
    mine = _page(as_ada, f"/duos/{duo.id}")
    assert "Your language duo with Farah" in mine and "Farah helps you practise: Arabic" in mine
    assert "You help Farah practise: French" in mine and "Accept the duo" in mine
    assert farah.email not in mine and "Farah New" not in mine  # the first name only
    assert "With Farah" in _page(as_ada, "/my/duos")
    assert as_ada.post(f"/duos/{duo.id}/accept").status_code == 302
    assert "You accepted" in _page(as_ada, f"/duos/{duo.id}")
    as_farah = signed_in(app, farah)
    as_farah.post(f"/duos/{duo.id}/accept")
    db.session.refresh(duo)
    assert duo.status == DuoStatus.active and duo.ends_on is not None
    page = _page(as_farah, f"/duos/{duo.id}")
    assert "puts you in touch with Ada" in page and ada.email not in page
    # A participant does not decide for the coordinators.
    assert as_farah.post(f"/duos/{duo.id}/refuse", data={"refuse-reason": "x"}).status_code == 404


def test_refusing_without_a_reason_is_shown_beside_the_field_and_changes_nothing(
        app, client, login_as):
    programme = exchange_programme()
    login_as("coordinator", organisation=programme.organisation)
    _pair(programme)
    batch = services.run_batch(coordinator_of(programme.organisation), programme, NOW)
    [duo] = services.batch_duos(batch)
    response = client.post(f"/duos/{duo.id}/refuse", data={"refuse-reason": "   "})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="refuse-reason-help"' in page and "has-error" in page
    db.session.refresh(duo)
    assert duo.status == DuoStatus.proposed and duo.reason == ""
    long = "x" * 600
    page = client.post(f"/duos/{duo.id}/refuse", data={"refuse-reason": long}).get_data(
        as_text=True)
    assert long in page  # what was typed is kept
    db.session.refresh(duo)
    assert duo.status == DuoStatus.proposed
    client.post(f"/duos/{duo.id}/refuse", data={"refuse-reason": "They are neighbours"})
    db.session.refresh(duo)
    assert duo.status == DuoStatus.refused and duo.reason == "They are neighbours"


def test_other_organisations_and_other_kinds_of_programme_get_404(app, client, login_as):
    programme = exchange_programme()
    _pair(programme)
    batch = services.run_batch(coordinator_of(programme.organisation), programme, NOW)
    [duo] = services.batch_duos(batch)
    login_as("coordinator", organisation=make_organisation(name="Elsewhere"))
    for url in (f"/duos/programmes/{programme.slug}", f"/duos/batches/{batch.id}",
                f"/duos/{duo.id}"):
        assert client.get(url).status_code == 404
    assert client.post(f"/duos/{duo.id}/approve").status_code == 404
    db.session.refresh(duo)
    assert duo.status == DuoStatus.proposed


def _batch_queries(app, count_queries, how_many: int) -> int:
    programme = exchange_programme(slug=f"queries-{how_many}")
    for n in range(how_many):
        _pair(programme, suffix=str(n))
    coordinator = coordinator_of(programme.organisation)
    batch = services.run_batch(coordinator, programme, NOW)
    assert len(services.batch_duos(batch)) == how_many
    client = signed_in(app, coordinator)
    _page(client, f"/duos/batches/{batch.id}")  # the session's first page
    with count_queries() as queries:
        page = _page(client, f"/duos/batches/{batch.id}")
    assert f"Ada{how_many - 1} Local" in page
    return queries.count


def test_the_batch_page_does_not_query_per_duo(app, count_queries):
    assert _batch_queries(app, count_queries, 1) == _batch_queries(app, count_queries, 5)


def test_the_profile_says_which_languages_one_practises_and_whether_a_newcomer(
        app, client, login_as):
    from passerelle.volunteers.models import VolunteerProfile

    user = login_as()
    form = {"place": "1060", "travel_km": "10", "languages-0-code": "ti",
            "languages-0-level": "4", "practises": ["fr", "nl"], "newcomer": "y",
            "max_matches": "1"}
    page = _page(client, "/profile/")
    assert "Languages you want to practise (for a language exchange)" in page
    assert client.post("/profile/", data=form).status_code == 302
    profile = db.session.scalar(select(VolunteerProfile).where(
        VolunteerProfile.user_id == user.id))
    assert (profile.practises, profile.newcomer) == (["fr", "nl"], True)
    page = _page(client, "/profile/")
    assert 'value="nl" checked' in page or ('value="nl"' in page and "checked" in page)
    bad = client.post("/profile/", data=form | {"practises": ["fr", "klingon"]})
    assert bad.status_code == 200 and "Choose languages from the list." in bad.get_data(
        as_text=True)
    db.session.expire_all()
    assert db.session.get(VolunteerProfile, profile.id).practises == ["fr", "nl"]


def _two_pairs(programme):
    return [participant(programme, name, speaks, practises) for name, speaks, practises in (
        ("Ada", {"fr": 4}, ["ar"]), ("Farah", {"ar": 4}, ["fr"]),
        ("Bram", {"nl": 4}, ["ti"]), ("Dawit", {"ti": 4}, ["nl"]))]


def test_a_coordinator_undoes_a_batch_from_its_page_once(app, client, login_as):
    programme = exchange_programme()
    coordinator = login_as("coordinator", organisation=programme.organisation)
    _two_pairs(programme)
    batch = services.run_batch(coordinator, programme, NOW)
    first, second = services.batch_duos(batch)
    services.approve(coordinator, first, NOW)
    page = _page(client, f"/duos/batches/{batch.id}")
    assert "Undo the batch" in page and f"/duos/batches/{batch.id}/undo" in page
    page = client.post(f"/duos/batches/{batch.id}/undo", follow_redirects=True).get_data(
        as_text=True)
    assert ("The batch is undone. Duos withdrawn (still proposed): 1; duos kept (already "
            "approved): 1.") in page
    assert "This batch was undone." in page and f"/duos/batches/{batch.id}/undo" not in page
    assert "Approve the ticked duos" not in page
    db.session.expire_all()
    assert db.session.get(Duo, first.id).status == DuoStatus.approved
    assert db.session.get(Duo, second.id).status == DuoStatus.cancelled
    page = client.post(f"/duos/batches/{batch.id}/undo", follow_redirects=True).get_data(
        as_text=True)
    assert "This batch was already undone: nothing changed." in page
    assert db.session.get(Duo, first.id).status == DuoStatus.approved


def test_only_the_programmes_coordinators_undo_a_batch(app, client, login_as):
    programme = exchange_programme()
    _two_pairs(programme)
    batch = services.run_batch(coordinator_of(programme.organisation), programme, NOW)
    login_as("coordinator", organisation=make_organisation(name="Elsewhere"))
    assert client.post(f"/duos/batches/{batch.id}/undo").status_code == 404
    as_participant = signed_in(app, services.batch_duos(batch)[0].first)
    assert as_participant.post(f"/duos/batches/{batch.id}/undo").status_code == 404
    db.session.expire_all()
    assert {duo.status for duo in services.batch_duos(batch)} == {DuoStatus.proposed}
    assert db.session.get(MatchBatch, batch.id).status == "open"


def test_duo_batches_and_ordinary_batches_each_have_their_own_pages_and_lists(
        app, client, login_as):
    from passerelle.matching import queries as matching_queries
    from passerelle.matching import services as matching
    from passerelle.matching.models import Objective
    from tests.matching.factories import need, volunteer

    programme = exchange_programme()
    coordinator = login_as("coordinator", organisation=programme.organisation)
    _two_pairs(programme)
    duo_batch = services.run_batch(coordinator, programme, NOW)
    need(programme, title="A conversation table")
    volunteer(programme, "Vera Volunteer")
    ordinary = matching.run_batch(coordinator, programme, Objective.score, NOW)
    assert matching_queries.batch_matches(ordinary) and services.batch_duos(duo_batch)
    assert (ordinary.kind, duo_batch.kind) == ("matches", "duos")
    assert client.get(f"/batches/{duo_batch.id}").status_code == 404
    assert client.post(f"/batches/{duo_batch.id}/undo").status_code == 404
    assert client.post(f"/batches/{duo_batch.id}/approve").status_code == 404
    assert client.get(f"/duos/batches/{ordinary.id}").status_code == 404
    assert client.post(f"/duos/batches/{ordinary.id}/undo").status_code == 404
    assert client.post(f"/duos/batches/{ordinary.id}/approve").status_code == 404
    _page(client, f"/batches/{ordinary.id}")
    _page(client, f"/duos/batches/{duo_batch.id}")
    assert matching_queries.recent_batches(programme) == [ordinary]
    assert services.recent_batches(programme) == [duo_batch]
    page = _page(client, f"/programmes/{programme.slug}/batch")
    assert f"/batches/{ordinary.id}\"" in page and f"/batches/{duo_batch.id}\"" not in page
    page = _page(client, f"/duos/programmes/{programme.slug}")
    assert f"/duos/batches/{duo_batch.id}\"" in page and f"/batches/{ordinary.id}\"" not in page
    db.session.expire_all()
    assert db.session.get(MatchBatch, duo_batch.id).status == "open"
    assert {m.status for m in matching_queries.batch_matches(ordinary)} == {"proposed"}
    with pytest.raises(NotFound):  # each kind's services refuse the other's batch
        services.undo_batch(coordinator, ordinary, NOW)
    with pytest.raises(NotFound):
        matching.approve_batch(coordinator, duo_batch, [], NOW)


def test_a_duo_batch_whose_duos_are_gone_is_still_a_duo_batch(app, client, login_as):
    """What a batch is comes from its kind, not from the rows it still has."""
    from passerelle.matching import queries as matching_queries
    from passerelle.matching import services as matching
    from passerelle.matching.models import BatchKind

    programme = exchange_programme()
    coordinator = login_as("coordinator", organisation=programme.organisation)
    _two_pairs(programme)
    batch = services.run_batch(coordinator, programme, NOW)
    assert batch.kind == BatchKind.duos
    for duo in services.batch_duos(batch):
        db.session.delete(duo)
    db.session.commit()
    assert services.batch_duos(batch) == []
    assert client.get(f"/batches/{batch.id}").status_code == 404
    assert client.post(f"/batches/{batch.id}/undo").status_code == 404
    assert matching_queries.recent_batches(programme) == []
    assert f"/batches/{batch.id}\"" not in _page(client, f"/programmes/{programme.slug}/batch")
    assert services.recent_batches(programme) == [batch]
    _page(client, f"/duos/batches/{batch.id}")
    with pytest.raises(NotFound):  # the service refuses it too, whoever calls it
        matching.undo_batch(coordinator, batch, NOW)
    db.session.expire_all()
    assert db.session.get(MatchBatch, batch.id).status == "open"
