"""A small world of real rows for the route-wide tests (access matrix, CSRF sweep, fuzzing).

Organisation A (the one attacked) has a programme with requirements, a training with a
session, the application of volunteer V with a private screening note, a person helped,
a need, a material need and a pairing with V's material offer, a match, a hosting stay,
and a language duo of V with a partner waiting for their answers; organisation B has the
same, smaller; network N counts A as a member. Each role signs in through `login_as`.
"""

import inspect
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import url_for
from sqlalchemy import event, select
from werkzeug.routing import Rule

from passerelle.accounts.services import reset_token
from passerelle.core.time import BRUSSELS, utcnow
from passerelle.core.tokens import make_token
from passerelle.duos.models import Duo, DuoStatus
from passerelle.extensions import db
from passerelle.hosting.models import (
    CompanionAnswer,
    Stay,
    StayStatus,
    Trajectory,
    TrajectoryStatus,
)
from passerelle.matching.models import (
    BatchKind,
    BatchStatus,
    Match,
    MatchBatch,
    MatchStatus,
    Objective,
)
from passerelle.needs import material
from passerelle.organisations.models import (
    Invitation,
    MemberRole,
    Membership,
    NetworkMembership,
)
from passerelle.programmes import services, sessions
from passerelle.programmes.models import Training
from passerelle.reminders.models import OutboxMessage, Status
from passerelle.scheduling import signups
from passerelle.scheduling.models import (
    Event,
    EventKind,
    EventRole,
    Occurrence,
    Signup,
    SignupStatus,
)
from tests.factories import at, make_organisation, make_programme, make_user
from tests.needs.factories import make_material_need, make_need, make_offer, make_person

ROLES = ("anonymous", "volunteer", "other_volunteer", "staff_a", "coordinator_a", "staff_b",
         "network_coordinator", "admin")
PERSON_NAME = "Zainab-Secret-Matrix"
SCREENING_NOTE = "Screening-note-secret-matrix"


@dataclass
class World:
    users: dict = field(default_factory=dict)
    cookies: dict = field(default_factory=dict)
    ids: dict = field(default_factory=dict)  # what fills the URLs, for A (and "_b" for B)


