"""Anyone downloads what the platform holds about them: a zip of JSON and CSV files."""

import csv
import io
from datetime import UTC, datetime

from sqlalchemy import select

from passerelle.core.audit import AuditEntry
from passerelle.privacy import archive
from tests.factories import make_user
from tests.needs.factories import make_offer
from tests.privacy.helpers import a_full_account, sections, unzip


def test_a_volunteer_downloads_everything_about_them(client, db, login_as):
    user, application = a_full_account(client, login_as)
    make_offer(make_user(name="Someone Else"), "Someone else's bicycle")
    assert "Download my data" in client.get("/account/data").get_data(as_text=True)
    response = client.post("/account/data")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    files = unzip(response.data)
    data = sections(response.data)
    assert data["account"][0]["email"] == user.email
    assert data["volunteer_profile"][0]["birth_date"] == "1958-04-02"
    assert [s["code"] for s in data["spoken_languages"]] == ["nl", "ti"]
    assert data["hosting_offer"][0]["notes"] == "Ground floor, a cat."
    assert len(data["free_periods"]) == 2 and data["availability"]
    assert data["applications"][0]["motivation"] == "I live nearby."
    assert [s["status"] for s in data["application_steps"]][:2] == ["submitted", "screened"]
    assert [o["description"] for o in data["material_offers"]] == ["A blue sofa"]
    assert "Screening note: shy." not in files["data.json"]
    assert "Someone else" not in files["data.json"] and "Carla" not in files["data.json"]
    rows = list(csv.DictReader(io.StringIO(files["material_offers.csv"])))
    assert rows[0]["description"] == "A blue sofa"
    assert {"account.csv", "applications.csv", "hosting_offer.csv"} <= set(files)
    logged = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "exported"))
    assert (logged.user_id, logged.record_type, logged.record_id) == (user.id, "account", user.id)


def test_a_staff_member_finds_their_actions_on_records_in_the_download(client, db, login_as):
    from tests.needs.factories import make_person

    staff = login_as("staff")
    organisation = staff_organisation(db, staff)
    person = make_person(organisation, "Zainab")
    client.get(f"/supported/{person.id}")
    data = sections(client.post("/account/data").data)
    assert data["memberships"][0]["role"] == "staff"
    assert [(a["action"], a["record_id"], a["page"]) for a in data["your_actions_on_records"]
            ] == [("read", person.id, "record")]
    assert "Zainab" not in unzip(client.post("/account/data").data)["data.json"]


def staff_organisation(db, user):
    from passerelle.core.access import memberships_of
    return memberships_of(user)[0].organisation


def test_the_download_needs_a_post_with_the_token(app, client, db, login_as):
    login_as()
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post("/account/data").status_code == 400
    assert db.session.scalar(select(AuditEntry)) is None


def test_anonymous_people_are_sent_to_log_in(client):
    for method in ("get", "post"):
        response = getattr(client, method)("/account/data")
        assert response.status_code == 302 and "/account/login" in response.location


def test_a_cell_that_would_run_as_a_formula_is_neutralised():
    data = archive.build({"offers": [{"description": "=HYPERLINK(\"x\")", "rooms": -1}]},
                         datetime(2026, 1, 1, tzinfo=UTC))
    rows = list(csv.DictReader(io.StringIO(unzip(data)["offers.csv"])))
    assert rows == [{"description": "'=HYPERLINK(\"x\")", "rooms": "-1"}]
    assert sections(data)["offers"][0]["description"] == "=HYPERLINK(\"x\")"


