"""Hosting trajectories: plan them for a programme's waiting guests, approve them, the
hosts' answers, the guest's refusal, re-planning from a declined stay, concerns.

Every change is audited and its messages written into the outbox before the one commit.
Plans run with the programme's row locked (PostgreSQL), so that two coordinators planning
at once never give the same room twice for a night.
"""

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.orm import selectinload

from passerelle.accounts.models import User
from passerelle.core import access, audit
from passerelle.core.errors import NOT_FOUND, DomainError, NotFound
from passerelle.core.time import day_in_brussels
from passerelle.data.places import label_of
from passerelle.extensions import db
from passerelle.hosting import compatibility, loading, messages
from passerelle.hosting.models import (
    CONCERN_MAX,
    HOLDING,
    REASON_MAX,
    SAID_NO,
    CompanionAnswer,
    Concern,
    Stay,
    StayStatus,
    Trajectory,
    TrajectoryStatus,
)
from passerelle.matching import trajectories as planner
from passerelle.needs.models import Person
from passerelle.organisations.models import Programme
from passerelle.volunteers.models import VolunteerProfile


def _seconds() -> float:
    """How long the exact planner may search while a coordinator waits (config)."""
    return float(current_app.config["PASSERELLE_PLAN_SECONDS"])


@dataclass(frozen=True)
class Figures:
    """What a plan achieved, beside what a first-come plan would have and the most any
    plan could (nights a free room could cover, ignoring the cap per home)."""

    nights: int  # asked by the guests planned
    covered: int
    first_come: int
    upper_bound: int
    proved: tuple[str, ...]  # the planner's goals proved optimal (trajectories.GOALS)


def _to_planner(guests: list[compatibility.GuestFacts], hosts: list[compatibility.HostFacts]):
    return ([planner.Guest(g.id, g.first_night, g.last_night, g.priority) for g in guests],
            [planner.Host(h.id, h.rooms, h.free) for h in hosts])


def _lock_programme(programme: Programme) -> None:
    db.session.execute(select(Programme.id).where(Programme.id == programme.id)
                       .with_for_update())


@dataclass(frozen=True)
class Instance:
    """What the planner is given for a programme, and its plan."""

    people: list[Person]
    facts: list[compatibility.GuestFacts]
    guests: list[planner.Guest]
    hosts: list[planner.Host]
    allowed: dict[tuple[int, int], int]
    fixed: list[planner.Stay]
    max_nights: int
    plan: planner.Plan

    def new_stays(self, guest_id: int) -> list[planner.Stay]:
        """The plan's stays for this guest, without the fixed ones it plans around."""
        kept = set(self.fixed)
        return [s for s in self.plan.stays if s.guest == guest_id and s not in kept]


def instance(programme: Programme, today: date) -> Instance:
    """The waiting guests planned together, around the stays that already hold rooms."""
    people = loading.waiting_people(programme, today)
    return _planned(programme, people,
                    [loading.guest_facts(person, programme, today) for person in people], today)


def _planned(programme: Programme, people: list[Person], facts: list[compatibility.GuestFacts],
             today: date, excluded: frozenset[tuple[int, int]] = frozenset()) -> Instance:
    """These guests planned among the programme's hosts, around the stays that already hold
    rooms, without the `excluded` (guest, host) pairs."""
    hosts = loading.hosts(programme, today)
    allowed = compatibility.allowed(facts, hosts, loading.common_language(programme),
                                    excluded=excluded)
    guests, homes = _to_planner(facts, hosts)
    fixed = loading.held(programme, today)
    cap = loading.max_nights(programme)
    best = planner.plan(guests, homes, allowed, cap, fixed=fixed, time_limit_s=_seconds())
    return Instance(people, facts, guests, homes, allowed, fixed, cap, best)


