"""Who may see or change what. Views and services ask here; they never filter by hand.

Each rule is written once, over the sets of organisations a person works for or
coordinates: a single record is allowed when its organisation is in the set, and a list
query filters with the same set (the `*_clause` functions). The sets are loaded once per
request (in `flask.g`) and forgotten at every commit, so a change of membership counts at
once, and a page of N rows does not ask N times.
"""

from dataclasses import dataclass

from flask import g, has_request_context
from sqlalchemy import event, false, func, or_, select, true
from sqlalchemy.orm import Session, contains_eager

from passerelle.extensions import db
from passerelle.organisations.models import (
    Invitation,
    MemberRole,
    Membership,
    NetworkMembership,
    Organisation,
    Programme,
    ProgrammeKind,
)


@dataclass(frozen=True)
class Scope:
    """A person's organisations: where they are a member, and what they coordinate."""

    works_for: frozenset[int]  # member (staff or coordinator) of the organisation itself
    coordinates: frozenset[int]  # coordinator of it, or of a network it belongs to
    networks: frozenset[int]  # networks in which they are a coordinator
    memberships: tuple[Membership, ...] = ()  # with their organisations, by name


_NOBODY = Scope(frozenset(), frozenset(), frozenset())


def scope(user) -> Scope:
    if not user.is_authenticated:
        return _NOBODY
    if not has_request_context():  # a service called from a job or a test: no cache
        return _load_scope(user.id)
    cache = g.setdefault("_access_scopes", {})
    if user.id not in cache:
        cache[user.id] = _load_scope(user.id)
    return cache[user.id]


def _load_scope(user_id: int) -> Scope:
    memberships = tuple(db.session.scalars(
        select(Membership).join(Organisation).where(Membership.user_id == user_id)
        .options(contains_eager(Membership.organisation))
        .order_by(func.lower(Organisation.name))))
    works_for = frozenset(m.organisation_id for m in memberships)
    own = {m.organisation_id for m in memberships if m.role == MemberRole.coordinator}
    networks = frozenset(m.organisation_id for m in memberships
                         if m.role == MemberRole.coordinator and m.organisation.kind == "network")
    members = set(db.session.scalars(select(NetworkMembership.member_id).where(
        NetworkMembership.network_id.in_(networks)))) if networks else set()
    return Scope(works_for, frozenset(own | members), networks, memberships)


def memberships_of(user) -> list[Membership]:
    """This person's memberships, with their organisations, by organisation name."""
    return list(scope(user).memberships)


@event.listens_for(Session, "after_commit")
def _forget_scopes(session):
    if has_request_context():
        g.pop("_access_scopes", None)


def is_member_anywhere(user) -> bool:
    """Works for some organisation, as staff or coordinator."""
    return bool(scope(user).works_for)


def membership(user, organisation: Organisation) -> Membership | None:
    if not user.is_authenticated or organisation.id not in scope(user).works_for:
        return None
    return db.session.scalar(select(Membership).where(
        Membership.user_id == user.id, Membership.organisation_id == organisation.id))


def coordinated_network_ids(user) -> set[int]:
    """Networks in which this person is a coordinator (a network coordinator)."""
    return set(scope(user).networks)


# Organisations and programmes

def coordinates(user, organisation: Organisation) -> bool:
    """A coordinator of the organisation itself, or of a network it belongs to."""
    return organisation.id in scope(user).coordinates


def can_manage_people(user, organisation: Organisation) -> bool:
    return user.is_authenticated and (user.is_admin or coordinates(user, organisation))


def managed_organisations_clause(user, column=Organisation.id):
    """The list form of can_manage_people: a filter on an organisation id column."""
    if not user.is_authenticated:
        return false()
    if user.is_admin:
        return true()
    return column.in_(scope(user).coordinates)


def invitable_roles(user, organisation: Organisation) -> list[MemberRole]:
    """An administrator invites with any role; a coordinator invites staff."""
    if not user.is_authenticated:
        return []
    if user.is_admin:
        return [MemberRole.staff, MemberRole.coordinator]
    if coordinates(user, organisation):
        return [MemberRole.staff]
    return []


# Joining and leaving a team: nobody grants themselves access to an organisation.

def is_own_coordinator(user, organisation: Organisation) -> bool:
    """A coordinator of this very organisation: not of a network, not as administrator."""
    own = membership(user, organisation)
    return own is not None and own.role == MemberRole.coordinator


def can_approve_members(user, organisation: Organisation) -> bool:
    """Approves or refuses an invitation that someone else (an administrator, a network
    coordinator) sent; an invitation sent by an own coordinator is approved by that."""
    return is_own_coordinator(user, organisation)