def test_a_companion_finds_the_trajectories_they_accompany_with_the_guest_s_first_name_only(
        app, db):
    from datetime import timedelta

    from passerelle.core.time import today_in_brussels, utcnow
    from passerelle.hosting import services as hosting
    from tests.hosting.factories import guest, host, hosting_programme
    from tests.matching.factories import coordinator_of
    from tests.needs.factories import signed_in

    programme = hosting_programme()
    programme.name_en = "Up together"
    coordinator = coordinator_of(programme.organisation)
    host(programme, name="Anna Host-Surname")
    cora = host(programme, name="Cora Companion", accompaniment_only=True)
    dirk = host(programme, name="Dirk Companion", accompaniment_only=True)
    first = today_in_brussels() + timedelta(days=3)
    guest(programme, first_name="Zainab", first=first, last=first + timedelta(days=27),
          household_size=3, needs="Diabetic, speaks little French")
    [trajectory], _ = hosting.plan_programme(coordinator, programme, utcnow())
    hosting.set_companion(coordinator, trajectory, cora.id, utcnow())
    hosting.approve(coordinator, trajectory, utcnow())
    hosting.answer_companion(cora, trajectory, True, "", utcnow())
    as_cora, as_dirk = signed_in(app, cora), signed_in(app, dirk)
    files = unzip(as_cora.post("/account/data").data)
    [row] = sections(as_cora.post("/account/data").data)["accompanied_trajectories"]
    assert row["trajectory_id"] == trajectory.id and row["programme"] == "Up together"
    assert (row["guest_first_name"], row["your_answer"], row["your_reason"]) == (
        "Zainab", "accepted", "")
    assert (row["first_night"], row["last_night"]) == (
        first.isoformat(), (first + timedelta(days=27)).isoformat())
    assert row["answered_at"] and row["trajectory_status"] == "approved"
    for private in ("Diabetic", "Host-Surname", "Anna", "household"):  # nothing else of theirs
        assert private not in files["data.json"]
    assert "accompanied_trajectories.csv" in files
    read = db.session.scalar(select(AuditEntry).where(
        AuditEntry.user_id == cora.id, AuditEntry.record_type == "person",
        AuditEntry.record_id == trajectory.person_id, AuditEntry.page == "my_data"))
    assert read is not None  # the guest's first name in the download is a read of the record
    assert sections(as_dirk.post("/account/data").data)["accompanied_trajectories"] == []
    # Cora can no longer accompany: her answer and reason stay hers, the guest's name does not.
    hosting.withdraw_companion(cora, trajectory, "Moving to Liège", utcnow())
    [row] = sections(as_cora.post("/account/data").data)["accompanied_trajectories"]
    assert (row["guest_first_name"], row["your_answer"], row["your_reason"]) == (
        "", "withdrawn", "Moving to Liège")
    # Another companion is chosen: the trajectory no longer keeps anything of Cora's answer.
    hosting.set_companion(coordinator, trajectory, dirk.id, utcnow())
    assert sections(as_cora.post("/account/data").data)["accompanied_trajectories"] == []
    [row] = sections(as_dirk.post("/account/data").data)["accompanied_trajectories"]
    assert (row["guest_first_name"], row["your_answer"]) == ("Zainab", "asked")


# What the volunteer took part in: matches, duos, stays in their home, events, visits. Of
# other people, first names at most; a guest's first name is a logged read of their record.

def _download(app, user) -> tuple[dict, dict[str, str]]:
    """The sections, and the zip's files by name."""
    from tests.needs.factories import signed_in

    data = signed_in(app, user).post("/account/data").data
    return sections(data), unzip(data)