def plan_programme(user: User, programme: Programme, now: datetime) -> tuple[list[Trajectory],
                                                                             Figures]:
    """A trajectory for each waiting guest, planned together: no room twice a night."""
    if not access.can_plan_hosting(user, programme):
        raise NotFound(NOT_FOUND)
    _lock_programme(programme)
    found = instance(programme, day_in_brussels(now))
    if not found.people:
        raise DomainError(_l("No guest is waiting: a partner refers a person to this "
                             "programme with the nights they need a home for."))
    people, facts, guests, homes, allowed = (found.people, found.facts, found.guests,
                                             found.hosts, found.allowed)
    best = found.plan
    baseline = planner.first_come(guests, homes, allowed, found.max_nights, fixed=found.fixed)
    bound = best.bound
    nights = sum((g.last_night - g.first_night).days + 1 for g in guests)
    by_person = {person.id: person for person in people}
    trajectories = []
    for guest in facts:
        person = by_person[guest.id]
        trajectory = Trajectory(programme=programme, person=person,
                                first_night=guest.first_night, last_night=guest.last_night,
                                status=TrajectoryStatus.proposed, created_by_id=user.id,
                                created_at=now, gaps=_runs(best.gaps.get(guest.id, [])))
        db.session.add(trajectory)
        _add_stays(trajectory, found.new_stays(guest.id), allowed)
        trajectories.append(trajectory)
    db.session.flush()
    for trajectory in trajectories:
        audit.log(user, "planned", trajectory, now)
    audit.record_reads(user, people, now, "hosting")
    db.session.commit()
    figures = Figures(nights=nights, covered=nights - best.uncovered,
                      first_come=nights - baseline.uncovered, upper_bound=bound,
                      proved=best.proved)
    return trajectories, figures


def _runs(gaps) -> list[list[str]]:
    return [[first.isoformat(), last.isoformat()] for first, last in gaps]


def _add_stays(trajectory: Trajectory, stays: list[planner.Stay],
               allowed: dict[tuple[int, int], int]) -> None:
    for stay in stays:
        db.session.add(Stay(
            trajectory=trajectory, programme=trajectory.programme,
            person=trajectory.person, host_id=stay.host, first_night=stay.first_night,
            last_night=stay.last_night, status=StayStatus.proposed,
            distance_km=allowed.get((stay.guest, stay.host))))


def approve(user: User, trajectory: Trajectory, now: datetime) -> int:
    """The coordinator approves the trajectory's proposed stays: each host is asked. The
    first meeting in each home is attended by the guest's companion when there is one,
    else by the coordinator who approves. Returns how many hosts were asked."""
    if not access.can_plan_hosting(user, trajectory.programme):
        raise NotFound(NOT_FOUND)
    _lock_programme(trajectory.programme)
    db.session.refresh(trajectory)
    if trajectory.status not in (TrajectoryStatus.proposed, TrajectoryStatus.approved):
        raise DomainError(_l("This trajectory was withdrawn or has ended."))
    proposed = [s for s in trajectory.stays if s.status == StayStatus.proposed]
    if not proposed:
        raise DomainError(_l("No stay is waiting for approval."))
    trajectory.status = TrajectoryStatus.approved
    trajectory.approved_by_id, trajectory.approved_at = user.id, now
    for stay in proposed:
        stay.status = StayStatus.asked
        stay.first_meeting = True
        stay.meeting_with_id = trajectory.companion_id or user.id
        messages.asked(stay, now)
    messages.approved_for_guest(trajectory, proposed, now)
    audit.log(user, "approved", trajectory, now)
    db.session.commit()
    return len(proposed)


def withdraw(user: User, trajectory: Trajectory, now: datetime) -> None:
    """Withdraws a trajectory: its stays to come free their rooms; hosts already asked
    are told."""
    if not access.can_plan_hosting(user, trajectory.programme):
        raise NotFound(NOT_FOUND)
    if trajectory.status not in (TrajectoryStatus.proposed, TrajectoryStatus.approved):
        raise DomainError(_l("This trajectory was withdrawn or has ended."))
    trajectory.status = TrajectoryStatus.cancelled
    for stay in trajectory.stays:
        if stay.status in (StayStatus.asked, StayStatus.accepted):
            messages.withdrawn(stay, now)
        if stay.status in (StayStatus.proposed, StayStatus.asked, StayStatus.accepted):
            stay.status = StayStatus.cancelled
    if trajectory.companion is not None:
        messages.companion_removed(trajectory, trajectory.companion, now)
    audit.log(user, "withdrawn", trajectory, now)
    db.session.commit()


