"""A volunteer's side of matching: the open needs of their programmes ranked by the same
rules and score, the ones not open to them with why and what to do, their matches."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from passerelle.accounts.models import User
from passerelle.core.time import day_in_brussels
from passerelle.extensions import db
from passerelle.matching import loading, reasons, rules, scoring
from passerelle.matching.models import Match, MatchStatus
from passerelle.matching.services import weights_by_programme
from passerelle.needs.models import Need, NeedStatus
from passerelle.programmes import sessions
from passerelle.programmes.eligibility import Gap
from passerelle.programmes.models import Application
from passerelle.programmes.reasons import localized_training_names
from passerelle.programmes.services import CHARTER_GAPS, CLOSED, trainings_by_programme

SHOWN = 20
TRAINING_GAPS = (Gap.training_missing, Gap.training_expired)


@dataclass(frozen=True)
class Row:
    need: Need
    score: scoring.Score | None  # None: not open to them
    km: float | None
    why: str = ""
    # What to do: ("charter", application) or ("training", the next session's Offer)
    action: tuple | None = None


@dataclass
class Page:
    fitting: list[Row]
    not_yet: list[Row]
    waiting: list[Match]  # approved, waiting for their answer
    current: list[Match]  # active


def needs_for(user: User, now: datetime, locale: str) -> Page:
    today = day_in_brussels(now)
    applications = list(db.session.scalars(select(Application).where(
        Application.user_id == user.id, Application.status.not_in(CLOSED[:2]))
        .options(selectinload(Application.programme), selectinload(Application.steps))
        .order_by(Application.id)))
    trainings = trainings_by_programme([a.programme_id for a in applications])
    names = localized_training_names(trainings, locale)
    offers = sessions.offers_for(user, applications, trainings, now)
    fitting, not_yet = [], []
    found = loading.in_each_programme(user.id, applications, today)
    weights = weights_by_programme([a.programme for a in applications])
    by_programme = {a.programme_id: a for a in applications}
    for need in db.session.scalars(loading.needs_with_facts(select(Need).where(
            Need.programme_id.in_(list(by_programme)), Need.status == NeedStatus.open)
            .order_by(Need.id))):
        application = by_programme[need.programme_id]
        volunteer = found[need.programme_id]
        facts = loading.need_facts(need, today)
        refusal = rules.check(volunteer, facts)
        km = rules.distance_km(volunteer, facts)
        if refusal is None:
            score = scoring.score(volunteer, facts, weights[need.programme_id])
            fitting.append(Row(need, score, km))
        elif refusal.rule not in (rules.Rule.already, rules.Rule.excluded):
            not_yet.append(Row(need, None, km, reasons.sentence(refusal, locale, names),
                               _action(refusal, application, offers)))
    fitting.sort(key=lambda row: (-row.score.total, row.need.id))
    not_yet.sort(key=lambda row: (row.km is None, row.km or 0, row.need.id))
    mine = list(db.session.scalars(select(Match).where(
        Match.user_id == user.id, Match.status.in_((MatchStatus.approved, MatchStatus.active)))
        .options(selectinload(Match.need), selectinload(Match.programme))
        .order_by(Match.answer_by, Match.id)))
    return Page(fitting[:SHOWN], not_yet[:SHOWN],
                [m for m in mine if m.status == MatchStatus.approved],
                [m for m in mine if m.status == MatchStatus.active])


def _action(refusal: rules.Refusal, application: Application, offers) -> tuple | None:
    finding = refusal.detail.get("finding") if refusal.rule == rules.Rule.application else None
    if finding is None:
        return None
    if finding.gap in CHARTER_GAPS:
        return ("charter", application)
    if finding.gap in TRAINING_GAPS:
        upcoming = [offer for offer in offers.get(application.id, [])
                    if str(offer.training.id) == finding.subject]
        return ("training", upcoming[0]) if upcoming else None
    return None