def test_a_volunteer_finds_their_matches_with_their_own_answer_only(app, db):
    from passerelle.matching import services as matching
    from tests.matching.factories import NOW, coordinator_of, need, open_programme, volunteer

    programme = open_programme(kind="mentoring", slug="duo-for-a-job")
    programme.name_en, programme.facts = "DUO for a JOB", {"follow_up_months": 6}
    coordinator = coordinator_of(programme.organisation)
    ada = volunteer(programme, "Ada Peeters", max_matches=3)
    bob = volunteer(programme, "Bob Other", max_matches=3)
    active = matching.propose(coordinator, need(programme, title="A mentee in IT"), ada.id, NOW)
    matching.approve(coordinator, active, NOW)
    matching.accept(ada, active, NOW)
    declined = matching.propose(coordinator, need(programme, title="A mentee in logistics"),
                                ada.id, NOW)
    matching.approve(coordinator, declined, NOW)
    matching.decline(ada, declined, "Too far for me", NOW)
    refused = matching.propose(coordinator, need(programme, title="A mentee in retail"),
                               ada.id, NOW)
    matching.refuse(coordinator, refused, "Internal: not for now", NOW)
    matching.propose(coordinator, need(programme, title="Bob's mentee"), bob.id, NOW)
    data, files = _download(app, ada)
    rows = {row["need"]: row for row in data["matches"]}
    assert set(rows) == {"A mentee in IT", "A mentee in logistics", "A mentee in retail"}
    it = rows["A mentee in IT"]
    assert (it["programme"], it["status"], it["your_answer"]) == (
        "DUO for a JOB", "active", "accepted")
    assert it["proposed_at"] and it["decided_at"] and it["answered_at"]
    assert it["due_end_on"] == active.due_end_on.isoformat()
    assert (rows["A mentee in logistics"]["your_answer"],
            rows["A mentee in logistics"]["your_reason"]) == ("declined", "Too far for me")
    assert (rows["A mentee in retail"]["status"], rows["A mentee in retail"]["your_reason"]
            ) == ("refused", "")
    for private in ("Internal: not for now", "Bob", "Colette"):  # nor the coordinator's name
        assert private not in files["data.json"]
    assert "matches.csv" in files


def test_a_participant_finds_their_duos_with_the_other_s_first_name_only(app, db):
    from passerelle.duos import services as duos
    from tests.duos.factories import exchange_programme, participant
    from tests.matching.factories import NOW, coordinator_of

    programme = exchange_programme()
    programme.name_en = "Langue & Culture"
    coordinator = coordinator_of(programme.organisation)
    ada = participant(programme, "Ada Peeters", {"fr": 4}, ["ar"])
    farah = participant(programme, "Farah Haddad", {"ar": 4}, ["fr"], newcomer=True)
    others = exchange_programme(slug="elsewhere")
    participant(others, "Cleo Elsewhere", {"fr": 4}, ["ti"])
    participant(others, "Dawit Elsewhere", {"ti": 4}, ["fr"], newcomer=True)
    theirs_coordinator = coordinator_of(others.organisation)
    [theirs] = duos.batch_duos(duos.run_batch(theirs_coordinator, others, NOW))
    duos.approve(theirs_coordinator, theirs, NOW)
    [first] = duos.batch_duos(duos.run_batch(coordinator, programme, NOW))
    duos.approve(coordinator, first, NOW)
    duos.accept(ada, first, NOW)
    duos.decline(farah, first, "Moving to Ghent", NOW)
    [again] = duos.batch_duos(duos.run_batch(coordinator, programme, NOW))
    duos.refuse(coordinator, again, "Internal: they did not get on", NOW)
    data, files = _download(app, ada)
    text = files["data.json"]
    [declined, refused] = data["language_duos"]
    assert (declined["programme"], declined["status"], declined["other_first_name"]) == (
        "Langue & Culture", "declined", "Farah")
    assert (declined["your_answer"], declined["your_reason"]) == ("accepted", "")
    assert declined["answered_at"] and declined["proposed_at"] and declined["decided_at"]
    # A refused proposal was never shown to them: kept, without the other person.
    assert (refused["status"], refused["other_first_name"], refused["your_reason"]) == (
        "refused", "", "")
    for private in ("Haddad", "Moving to Ghent", "Internal", "Cleo", "Dawit"):
        assert private not in text
    data, files = _download(app, farah)
    text = files["data.json"]
    assert [(d["your_answer"], d["your_reason"], d["other_first_name"])
            for d in data["language_duos"]] == [("declined", "Moving to Ghent", "Ada"),
                                                ("", "", "")]
    assert "Peeters" not in text