def set_companion(user: User, trajectory: Trajectory, companion_id: int | None,
                  now: datetime) -> None:
    """A volunteer who accompanies the guest without hosting, for the whole trajectory:
    they are asked, and the one chosen before is told. The first meetings to come go to
    the new companion, or back to the coordinator who approved."""
    if not access.can_plan_hosting(user, trajectory.programme):
        raise NotFound(NOT_FOUND)
    if trajectory.status not in (TrajectoryStatus.proposed, TrajectoryStatus.approved):
        raise DomainError(_l("This trajectory was withdrawn or has ended."), field="companion")
    today = day_in_brussels(now)
    if companion_id is not None and companion_id not in {
            c.id for c in loading.companions(trajectory.programme, trajectory.person, today)}:
        raise DomainError(_l("Choose a volunteer from the list."), field="companion")
    if companion_id == trajectory.companion_id:
        return
    previous = trajectory.companion
    if previous is not None:
        messages.companion_removed(trajectory, previous, now)
    trajectory.companion = db.session.get(User, companion_id) if companion_id else None
    trajectory.companion_answered_at, trajectory.companion_reason = None, ""
    trajectory.companion_answer = CompanionAnswer.asked if companion_id else None
    _move_meetings(trajectory, previous.id if previous else None,
                   companion_id or trajectory.approved_by_id or user.id, today)
    audit.log(user, "companion", trajectory, now)
    if companion_id is not None:
        messages.companion_asked(trajectory, now)
    db.session.commit()


def _move_meetings(trajectory: Trajectory, from_id: int | None, to_id: int,
                   today: date) -> None:
    """The first meetings still to come that `from_id` was to attend (the coordinator's
    when nobody accompanied) go to `to_id`."""
    for stay in trajectory.stays:
        if stay.first_meeting and stay.first_night >= today and \
                stay.status in (StayStatus.asked, StayStatus.accepted) and \
                (stay.meeting_with_id == from_id or from_id is None):
            stay.meeting_with_id = to_id


ALREADY_ANSWERED = _l("You have already answered. To change your answer, write to the "
                      "coordinators.")


def _lock_as_companion(user: User, trajectory: Trajectory) -> None:
    """Locks the trajectory and reads it again, if `user` accompanies it: NotFound
    otherwise, before the lock (a stranger locks nothing) and after it (the companion was
    changed meanwhile)."""
    if not access.accompanies(user, trajectory):
        raise NotFound(NOT_FOUND)
    db.session.refresh(trajectory, with_for_update=True)
    if not access.accompanies(user, trajectory):
        raise NotFound(NOT_FOUND)


def answer_companion(user: User, trajectory: Trajectory, accept: bool, reason: str,
                     now: datetime) -> None:
    """The companion asked accepts or declines; the coordinators are told. A decline clears
    the companion: the first meetings go back to the coordinator who approved."""
    _lock_as_companion(user, trajectory)
    if trajectory.companion_answer != CompanionAnswer.asked:
        raise DomainError(ALREADY_ANSWERED)
    if accept:
        trajectory.companion_answered_at = now
        trajectory.companion_answer = CompanionAnswer.accepted
        audit.log(user, "companion_yes", trajectory, now)
        messages.companion_answered(trajectory, user, True, now)
        db.session.commit()
        return
    _companion_declines(user, trajectory, reason, now)
    db.session.commit()


