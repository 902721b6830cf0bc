"""The repetition as a sentence, for each rule the event form can make."""

from datetime import date, datetime

import pytest

from passerelle.scheduling import recurrence
from passerelle.scheduling.models import Event
from passerelle.scheduling.views import _rule_words

TUESDAY = datetime(2026, 12, 8, 18, 0)


@pytest.mark.parametrize(("rule", "words"), [
    (None, "Once"),
    (recurrence.build_rule("weekly", weekdays=[0, 2]), "Every week on Monday, Wednesday"),
    (recurrence.build_rule("weekly", interval=2, weekdays=[5]), "Every 2 weeks on Saturday"),
    ("FREQ=WEEKLY", "Every week on Tuesday"),  # the first start's day
    (recurrence.build_rule("monthly", weekdays=[0], nth=1), "Every month, the first Monday"),
    (recurrence.build_rule("monthly", interval=3, weekdays=[3], nth=-1),
     "Every 3 months, the last Thursday"),
    ("FREQ=MONTHLY", "Every month, on day 8"),
    (recurrence.build_rule("daily"), "Every day"),
    (recurrence.build_rule("daily", interval=2), "Every 2 days"),
    (recurrence.build_rule("weekly", weekdays=[1], count=4), "Every week on Tuesday, 4 times"),
    (recurrence.build_rule("weekly", weekdays=[1], count=1), "Every week on Tuesday, 1 time"),
    (recurrence.build_rule("weekly", weekdays=[1], until=date(2027, 4, 27)),
     "Every week on Tuesday, until 27 April 2027"),
])
def test_each_repetition_reads_as_a_sentence(app, rule, words):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert _rule_words(Event(rule=rule, starts_local=TUESDAY)) == words


def test_no_raw_rule_code_in_french(app):
    with app.test_request_context(headers={"Accept-Language": "fr"}):
        text = _rule_words(Event(rule=recurrence.build_rule("daily", interval=2),
                                 starts_local=TUESDAY))
    assert "daily" not in text.lower() and "2" in text
