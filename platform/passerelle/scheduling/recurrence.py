"""Recurring events expanded as calendar users expect (RFC 5545 RRULE, EXDATE).

A series keeps its rule with its local wall-clock start in Europe/Brussels; it is expanded
in local time and only then turned into instants, so a weekly 18:00 drop-in stays at 18:00
across daylight-saving changes. A local time in the spring gap takes the offset before the
gap (02:30 becomes 03:30 CEST); in the autumn overlap the first one (CEST) is taken. That is
exactly what zoneinfo does with fold=0. Pure: no Flask, no database.
"""

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta

from dateutil.rrule import rrulestr

from passerelle.core.time import BRUSSELS

FREQS = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
KEYS = {"FREQ", "INTERVAL", "COUNT", "UNTIL", "BYDAY", "BYMONTHDAY", "BYMONTH",
        "BYSETPOS", "BYYEARDAY", "BYWEEKNO", "WKST"}
DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
UNTIL_FORMAT = "%Y%m%dT%H%M%SZ"


class RecurrenceError(ValueError):
    """A series that cannot be expanded; `code` says why."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Resolved:
    at: datetime
    wall: datetime
    moved: bool
    ambiguous: bool


@dataclass(frozen=True)
class Series:
    start: datetime
    duration: timedelta
    rule: str | None = None
    exdates: frozenset[datetime] = frozenset()


@dataclass(frozen=True)
class Occurrence:
    original: datetime
    start: datetime
    end: datetime


@dataclass(frozen=True)
class RuleParts:
    freq: str
    interval: int
    weekdays: tuple[int, ...]
    nth: int | None
    until: date | None
    count: int | None


def resolve(local: datetime) -> Resolved:
    """A naive Brussels wall-clock time as an instant (fold=0: before the gap, first of two)."""
    first = local.replace(tzinfo=BRUSSELS, fold=0)
    second = local.replace(tzinfo=BRUSSELS, fold=1)
    at = first.astimezone(UTC)
    wall = at.astimezone(BRUSSELS).replace(tzinfo=None)
    moved = wall != local
    # Both folds differ in the gap too; only a time that really exists twice is ambiguous.
    ambiguous = not moved and first.utcoffset() != second.utcoffset()
    return Resolved(at=at, wall=wall, moved=moved, ambiguous=ambiguous)


def local_wall(moment: datetime) -> datetime:
    """An aware instant as a naive Brussels wall-clock time."""
    return moment.astimezone(BRUSSELS).replace(tzinfo=None)


# --- the rule as fields ---------------------------------------------------------------

def _fields(rule: str) -> dict[str, str]:
    """The rule's KEY=VALUE pairs, checked against what a series may say."""
    fields: dict[str, str] = {}
    for part in rule.strip().split(";"):
        key, sep, value = part.partition("=")
        key = key.strip().upper()
        if not sep or not value or key not in KEYS or key in fields:
            raise RecurrenceError("bad-rule")
        fields[key] = value.strip().upper()
    if fields.get("FREQ") not in FREQS or ("COUNT" in fields and "UNTIL" in fields):
        raise RecurrenceError("bad-rule")
    for key in ("COUNT", "INTERVAL"):
        if key in fields and not (fields[key].isdigit() and int(fields[key]) >= 1):
            raise RecurrenceError("bad-rule")
    if "UNTIL" in fields:
        _until_local(fields["UNTIL"])
    return fields


def _join(fields: dict[str, str]) -> str:
    return ";".join(f"{key}={value}" for key, value in fields.items())


def _until_local(value: str) -> datetime:
    """UNTIL as a naive local time: UTC (…Z), floating local, or a date (its whole day)."""
    try:
        if value.endswith("Z"):
            return local_wall(datetime.strptime(value, UNTIL_FORMAT).replace(tzinfo=UTC))
        if "T" in value:
            return datetime.strptime(value, "%Y%m%dT%H%M%S")
        return datetime.combine(datetime.strptime(value, "%Y%m%d").date(), time(23, 59, 59))
    except ValueError:
        raise RecurrenceError("bad-rule") from None


