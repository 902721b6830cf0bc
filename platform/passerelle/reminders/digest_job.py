"""The daily digest job: what waits for each coordinator, read for everyone at once
(a fixed number of queries however many applications and coordinators), composed by the
pure rules of reminders.digest, then one message written per coordinator."""

from collections import defaultdict
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from passerelle.accounts.models import User
from passerelle.core.dates import format_day
from passerelle.core.time import day_in_brussels
from passerelle.extensions import db
from passerelle.needs.material import pairings_to_confirm
from passerelle.organisations.models import MemberRole, Membership, NetworkMembership, Organisation
from passerelle.programmes.models import ApplicationStatus
from passerelle.programmes.waiting import applications_waiting
from passerelle.reminders import batch, outbox
from passerelle.reminders.digest import (
    WAITING_STATUSES,
    Coordinator,
    OrganisationWaiting,
    ProgrammeWaiting,
    compose,
    programmes_with_waiting,
)


def send_digests(now: datetime) -> int:
    """One digest per coordinator and Brussels day (run twice: one digest). Commits;
    returns how many were written."""
    day = day_in_brussels(now)
    waiting = what_waits()
    if not waiting:
        return 0
    coordinators = _coordinators(set(waiting))
    digests = [d for d in (compose(c, waiting) for c in coordinators) if d is not None]
    keys = {d.user_id: outbox.message_key("digest", "digest", day.isoformat(),
                                          f"user-{d.user_id}") for d in digests}
    written = batch.existing_keys(list(keys.values()))
    digests = [d for d in digests if keys[d.user_id] not in written]
    users = {user.id: user for user in db.session.scalars(
        select(User).where(User.id.in_([d.user_id for d in digests])))} if digests else {}
    count = 0
    for digest in digests:
        user = users[digest.user_id]
        outbox.write("digest", user, _l("What waits for you on Passerelle, %(day)s",
                                        day=format_day(day, user.locale, "long")),
                     "reminders/mail/digest.txt", about="digest", occurrence=day.isoformat(),
                     now=now, organisations=[
                         (organisation, programmes_with_waiting(organisation))
                         for organisation in digest.organisations],
                     queue_url=lambda slug: outbox.external_url("programmes.queue", slug=slug),
                     material_url=lambda slug: outbox.external_url("needs.material_needs",
                                                                   slug=slug),
                     status_label=lambda status: ApplicationStatus(status).label,
                     link=outbox.external_url("programmes.coordination"))
        count += 1
    db.session.commit()
    return count


def what_waits() -> dict[int, OrganisationWaiting]:
    """Each organisation with applications or pairings waiting: three queries."""
    programmes: dict[int, dict[int, tuple]] = defaultdict(dict)
    for org, pid, slug, names, status, count in applications_waiting(WAITING_STATUSES):
        entry = programmes[org].setdefault(pid, (slug, names, {}))
        entry[2][status] = count
    pairings = pairings_to_confirm()
    ids = set(programmes) | set(pairings)
    if not ids:
        return {}
    return {organisation.id: OrganisationWaiting(
        organisation.id, organisation.name, organisation.slug,
        tuple(ProgrammeWaiting(slug, names, counts)
              for slug, names, counts in programmes.get(organisation.id, {}).values()),
        pairings.get(organisation.id, 0))
        for organisation in db.session.scalars(select(Organisation).where(
            Organisation.id.in_(ids)))}


def _coordinators(ids: set[int]) -> list[Coordinator]:
    """Everyone who coordinates one of these organisations: themselves, through a network,
    or as an administrator, with their choices. A fixed number of queries."""
    own: dict[int, set[int]] = defaultdict(set)
    wider: dict[int, set[int]] = defaultdict(set)
    for user_id, organisation_id in db.session.execute(
            select(Membership.user_id, Membership.organisation_id).where(
                Membership.role == MemberRole.coordinator, Membership.organisation_id.in_(ids))):
        own[user_id].add(organisation_id)
    for user_id, organisation_id in db.session.execute(
            select(Membership.user_id, NetworkMembership.member_id)
            .join(NetworkMembership, NetworkMembership.network_id == Membership.organisation_id)
            .where(Membership.role == MemberRole.coordinator,
                   NetworkMembership.member_id.in_(ids))):
        wider[user_id].add(organisation_id)
    for user_id in db.session.scalars(select(User.id).where(User.is_admin)):
        wider[user_id].update(ids)
    people = set(own) | set(wider)
    digest, network = batch.wanting(people, "digest"), batch.wanting(people, "network-digest")
    return [Coordinator(user_id, frozenset(own[user_id]), frozenset(wider[user_id]),
                        user_id in digest, user_id in network) for user_id in sorted(people)]
