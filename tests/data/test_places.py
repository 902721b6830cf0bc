"""Tests of passerelle.data.places (municipality lookup) and the data file it reads."""

import csv
import dataclasses
from collections import Counter
from importlib import resources

import pytest

from passerelle.data import places
from passerelle.data.places import (
    by_refnis,
    candidates,
    distance_between,
    distance_km,
    load_places,
    resolve,
    search,
)

BRUXELLES, ANTWERPEN, LIEGE, SAINT_GILLES, ETTERBEEK = "21004", "11002", "62063", "21013", "21005"


def _csv_rows() -> list[dict[str, str]]:
    source = resources.files("passerelle.data").joinpath("places_be.csv")
    with source.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


# --- the data file ----------------------------------------------------------------------------


def test_csv_header_and_sources():
    rows = _csv_rows()
    assert list(rows[0]) == [
        "refnis", "name_fr", "name_nl", "province_fr", "province_nl", "region",
        "postcodes", "lat", "lon", "coord_source",
    ]  # fmt: skip
    assert [r["refnis"] for r in rows] == sorted(r["refnis"] for r in rows)
    sources = Counter(r["coord_source"] for r in rows)
    allowed = {"geonames", "geonames-alias", "former-municipalities", "canton-centroid"}
    assert set(sources) <= allowed
    assert sources["geonames"] > 400


def test_565_municipalities_with_unique_codes():
    all_places = load_places()
    assert len(all_places) == 565
    assert len({p.refnis for p in all_places}) == 565
    regions = Counter(p.region for p in all_places)
    assert regions == {"flanders": 285, "wallonia": 261, "brussels": 19}


def test_every_municipality_has_coordinates_inside_belgium():
    for place in load_places():
        assert 49.4 <= place.lat <= 51.6, place
        assert 2.5 <= place.lon <= 6.5, place


def test_every_municipality_has_names_and_postcodes():
    for place in load_places():
        assert place.name_fr and place.name_nl
        assert place.postcodes
        assert all(len(code) == 4 and code.isdigit() for code in place.postcodes)


def test_brussels_communes_have_no_province():
    brussels = [p for p in load_places() if p.region == "brussels"]
    assert len(brussels) == 19
    assert all(p.province_fr == "" and p.province_nl == "" for p in brussels)
    assert all(p.refnis.startswith("21") for p in brussels)
    others = [p for p in load_places() if p.region != "brussels"]
    assert all(p.province_fr and p.province_nl for p in others)
    assert by_refnis(LIEGE).province_nl == "Luik"


def test_load_places_is_cached_and_places_are_frozen():
    assert load_places() is load_places()
    with pytest.raises(dataclasses.FrozenInstanceError):
        load_places()[0].lat = 0.0


# --- lookup -----------------------------------------------------------------------------------


def test_by_refnis():
    assert by_refnis(BRUXELLES).name_nl == "Brussel"
    assert by_refnis("00000") is None


def test_resolve_by_postcode():
    assert resolve("1060").refnis == SAINT_GILLES
    assert resolve(" 4000 ").refnis == LIEGE


def test_1000_is_bruxelles_brussel():
    place = resolve("1000")
    assert (place.name_fr, place.name_nl) == ("Bruxelles", "Brussel")


def test_resolve_by_french_and_dutch_name():
    assert resolve("Saint-Gilles").refnis == SAINT_GILLES
    assert resolve("Sint-Gillis").refnis == SAINT_GILLES
    assert resolve("Anvers").refnis == ANTWERPEN
    assert resolve("Antwerpen").refnis == ANTWERPEN
    assert resolve("Luik").refnis == LIEGE


@pytest.mark.parametrize(
    "text", ["Liège", "Liege", "LIEGE", "liège", "  liege  ", "Luik", "4000 Liege", "Liège (4000)"]
)
def test_names_are_accent_and_case_insensitive(text):
    assert resolve(text).refnis == LIEGE


@pytest.mark.parametrize(
    "text", ["sint gillis", "SAINT-GILLES", "saint gilles", "St-Gilles", "1060 Saint-Gilles",
             "Saint-Gilles (1060)", "1060 Sint-Gillis"]
)  # fmt: skip
def test_saint_gilles_spellings(text):
    assert resolve(text).refnis == SAINT_GILLES