def can_change_members(user, organisation: Organisation) -> bool:
    """Removes a member, changes a member's role."""
    return is_own_coordinator(user, organisation)


def can_revoke_invitation(user, invitation: Invitation) -> bool:
    """The organisation's own coordinators, or the person who sent it."""
    return user.is_authenticated and (
        invitation.invited_by_id == user.id or is_own_coordinator(user, invitation.organisation))


def can_name_first_coordinator(user, organisation: Organisation) -> bool:
    """An administrator names the first coordinator of an organisation that has none, nor
    an approved invitation for one still open. The only join no own coordinator approves."""
    if not (user.is_authenticated and user.is_admin):
        return False
    has_coordinator = db.session.scalar(select(Membership.id).where(
        Membership.organisation_id == organisation.id,
        Membership.role == MemberRole.coordinator).limit(1))
    named = db.session.scalar(select(Invitation.id).where(
        Invitation.organisation_id == organisation.id, Invitation.role == MemberRole.coordinator,
        Invitation.approved_at.is_not(None), Invitation.accepted_at.is_(None),
        Invitation.revoked_at.is_(None)).limit(1))
    return has_coordinator is None and named is None


def is_staff(user, organisation: Organisation) -> bool:
    """Works for the organisation (staff or coordinator), coordinates it, or administers."""
    if not user.is_authenticated:
        return False
    mine = scope(user)
    return user.is_admin or organisation.id in mine.works_for | mine.coordinates


def staff_organisations_clause(user, column=Organisation.id):
    """The list form of is_staff."""
    if not user.is_authenticated:
        return false()
    if user.is_admin:
        return true()
    mine = scope(user)
    return column.in_(mine.works_for | mine.coordinates)


def can_coordinate_programme(user, programme) -> bool:
    """Screens volunteers, edits requirements: the organisation's or network's coordinators."""
    return can_manage_people(user, programme.organisation)


def coordinated_programmes_clause(user):
    """The list form of can_coordinate_programme: a filter on Programme."""
    return managed_organisations_clause(user, Programme.organisation_id)


# Needs, material offers and the people organisations support.

def can_manage_needs(user, organisation: Organisation) -> bool:
    """Posts and edits the organisation's needs and material needs, pairs offers."""
    return is_staff(user, organisation)


def works_for(user, organisation: Organisation) -> bool:
    """A member (staff or coordinator) of the organisation itself: no admin, no network."""
    return organisation.id in scope(user).works_for


def can_register_people(user, organisation: Organisation) -> bool:
    return works_for(user, organisation)


def can_see_person(user, person) -> bool:
    """The registering organisation's staff, or the staff of the housing hosting programme
    the record is referred to. Administrators and network coordinators do not see it."""
    if works_for(user, person.organisation):
        return True
    programme = person.referred_to
    return (programme is not None and programme.kind == ProgrammeKind.housing_hosting
            and works_for(user, programme.organisation))


def visible_people_clause(user):
    """The list form of can_see_person: a filter on Person (needs.models)."""
    from passerelle.needs.models import Person

    mine = scope(user).works_for
    if not mine:
        return false()
    hosting = select(Programme.id).where(Programme.kind == ProgrammeKind.housing_hosting,
                                         Programme.organisation_id.in_(mine))
    return or_(Person.organisation_id.in_(mine), Person.referred_to_id.in_(hosting))


def can_change_person(user, person) -> bool:
    return works_for(user, person.organisation)


def can_read_screening_note(user, application) -> bool:
    """The private note of a screening stays with the programme's own organisation: a
    network coordinator or an administrator reviews the application without it."""
    return works_for(user, application.programme.organisation)


def owns_application(user, application) -> bool:
    """A volunteer's own application: signing its charter, withdrawing it."""
    return user.is_authenticated and application.user_id == user.id


def can_change_offer(user, offer) -> bool:
    return user.is_authenticated and offer.owner_id == user.id


# The organisations a person's home and navigation are about (ids, to filter lists on).

def own_organisation_ids(user) -> frozenset[int]:
    """The organisations this person works for (staff or coordinator)."""
    return scope(user).works_for


def coordinated_organisation_ids(user) -> frozenset[int]:
    """Organisations this person coordinates, themselves or through a network.
    Administration alone counts for none of them (an administrator's home shows the
    instance, not every programme)."""
    return scope(user).coordinates


# Messages

