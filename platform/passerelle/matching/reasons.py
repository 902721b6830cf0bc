"""The rules' refusals and the score's parts as words a person reads, in their language."""

from collections.abc import Mapping

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from passerelle.core import week
from passerelle.core.dates import format_day
from passerelle.core.languages import language_in_sentence
from passerelle.core.skills import SKILLS
from passerelle.matching.rules import Refusal, Rule
from passerelle.programmes.models import DETENTION_CENTRES, STATUS_LABELS, ApplicationStatus
from passerelle.programmes.reasons import explain
from passerelle.volunteers.choices import LEVELS

# One line per rule, for the counts of excluded volunteers ("41 excluded: no common language").
RULE_TITLES = {
    Rule.application: _l("Application not active"),
    Rule.already: _l("Already matched"),
    Rule.accreditation: _l("Not accredited for the centre"),
    Rule.language: _l("No common language"),
    Rule.distance: _l("Too far"),
    Rule.availability: _l("Not free at the times asked"),
    Rule.dates: _l("Dates do not fit"),
    Rule.skills: _l("A required skill is missing"),
    Rule.load: _l("At their limit of matches"),
    Rule.excluded: _l("Excluded by the organisation"),
}

PART_TITLES = {
    "sector": _l("Same professional sector"),
    "languages": _l("Shared languages"),
    "distance": _l("Distance"),
    "availability": _l("Free at the times asked"),
    "interests": _l("Shared interests"),
    "waiting": _l("Time waited"),
    "isolation": _l("Isolation"),
    "load": _l("Not placed yet (spreads the work)"),
    "urgency": _l("Urgency"),
}

NO_APPLICATION = _l("Apply to the programme first.")


def rule_title(rule: str) -> str:
    return str(RULE_TITLES[Rule(rule)])


def part_title(part: str) -> str:
    return str(PART_TITLES.get(part, part))


def _or(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return str(_l("%(first)s or %(last)s", first=", ".join(names[:-1]), last=names[-1]))


def sentence(refusal: Refusal, locale: str, training_names: Mapping[str, str]) -> str:
    """The refusal with its detail: "No common language: the need asks for Dari or Pashto",
    in `locale` whatever the request's language (a mail to a volunteer, an export)."""
    with force_locale(locale):
        return _sentence(refusal, locale, training_names)


def _sentence(refusal: Refusal, locale: str, training_names: Mapping[str, str]) -> str:
    detail = refusal.detail
    match refusal.rule:
        case Rule.application:
            if "finding" in detail:
                return explain(detail["finding"], training_names)
            if detail["status"] == "none":
                return str(NO_APPLICATION)
            label = STATUS_LABELS[ApplicationStatus(detail["status"])]
            return str(_l("The application is not active (%(status)s).", status=label))
        case Rule.accreditation:
            centre = DETENTION_CENTRES.get(detail["centre"], detail["centre"])
            return str(_l("Not accredited for %(centre)s.", centre=centre))
        case Rule.language:
            names = [language_in_sentence(code, locale) for code in detail["languages"]]
            return str(_l("No common language: the need asks for %(languages)s (%(level)s "
                          "at least).", languages=_or(names),
                          level=str(LEVELS[detail["level"]]).lower()))
        case Rule.distance:
            if detail["km"] is None:
                return str(_l("No municipality in the profile: the distance is unknown."))
            return str(_l("Lives %(km)s km away, travels %(travel)s km.", km=detail["km"],
                          travel=detail["travel"]))
        case Rule.availability:
            missing = [week.day_part(day, part) for day in range(7) for part in range(3)
                       if detail["missing"] & week.bit(day, part)]
            return str(_l("Free for %(covered)s of the %(needed)s day parts asked (not free: "
                          "%(missing)s).", covered=detail["covered"], needed=detail["needed"],
                          missing=", ".join(missing)))
        case Rule.dates:
            if "max" in detail:
                return str(_l("The stay lasts %(days)s days, more than the %(max)s the "
                              "programme allows per home.", days=detail["days"],
                              max=detail["max"]))
            return str(_l("No room free for the whole stay, %(first)s to %(last)s.",
                          first=format_day(detail["from"], locale),
                          last=format_day(detail["to"], locale)))
        case Rule.skills:
            names = [str(SKILLS.get(key, key)) for key in detail["skills"]]
            return str(_l("Missing: %(skills)s.", skills=", ".join(names)))
        case Rule.load:
            return str(_l("Already has %(current)s matches, their limit is %(max)s.",
                          current=detail["current"], max=detail["max"]))
        case Rule.already:
            if detail["with"] == "person":
                return str(_l("Already matched with this person."))
            return str(_l("Already proposed or matched for this need."))
        case Rule.excluded:
            return str(_l("Excluded by the organisation: %(reason)s", reason=detail["reason"]))
    raise ValueError(refusal.rule)
