"""What a coordinator's digest holds, from plain data (no database)."""

from passerelle.reminders.digest import (
    Coordinator,
    OrganisationWaiting,
    ProgrammeWaiting,
    compose,
)

VISITS = ProgrammeWaiting("visits", {"fr": "Visites", "nl": "Bezoeken", "en": "Visits"},
                          {"submitted": 2, "trained": 1, "active": 9})
QUIET = ProgrammeWaiting("quiet", {"en": "Quiet"}, {})
WAITING = {
    1: OrganisationWaiting(1, "JRS Belgium", "jrs", (VISITS, QUIET)),
    2: OrganisationWaiting(2, "Caritas", "caritas", (QUIET,), pairings=3),
    3: OrganisationWaiting(3, "Nothing here", "empty", (QUIET,)),
}


def test_an_own_coordinator_gets_their_organisations_with_something_waiting_by_name():
    digest = compose(Coordinator(7, own={1, 2, 3}), WAITING)
    assert [o.slug for o in digest.organisations] == ["caritas", "jrs"]
    assert digest.organisations[1].programmes[0].steps == [("submitted", 2), ("trained", 1)]


def test_nothing_waiting_means_no_digest():
    assert compose(Coordinator(7, own={3}), WAITING) is None
    assert compose(Coordinator(7, own={42}), WAITING) is None


def test_digest_turned_off_means_none_at_all():
    assert compose(Coordinator(7, own={1}, wider={2}, wants_digest=False,
                               wants_wider=True), WAITING) is None


def test_network_and_administrator_organisations_only_when_chosen():
    assert compose(Coordinator(7, wider={1, 2}), WAITING) is None
    assert [o.id for o in compose(Coordinator(7, own={1}, wider={2}), WAITING)
            .organisations] == [1]
    chosen = compose(Coordinator(7, own={1}, wider={1, 2}, wants_wider=True), WAITING)
    assert [o.id for o in chosen.organisations] == [2, 1]


def test_a_programme_name_falls_back_when_its_language_is_missing():
    assert VISITS.name("nl") == "Bezoeken" and QUIET.name("fr") == "Quiet"