def _rrule(start: datetime, fields: dict[str, str]):
    """dateutil's rule over naive local times (its UNTIL must then be naive too)."""
    local = dict(fields)
    if "UNTIL" in local:
        local["UNTIL"] = _until_local(local["UNTIL"]).strftime("%Y%m%dT%H%M%S")
    try:
        return rrulestr(_join(local), dtstart=start)
    except (ValueError, TypeError):
        raise RecurrenceError("bad-rule") from None


def _raw(series: Series, until_local: datetime):
    """The rule's original starts before `until_local`, exdates included, in order."""
    if series.rule is None:
        if series.start < until_local:
            yield series.start
        return
    for original in _rrule(series.start, _fields(series.rule)):
        if original >= until_local:
            return
        yield original


# --- public ---------------------------------------------------------------------------

def validate(series: Series, *, limit_days: int = 3660) -> None:
    if series.duration <= timedelta(0):
        raise RecurrenceError("end-before-start")
    if series.rule is None:
        return
    fields = _fields(series.rule)
    _rrule(series.start, fields)
    # Look for a first occurrence within a bounded window: an impossible rule such as
    # BYMONTHDAY=31;BYMONTH=2 would otherwise make dateutil search until year 9999.
    horizon = series.start + timedelta(days=limit_days)
    bounded = {key: value for key, value in fields.items() if key != "COUNT"}
    until = min(_until_local(fields["UNTIL"]), horizon) if "UNTIL" in fields else horizon
    bounded["UNTIL"] = until.strftime("%Y%m%dT%H%M%S")
    if _rrule(series.start, bounded).after(series.start, inc=True) is None:
        raise RecurrenceError("no-occurrence")


def originals(series: Series, until_local: datetime) -> list[datetime]:
    """The naive original starts before `until_local`, exdates left out."""
    return [o for o in _raw(series, until_local) if o not in series.exdates]


def expand(series: Series, after: datetime, until: datetime, *,
           limit: int = 2000) -> list[Occurrence]:
    """Occurrences starting in [after, until) (aware bounds), exdates left out, sorted."""
    # Local bounds widened by a few hours: the offset of a wall-clock time is at most 2 h.
    margin = timedelta(hours=3)
    low, high = local_wall(after) - margin, local_wall(until) + margin
    found: list[Occurrence] = []
    for original in _raw(series, high):
        if original < low or original in series.exdates:
            continue
        start = resolve(original).at
        if not (after <= start < until):
            continue
        if len(found) == limit:
            raise RecurrenceError("too-many")
        found.append(Occurrence(original, start, resolve(original + series.duration).at))
    return found


def is_open_ended(series: Series) -> bool:
    if series.rule is None:
        return False
    fields = _fields(series.rule)
    return "COUNT" not in fields and "UNTIL" not in fields


def split(series: Series, at: datetime) -> tuple[Series | None, Series]:
    """"This and following": (before, after) at the occurrence whose original start is `at`."""
    before_at = list(_raw(series, at + timedelta(microseconds=1)))
    if not before_at or before_at[-1] != at or at in series.exdates:
        raise RecurrenceError("no-occurrence")
    earlier = before_at[:-1]
    after_exdates = frozenset(d for d in series.exdates if d >= at)
    before_exdates = series.exdates - after_exdates
    if not earlier:
        return None, replace(series, exdates=after_exdates)
    fields = _fields(series.rule)
    head, tail = dict(fields), dict(fields)
    if "COUNT" in fields:
        # COUNT counts originals, exdated ones included (RFC 5545), so the halves add up.
        head["COUNT"] = str(len(earlier))
        tail["COUNT"] = str(int(fields["COUNT"]) - len(earlier))
    else:
        head.pop("UNTIL", None)
        head["UNTIL"] = resolve(earlier[-1]).at.strftime(UNTIL_FORMAT)
    before = replace(series, rule=_join(head), exdates=before_exdates)
    after = replace(series, start=at, rule=_join(tail), exdates=after_exdates)
    return before, after


