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
        "", "declined", "Moving to Liège")
    # Another companion is chosen: the trajectory no longer keeps anything of Cora's answer.
    hosting.set_companion(coordinator, trajectory, dirk.id, utcnow())
    assert sections(as_cora.post("/account/data").data)["accompanied_trajectories"] == []
    [row] = sections(as_dirk.post("/account/data").data)["accompanied_trajectories"]
    assert (row["guest_first_name"], row["your_answer"]) == ("Zainab", "asked")