def has_coordinator_choices(user) -> bool:
    """Coordinators (and administrators) choose about the digest and new applications."""
    return user.is_authenticated and (user.is_admin or bool(scope(user).coordinates))


def can_watch_outbox(user) -> bool:
    """The outbox page (addresses, errors, retries): administrators only."""
    return user.is_authenticated and user.is_admin


# Matching

def can_propose_for(user, need) -> bool:
    """Sees a need's candidates and proposes one: the staff of the organisation that posted
    it, its networks' coordinators, administrators."""
    return need.programme_id is not None and is_staff(user, need.organisation)


def can_decide_match(user, match) -> bool:
    """Approves, refuses or ends a match; runs a programme's batch; sets its weights."""
    return can_coordinate_programme(user, match.programme)


def can_see_match(user, match) -> bool:
    """The staff of the need's organisation; the volunteer it is for once a coordinator
    approved it (a proposal, or a refused one, stays between coordinators)."""
    from passerelle.matching.models import SEEN_BY_VOLUNTEER

    if not user.is_authenticated:
        return False
    if match.user_id == user.id and match.status in SEEN_BY_VOLUNTEER:
        return True
    return is_staff(user, match.need.organisation)


def owns_match(user, match) -> bool:
    """Accepts or declines it: only the volunteer it is for."""
    return user.is_authenticated and match.user_id == user.id


def sees_person_of(user, need) -> bool:
    """A need's person helped is shown with its candidates only to the organisation that
    registered the person: not to network coordinators nor administrators."""
    return need.person_id is not None and works_for(user, need.person.organisation)


def programme_matches_clause(user):
    """The list form of can_decide_match: a filter on Match."""
    from passerelle.matching.models import Match

    return Match.programme_id.in_(select(Programme.id).where(coordinated_programmes_clause(user)))


# Housing hosting: trajectories and stays

def can_plan_hosting(user, programme) -> bool:
    """Plans, approves and withdraws trajectories: the programme's own coordinators (they
    read the guests' records; network coordinators and administrators do not)."""
    return (programme.kind == ProgrammeKind.housing_hosting
            and is_own_coordinator(user, programme.organisation))


def can_see_trajectory(user, trajectory) -> bool:
    """The hosting programme's staff and the staff of the guest's organisation."""
    return (works_for(user, trajectory.programme.organisation)
            or works_for(user, trajectory.person.organisation))


def accompanies(user, trajectory) -> bool:
    """The companion a coordinator chose (asked or accepted), while the trajectory is
    proposed or approved: answers, then reads the stays and their first meetings."""
    from passerelle.hosting.models import CompanionAnswer, TrajectoryStatus

    return (user.is_authenticated and trajectory.companion_id == user.id
            and trajectory.companion_answer in (CompanionAnswer.asked, CompanionAnswer.accepted)
            and trajectory.status in (TrajectoryStatus.proposed, TrajectoryStatus.approved))


def hosts_stay(user, stay) -> bool:
    """The host, once a coordinator asked them: answers it, reports a concern."""
    from passerelle.hosting.models import StayStatus

    return (user.is_authenticated and stay.host_id == user.id
            and stay.status not in (StayStatus.proposed, StayStatus.cancelled))


def can_see_stay(user, stay) -> bool:
    return hosts_stay(user, stay) or can_see_trajectory(user, stay.trajectory)


def speaks_for_guest(user, stay) -> bool:
    """Refuses a host on the guest's behalf: the guest's organisation."""
    return works_for(user, stay.person.organisation)


def hosting_trajectories_clause(user):
    """The list form of can_see_trajectory: a filter on Trajectory."""
    from passerelle.hosting.models import Trajectory
    from passerelle.needs.models import Person

    mine = scope(user).works_for
    if not mine:
        return false()
    return or_(Trajectory.programme_id.in_(select(Programme.id).where(
        Programme.organisation_id.in_(mine))),
        Trajectory.person_id.in_(select(Person.id).where(Person.organisation_id.in_(mine))))
# Sponsorship pools (matching/pool.py)

def can_run_pool(user, programme) -> bool:
    """A sponsorship programme's pool page, and adding a contact there: the staff of the
    programme's own organisation. The page shows the families' first names, which stay
    with the organisation that registered them: no network coordinator, no administrator."""
    return (programme.kind == ProgrammeKind.sponsorship
            and works_for(user, programme.organisation))


