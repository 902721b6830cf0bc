"""A download of personal data: one JSON file with every section, and one CSV per section.

Pure: plain rows in, zip bytes out.
"""

import csv
import io
import json
import zipfile
from datetime import date, datetime

# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def build(sections: dict[str, list[dict]], now: datetime) -> bytes:
    buffer = io.BytesIO()
    stamp = now.timetuple()[:6]
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        _write(archive, "data.json", stamp, json.dumps(
            sections, default=_plain, ensure_ascii=False, indent=2))
        for name, rows in sections.items():
            _write(archive, f"{name}.csv", stamp, _csv(rows))
    return buffer.getvalue()


def _write(archive: zipfile.ZipFile, name: str, stamp, text: str) -> None:
    info = zipfile.ZipInfo(name, date_time=stamp)
    info.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(info, text.encode("utf-8"))


def _plain(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(_cell(item) for item in value)
    if not isinstance(value, str):
        return _plain(value)
    # What a person typed stays readable, but never runs as a formula.
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _csv(rows: list[dict]) -> str:
    out = io.StringIO()
    columns: list[str] = []
    for row in rows:
        columns += [key for key in row if key not in columns]
    writer = csv.writer(out)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(column)) for column in columns])
    return out.getvalue()