def _companion_declines(user: User, trajectory: Trajectory, reason: str,
                        now: datetime) -> None:
    """The companion says no (a decline, or a withdrawal after accepting): cleared from the
    trajectory, their first meetings still to come go back to the coordinator who
    approved; logged, and the coordinators told. Does not commit."""
    withdrew = trajectory.companion_answer == CompanionAnswer.accepted
    trajectory.companion_answered_at = now
    trajectory.companion_answer = CompanionAnswer.withdrawn if withdrew else \
        CompanionAnswer.declined
    trajectory.companion_reason = (reason or "").strip()[:REASON_MAX]
    trajectory.companion = None
    _move_meetings(trajectory, user.id, trajectory.approved_by_id, day_in_brussels(now))
    audit.log(user, "companion_quit" if withdrew else "companion_no", trajectory, now)
    messages.companion_answered(trajectory, user, False, now, withdrew=withdrew)


def forget_companion(user: User, now: datetime) -> None:
    """A companion erasing their account: asked, they decline; accepted, they withdraw, as
    on their page but without a reason (the first meetings still to come back to the
    coordinator who approved, the coordinators told). The reasons they gave are cleared.
    Does not commit: the erasure (privacy.services) commits once."""
    today = day_in_brussels(now)
    for trajectory in db.session.scalars(select(Trajectory).where(
            Trajectory.companion_id == user.id,
            Trajectory.companion_answer.in_((CompanionAnswer.asked, CompanionAnswer.accepted)),
            Trajectory.status.in_((TrajectoryStatus.proposed, TrajectoryStatus.approved)))
            .order_by(Trajectory.id)).all():
        _lock_as_companion(user, trajectory)
        accepted = trajectory.companion_answer == CompanionAnswer.accepted
        if accepted and not companion_may_withdraw(trajectory, today):
            continue  # its last night has passed: it ends as it is
        _companion_declines(user, trajectory, "", now)
    theirs = _their_no(user) | set(db.session.scalars(select(Trajectory.id).where(
        Trajectory.companion_id == user.id)))
    if theirs:
        db.session.execute(update(Trajectory).where(Trajectory.id.in_(theirs))
                           .values(companion_reason=""))


def companion_may_withdraw(trajectory: Trajectory, today: date) -> bool:
    """An accepted companion may say they can no longer accompany until the trajectory's
    last night (the daily job ends it only the day after)."""
    return trajectory.companion_answer == CompanionAnswer.accepted and \
        trajectory.status in (TrajectoryStatus.proposed, TrajectoryStatus.approved) and \
        today <= trajectory.last_night


NOT_ACCEPTED = _l("You have not accepted to accompany: you may decline instead.")
NOT_WITHDRAWABLE = _l("This trajectory has ended: to change your answer, write to the "
                      "coordinators.")


def withdraw_companion(user: User, trajectory: Trajectory, reason: str, now: datetime) -> None:
    """The companion who accepted can no longer accompany, before the trajectory has ended:
    the same as a decline (cleared, first meetings back to the coordinator who approved,
    the coordinators told)."""
    _lock_as_companion(user, trajectory)
    if trajectory.companion_answer != CompanionAnswer.accepted:
        raise DomainError(NOT_ACCEPTED)
    if not companion_may_withdraw(trajectory, day_in_brussels(now)):
        raise DomainError(NOT_WITHDRAWABLE)
    _companion_declines(user, trajectory, reason, now)
    db.session.commit()


def answer(user: User, stay: Stay, accept: bool, reason: str, now: datetime) -> list[Stay]:
    """The host accepts or declines their stay. A declined stay is re-planned from its
    first night; the stays already accepted stay as they are. Returns the new stays."""
    if not access.hosts_stay(user, stay):
        raise NotFound(NOT_FOUND)
    _lock_programme(stay.programme)
    db.session.refresh(stay)
    if stay.status != StayStatus.asked:
        raise DomainError(_l("This stay is no longer waiting for your answer."))
    if accept:
        stay.answered_at, stay.answered_by_id = now, user.id
        stay.reason = (reason or "").strip()[:REASON_MAX]
        stay.status = StayStatus.accepted
        audit.log(user, "accepted", stay, now)
        messages.answered(stay, now)
        messages.accepted_for_guest(stay, now)
        db.session.commit()
        return []
    _host_declines(user, stay, reason, now)
    new = _replan(stay.trajectory, stay.first_night, now)
    db.session.commit()
    return new