def test_a_host_finds_the_stays_in_their_home_with_the_guest_s_first_name_only(app, db):
    from datetime import timedelta

    from passerelle.core.time import today_in_brussels, utcnow
    from passerelle.hosting import services as hosting
    from tests.factories import make_organisation
    from tests.hosting.factories import guest, host, hosting_programme, partner_staff
    from tests.matching.factories import coordinator_of

    programme = hosting_programme()
    programme.name_en = "Up together"
    coordinator = coordinator_of(programme.organisation)
    ada = host(programme, name="Ada Peeters", rooms=3)
    first = today_in_brussels() + timedelta(days=3)
    zainab = guest(programme, first_name="Zainab", first=first, last=first + timedelta(days=27),
                   household_size=3, needs="Diabetic, speaks little French")
    yasmin, noor = (guest(programme, first_name=name, first=first, last=first + timedelta(days=6),
                          partner=make_organisation(name=f"Partner of {name}"))
                    for name in ("Yasmin", "Noor"))
    elsewhere = hosting_programme(slug="elsewhere")
    host(elsewhere, name="Bob Other")
    guest(elsewhere, first_name="Mariam", first=first, last=first + timedelta(days=6),
          partner=make_organisation(name="Third partner"))
    elsewhere_coordinator = coordinator_of(elsewhere.organisation)
    [theirs], _ = hosting.plan_programme(elsewhere_coordinator, elsewhere, utcnow())
    hosting.approve(elsewhere_coordinator, theirs, utcnow())
    planned, _ = hosting.plan_programme(coordinator, programme, utcnow())
    by_guest = {t.person_id: t for t in planned}
    for trajectory in (by_guest[zainab.id], by_guest[yasmin.id]):
        hosting.approve(coordinator, trajectory, utcnow())  # Noor's waits: Ada is not asked
    [stay], [declined] = by_guest[zainab.id].stays, by_guest[yasmin.id].stays
    hosting.answer(ada, declined, False, "Family visiting that week", utcnow())
    hosting.answer(ada, stay, True, "Glad to", utcnow())
    hosting.report_concern(ada, stay, "The heating is broken in the guest room.", utcnow())
    # The guest's organisation refuses the home afterwards: its reason is not Ada's.
    hosting.refuse_for_guest(partner_staff(zainab), stay, "Prefers Brussels", utcnow())
    data, files = _download(app, ada)
    rows = {row["stay_id"]: row for row in data["hosted_stays"]}
    row = rows[stay.id]
    assert (row["programme"], row["guest_first_name"], row["status"]) == (
        "Up together", "Zainab", "refused")
    assert (row["first_night"], row["last_night"], row["nights"]) == (
        first.isoformat(), (first + timedelta(days=27)).isoformat(), 28)
    assert (row["your_answer"], row["your_reason"]) == ("accepted", "")  # not the partner's
    assert row["answered_at"]
    no = rows[declined.id]
    assert (no["guest_first_name"], no["status"], no["your_answer"], no["your_reason"]) == (
        "Yasmin", "declined", "declined", "Family visiting that week")
    [proposed] = [r for r in rows.values() if r["stay_id"] not in (stay.id, declined.id)]
    assert (proposed["status"], proposed["guest_first_name"], proposed["your_answer"]) == (
        "proposed", "", "")
    [concern] = data["stay_concerns"]
    assert (concern["stay_id"], concern["text"], concern["programme"]) == (
        stay.id, "The heating is broken in the guest room.", "Up together")
    text = files["data.json"]
    for private in ("Diabetic", "household", "Prefers Brussels", "Noor", "Mariam", "Bob"):
        assert private not in text
    assert {"hosted_stays.csv", "stay_concerns.csv"} <= set(files)
    reads = list(db.session.scalars(select(AuditEntry.record_id).where(
        AuditEntry.user_id == ada.id, AuditEntry.action == "read",
        AuditEntry.record_type == "person", AuditEntry.page == "my_data")))
    assert sorted(reads) == sorted([zainab.id, yasmin.id])  # Noor's name was not shown