def _organisation_records(world, key, organisation, owner, coordinator, today, suffix=""):
    programme = make_programme(organisation, slug=f"programme-{key}",
                               trainings=["Introduction"], minimum_age=18)
    training = db.session.scalar(select(Training).where(Training.programme_id == programme.id))
    start = datetime.combine(today + timedelta(days=30), datetime.min.time().replace(hour=18),
                             BRUSSELS)
    now = at(today)
    session = sessions.schedule(training, start, start + timedelta(hours=2), "Room 1", 10, now)
    application = services.apply(owner, programme, "I want to help", now)
    occurrence = db.session.get(Occurrence, session.id)
    signup = signups.sign_up(owner, occurrence, occurrence.event.roles[0], now)
    services.record_screening(coordinator, application, True, SCREENING_NOTE + suffix, now)
    person = make_person(organisation, PERSON_NAME + suffix)
    # The programme is a sponsorship (make_programme's kind): this need for the person
    # helped is also a family of its pool (matching/pool.py), shown by first name.
    need = make_need(programme, person_id=person.id)
    material_need = make_material_need(organisation, "A table" + suffix)
    offer = make_offer(owner, "A wooden table" + suffix)
    pairing = material.propose(coordinator, organisation, material_need.id, offer.id, now)
    invitation = Invitation(email=f"invited-{key}@example.org", organisation=organisation,
                            role=MemberRole.staff, created_at=utcnow(),
                            invited_by_id=coordinator.id, approved_at=utcnow(),
                            expires_at=utcnow() + timedelta(days=7))
    db.session.add(invitation)
    # A batch whose one proposal a coordinator approved: it waits for V's answer.
    batch = MatchBatch(programme_id=programme.id, created_by_id=coordinator.id, created_at=now,
                       objective=Objective.score, status=BatchStatus.decided)
    match = Match(need_id=need.id, user_id=owner.id, programme_id=programme.id, batch=batch,
                  status=MatchStatus.approved, score=10, parts=[["languages", 10, False]],
                  proposed_by_id=coordinator.id, proposed_at=now, decided_by_id=coordinator.id,
                  decided_at=now, answer_by=now + timedelta(days=7))
    db.session.add(match)
    # A hosting programme whose approved trajectory asks V to host the person helped, and
    # to accompany them (the companion's page).
    hosting = make_programme(organisation, slug=f"hosting-{key}", kind="housing_hosting",
                             interview=False, charter=False)
    trajectory = Trajectory(programme=hosting, person=person, first_night=today,
                            last_night=today + timedelta(days=55),
                            status=TrajectoryStatus.approved, created_by_id=coordinator.id,
                            created_at=now, approved_by_id=coordinator.id, approved_at=now,
                            companion_id=owner.id, companion_answer=CompanionAnswer.asked)
    stay = Stay(trajectory=trajectory, programme=hosting, person=person, host_id=owner.id,
                first_night=today, last_night=today + timedelta(days=55),
                status=StayStatus.asked, first_meeting=True, meeting_with_id=coordinator.id)
    db.session.add_all([trajectory, stay])
    # A language exchange programme whose batch's duo of V and a partner a coordinator
    # approved: it waits for their answers.
    exchange = make_programme(organisation, slug=f"duos-{key}", kind="language_exchange",
                              interview=False, charter=False)
    partner = make_user(name=f"Pat Partner {key}")
    duo_batch = MatchBatch(programme_id=exchange.id, kind=BatchKind.duos,
                           created_by_id=coordinator.id,
                           created_at=now, objective=Objective.score,
                           status=BatchStatus.decided)
    db.session.add(duo_batch)
    db.session.flush()
    duo = Duo(programme_id=exchange.id, first_id=min(owner.id, partner.id),
              second_id=max(owner.id, partner.id), status=DuoStatus.approved, weight=20,
              reasons={"interests": ["music"], "first_to_second": ["fr"],
                       "second_to_first": ["ar"], "km": 2.0},
              batch_id=duo_batch.id, proposed_by_id=coordinator.id, proposed_at=now,
              decided_by_id=coordinator.id, decided_at=now)
    db.session.add(duo)
    # A detention-visits programme with a visiting slot where V is asked to visit.
    visiting = make_programme(organisation, slug=f"visits-{key}", kind="detention_visits",
                              interview=False, charter=False)
    visit = Event(programme_id=visiting.id, kind=EventKind.visit, title_fr="Visite",
                  title_nl="Bezoek", title_en="Visit", centre="caricole",
                  starts_local=start.replace(tzinfo=None), minutes=120, exdates=[],
                  created_at=now, updated_at=now, roles=[EventRole(places=2)])
    db.session.add(visit)
    db.session.flush()
    slot = Occurrence(event_id=visit.id, original_at=start, starts_at=start,
                      ends_at=start + timedelta(hours=2))
    db.session.add(slot)
    db.session.flush()
    asked = Signup(occurrence_id=slot.id, role_id=visit.roles[0].id, user_id=owner.id,
                   status=SignupStatus.asked, since=now, pair=1)
    db.session.add(asked)
    db.session.commit()
    member = db.session.scalar(select(Membership).where(
        Membership.organisation_id == organisation.id, Membership.role == MemberRole.staff))
    world.ids.update({
        f"membership{suffix}": member.id if member else 0,
        f"invitation_id{suffix}": invitation.id,
        f"organisation{suffix}": organisation.slug, f"programme{suffix}": programme.slug,
        f"training{suffix}": training.id, f"session{suffix}": session.id,
        f"signup{suffix}": signup.id, f"application{suffix}": application.id,
        f"person{suffix}": person.id, f"need{suffix}": need.id,
        f"material_need{suffix}": material_need.id, f"offer{suffix}": offer.id,
        f"pairing{suffix}": pairing.id, f"match{suffix}": match.id, f"batch{suffix}": batch.id,
        f"hosting{suffix}": hosting.slug, f"trajectory{suffix}": trajectory.id,
        f"stay{suffix}": stay.id, f"duo_programme{suffix}": exchange.slug,
        f"duo_batch{suffix}": duo_batch.id, f"duo{suffix}": duo.id,
        f"visits_programme{suffix}": visiting.slug, f"visit{suffix}": slot.id,
        f"visit_signup{suffix}": asked.id,
        f"invitation{suffix}": make_token("invitation", {"i": invitation.id}),
    })