def _host_declines(user: User, stay: Stay, reason: str, now: datetime) -> None:
    """The host's no (the programme locked by the caller): the coordinators are told; the
    caller re-plans from the stay's first night."""
    stay.answered_at, stay.answered_by_id = now, user.id
    stay.reason = (reason or "").strip()[:REASON_MAX]
    stay.status = StayStatus.declined
    audit.log(user, "declined", stay, now)
    messages.answered(stay, now)


def refuse_for_guest(user: User, stay: Stay, reason: str, now: datetime) -> list[Stay]:
    """The guest does not want this home (no reason needed): the stay is re-planned."""
    if not access.speaks_for_guest(user, stay):
        raise NotFound(NOT_FOUND)
    _lock_programme(stay.programme)
    db.session.refresh(stay)
    if stay.status not in (StayStatus.proposed, StayStatus.asked, StayStatus.accepted):
        raise DomainError(_l("This stay is no longer planned."))
    if stay.status != StayStatus.proposed and stay.first_night <= day_in_brussels(now):
        raise DomainError(_l("This stay has begun: tell the coordinators through a concern."))
    if stay.status in (StayStatus.asked, StayStatus.accepted):
        messages.withdrawn(stay, now)
    stay.status = StayStatus.refused
    stay.answered_at, stay.answered_by_id = now, user.id
    stay.reason = (reason or "").strip()[:REASON_MAX]
    audit.log(user, "refused", stay, now)
    new = _replan(stay.trajectory, stay.first_night, now)
    db.session.commit()
    return new


def _replan(trajectory: Trajectory, from_night: date, now: datetime) -> list[Stay]:
    """The guest's nights from `from_night` planned again around the stays kept (accepted,
    or asked and earlier), without the homes already tried. New stays wait for the
    coordinator's approval."""
    today = day_in_brussels(now)
    for stay in trajectory.stays:
        if stay.status in (StayStatus.proposed, StayStatus.asked) and \
                stay.first_night >= from_night:
            if stay.status == StayStatus.asked:
                messages.withdrawn(stay, now)
            stay.status = StayStatus.cancelled
    db.session.flush()
    programme = trajectory.programme
    # A home that declined, or that the guest refused, is not proposed again.
    tried = frozenset((trajectory.person_id, s.host_id) for s in trajectory.stays
                      if s.status in (StayStatus.declined, StayStatus.refused))
    start = max(from_night, today)
    guest = replace(loading.guest_facts(trajectory.person, programme, today, first=start),
                    last_night=trajectory.last_night)
    found = _planned(programme, [trajectory.person], [guest], today, excluded=tried)
    new = found.new_stays(guest.id)
    before = [gap for gap in trajectory.gaps if date.fromisoformat(gap[1]) < start]
    trajectory.gaps = before + _runs(found.plan.gaps.get(guest.id, []))
    _add_stays(trajectory, new, found.allowed)
    db.session.flush()
    messages.replanned(trajectory, len(new), now)
    return [s for s in trajectory.stays if s.status == StayStatus.proposed]


def hosting_until(user: User, today: date) -> date | None:
    """The last night of a stay this host accepted and has begun (today among its nights),
    if any: a guest is in their home."""
    return db.session.scalar(select(func.max(Stay.last_night)).where(
        Stay.host_id == user.id, Stay.status == StayStatus.accepted,
        Stay.first_night <= today, Stay.last_night >= today))