def test_a_volunteer_finds_their_sign_ups_in_their_language_and_brussels_time(app, db):
    from datetime import timedelta

    from passerelle.scheduling import signups
    from tests.matching.factories import NOW, coordinator_of, open_programme, volunteer
    from tests.scheduling.factories import make_event, occurrence_of

    programme = open_programme()
    programme.name_fr, programme.name_en = "Cafés logement", "Housing cafés"
    coordinator = coordinator_of(programme.organisation)
    ada = volunteer(programme, "Ada Peeters", languages={"fr": 3, "ar": 3}, locale="fr")
    bob = volunteer(programme, "Bob Other", languages={"ar": 3})
    event = make_event(programme, title="Housing café", roles=[(2, None, "ar")])
    event.title_fr = "Café logement"
    occurrence = occurrence_of(event)
    role = event.roles[0]
    mine = signups.sign_up(ada, occurrence, role, NOW)
    signups.sign_up(bob, occurrence, role, NOW)
    on_the_day = occurrence.starts_at + timedelta(minutes=5)
    signups.check_in(coordinator, mine, on_the_day)
    signups.record_hours(coordinator, mine, 150)
    data, files = _download(app, ada)
    [row] = data["signups"]
    assert (row["event"], row["programme"], row["role"]) == (
        "Café logement", "Cafés logement", "Bénévole (Arabe)")
    assert row["starts_at"] == "2026-12-08T14:00:00+01:00"  # Brussels time, as entered
    assert (row["status"], row["no_show"], row["minutes"]) == ("confirmed", False, 150)
    assert row["checked_in_at"] and row["occurrence_id"] == occurrence.id
    assert "Bob" not in files["data.json"] and "signups.csv" in files


def test_a_visitor_finds_the_visit_reports_they_wrote_and_no_other(app, db):
    from datetime import datetime, timedelta

    from passerelle.scheduling import visits
    from passerelle.scheduling.models import EventKind, Signup, SignupStatus
    from tests.factories import make_organisation
    from tests.matching.factories import NOW, open_programme, volunteer
    from tests.scheduling.factories import make_event, occurrence_of

    programme = open_programme(make_organisation(name="APD"), kind="detention_visits",
                               slug="apd-visits")
    ada, bob = (volunteer(programme, name=name, availability=0)
                for name in ("Ada Peeters", "Bob Other"))

    def visit(start):
        occurrence = occurrence_of(make_event(
            programme, kind=EventKind.visit, start=start, minutes=120, centre="caricole",
            city="Steenokkerzeel", title="Visit"))
        for user in (ada, bob):
            db.session.add(Signup(occurrence_id=occurrence.id, user_id=user.id, pair=1,
                                  role_id=occurrence.event.roles[0].id,
                                  status=SignupStatus.confirmed, since=NOW))
        db.session.commit()
        return occurrence

    hers, his = visit(datetime(2026, 11, 4, 14, 0)), visit(datetime(2026, 11, 18, 14, 0))
    visits.write_report(ada, hers, visits.Report(3, ["health", "legal_aid"],
                                                 "Cold rooms; one asked for a lawyer."), NOW)
    visits.write_report(bob, his, visits.Report(2, ["removal"], "A flight is planned."),
                        NOW - timedelta(days=1))
    data, files = _download(app, ada)
    [row] = data["visit_reports"]
    assert (row["occurrence_id"], row["visited_on"], row["centre"]) == (
        hers.id, "2026-11-04", "Caricole (Steenokkerzeel)")
    assert (row["people_met"], row["themes"], row["text"]) == (
        3, ["health", "legal_aid"], "Cold rooms; one asked for a lawyer.")
    assert row["written_at"]
    assert "A flight is planned." not in files["data.json"] and "visit_reports.csv" in files
    assert [s["event_kind"] for s in data["signups"]] == ["visit", "visit"]