def move(series: Series, new_start: datetime, new_duration: timedelta) -> Series:
    """The series given a new first start, its rule shifted so the new start still matches."""
    delta = new_start - series.start
    exdates = frozenset(d + delta for d in series.exdates)
    if series.rule is None:
        return Series(new_start, new_duration, None, exdates)
    fields = _fields(series.rule)
    days = (new_start.date() - series.start.date()).days
    if "BYDAY" in fields and days:
        fields["BYDAY"] = _shift_days(fields["BYDAY"], days, new_start)
    if "BYMONTHDAY" in fields and new_start.day != series.start.day:
        shift = new_start.day - series.start.day
        fields["BYMONTHDAY"] = ",".join(
            str(_shift_monthday(int(v), shift)) for v in fields["BYMONTHDAY"].split(","))
    moved = Series(new_start, new_duration, _join(fields), exdates)
    _rrule(new_start, fields)
    return moved


def _shift_days(value: str, days: int, new_start: datetime) -> str:
    entries = [_byday(entry) for entry in value.split(",")]
    shifted = [(n, (day + days) % 7) for n, day in entries]
    if len(shifted) == 1 and shifted[0][0] is not None:
        # One ordinal (1MO): keep it when the new start is still that one, else say which
        # one the new start is (a move from the 1st Monday the 7th to Tuesday the 8th: 2TU).
        n, day = shifted[0]
        shifted = [(_ordinal(new_start, n), day)]
    shifted = sorted(set(shifted), key=lambda e: (e[1], e[0] or 0))
    return ",".join(f"{'' if n is None else n}{DAYS[day]}" for n, day in shifted)