def forget_host(user: User, now: datetime) -> None:
    """A host erasing their account (none of their stays has begun: `hosting_until`):
    each stay of theirs still to come ends as the host's no would, without a reason (a
    stay asked or accepted is declined, the coordinators told; one only proposed is
    withdrawn, its host never asked), and each trajectory concerned is planned again from
    the first of those nights, once. Their reasons on past stays are cleared. Does not
    commit: the erasure (privacy.services) commits once."""
    today = day_in_brussels(now)
    stays = list(db.session.scalars(
        select(Stay).join(Stay.trajectory).where(
            Stay.host_id == user.id, Stay.status.in_(HOLDING), Stay.last_night >= today,
            Trajectory.status.in_((TrajectoryStatus.proposed, TrajectoryStatus.approved)))
        .order_by(Stay.programme_id, Stay.first_night, Stay.id)))
    for programme_id in sorted({stay.programme_id for stay in stays}):
        db.session.execute(select(Programme.id).where(Programme.id == programme_id)
                           .with_for_update())
    from_night: dict[int, tuple[Trajectory, date]] = {}
    for stay in stays:
        db.session.refresh(stay)
        if stay.status not in HOLDING:
            continue
        if stay.status == StayStatus.proposed:
            stay.status = StayStatus.cancelled
        else:
            _host_declines(user, stay, "", now)
        trajectory, night = from_night.get(stay.trajectory_id, (stay.trajectory,
                                                                 stay.first_night))
        from_night[stay.trajectory_id] = (trajectory, min(night, stay.first_night))
    for trajectory, night in from_night.values():
        _replan(trajectory, night, now)
    for stay in db.session.scalars(select(Stay).where(Stay.host_id == user.id,
                                                      Stay.answered_by_id == user.id)):
        stay.reason = ""


def end_past(now: datetime) -> int:
    """Approved trajectories whose last night has passed end (their rooms are free again in
    any case: a stay holds only its own nights). Returns how many ended."""
    today = day_in_brussels(now)
    due = list(db.session.scalars(select(Trajectory).where(
        Trajectory.status == TrajectoryStatus.approved, Trajectory.last_night < today)
        .order_by(Trajectory.id)))
    for trajectory in due:
        trajectory.status = TrajectoryStatus.ended
        audit.log(None, "ended", trajectory, now)
    db.session.commit()
    return len(due)


def report_concern(user: User, stay: Stay, body: str, now: datetime) -> Concern:
    """A private note to the programme's coordinators, announced to them at once."""
    if not (access.hosts_stay(user, stay) or access.can_see_trajectory(user, stay.trajectory)):
        raise NotFound(NOT_FOUND)
    body = (body or "").strip()
    if not body:
        raise DomainError(_l("Write what worries you."), field="body")
    if len(body) > CONCERN_MAX:
        raise DomainError(_l("At most %(max)d characters.", max=CONCERN_MAX), field="body")
    concern = Concern(stay=stay, author_id=user.id, body=body, created_at=now)
    db.session.add(concern)
    db.session.flush()
    audit.log(user, "created", concern, now)
    messages.concern(concern, now)
    db.session.commit()
    return concern


# Reading -------------------------------------------------------------------------------------

def trajectories_of(programme: Programme) -> list[Trajectory]:
    return list(db.session.scalars(
        select(Trajectory).where(Trajectory.programme_id == programme.id)
        .options(selectinload(Trajectory.person), selectinload(Trajectory.stays)
                 .selectinload(Stay.host))
        .order_by(Trajectory.id.desc()).limit(100)))


def trajectories_of_person(user: User, person: Person) -> list[Trajectory]:
    """A person's trajectories, for their record's page: the guest's organisation follows
    them and may refuse a host from there."""
    return list(db.session.scalars(
        select(Trajectory).where(Trajectory.person_id == person.id,
                                 access.hosting_trajectories_clause(user))
        .options(selectinload(Trajectory.programme), selectinload(Trajectory.stays))
        .order_by(Trajectory.id.desc())))


def waiting(user: User, programme: Programme, now: datetime) -> list[Person]:
    """The guests waiting for a trajectory; each read is logged."""
    if not access.can_plan_hosting(user, programme):
        raise NotFound(NOT_FOUND)
    people = loading.waiting_people(programme, day_in_brussels(now))
    audit.record_reads(user, people, now, "hosting")
    order = {person.id: n for n, person in enumerate(people)}
    db.session.commit()
    # Read again after the commit (which expires them), in one query rather than one a row.
    return sorted(db.session.scalars(select(Person).where(Person.id.in_(list(order)))),
                  key=lambda person: order[person.id])


