"""Load the seed directory (data/directory.yaml) into the database.

Idempotent: a second run changes nothing; after an edit of the file the database follows.
Organisations and programmes that left the file are unlisted, not deleted, so that the
people and records attached to them stay.
"""

from dataclasses import dataclass, field
from importlib import resources

import yaml
from sqlalchemy import select

from passerelle.data import places
from passerelle.data.check_directory import Checker
from passerelle.extensions import db
from passerelle.organisations.models import NetworkMembership, Organisation, Programme
from passerelle.programmes.setup import seed_requirements


class DirectoryInvalid(Exception):
    def __init__(self, problems: list[str]):
        super().__init__(f"{len(problems)} problem(s) in the directory")
        self.problems = problems


ORGANISATION_FIELDS = ("name", "full_name", "kind", "country", "city", "postcode", "address",
                       "phone", "email", "website", "founded")


@dataclass
class SeedReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unlisted: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.unlisted)


def read_directory(text: str | None = None) -> dict:
    if text is None:
        text = resources.files("passerelle.data").joinpath("directory.yaml").read_text("utf-8")
    return yaml.safe_load(text)


def problems(directory, complete: bool = False) -> list[str]:
    """What is wrong with a directory file; nothing is loaded unless this is empty.
    `complete` also asks that every organisation of the seed texts is there."""
    checker = Checker()
    organisations, _programmes = checker.check(directory)
    if complete:
        checker.check_complete(organisations)
    return checker.errors


def load_directory(directory: dict) -> SeedReport:
    found = problems(directory)
    if found:
        raise DirectoryInvalid(found)
    report = SeedReport()
    by_slug = {o.slug: o for o in db.session.scalars(select(Organisation))}
    programmes = {p.slug: p for p in db.session.scalars(select(Programme))}
    for entry in directory["organisations"]:
        organisation = by_slug.get(entry["slug"])
        if organisation is None:
            organisation = by_slug[entry["slug"]] = Organisation(slug=entry["slug"])
            db.session.add(organisation)
            report.created.append(entry["slug"])
        # Once its coordinators edit the profile here, they keep it.
        values = ({"is_listed": True} if organisation.edited_at is not None
                  else _organisation_values(entry))
        changed = _apply(organisation, values)
        if changed and entry["slug"] not in report.created:
            report.updated.append(entry["slug"])
        for item in entry.get("programmes") or []:
            programme = programmes.get(item["slug"])
            if programme is None:
                programme = programmes[item["slug"]] = Programme(slug=item["slug"])
                db.session.add(programme)
                report.created.append(item["slug"])
            if programme.edited_at is not None:
                continue  # the organisation has taken it over on the platform
            values = _programme_values(item) | {"organisation": organisation}
            if _apply(programme, values) and item["slug"] not in report.created:
                report.updated.append(item["slug"])
    _unlist_missing(directory, by_slug, programmes, report)
    db.session.flush()
    _sync_networks(directory, by_slug, report)
    _seed_requirements(directory, programmes, report)
    db.session.commit()
    return report


def _organisation_values(entry: dict) -> dict:
    values = {key: entry.get(key) for key in ORGANISATION_FIELDS}
    values["postcode"] = str(entry["postcode"]) if entry.get("postcode") else None
    values["place_refnis"] = _refnis(entry)
    values["is_listed"] = True
    for code in ("fr", "nl", "en"):
        values[f"description_{code}"] = entry["description"][code].strip()
    values["seed_sources"] = {"files": list(entry["source"]),
                              "claims": entry.get("sources") or {},
                              "printed": entry.get("printed") or {}}
    return values


def _programme_values(item: dict) -> dict:
    values = {
        "kind": item["kind"],
        "since": item.get("since"),
        "facts": item.get("facts") or {},
        "cities": [_city_key(city) for city in item.get("cities") or []],
        "audiences": list(item.get("audiences") or []),
        "contact": item.get("contact") or {},
        "seed_sources": item.get("sources") or {},
        "is_listed": True,
    }
    for code in ("fr", "nl", "en"):
        values[f"name_{code}"] = item["name"][code].strip()
        values[f"description_{code}"] = item["description"][code].strip()
    return values


def _refnis(entry: dict) -> str | None:
    if entry.get("country", "BE") != "BE" or not entry.get("city"):
        return None
    text = f"{entry.get('postcode') or ''} {entry['city']}".strip()
    place = places.resolve(text) or places.resolve(entry["city"])
    return place.refnis if place else None


def _city_key(city: str) -> str:
    place = places.resolve(city)
    return place.refnis if place else city


def _apply(record, values: dict) -> bool:
    """Set only what differs; True when something did."""
    changed = False
    for key, value in values.items():
        if getattr(record, key) != value:
            setattr(record, key, value)
            changed = True
    return changed


def _unlist_missing(directory, by_slug, programmes, report) -> None:
    organisation_slugs = {entry["slug"] for entry in directory["organisations"]}
    programme_slugs = {item["slug"] for entry in directory["organisations"]
                       for item in entry.get("programmes") or []}
    for slug, organisation in by_slug.items():
        if slug not in organisation_slugs and organisation.is_listed:
            organisation.is_listed = False
            report.unlisted.append(slug)
    for slug, programme in programmes.items():
        if slug not in programme_slugs and programme.is_listed and programme.edited_at is None:
            programme.is_listed = False
            report.unlisted.append(slug)


def _seed_requirements(directory, programmes, report) -> None:
    """A programme's first requirements come from the file; then its coordinators own them."""
    for entry in directory["organisations"]:
        for item in entry.get("programmes") or []:
            if item.get("requirements") and seed_requirements(programmes[item["slug"]],
                                                              item["requirements"]):
                report.created.append(f"requirements {item['slug']}")


def _sync_networks(directory, by_slug, report) -> None:
    wanted: dict[tuple[int, int], bool] = {}
    for entry in directory["organisations"]:
        member = by_slug[entry["slug"]]
        for network in entry.get("member_of") or []:
            wanted.setdefault((by_slug[network].id, member.id), False)
        for network in entry.get("coordinates") or []:
            wanted[(by_slug[network].id, member.id)] = True
    existing = {(row.network_id, row.member_id): row
                for row in db.session.scalars(select(NetworkMembership))}
    for key, row in existing.items():
        if key not in wanted:
            db.session.delete(row)
            report.updated.append(f"network {key}")
        elif row.is_coordinator != wanted[key]:
            row.is_coordinator = wanted[key]
            report.updated.append(f"network {key}")
    for (network_id, member_id), is_coordinator in wanted.items():
        if (network_id, member_id) not in existing:
            db.session.add(NetworkMembership(network_id=network_id, member_id=member_id,
                                             is_coordinator=is_coordinator))
            report.created.append(f"network {network_id}<-{member_id}")
