"""The weekly availability grid: seven days, each cut into parts, one bit per day part.

Bit (day * 3 + part): day 0 is Monday; parts are morning (before 12:00), afternoon
(12:00-17:00) and evening (from 17:00). The mask lets candidates be filtered in SQL.
"""

from flask_babel import lazy_gettext as _l

DAYS = (_l("Monday"), _l("Tuesday"), _l("Wednesday"), _l("Thursday"), _l("Friday"),
        _l("Saturday"), _l("Sunday"))
PARTS = (("morning", _l("Morning"), 0, 12 * 60), ("afternoon", _l("Afternoon"), 12 * 60, 17 * 60),
         ("evening", _l("Evening"), 17 * 60, 24 * 60))


def bit(day: int, part: int) -> int:
    return 1 << (day * len(PARTS) + part)


def mask_of_range(day: int, start_minute: int, end_minute: int) -> int:
    """The day parts that a time range on a day touches."""
    mask = 0
    for index, (_key, _label, part_start, part_end) in enumerate(PARTS):
        if start_minute < part_end and end_minute > part_start:
            mask |= bit(day, index)
    return mask


def weekly_grid_options() -> dict:
    return {f"{day}-{part}": f"{DAYS[day]} {PARTS[part][1]}"
            for day in range(len(DAYS)) for part in range(len(PARTS))}