@pytest.mark.parametrize(
    "text", ["Braine-l'Alleud", "Braine-l’Alleud", "braine l alleud", "BRAINE-L’ALLEUD", "1420"]
)
def test_apostrophes_straight_or_curly(text):
    place = resolve(text)
    assert place is not None
    assert place.name_fr == "Braine-l’Alleud"


def test_shared_postcode_is_ambiguous_until_named():
    found = candidates("1040")
    assert len(found) > 1
    assert {p.refnis for p in found} == {BRUXELLES, ETTERBEEK}
    assert resolve("1040") is None
    assert resolve("1040 Etterbeek").refnis == ETTERBEEK
    assert [p.refnis for p in candidates("1040 Etterbeek")] == [ETTERBEEK]


def test_ambiguous_name_prefix():
    found = candidates("Braine")
    assert len(found) == 3
    assert resolve("Braine") is None


@pytest.mark.parametrize("text", ["9999", "Atlantis", "9999 Atlantis", "", "   ", "()"])
def test_unknown_input(text):
    assert candidates(text) == []
    assert resolve(text) is None


# --- names and labels -------------------------------------------------------------------------


def test_name_by_locale():
    antwerpen = by_refnis(ANTWERPEN)
    assert antwerpen.name("nl") == "Antwerpen"
    assert antwerpen.name("fr") == "Anvers"
    assert antwerpen.name("en") == "Antwerp"
    assert antwerpen.name("nl_BE") == "Antwerpen"
    assert by_refnis(BRUXELLES).name("en") == "Brussels"
    assert resolve("Gent").name("en") == "Ghent"
    assert by_refnis(LIEGE).name("en") == "Liège"
    # No English exonym: the French name
    assert resolve("Sint-Gillis").name("en") == "Saint-Gilles"


def test_label():
    saint_gilles = resolve("1060")
    assert saint_gilles.label("fr") == "1060 Saint-Gilles"
    assert saint_gilles.label("nl") == "1060 Sint-Gillis"
    assert by_refnis(BRUXELLES).label("en") == "1000 Brussels"
    # Zemst's lowest postcode, 1804, is a business park shared with Vilvoorde.
    assert resolve("Zemst").label("nl") == "1980 Zemst"
    assert "1804" in resolve("Zemst").postcodes


# --- autocompletion ---------------------------------------------------------------------------


def test_search_dutch_prefix():
    found = search("Sint-")
    assert len(found) == 10
    names = [p.name_nl for p in found]
    assert all(name.startswith("Sint-") for name in names)
    assert names == sorted(names)
    assert "Sint-Gillis" in [p.name_nl for p in search("sint", limit=100)]


def test_search_french_prefix_accent_insensitive():
    names = [p.name_fr for p in search("braine")]
    assert names == ["Braine-l’Alleud", "Braine-le-Château", "Braine-le-Comte"]
    assert [p.refnis for p in search("liege")] == [LIEGE]
    assert "Liège" in [p.name_fr for p in search("lie")]


def test_search_postcode_prefix_and_limit():
    found = search("10", limit=5)
    assert len(found) == 5
    assert found[0].refnis == BRUXELLES
    assert all(any(code.startswith("10") for code in p.postcodes) for p in found)
    assert [p.refnis for p in search("1060 sa")] == [SAINT_GILLES]


def test_search_nothing():
    assert search("") == []
    assert search("zzzz") == []
    assert search("Sint", limit=0) == []


# --- distances --------------------------------------------------------------------------------


def test_distance_bruxelles_antwerpen():
    assert 35 < distance_km(by_refnis(BRUXELLES), by_refnis(ANTWERPEN)) < 50


def test_distance_liege_antwerpen():
    assert 90 < distance_km(by_refnis(LIEGE), by_refnis(ANTWERPEN)) < 115


def test_distance_between():
    assert distance_between(50.85, 4.35, 50.85, 4.35) == 0
    # One degree of latitude is about 111 km.
    assert distance_between(50.0, 4.0, 51.0, 4.0) == pytest.approx(111.2, abs=0.5)
    assert distance_between(50.0, 4.0, 51.0, 5.0) == pytest.approx(
        distance_between(51.0, 5.0, 50.0, 4.0)
    )
    assert places.distance_km(by_refnis(LIEGE), by_refnis(LIEGE)) == 0
