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


# One phrase per day part, as each language says it ("lundi soir", "maandagavond"):
# a day and a part put side by side read wrong in Dutch and French.
DAY_PARTS = (
    (_l("Monday morning"), _l("Monday afternoon"), _l("Monday evening")),
    (_l("Tuesday morning"), _l("Tuesday afternoon"), _l("Tuesday evening")),
    (_l("Wednesday morning"), _l("Wednesday afternoon"), _l("Wednesday evening")),
    (_l("Thursday morning"), _l("Thursday afternoon"), _l("Thursday evening")),
    (_l("Friday morning"), _l("Friday afternoon"), _l("Friday evening")),
    (_l("Saturday morning"), _l("Saturday afternoon"), _l("Saturday evening")),
    (_l("Sunday morning"), _l("Sunday afternoon"), _l("Sunday evening")),
)
_OPTIONS = {f"{day}-{part}": DAY_PARTS[day][part]
            for day in range(len(DAYS)) for part in range(len(PARTS))}


def day_part(day: int, part: int) -> str:
    return str(DAY_PARTS[day][part])


def weekly_grid_options() -> dict:
    """The grid's keys ("0-2") with their phrases, lazily translated."""
    return _OPTIONS