def read_trajectory(user: User, trajectory: Trajectory, now: datetime) -> None:
    audit.log(user, "read", trajectory.person, at=now, page="trajectory")
    db.session.commit()


def read_stay(user: User, stay: Stay, now: datetime) -> None:
    audit.log(user, "read", stay.person, at=now, page="stay")
    db.session.commit()


def my_stays(user: User, now: datetime) -> list[Stay]:
    """A host's stays asked or accepted, not yet over, soonest first: the guest's first name
    and household size are shown, each read logged."""
    today = day_in_brussels(now)
    stays = list(db.session.scalars(
        select(Stay).where(Stay.host_id == user.id, Stay.last_night >= today - timedelta(days=1),
                           Stay.status.in_((StayStatus.asked, StayStatus.accepted)))
        .options(selectinload(Stay.person), selectinload(Stay.programme))
        .order_by(Stay.first_night)))
    audit.record_reads(user, [stay.person for stay in stays], now, "my_stays")
    ids = [stay.id for stay in stays]
    db.session.commit()
    return list(db.session.scalars(
        select(Stay).where(Stay.id.in_(ids))
        .options(selectinload(Stay.person), selectinload(Stay.programme))
        .order_by(Stay.first_night)))


def accompanied_by(user: User, now: datetime) -> list[Trajectory]:
    """The trajectories this volunteer is asked to accompany or accompanies, soonest first;
    the guests' first names are shown, each read logged."""
    found = list(db.session.scalars(
        select(Trajectory).where(Trajectory.companion_id == user.id,
                                 Trajectory.companion_answer.in_(
                                     (CompanionAnswer.asked, CompanionAnswer.accepted)),
                                 Trajectory.status.in_((TrajectoryStatus.proposed,
                                                        TrajectoryStatus.approved)),
                                 Trajectory.last_night >= day_in_brussels(now))
        .options(selectinload(Trajectory.person))
        .order_by(Trajectory.first_night, Trajectory.id)))
    if not found:
        return []
    audit.record_reads(user, [t.person for t in found], now, "accompanied")
    ids = [t.id for t in found]
    db.session.commit()
    return list(db.session.scalars(
        select(Trajectory).where(Trajectory.id.in_(ids))
        .options(selectinload(Trajectory.person), selectinload(Trajectory.programme))
        .order_by(Trajectory.first_night, Trajectory.id)))


@dataclass(frozen=True)
class AccompaniedStay:
    """What the companion reads of a stay: its dates, the host's first name and
    municipality; its first meeting is on its first day."""

    stay: Stay
    host: str
    municipality: str


def accompanied_stays(user: User, trajectory: Trajectory, locale: str,
                      now: datetime) -> list[AccompaniedStay]:
    """The stays asked or accepted, once the companion accepted (nothing before); the read
    of the trajectory is logged."""
    if not access.accompanies(user, trajectory):
        raise NotFound(NOT_FOUND)
    audit.log(user, "read", trajectory.person, at=now, page="accompany")
    db.session.commit()
    if trajectory.companion_answer != CompanionAnswer.accepted:
        return []
    stays = list(db.session.scalars(
        select(Stay).where(Stay.trajectory_id == trajectory.id,
                           Stay.status.in_((StayStatus.asked, StayStatus.accepted)))
        .options(selectinload(Stay.host)).order_by(Stay.first_night, Stay.id)))
    places = dict(db.session.execute(
        select(VolunteerProfile.user_id, VolunteerProfile.place_refnis)
        .where(VolunteerProfile.user_id.in_({s.host_id for s in stays}))).all()) if stays else {}
    return [AccompaniedStay(stay, (stay.host.name or "").split(" ", 1)[0],
                            label_of(places.get(stay.host_id), locale)) for stay in stays]