def _ordinal(moment: datetime, wanted: int) -> int:
    nth = (moment.day - 1) // 7 + 1
    if wanted < 0:
        from_end = -((_days_in_month(moment) - moment.day) // 7 + 1)
        return from_end
    return nth


def _days_in_month(moment: datetime) -> int:
    following = (moment.replace(day=28) + timedelta(days=4)).replace(day=1)
    return (following - timedelta(days=1)).day


def _shift_monthday(value: int, shift: int) -> int:
    shifted = value + shift
    if value > 0 and not 1 <= shifted <= 31 or value < 0 and not -31 <= shifted <= -1:
        raise RecurrenceError("bad-rule")
    return shifted


def _byday(entry: str) -> tuple[int | None, int]:
    entry = entry.strip()
    if entry[-2:] not in DAYS:
        raise RecurrenceError("bad-rule")
    prefix = entry[:-2]
    try:
        return (int(prefix) if prefix else None), DAYS.index(entry[-2:])
    except ValueError:
        raise RecurrenceError("bad-rule") from None


def build_rule(freq: str, *, interval: int = 1, weekdays=(), nth: int | None = None,
               until: date | None = None, count: int | None = None) -> str:
    """An RRULE value from the event form's fields."""
    freq = freq.upper()
    days = sorted(set(weekdays))
    if freq not in ("DAILY", "WEEKLY", "MONTHLY") or interval < 1:
        raise ValueError("freq")
    if until is not None and count is not None:
        raise ValueError("until and count")
    if count is not None and count < 1 or any(not 0 <= d <= 6 for d in days):
        raise ValueError("count or weekday")
    fields = {"FREQ": freq}
    if interval > 1:
        fields["INTERVAL"] = str(interval)
    if nth is not None:
        if freq != "MONTHLY" or nth not in (1, 2, 3, 4, -1) or len(days) != 1:
            raise ValueError("nth")
        fields["BYDAY"] = f"{nth}{DAYS[days[0]]}"
    elif days:
        if freq != "WEEKLY":
            raise ValueError("weekdays")
        fields["BYDAY"] = ",".join(DAYS[d] for d in days)
    if until is not None:
        # The whole local day is included; UTC, as RFC 5545 asks when DTSTART has a TZID.
        end = resolve(datetime.combine(until, time(23, 59, 59))).at
        fields["UNTIL"] = end.strftime(UNTIL_FORMAT)
    if count is not None:
        fields["COUNT"] = str(count)
    return _join(fields)


def parts(rule: str) -> RuleParts:
    """The form's fields back from a rule; RecurrenceError("bad-rule") if the form can't say it."""
    fields = _fields(rule)
    if set(fields) - {"FREQ", "INTERVAL", "BYDAY", "UNTIL", "COUNT"}:
        raise RecurrenceError("bad-rule")
    freq = fields["FREQ"]
    entries = [_byday(e) for e in fields["BYDAY"].split(",")] if "BYDAY" in fields else []
    ordinals = {n for n, _ in entries}
    nth = None
    if freq == "MONTHLY" and entries:
        if len(entries) != 1 or entries[0][0] not in (1, 2, 3, 4, -1):
            raise RecurrenceError("bad-rule")
        nth = entries[0][0]
    elif ordinals - {None} or (entries and freq != "WEEKLY") or freq == "YEARLY":
        raise RecurrenceError("bad-rule")
    until = _until_local(fields["UNTIL"]).date() if "UNTIL" in fields else None
    count = int(fields["COUNT"]) if "COUNT" in fields else None
    return RuleParts(freq=freq.lower(), interval=int(fields.get("INTERVAL", "1")),
                     weekdays=tuple(sorted(d for _, d in entries)), nth=nth,
                     until=until, count=count)


def normal(rule: str | None) -> str | None:
    """The rule as the event form writes it (build_rule of its parts), so that two rules the
    form shows alike compare equal; RecurrenceError("bad-rule") if the form can't say it."""
    if rule is None:
        return None
    found = parts(rule)
    try:
        return build_rule(found.freq, interval=found.interval, weekdays=found.weekdays,
                          nth=found.nth, until=found.until, count=found.count)
    except ValueError:
        raise RecurrenceError("bad-rule") from None


def fits(series: Series, local: datetime) -> str | None:
    """Why the original start `local` is not one of the series' (exdates aside): "end" when
    the rule ends before it, "days" when it is not one of its days; None when it is."""
    if series.rule is None:
        return None if local == series.start else "days"
    after = local + timedelta(microseconds=1)
    if local in _raw(series, after):
        return None
    endless = {k: v for k, v in _fields(series.rule).items() if k not in ("COUNT", "UNTIL")}
    return "end" if local in _raw(replace(series, rule=_join(endless)), after) else "days"


def change(series: Series, at: datetime, new_start: datetime, duration: timedelta,
           rule: str | None, *, following: bool) -> tuple[Series | None, Series]:
    """The occurrence whose original start is `at` given `new_start`, and the series `rule`
    (its own one, shifted with the start as `move` does, or a new one): for the whole
    series, or ("following") from that occurrence on. Returns (the series left before, the
    changed series). A new rule's COUNT counts from the series' first start, as its form
    shows it: after a split the second half gets what remains, never the whole COUNT again;
    RecurrenceError("end") when nothing remains. The caller checks with `fits` that the
    occurrence is still one of a new rule's."""
    shift = new_start - at
    before, after = split(series, at) if following else (None, series)
    if before is None:
        after = series
    if rule == series.rule:
        return before, move(after, after.start + shift, duration)
    if rule is None:
        return before, Series(new_start, duration)
    fields = _fields(rule)
    exdates = frozenset(d + shift for d in after.exdates)
    if before is None:
        start = series.start + shift if series.rule is not None else new_start
        validate(Series(start, duration, _join(fields)))
        # From the first date the new rule gives (DTSTART is then one of its occurrences).
        first = _rrule(start, fields).after(start, inc=True)
        return None, Series(first or start, duration, _join(fields), exdates)
    if "COUNT" in fields:
        left = int(fields["COUNT"]) - len(list(_raw(series, at)))
        if left < 1:
            raise RecurrenceError("end")
        fields["COUNT"] = str(left)
    return before, Series(new_start, duration, _join(fields), exdates)
