"""The rows of the candidates page, made ready before rendering: a fixed number of
queries for the whole page, and no call per fact from the template."""

from dataclasses import dataclass

from sqlalchemy import select

from passerelle.accounts.models import User
from passerelle.core.languages import language_name
from passerelle.data.places import label_of
from passerelle.extensions import db
from passerelle.matching import reasons, rules
from passerelle.matching.services import Ranked, training_names
from passerelle.organisations.models import Programme
from passerelle.volunteers.choices import LEVELS
from passerelle.volunteers.models import VolunteerProfile


@dataclass(frozen=True)
class PartRow:
    title: str
    points: int
    strong: bool


@dataclass(frozen=True)
class CandidateRow:
    user_id: int
    name: str
    place: str
    km: int | None
    languages: str
    total: int
    parts: list[PartRow]


@dataclass(frozen=True)
class ExcludedRow:
    user_id: int
    name: str
    place: str
    why: str


def _people(user_ids: list[int], locale: str) -> dict[int, tuple[str, str]]:
    """By user id: the name and the municipality."""
    names = dict(db.session.execute(select(User.id, User.name).where(User.id.in_(user_ids))).all())
    places = dict(db.session.execute(select(VolunteerProfile.user_id, VolunteerProfile.place_refnis)
                                     .where(VolunteerProfile.user_id.in_(user_ids))).all())
    return {uid: (names.get(uid, ""), label_of(places.get(uid), locale)) for uid in user_ids}


def _languages(volunteer: rules.Volunteer, locale: str) -> str:
    return ", ".join(f"{language_name(code, locale)} ({str(LEVELS.get(level, '')).lower()})"
                     for code, level in sorted(volunteer.languages.items(),
                                               key=lambda item: (-item[1], item[0])))


def candidate_rows(top: list[Ranked], locale: str) -> list[CandidateRow]:
    people = _people([ranked.volunteer.id for ranked in top], locale)
    return [CandidateRow(
        ranked.volunteer.id, *people[ranked.volunteer.id],
        round(ranked.km) if ranked.km is not None else None,
        _languages(ranked.volunteer, locale), ranked.score.total,
        [PartRow(reasons.part_title(part.name), part.points, part.strong)
         for part in ranked.score.parts]) for ranked in top]


def excluded_rows(group: list[tuple[rules.Volunteer, rules.Refusal]], programme: Programme,
                  locale: str) -> list[ExcludedRow]:
    if not group:
        return []
    people = _people([volunteer.id for volunteer, _refusal in group], locale)
    names = training_names(programme, locale)
    return [ExcludedRow(volunteer.id, *people[volunteer.id],
                        reasons.sentence(refusal, locale, names))
            for volunteer, refusal in group]
