"""What the public page shows of each open need, made ready in Python before rendering.

A card's template called a dozen functions per need (links, labels, dates, places,
languages), each through Jinja's call machinery and Flask-Babel's lookups: most of the
page's time. Here each link is made once per programme and organisation, each sentence
translated once per page, and the template only prints fields.
"""

from dataclasses import dataclass

from flask import url_for
from flask_babel import gettext

from passerelle.core.dates import format_day
from passerelle.core.i18n import translated
from passerelle.core.languages import language_name
from passerelle.core.skills import SKILLS
from passerelle.core.week import weekly_grid_options
from passerelle.data import places
from passerelle.needs.services import grid_of


@dataclass(frozen=True)
class NeedCard:
    id: int
    title: str
    description: str
    urgent: bool
    organisation_name: str
    organisation_url: str
    programme_name: str
    programme_url: str
    kind_label: str
    place: str
    km: str  # "(3 km away)", or "" without a place to measure from
    people_needed: int
    dates: str
    moments: str
    languages: str
    skills: str


def help_cards(items: list, locale: str) -> list[NeedCard]:
    """Cards for (need, km or None) pairs, in the current language."""
    grid, skills = translated(weekly_grid_options()), translated(SKILLS)
    away, since, until = (gettext("%(km)s km away"), gettext("from %(date)s"),
                          gettext("until %(date)s"))
    links: dict[tuple[str, str], str] = {}

    def link(endpoint: str, slug: str) -> str:
        if (endpoint, slug) not in links:
            links[endpoint, slug] = url_for(endpoint, slug=slug)
        return links[endpoint, slug]

    cards = []
    for need, km in items:
        dates = " ".join(
            [since % {"date": format_day(need.starts_on, locale)}] * bool(need.starts_on)
            + [until % {"date": format_day(need.ends_on, locale)}] * bool(need.ends_on))
        cards.append(NeedCard(
            id=need.id, title=need.text("title", locale),
            description=need.text("description", locale), urgent=need.urgency == "high",
            organisation_name=need.organisation.name,
            organisation_url=link("organisations.organisation", need.organisation.slug),
            programme_name=need.programme.text("name", locale),
            programme_url=link("organisations.programme", need.programme.slug),
            kind_label=need.programme.kind.label,
            place=places.label_of(need.place_refnis, locale),
            km="" if km is None else f"({away % {'km': int(round(km))}})",
            people_needed=need.people_needed, dates=dates,
            moments=", ".join(grid[key] for key in grid_of(need)),
            languages=", ".join(language_name(code, locale) for code in need.languages),
            skills=", ".join(skills[key] for key in need.skills)))
    return cards


@dataclass(frozen=True)
class NeedRow:
    """A row of an organisation's own list of needs (needs.html)."""

    title: str
    edit_url: str
    person_url: str  # "" when the need is for nobody in particular
    programme_name: str
    place: str
    people_needed: int
    urgency: str
    status: str
    close_url: str  # "" when it is closed already
    candidates_url: str  # "" when the need belongs to no programme


def staff_rows(needs: list, slug: str, locale: str) -> list[NeedRow]:
    return [NeedRow(
        title=need.text("title", locale),
        edit_url=url_for("needs.edit_need", slug=slug, need_id=need.id),
        person_url=(url_for("needs.person", person_id=need.person_id)
                    if need.person_id else ""),
        programme_name=need.programme.text("name", locale) if need.programme else "",
        place=places.label_of(need.place_refnis, locale), people_needed=need.people_needed,
        urgency=need.urgency.label, status=need.status.label,
        close_url=(url_for("needs.close_need", slug=slug, need_id=need.id)
                   if need.status == "open" else ""),
        candidates_url=(url_for("matching.candidates", need_id=need.id)
                        if need.programme_id else ""))
        for need in needs]