def build_world(client, login_as, today) -> World:
    world = World()
    a, b = make_organisation(name="Organisation A"), make_organisation(name="Organisation B")
    network = make_organisation(name="Network N", kind="network")
    db.session.add(NetworkMembership(network_id=network.id, member_id=a.id))
    db.session.commit()
    organisations = {"staff_a": a, "coordinator_a": a, "staff_b": b,
                     "network_coordinator": network}
    for role in ROLES[1:]:
        kind = {"other_volunteer": "volunteer", "staff_a": "staff",
                "coordinator_a": "coordinator", "staff_b": "staff"}.get(role, role)
        world.users[role] = _login(login_as, kind, organisations.get(role))
        world.cookies[role] = client.get_cookie(_cookie(client)).value
    client.delete_cookie(_cookie(client))
    coordinator_b = _login(login_as, "coordinator", b)
    client.delete_cookie(_cookie(client))
    volunteer = world.users["volunteer"]
    _organisation_records(world, "a", a, volunteer, world.users["coordinator_a"], today)
    _organisation_records(world, "b", b, world.users["other_volunteer"], coordinator_b, today,
                          suffix="_b")
    world.ids["confirm"] = make_token("confirm", {"u": volunteer.id, "e": volunteer.email})
    world.ids["reset"] = reset_token(volunteer)
    world.ids["unlock"] = make_token("unlock", {"u": volunteer.id, "t": today.isoformat()})
    world.ids["unsubscribe"] = make_token("unsubscribe", {"u": volunteer.id, "c": "events"})
    failed = OutboxMessage(key="world-failed", kind="account-confirm", topic="world",
                           to_address=volunteer.email, locale="en", subject="s", body_text="t",
                           body_html="h", due_at=utcnow(), status=Status.FAILED, attempts=8,
                           last_error="550 no such user")
    db.session.add(failed)
    db.session.commit()
    world.ids["outbox_message"] = failed.id
    return world


def _login(login_as, role, organisation):
    """Through the public fixture; with the second factor done where the fixture offers it."""
    extra = {"second_factor": True} if "second_factor" in inspect.signature(
        login_as).parameters else {}
    return login_as(role, organisation=organisation, **extra)


def _cookie(client) -> str:
    return client.application.config["SESSION_COOKIE_NAME"]


def sign_in(client, world: World, role: str) -> None:
    if role == "anonymous":
        client.delete_cookie(_cookie(client))
    else:
        client.set_cookie(_cookie(client), world.cookies[role])


# How each URL argument is filled: (the rule's first path segment, argument) -> record key.
ARGUMENTS = {
    ("organisations", "slug"): "organisation", ("programmes", "slug"): "programme",
    ("organisations", "need_id"): "need", ("organisations", "pairing_id"): "pairing",
    ("programmes", "training_id"): "training", ("applications", "application_id"): "application",
    ("offers", "offer_id"): "offer", ("offers", "pairing_id"): "pairing",
    ("supported", "person_id"): "person", ("invitations", "token"): "invitation",
    ("account", "token"): None,  # confirm, reset or unlock, by the rule
    ("organisations", "membership_id"): "membership",
    ("organisations", "invitation_id"): "invitation_id",
    ("applications", "action"): "screening",
    ("messages", "token"): "unsubscribe", ("admin", "message_id"): "outbox_message",
    ("needs", "need_id"): "need", ("matches", "match_id"): "match",
    ("matches", "action"): "=accept", ("batches", "batch_id"): "batch",
    ("hosting", "slug"): "hosting", ("trajectories", "trajectory_id"): "trajectory",
    ("trajectories", "action"): "=approve", ("stays", "stay_id"): "stay",
    ("stays", "action"): "=accept", ("trajectories", "reply"): "=accept",
    ("duos", "slug"): "duo_programme", ("duos", "batch_id"): "duo_batch",
    ("duos", "duo_id"): "duo", ("duos", "action"): "=accept",
    ("duos", "occurrence_id"): "occurrence",  # not a meeting of the duo: 404 for all
    ("visits", "slug"): "visits_programme", ("visits", "occurrence_id"): "visit",
    ("visits", "number"): "=1", ("visits", "action"): "=approve",
    ("my", "signup_id"): "visit_signup", ("my", "action"): "=confirm",
}


