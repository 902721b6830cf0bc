"""Check the seed directory (directory.yaml) against its schema and print what it holds.

    python -m passerelle.data.check_directory [--seeds DIR] [path/to/directory.yaml]

`flask seed` runs the same check and loads nothing when it finds a problem.

Exits with status 1 and lists every problem found, or prints the organisation and programme
counts. Every fact, requirement, place, audience, year and contact names its source: the
seed file and the words it rests on; an entry without one is a problem. With --seeds DIR (the
seed texts, which are not shipped), every quoted passage must be in its file word for word.
Belgian place names are checked against places_be.csv and language codes against the
languages the platform matches on, when those modules can be imported.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path

import yaml

from passerelle.core.languages import is_language
from passerelle.core.skills import SKILLS as SKILL_NAMES
from passerelle.data import places
from passerelle.data.seeds import SEEDS
from passerelle.organisations.audiences import AUDIENCES
from passerelle.organisations.facts import FACTS_BY_KIND
from passerelle.organisations.models import OrganisationKind, ProgrammeKind
from passerelle.programmes.models import DETENTION_CENTRES

HERE = Path(__file__).resolve().parent

LANGUAGES = ("en", "fr", "nl")
SEED_FILES = set(SEEDS)

ORGANISATION_KINDS = {kind.value for kind in OrganisationKind}
PROGRAMME_KINDS = {kind.value for kind in ProgrammeKind}

REQUIRED_ORGANISATION_KEYS = {"slug", "name", "kind", "country", "description", "programmes",
                              "source"}
OPTIONAL_ORGANISATION_KEYS = {"full_name", "city", "postcode", "address", "phone", "email",
                              "website", "founded", "member_of", "coordinates", "printed",
                              "sources"}
REQUIRED_PROGRAMME_KEYS = {"slug", "kind", "name", "description"}
OPTIONAL_PROGRAMME_KEYS = {"cities", "since", "facts", "requirements", "audiences", "contact",
                           "sources"}
# What must name its source, besides every fact and requirement.
SOURCED_ORGANISATION_KEYS = ("founded",)
SOURCED_PROGRAMME_KEYS = ("cities", "since", "audiences", "contact")
CONTACT_KEYS = {"name", "phone", "email"}
PRINTED_KEYS = {"phone", "email", "website"}
REQUIREMENT_KEYS = {"interview": bool, "charter": bool, "minimum_age": int,
                    "accreditation_places": list, "trainings": list}
SKILLS = set(SKILL_NAMES)

# Every organisation the seed texts present (shared/seeds/000 to 004).
EXPECTED_SLUGS = {
    # 000
    "vluchtelingenwerk-vlaanderen", "detention-action", "menedek", "france-terre-d-asile", "ecre",
    # 001
    "jrs-belgium", "jrs-europe",
    # 002 (and 004)
    "cire", "community-land-trust-bruxelles", "move", "en-gaje", "fesefa", "migreurop",
    "plate-forme-mineurs-en-exil", "picum", "groupe-transit",
    # 003: the carrier of the Caravane, then the booklet's 23 organisations (CIRÉ is above)
    "coordination-des-sans-papiers",
    "aide-aux-personnes-deplacees", "caravane-des-migrants", "caritas-international",
    "centre-social-protestant", "collectif-des-femmes", "community-support-for-refugees",
    "convivial", "cpas-thuin", "cric-charleroi", "duo-for-a-job", "exil", "maison-des-migrants",
    "medecins-du-monde", "migrakot", "plate-forme-citoyenne", "pop-up-factory", "safe-space",
    "seso", "singa", "togather-one", "up-together", "we-can-help",
}

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
COUNTRY = re.compile(r"^([A-Z]{2})$")
POSTCODE = re.compile(r"^[1-9][0-9]{3}$")
EMAIL = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")
WEBSITE = re.compile(r"^https?://[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+(/\S*)?$")
LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}$")
SENTENCE_END = re.compile(r"(?<=[.!?])[\"'»”)]?\s+")


class Checker:
    def __init__(self, seed_texts: dict[str, str] | None = None) -> None:
        self.errors: list[str] = []
        self.places, self.is_language = places, is_language
        # file name -> its text with whitespace collapsed, to check quotes; None: not checked
        self.seed_texts = seed_texts

    def error(self, where: str, message: str) -> None:
        self.errors.append(f"{where}: {message}")

    # ------------------------------------------------------------------ helpers

    def is_int(self, value) -> bool:
        return isinstance(value, int) and not isinstance(value, bool)

    def text(self, where: str, value, *, required: bool = True) -> bool:
        if not isinstance(value, str) or not value.strip():
            if required or value is not None:
                self.error(where, "must be a non-empty string")
            return False
        return True

    def sentences(self, text: str) -> int:
        return len([s for s in SENTENCE_END.split(text.strip()) if s.strip()])

    def texts(self, where: str, value, sentences: tuple[int, int] | None = None) -> None:
        """A mapping with exactly en, fr and nl, each non-empty (and within a sentence count)."""
        if not isinstance(value, dict):
            self.error(where, "must be a mapping with en, fr and nl")
            return
        if set(value) != set(LANGUAGES):
            self.error(where, f"must have exactly the keys en, fr, nl (has {sorted(value)})")
        for code in LANGUAGES:
            item = value.get(code)
            if not self.text(f"{where}.{code}", item):
                continue
            if sentences:
                low, high = sentences
                count = self.sentences(item)
                if not low <= count <= high:
                    self.error(f"{where}.{code}",
                               f"{count} sentences, expected {low} to {high}")

    def place(self, where: str, name: str, postcode: str | None = None) -> None:
        """A Belgian municipality, spelt exactly as in French or Dutch."""
        if self.places is None:
            return
        found = self.places.resolve(name)
        if found is None or name not in (found.name_fr, found.name_nl):
            self.error(where, f"{name!r} is not the exact name of a Belgian municipality")
            return
        if postcode and postcode not in found.postcodes:
            self.error(where, f"postcode {postcode} is not one of {found.name_fr}'s")

    # ------------------------------------------------------------------ the file

    def check(self, data) -> tuple[list[dict], list[dict]]:
        if not isinstance(data, dict) or set(data) != {"organisations"}:
            self.error("top level", "must be a mapping with the single key 'organisations'")
            return [], []
        organisations = data["organisations"]
        if not isinstance(organisations, list) or not organisations:
            self.error("organisations", "must be a non-empty list")
            return [], []
        organisations = [o for o in organisations if self.organisation_shape(o)]
        kinds = {o["slug"]: o.get("kind") for o in organisations}
        counts = Counter(o["slug"] for o in organisations)
        for slug, count in counts.items():
            if count > 1:
                self.error(slug, f"organisation slug used {count} times")
        programmes: list[dict] = []
        for organisation in organisations:
            programmes.extend(self.organisation(organisation, kinds))
        counts = Counter(p["slug"] for p in programmes if isinstance(p.get("slug"), str))
        for slug, count in counts.items():
            if count > 1:
                self.error(slug, f"programme slug used {count} times")
        return organisations, programmes

    def check_complete(self, organisations) -> None:
        """The shipped file presents every organisation of the seed texts. (The loader does
        not ask this: an organisation removed from the file is unlisted.)"""
        missing = EXPECTED_SLUGS - {entry.get("slug") for entry in organisations}
        if missing:
            self.error("organisations", f"missing from the seeds: {', '.join(sorted(missing))}")

    def organisation_shape(self, entry) -> bool:
        if not isinstance(entry, dict):
            self.error("organisations", f"every entry must be a mapping, not {entry!r}")
            return False
        slug = entry.get("slug")
        if not isinstance(slug, str) or not SLUG.match(slug):
            self.error(f"organisation {slug!r}", "slug must match [a-z0-9-]+")
            return False
        return True

    def organisation(self, entry: dict, kinds: dict[str, str]) -> list[dict]:
        slug = entry["slug"]
        keys = set(entry)
        for key in sorted(REQUIRED_ORGANISATION_KEYS - keys):
            self.error(slug, f"missing required key '{key}'")
        for key in sorted(keys - REQUIRED_ORGANISATION_KEYS - OPTIONAL_ORGANISATION_KEYS):
            self.error(slug, f"unknown key '{key}'")

        self.text(f"{slug}.name", entry.get("name"))
        if "full_name" in entry:
            self.text(f"{slug}.full_name", entry["full_name"])
        kind = entry.get("kind")
        if kind not in ORGANISATION_KINDS:
            self.error(slug, f"kind {kind!r} is not one of {sorted(ORGANISATION_KINDS)}")
        country = entry.get("country")
        if not isinstance(country, str) or not COUNTRY.match(country):
            self.error(slug, f"country {country!r} must be two capital letters (ISO, EU for "
                             "European bodies, XX for international ones)")
        self.contact(slug, entry, country)
        if "founded" in entry and not (self.is_int(entry["founded"])
                                       and 1800 <= entry["founded"] <= 2100):
            self.error(slug, f"founded {entry['founded']!r} must be a year")
        self.texts(f"{slug}.description", entry.get("description"), sentences=(2, 4))
        self.networks(slug, entry, kinds)
        source = entry.get("source")
        if not isinstance(source, list) or not source \
                or not all(isinstance(name, str) and name in SEED_FILES for name in source):
            self.error(slug, f"source {source!r} must list seed files, one of "
                             f"{sorted(SEED_FILES)}")
        self.printed(slug, entry)
        self.sources(slug, entry.get("sources"),
                     [key for key in SOURCED_ORGANISATION_KEYS if key in entry])

        programmes = entry.get("programmes")
        if not isinstance(programmes, list):
            self.error(slug, "programmes must be a list (empty for a pure network)")
            return []
        if not programmes and kind != "network":
            self.error(slug, "only networks may have no programme; give at least one of "
                             "kind information")
        valid = []
        for index, programme in enumerate(programmes):
            if self.programme(slug, index, programme, country):
                valid.append(programme)
        return valid

    def contact(self, slug: str, entry: dict, country) -> None:
        for key in ("address", "phone"):
            if key in entry:
                self.text(f"{slug}.{key}", entry[key])
        if "email" in entry and not (isinstance(entry["email"], str)
                                     and EMAIL.match(entry["email"])):
            self.error(slug, f"email {entry['email']!r} is not an e-mail address")
        if "website" in entry and not (isinstance(entry["website"], str)
                                       and WEBSITE.match(entry["website"])):
            self.error(slug, f"website {entry['website']!r} must be a full URL with its scheme")
        postcode = entry.get("postcode")
        if postcode is not None:
            if country != "BE":
                self.error(slug, "postcode is for Belgian organisations only")
            elif not isinstance(postcode, str) or not POSTCODE.match(postcode):
                self.error(slug, f"postcode {postcode!r} must be a quoted four-digit string")
        city = entry.get("city")
        if city is not None and self.text(f"{slug}.city", city) and country == "BE":
            self.place(f"{slug}.city", city, postcode if isinstance(postcode, str) else None)

    def networks(self, slug: str, entry: dict, kinds: dict[str, str]) -> None:
        lists = {}
        for key in ("member_of", "coordinates"):
            if key not in entry:
                continue
            value = entry[key]
            if not isinstance(value, list) or not value:
                self.error(slug, f"{key} must be a non-empty list of network slugs")
                continue
            lists[key] = value
            for network in value:
                if network == slug:
                    self.error(slug, f"{key} names the organisation itself")
                elif network not in kinds:
                    self.error(slug, f"{key}: no organisation {network!r}")
                elif kinds[network] != "network":
                    self.error(slug, f"{key}: {network!r} is of kind {kinds[network]!r}, "
                                     "not network")
            if len(set(value)) != len(value):
                self.error(slug, f"{key} repeats a slug")
        both = set(lists.get("member_of", [])) & set(lists.get("coordinates", []))
        if both:
            self.error(slug, f"{sorted(both)} in both member_of and coordinates "
                             "(coordinating implies membership)")

    # ------------------------------------------------------------------ programmes

    def programme(self, owner: str, index: int, item, country) -> bool:
        where = f"{owner}.programmes[{index}]"
        if not isinstance(item, dict):
            self.error(where, "must be a mapping")
            return False
        slug = item.get("slug")
        if not isinstance(slug, str) or not SLUG.match(slug):
            self.error(where, f"slug {slug!r} must match [a-z0-9-]+")
            return False
        where = f"{owner}/{slug}"
        keys = set(item)
        for key in sorted(REQUIRED_PROGRAMME_KEYS - keys):
            self.error(where, f"missing required key '{key}'")
        for key in sorted(keys - REQUIRED_PROGRAMME_KEYS - OPTIONAL_PROGRAMME_KEYS):
            self.error(where, f"unknown key '{key}'")
        kind = item.get("kind")
        if kind not in PROGRAMME_KINDS:
            self.error(where, f"kind {kind!r} is not one of {sorted(PROGRAMME_KINDS)}")
        self.texts(f"{where}.name", item.get("name"))
        self.texts(f"{where}.description", item.get("description"), sentences=(1, 3))
        if "since" in item and not (self.is_int(item["since"]) and 1800 <= item["since"] <= 2100):
            self.error(where, f"since {item['since']!r} must be a year")
        if "cities" in item:
            cities = item["cities"]
            if not isinstance(cities, list) or not cities:
                self.error(where, "cities must be a non-empty list")
            else:
                for city in cities:
                    if self.text(f"{where}.cities", city) and country == "BE":
                        self.place(f"{where}.cities", city)
        if "facts" in item:
            self.facts(where, kind, item["facts"])
        if "requirements" in item:
            self.requirements(where, item["requirements"])
        if "audiences" in item:
            self.audiences(where, item["audiences"])
        if "contact" in item:
            self.programme_contact(where, item["contact"])
        claims = [key for key in SOURCED_PROGRAMME_KEYS if key in item]
        for group in ("facts", "requirements"):
            if isinstance(item.get(group), dict):
                claims.extend(item[group])
        self.sources(where, item.get("sources"), claims)
        return True

    # ------------------------------------------------------------------ sources

    def sources(self, where: str, spec, claims: list[str]) -> None:
        """Each claim names its seed file and quotes the words it rests on; no source is
        left over without its claim."""
        if spec is None:
            spec = {}
        if not isinstance(spec, dict):
            self.error(where, "sources must be a mapping of a fact to {seed, quote}")
            return
        for claim in claims:
            if claim not in spec:
                self.error(where, f"'{claim}' names no source: add sources.{claim} with the "
                                  "seed file and the words it rests on")
        for claim, ref in spec.items():
            if claim not in claims:
                self.error(where, f"sources.{claim}: no such fact or requirement here")
                continue
            if not isinstance(ref, dict) or set(ref) != {"seed", "quote"}:
                self.error(where, f"sources.{claim} must be {{seed: FILE, quote: WORDS}}")
                continue
            if ref["seed"] not in SEED_FILES:
                self.error(where, f"sources.{claim}: seed {ref['seed']!r} is not one of "
                                  f"{sorted(SEED_FILES)}")
            elif not isinstance(ref["quote"], str) or len(ref["quote"].split()) < 2:
                self.error(where, f"sources.{claim}: quote the words of the seed (two or more)")
            elif self.seed_texts is not None and _collapse(ref["quote"]) \
                    not in self.seed_texts.get(ref["seed"], ""):
                self.error(where, f"sources.{claim}: not in {ref['seed']}: {ref['quote']!r}")

    def audiences(self, where: str, value) -> None:
        if not isinstance(value, list) or not value:
            self.error(where, "audiences must be a non-empty list")
            return
        for key in value:
            if key not in AUDIENCES:
                self.error(where, f"audience {key!r} is not one of {sorted(AUDIENCES)}")
        if len(set(map(str, value))) != len(value):
            self.error(where, "audiences repeats a value")

    def programme_contact(self, where: str, value) -> None:
        if not isinstance(value, dict) or not value or not set(value) <= CONTACT_KEYS:
            self.error(where, f"contact must be a mapping of {sorted(CONTACT_KEYS)}")
            return
        for key, text in value.items():
            if self.text(f"{where}.contact.{key}", text) and key == "email" \
                    and not EMAIL.match(text):
                self.error(where, f"contact email {text!r} is not an e-mail address")

    def printed(self, slug: str, entry: dict) -> None:
        """A contact completed or corrected keeps the text the seed prints."""
        if "printed" not in entry:
            return
        value = entry["printed"]
        if not isinstance(value, dict) or not value:
            self.error(slug, "printed must be a mapping of a contact field to the seed's text")
            return
        for key, text in value.items():
            if key not in PRINTED_KEYS or key not in entry:
                self.error(slug, f"printed.{key}: not a contact field of this entry")
            elif self.text(f"{slug}.printed.{key}", text) and text == entry[key]:
                self.error(slug, f"printed.{key} is the same as {key}: nothing was corrected")

    def requirements(self, where: str, spec) -> None:
        """What a volunteer needs before a match: see programmes/models.py Requirements."""
        if not isinstance(spec, dict):
            self.error(where, "requirements must be a mapping")
            return
        for key, value in spec.items():
            expected = REQUIREMENT_KEYS.get(key)
            if expected is None:
                self.error(where, f"requirement '{key}' is not one of {sorted(REQUIREMENT_KEYS)}")
            elif not (self.is_int(value) if expected is int else isinstance(value, expected)):
                self.error(where, f"requirement '{key}' must be of type {expected.__name__}")
        for place in spec.get("accreditation_places") or []:
            if place not in DETENTION_CENTRES:
                self.error(where, f"accreditation place {place!r} is not one of "
                                  f"{sorted(DETENTION_CENTRES)}")
        for names in spec.get("trainings") or []:
            self.texts(f"{where}.trainings", names)

    def facts(self, where: str, kind, facts) -> None:
        if not isinstance(facts, dict):
            self.error(where, "facts must be a mapping")
            return
        allowed = FACTS_BY_KIND.get(kind, {})
        for key, value in facts.items():
            if key not in allowed:
                self.error(where, f"fact '{key}' is not allowed for kind {kind!r}")
                continue
            expected = allowed[key]
            good = self.is_int(value) if expected is int else isinstance(value, expected)
            if not good:
                self.error(where, f"fact '{key}' must be of type {expected.__name__}")
            elif expected is int and value <= 0:
                self.error(where, f"fact '{key}' must be positive")
            elif expected is bool and value is not True:
                self.error(where, f"fact '{key}': state only what the seed says (true), "
                                  "leave it out otherwise")
            elif expected is list:
                self.fact_list(where, key, value)
        low, high = facts.get("sessions_per_week_min"), facts.get("sessions_per_week_max")
        if self.is_int(low) and self.is_int(high) and low > high:
            self.error(where, "sessions_per_week_min is above sessions_per_week_max")

    def fact_list(self, where: str, key: str, values: list) -> None:
        if not values:
            self.error(where, f"fact '{key}' must not be empty")
        if len(set(map(str, values))) != len(values):
            self.error(where, f"fact '{key}' repeats a value")
        for value in values:
            if key == "skills" and value not in SKILLS:
                self.error(where, f"skill {value!r} is not one of {sorted(SKILLS)}")
            elif key == "family_languages":
                if not isinstance(value, str) or not LANGUAGE_CODE.match(value):
                    self.error(where, f"language {value!r} must be an ISO 639-1/639-3 code")
                elif self.is_language is not None and not self.is_language(value):
                    self.error(where, f"language {value!r} is not one the platform matches on")
            elif key == "centres" and not (isinstance(value, str) and value.strip()):
                self.error(where, f"centre {value!r} must be a non-empty string")


def _collapse(text: str) -> str:
    return " ".join(text.split())


def read_seed_texts(folder: Path) -> dict[str, str]:
    return {name: _collapse((folder / name).read_text(encoding="utf-8"))
            for name in SEED_FILES if (folder / name).is_file()}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="check_directory")
    parser.add_argument("--seeds", type=Path, help="the folder of the seed texts")
    parser.add_argument("path", nargs="?", type=Path, default=HERE / "directory.yaml")
    args = parser.parse_args(argv[1:])
    path = args.path
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        seed_texts = read_seed_texts(args.seeds) if args.seeds else None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        print(f"{path}: cannot read: {exc}")
        return 1
    if seed_texts is not None and set(seed_texts) != SEED_FILES:
        print(f"{args.seeds}: missing {', '.join(sorted(SEED_FILES - set(seed_texts)))}")
        return 1
    checker = Checker(seed_texts)
    organisations, programmes = checker.check(data)
    checker.check_complete(organisations)
    if checker.errors:
        print(f"{path}: {len(checker.errors)} problem(s)")
        for message in checker.errors:
            print(f"  - {message}")
        return 1
    print(f"{path}: OK")
    print(f"organisations: {len(organisations)}")
    for kind, count in sorted(Counter(o["kind"] for o in organisations).items()):
        print(f"  {kind:24} {count}")
    print(f"programmes: {len(programmes)}")
    for kind, count in sorted(Counter(p["kind"] for p in programmes).items()):
        print(f"  {kind:24} {count}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
