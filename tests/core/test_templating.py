from datetime import UTC, datetime

import pytest
from flask import render_template_string


@pytest.mark.parametrize(("moment", "shown"), [
    (datetime(2026, 11, 29, 7, 48, tzinfo=UTC), "08:48"),  # winter: UTC+1
    (datetime(2026, 7, 1, 16, 0, tzinfo=UTC), "18:00"),    # summer: UTC+2
    (datetime(2026, 3, 29, 0, 30, tzinfo=UTC), "01:30"),   # just before the change
    (datetime(2026, 3, 29, 1, 30, tzinfo=UTC), "03:30"),   # just after it
])
def test_times_are_shown_in_brussels_across_daylight_saving(app, moment, shown):
    with app.test_request_context(headers={"Accept-Language": "fr"}):
        text = render_template_string("{{ moment|local_datetime }}", moment=moment)
    assert shown in text


def test_dates_are_the_brussels_day(app):
    late_evening_utc = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)  # already 1 January there
    with app.test_request_context(headers={"Accept-Language": "en"}):
        text = render_template_string("{{ moment|local_date }}", moment=late_evening_utc)
    assert "1 Jan 2027" in text