# The audit actions that say who the companion is, or was: the last one on a trajectory is
# its companion's last word.
COMPANION_ACTIONS = ("companion", "companion_yes", "companion_no", "companion_quit")
COMPANION_NO = ("companion_no", "companion_quit")


@dataclass(frozen=True)
class Accompaniment:
    """A trajectory in a volunteer's own data: `named` when they are its companion (asked
    or accepted), so the guest's first name is theirs to read as on the companion's page;
    not when the answer kept on it is their own no (declined, or withdrawn after
    accepting), which no longer names them."""

    trajectory: Trajectory
    named: bool


def accompaniments_of(user: User) -> list[Accompaniment]:
    """The trajectories this volunteer accompanies or was asked to, whatever became of
    them, and those whose companion's answer is still their own no, by first night. Reads
    nothing of the guest but the first name (the caller logs it)."""
    named = set(db.session.scalars(select(Trajectory.id).where(
        Trajectory.companion_id == user.id, Trajectory.companion_answer.is_not(None))))
    theirs = _their_no(user)
    if not named | theirs:
        return []
    found = db.session.scalars(
        select(Trajectory).where(Trajectory.id.in_(named | theirs))
        .options(selectinload(Trajectory.person),
                 selectinload(Trajectory.programme).selectinload(Programme.organisation))
        .order_by(Trajectory.first_night, Trajectory.id))
    return [Accompaniment(t, t.id in named) for t in found]


def _their_no(user: User) -> set[int]:
    """The trajectories that name no companion and keep a decline whose last word, in the
    audit log, is this user's no (nobody was chosen since, which would have cleared it)."""
    entry = audit.AuditEntry
    said_no = set(db.session.scalars(select(Trajectory.id).where(
        Trajectory.companion_id.is_(None), Trajectory.companion_answer.in_(SAID_NO),
        Trajectory.id.in_(select(entry.record_id).where(
            entry.user_id == user.id, entry.action.in_(COMPANION_NO),
            entry.record_type == Trajectory.audit_type)))))
    last = audit.last_entries(Trajectory.audit_type, said_no, COMPANION_ACTIONS)
    return {t for t, (who, action, _) in last.items()
            if who == user.id and action in COMPANION_NO}


def concerns_of(stay: Stay) -> list[Concern]:
    return list(db.session.scalars(select(Concern).where(Concern.stay_id == stay.id)
                                   .options(selectinload(Concern.author))
                                   .order_by(Concern.id.desc())))


@dataclass(frozen=True)
class Hosting:
    """A stay in its host's own data: `named` while the host is asked or has answered
    (`access.hosts_stay`), so the guest's first name is theirs to read as on their stay's
    page; the host's own answer, if any, with when (from the audit log: a refusal for the
    guest overwrites the stay's answer)."""

    stay: Stay
    named: bool
    answer: str  # "accepted", "declined" or ""
    answered_at: datetime | None


def hostings_of(user: User) -> list[Hosting]:
    """Every stay planned in this host's home, whatever became of it, by first night.
    Reads nothing of the guest but the first name (the caller logs it)."""
    stays = list(db.session.scalars(
        select(Stay).where(Stay.host_id == user.id)
        .options(selectinload(Stay.person),
                 selectinload(Stay.programme).selectinload(Programme.organisation))
        .order_by(Stay.first_night, Stay.id)))
    if not stays:
        return []
    answers = audit.last_entries(Stay.audit_type, [stay.id for stay in stays],
                                 ("accepted", "declined"), user_id=user.id)
    return [Hosting(stay, access.hosts_stay(user, stay),
                    *answers.get(stay.id, (None, "", None))[1:]) for stay in stays]


def concerns_by(user: User) -> list[Concern]:
    """The concerns this person reported, oldest first, with their stay and programme."""
    return list(db.session.scalars(
        select(Concern).where(Concern.author_id == user.id)
        .options(selectinload(Concern.stay).selectinload(Stay.programme))
        .order_by(Concern.created_at, Concern.id)))
