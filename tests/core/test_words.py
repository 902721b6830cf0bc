"""Day parts read as one phrase, dates in the Belgian (and British) order, no seconds."""

from datetime import UTC, date, datetime

import pytest
from flask import render_template_string
from flask_babel import gettext, pgettext

from passerelle.core.dates import format_day, format_moment, format_span
from passerelle.core.week import day_part, weekly_grid_options

EVENING_OF_1_DECEMBER = datetime(2026, 12, 1, 17, 5, 7, tzinfo=UTC)  # 18:05:07 in Brussels


@pytest.mark.parametrize(("locale", "phrases"), [
    ("fr", ["lundi soir", "mercredi après-midi", "dimanche matin"]),
    ("nl", ["maandagavond", "woensdagnamiddag", "zondagochtend"]),
    ("en", ["Monday evening", "Wednesday afternoon", "Sunday morning"]),
])
def test_day_parts_read_as_one_phrase(app, locale, phrases):
    with app.test_request_context(headers={"Accept-Language": locale}):
        assert [day_part(0, 2), day_part(2, 1), day_part(6, 0)] == phrases
        assert str(weekly_grid_options()["0-2"]) == phrases[0]


def test_the_weekly_schedule_of_a_need_reads_as_phrases_on_the_help_page(client, db):
    from passerelle.core.week import bit
    from tests.factories import make_organisation
    from tests.needs.factories import make_need, make_programme

    programme = make_programme(make_organisation(name="Exil"))
    make_need(programme, weekly_mask=bit(0, 2) | bit(2, 1))
    page = client.get("/help", headers={"Accept-Language": "nl"}).get_data(as_text=True)
    assert "maandagavond, woensdagnamiddag" in page


@pytest.mark.parametrize(("locale", "format", "shown"), [
    ("en", "short", "01/12/2026"), ("en", "medium", "1 Dec 2026"),
    ("en", "long", "1 December 2026"), ("fr", "short", "01/12/2026"),
    ("fr", "long", "1 décembre 2026"), ("nl", "long", "1 december 2026"),
])
def test_dates_are_day_month_year_in_every_language(locale, format, shown):
    assert format_day(date(2026, 12, 1), locale, format) == shown


@pytest.mark.parametrize(("locale", "format", "shown"), [
    ("en", "medium", "1 Dec 2026, 18:05"), ("en", "short", "01/12/2026, 18:05"),
    ("fr", "medium", "1 déc. 2026, 18:05"), ("nl", "medium", "1 dec 2026, 18:05"),
])
def test_moments_are_brussels_time_without_seconds(locale, format, shown):
    assert format_moment(EVENING_OF_1_DECEMBER, locale, format) == shown


@pytest.mark.parametrize("locale", ["fr", "nl", "en"])
def test_every_history_filter_leaves_out_the_seconds(app, locale):
    # Application steps use local_datetime, the audit log datetimeformat, team changes both.
    with app.test_request_context(headers={"Accept-Language": locale}):
        text = render_template_string(
            "{{ m|local_datetime }}|{{ m|local_datetime('short') }}|{{ m|datetimeformat }}"
            "|{{ m|datetimeformat('short') }}|{{ m.date()|dateformat('short') }}",
            m=EVENING_OF_1_DECEMBER)
    assert text.count("18:05") == 4 and ":07" not in text
    assert text.endswith("01/12/2026") if locale != "nl" else text.endswith("01-12-2026")


@pytest.mark.parametrize(("locale", "context", "msgid", "wording"), [
    ("nl", None, "Passed", "Geslaagd"),
    ("nl", "application status", "Screened", "Screening geslaagd"),
    ("fr", None, "Nobody in particular", "Pour personne en particulier"),
    ("fr", None, "Flags", "Points d'attention"),
])
def test_words_that_read_wrong_are_reworded(app, locale, context, msgid, wording):
    with app.test_request_context(headers={"Accept-Language": locale}):
        assert (pgettext(context, msgid) if context else gettext(msgid)) == wording


@pytest.mark.parametrize(("locale", "shown"), [
    ("en", "Friday, 4 December 2026, 10:00–13:00"),
    ("fr", "vendredi 4 décembre 2026, 10:00–13:00"),
    ("nl", "vrijdag 4 december 2026, 10:00–13:00"),
])
def test_a_span_on_one_day_reads_its_day_once(locale, shown):
    start = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)  # 10:00 in Brussels
    assert format_span(start, datetime(2026, 12, 4, 12, 0, tzinfo=UTC), locale) == shown


def test_a_span_across_days_reads_both_days_in_full():
    start = datetime(2026, 12, 4, 21, 0, tzinfo=UTC)  # 22:00 in Brussels, until 02:00
    assert format_span(start, datetime(2026, 12, 5, 1, 0, tzinfo=UTC), "en") == (
        "Friday, 4 December 2026, 22:00 – Saturday, 5 December 2026, 02:00")


@pytest.mark.parametrize(("minutes", "shown"), [
    (180, "3 h"), (210, "3 h 30"), (45, "45 min"), (65, "1 h 05"), (0, "0 min"),
])
def test_minutes_read_as_hours_and_minutes(app, minutes, shown):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert render_template_string("{{ m|duration }}", m=minutes) == shown