def is_sponsor_in(user, programme) -> bool:
    """Records "I met this family": a volunteer with an open application (not refused nor
    withdrawn) to the sponsorship programme. The matching rules then ask for it to be
    active, with the charter signed, before any family is shown or any contact made."""
    from passerelle.programmes.models import Application, ApplicationStatus

    if not user.is_authenticated or programme.kind != ProgrammeKind.sponsorship:
        return False
    return db.session.scalar(select(Application.id).where(
        Application.user_id == user.id, Application.programme_id == programme.id,
        Application.status.not_in((ApplicationStatus.refused, ApplicationStatus.withdrawn)))
        .limit(1)) is not None


# Language duos

def is_in_duo(user, duo) -> bool:
    """One of the two participants, once a coordinator approved the duo (a proposal, or a
    refused or withdrawn one, stays between coordinators): sees it, accepts or declines."""
    from passerelle.duos.models import DuoStatus

    return (user.is_authenticated and user.id in (duo.first_id, duo.second_id)
            and duo.status not in (DuoStatus.proposed, DuoStatus.refused, DuoStatus.cancelled))


def can_see_duo(user, duo) -> bool:
    """The two participants once approved; the programme's staff always."""
    return is_in_duo(user, duo) or is_staff(user, duo.programme.organisation)


def can_decide_duo(user, duo) -> bool:
    """Runs a batch of duos, approves or refuses a proposed one: the programme's
    coordinators."""
    return can_coordinate_programme(user, duo.programme)


def can_plan_duo_meetings(user, duo) -> bool:
    """Plans and cancels a duo's follow-up meetings: the programme's coordinators, never one
    of the two (they write to their coordinator)."""
    return can_decide_duo(user, duo) and not is_in_duo(user, duo)


# Events, sign-ups, calendars, visits

def can_manage_events(user, programme) -> bool:
    """Creates, edits and cancels a programme's events: its organisation's staff."""
    return is_staff(user, programme.organisation)


def manageable_events_clause(user):
    """The list form of can_manage_events: a filter on Event."""
    from passerelle.scheduling.models import Event

    return Event.programme_id.in_(select(Programme.id).where(
        staff_organisations_clause(user, Programme.organisation_id)))


def _applied_to(user, programme_id: int) -> bool:
    """An application to the programme that is neither refused nor withdrawn."""
    from passerelle.programmes.models import Application, ApplicationStatus

    return db.session.scalar(select(Application.id).where(
        Application.user_id == user.id, Application.programme_id == programme_id,
        Application.status.not_in((ApplicationStatus.refused, ApplicationStatus.withdrawn)))
        .limit(1)) is not None


def can_see_occurrence(user, occurrence) -> bool:
    """The programme's staff, a volunteer who applied to it, or anyone signed up on the
    occurrence (waitlisted too)."""
    from passerelle.scheduling.models import Signup, SignupStatus

    if not user.is_authenticated:
        return False
    programme = occurrence.event.programme
    if can_manage_events(user, programme) or _applied_to(user, programme.id):
        return True
    return db.session.scalar(select(Signup.id).where(
        Signup.occurrence_id == occurrence.id, Signup.user_id == user.id,
        Signup.status != SignupStatus.cancelled).limit(1)) is not None


def can_sign_up(user, occurrence) -> bool:
    """A signed-in volunteer who applied to the programme; the requirements themselves are
    the service's refusals, told with their reason."""
    return user.is_authenticated and _applied_to(user, occurrence.event.programme_id)


def can_run_occurrence(user, occurrence) -> bool:
    """Check-in, no-shows, hours, assigning: the programme organisation's staff; at a
    training session, where checking in records the training done, its coordinators."""
    if not user.is_authenticated:
        return False
    if occurrence.event.training_id is not None:
        return can_coordinate_programme(user, occurrence.event.programme)
    return can_manage_events(user, occurrence.event.programme)


def owns_signup(user, signup) -> bool:
    """The person of a sign-up (cancels it; a visitor confirms a visit or says no)."""
    return user.is_authenticated and signup.user_id == user.id


def owns_feed(user, feed) -> bool:
    """A calendar feed is reset only by the person it belongs to."""
    return user.is_authenticated and feed.user_id == user.id


def can_run_visits(user, programme) -> bool:
    """Proposes and approves visiting pairs, reads the visit reports and their summary: the
    coordinators of a detention-visits programme (its organisation's or network's)."""
    return programme.kind == "detention_visits" and can_coordinate_programme(user, programme)


def can_read_visit_report(user, programme, signups_of_pair) -> bool:
    """The report of a pair's visit: the network's coordinators and the two visitors."""
    return can_run_visits(user, programme) or any(
        signup.user_id == user.id and signup.status == "confirmed"
        for signup in signups_of_pair)
