"""The messages of a match's life, written into the outbox by the services before their
commit, each in its recipient's language. Nothing here commits or sends."""

from datetime import datetime

from flask_babel import lazy_gettext as _l

from passerelle.accounts.models import User
from passerelle.matching.models import Match, MatchBatch
from passerelle.programmes.messages import coordinators_to_tell
from passerelle.reminders import outbox
from passerelle.reminders.outbox import external_url


def about_match(match: Match) -> str:
    return f"match-{match.id}"


def _coordinators(match_or_batch, actor: User | None) -> list[User]:
    organisation = match_or_batch.programme.organisation
    return [user for user in coordinators_to_tell(organisation)
            if actor is None or user.id != actor.id]


def _need_title(match: Match, user: User) -> str:
    return match.need.text("title", user.locale)


def _to_coordinators(kind: str, match: Match, actor: User | None, subject, template: str,
                     now: datetime, **context) -> None:
    link = external_url("matching.match", match_id=match.id)
    for user in _coordinators(match, actor):
        title = _need_title(match, user)
        outbox.write(kind, user, subject(title), f"matching/mail/{template}.txt",
                     about=about_match(match), occurrence=kind, now=now, match=match,
                     need_title=title, volunteer=match.user.name, link=link, **context)


def proposed(match: Match, actor: User, now: datetime) -> None:
    _to_coordinators("match-proposed", match, actor,
                     lambda title: _l("A match to approve: %(need)s", need=title),
                     "proposed", now, proposer=actor.name)


def withdrawn(match: Match) -> None:
    """A proposal withdrawn before any coordinator decided: its announcement, if not yet
    sent, does not go."""
    outbox.cancel(about_match(match), ("match-proposed",))


def batch_proposed(batch: MatchBatch, count: int, actor: User, now: datetime) -> None:
    link = external_url("matching.batch", batch_id=batch.id)
    for user in _coordinators(batch, actor):
        name = batch.programme.text("name", user.locale)
        outbox.write("match-proposed", user,
                     _l("%(count)s matches to approve in %(programme)s", count=count,
                        programme=name),
                     "matching/mail/batch_proposed.txt", about=f"batch-{batch.id}",
                     occurrence="proposed", now=now, count=count, programme_name=name,
                     proposer=actor.name, link=link)


def approved(match: Match, now: datetime) -> None:
    user = match.user
    title = _need_title(match, user)
    outbox.write("match-approved", user, _l("A match proposed to you: %(need)s", need=title),
                 "matching/mail/approved.txt", about=about_match(match), occurrence="approved",
                 now=now, match=match, need_title=title,
                 organisation_name=match.need.organisation.name,
                 link=external_url("matching.match", match_id=match.id))


def refused(match: Match, actor: User, now: datetime) -> None:
    """To whoever proposed it, when someone else refused it."""
    proposer = match.proposed_by if match.proposed_by_id != actor.id else None
    if proposer is None:
        return
    title = _need_title(match, proposer)
    outbox.write("match-refused", proposer, _l("A proposal refused: %(need)s", need=title),
                 "matching/mail/refused.txt", about=about_match(match), occurrence="refused",
                 now=now, match=match, need_title=title, volunteer=match.user.name,
                 link=external_url("matching.candidates", need_id=match.need_id))


def accepted(match: Match, now: datetime) -> None:
    _to_coordinators("match-accepted", match, None,
                     lambda title: _l("Match accepted: %(need)s", need=title), "accepted", now)


def contact(match: Match, actor: User, now: datetime) -> None:
    """A contact recorded in a sponsorship pool (matching/pool.py): to the coordinators,
    except the one who recorded it."""
    _to_coordinators("match-contact", match, actor,
                     lambda title: _l("A contact recorded: %(need)s", need=title), "contact",
                     now, recorded_by=actor.name)


def declined(match: Match, now: datetime) -> None:
    _to_coordinators("match-declined", match, None,
                     lambda title: _l("Match declined: %(need)s", need=title), "declined", now,
                     next_link=external_url("matching.candidates", need_id=match.need_id))


def lapsed(match: Match, now: datetime) -> None:
    _to_coordinators("match-lapsed", match, None,
                     lambda title: _l("No answer in time: %(need)s", need=title), "lapsed", now,
                     next_link=external_url("matching.candidates", need_id=match.need_id))
    user = match.user
    title = _need_title(match, user)
    outbox.write("match-lapsed-volunteer", user,
                 _l("The proposal has lapsed: %(need)s", need=title),
                 "matching/mail/lapsed_volunteer.txt", about=about_match(match),
                 occurrence="lapsed", now=now, match=match, need_title=title,
                 link=external_url("matching.fits_me"))


def ended(match: Match, now: datetime) -> None:
    user = match.user
    title = _need_title(match, user)
    outbox.write("match-ended", user, _l("Your match has ended: %(need)s", need=title),
                 "matching/mail/ended.txt", about=about_match(match), occurrence="ended",
                 now=now, match=match, need_title=title,
                 link=external_url("matching.match", match_id=match.id))