def test_the_download_asks_the_same_queries_for_one_row_of_each_or_many(app, db,
                                                                         count_queries):
    import itertools
    from datetime import date, datetime

    from passerelle.duos.models import Duo, DuoStatus
    from passerelle.hosting.models import (
        CompanionAnswer,
        Concern,
        Stay,
        StayStatus,
        Trajectory,
        TrajectoryStatus,
    )
    from passerelle.matching.models import Match, MatchStatus
    from passerelle.scheduling.models import EventKind, Signup, SignupStatus, VisitReport
    from tests.matching.factories import NOW, need, open_programme, volunteer
    from tests.needs.factories import make_person, signed_in
    from tests.scheduling.factories import make_event, occurrence_of

    ada = volunteer(open_programme(), "Ada Peeters")
    slugs = itertools.count()
    client = signed_in(app, ada)
    nights = (date(2027, 1, 4), date(2027, 1, 31))

    def one_of_each(n: int) -> None:
        """A match, a duo, a stay with its concern, an accompanied trajectory, a sign-up
        and a visit report, each in a programme of its own (of an organisation of its own),
        so that reading a row's programme one at a time would show."""
        def programme():
            return open_programme(slug=f"programme-{next(slugs)}")

        kept = programme()
        db.session.add(Match(need=need(kept, title=f"Need {n}"), user_id=ada.id,
                             programme_id=kept.id, status=MatchStatus.active,
                             proposed_at=NOW, answered_at=NOW))
        other = make_user(name=f"Other {n}")
        db.session.add(Duo(programme_id=programme().id, first_id=ada.id, second_id=other.id,
                           status=DuoStatus.approved, proposed_at=NOW))
        for hosts in (True, False):
            kept = programme()
            guest = make_person(kept.organisation, first_name=f"Guest {n}")
            trajectory = Trajectory(
                programme_id=kept.id, person_id=guest.id, first_night=nights[0],
                last_night=nights[1], status=TrajectoryStatus.approved, created_at=NOW,
                companion_id=None if hosts else ada.id,
                companion_answer=None if hosts else CompanionAnswer.asked)
            db.session.add(trajectory)
            if hosts:
                stay = Stay(trajectory=trajectory, programme_id=kept.id,
                            person_id=guest.id, host_id=ada.id, first_night=nights[0],
                            last_night=nights[1], status=StayStatus.asked)
                db.session.add(Concern(stay=stay, author_id=ada.id, body="A worry",
                                       created_at=NOW))
        occurrence = occurrence_of(make_event(programme(), kind=EventKind.visit,
                                              start=datetime(2026, 11, 4 + n, 14, 0),
                                              centre="caricole"))
        db.session.add(Signup(occurrence_id=occurrence.id, user_id=ada.id, pair=1,
                              role_id=occurrence.event.roles[0].id,
                              status=SignupStatus.confirmed, since=NOW))
        db.session.add(VisitReport(occurrence_id=occurrence.id, centre="caricole",
                                   visited_on=occurrence.starts_at.date(), people_met=1,
                                   themes=[], text=f"Report {n}", written_by_id=ada.id,
                                   written_at=NOW))
        db.session.commit()

    def download() -> tuple[int, dict]:
        db.session.expire_all()  # nothing already loaded: every row is read by the download
        with count_queries() as counted:
            data = sections(client.post("/account/data").data)
        return counted.count, data

    one_of_each(1)
    few, data = download()
    assert all(len(data[name]) == 1 for name in (
        "matches", "language_duos", "hosted_stays", "stay_concerns",
        "accompanied_trajectories", "signups", "visit_reports"))
    for n in range(2, 5):
        one_of_each(n)
    many, data = download()
    assert len(data["hosted_stays"]) == len(data["visit_reports"]) == 4
    assert many == few