def rules(app) -> list[Rule]:
    return sorted((rule for rule in app.url_map.iter_rules() if rule.endpoint != "static"),
                  key=lambda rule: rule.rule)


def url_of(rule: Rule, world: World, organisation: str = "a") -> str:
    """The rule's URL with the records of organisation A (or B)."""
    suffix = "" if organisation == "a" else "_b"
    values = {}
    head = rule.rule.strip("/").split("/")[0]
    for argument in rule.arguments:
        key = ARGUMENTS.get((head, argument), KeyError)
        if key is KeyError:
            raise AssertionError(f"{rule.endpoint} ({rule.rule}): tell tests/core/world.py "
                                 f"ARGUMENTS how to fill <{argument}>")
        if key is None:
            key = next(k for k in ("confirm", "unlock", "reset") if k in rule.rule)
        elif key == "material_need" or (key == "need" and "/material/" in rule.rule):
            key = "material_need"
        if key == "screening":
            values[argument] = key
            continue
        if key.startswith("="):  # a fixed value
            values[argument] = key[1:]
            continue
        values[argument] = world.ids.get(key + suffix, world.ids[key])
    return url_for(rule.endpoint, **values)


class WriteWatch:
    """Notices any INSERT, UPDATE or DELETE sent to the database while it is on."""

    def __init__(self):
        self.statements = []

    def _seen(self, conn, cursor, statement, *args):
        if statement.lstrip().split(" ", 1)[0].upper() in ("INSERT", "UPDATE", "DELETE"):
            self.statements.append(statement)

    def __enter__(self):
        event.listen(db.engine, "before_cursor_execute", self._seen)
        return self

    def __exit__(self, *exc):
        event.remove(db.engine, "before_cursor_execute", self._seen)


def empty_tables() -> None:
    """Every row gone, ids restarted, as between two tests (tests/conftest.py)."""
    db.session.remove()  # an open transaction here would make PostgreSQL's TRUNCATE wait
    tables = [table.name for table in reversed(db.metadata.sorted_tables)]
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
        else:
            for table in tables:
                conn.exec_driver_sql(f"DELETE FROM {table}")


def outcome(response) -> str:
    """200, 400, 404, 405; "login" for a redirect to the login page; else "redirect"."""
    if response.status_code in (301, 302, 303):
        return "login" if "/account/login" in response.location else "redirect"
    return str(response.status_code)


def body(response) -> str:
    """The page as text; a download (a zip) as whatever of it reads as text."""
    return response.get_data().decode("utf-8", "replace")


# --- calendars ---
# An event of each organisation's programme with one occurrence where its volunteer holds a
# place, and V's own calendar feed.

_build_world_before_calendars = build_world


def build_world(client, login_as, today) -> World:  # noqa: F811
    from passerelle.organisations.models import Programme
    from passerelle.scheduling import calendars
    from tests.scheduling.factories import make_event, occurrence_of

    world = _build_world_before_calendars(client, login_as, today)
    for suffix in ("", "_b"):
        programme = db.session.scalar(select(Programme).where(
            Programme.slug == world.ids["programme" + suffix]))
        start = datetime.combine(today + timedelta(days=3), datetime.min.time()).replace(hour=18)
        event = make_event(programme, start=start)
        occurrence = occurrence_of(event)
        world.ids["event" + suffix], world.ids["occurrence" + suffix] = event.id, occurrence.id
        owner = world.users["volunteer" if suffix == "" else "other_volunteer"]
        signup = Signup(occurrence_id=occurrence.id, role_id=occurrence.event.roles[0].id,
                        user_id=owner.id, status=SignupStatus.confirmed, since=utcnow())
        db.session.add(signup)
        db.session.commit()
        world.ids["event_signup" + suffix] = signup.id
    feed = calendars.feed_of(world.users["volunteer"], None, utcnow())
    world.ids["calendar_token"] = calendars.feed_token(feed)
    return world


ARGUMENTS.update({("calendar", "token"): "calendar_token",
                  ("occurrences", "occurrence_id"): "occurrence",
                  ("signups", "signup_id"): "event_signup", ("events", "event_id"): "event"})
