"""A failed submit: a summary at the top links to each field in error; the errors of a
group of checkboxes are tied to the group and to each of its boxes."""

import re

from tests.factories import make_organisation
from tests.needs.factories import make_programme


def test_the_summary_links_to_every_field_in_error_and_each_link_has_a_target(client, login_as):
    login_as()
    page = client.post("/profile/", data={
        "travel_km": "999", "availability": ["9-9"], "skills": ["juggler"],
        "languages-0-code": "xx", "languages-0-level": "4",
    }).get_data(as_text=True)
    summary = re.search(r'<div class="error-summary".*?</div>', page, re.S).group(0)
    targets = re.findall(r'href="#([\w-]+)"', summary)
    assert targets == ["travel_km", "languages-0-code", "availability", "skills"]
    for target in targets:
        assert f'id="{target}"' in page
    assert page.index("error-summary") < page.index('name="travel_km"')


def test_a_checkbox_group_in_error_is_described_by_its_message(client, login_as):
    login_as()
    page = client.post("/profile/", data={"skills": ["juggler"]}).get_data(as_text=True)
    fieldset = re.search(r'<fieldset class="field checkboxes has-error" id="skills"[^>]*>', page)
    assert fieldset and 'aria-describedby="skills-help"' in fieldset.group(0)
    boxes = re.findall(r'<input[^>]*name="skills"[^>]*>', page)
    assert boxes and all('aria-describedby="skills-help"' in box and 'aria-invalid="true"' in box
                         for box in boxes)
    assert re.search(r'<div id="skills-help"><p class="error">[^<]+</p>', page)


def test_the_weekly_grid_in_error_is_described_by_its_message(client, login_as):
    organisation = make_organisation(name="Exil")
    programme = make_programme(organisation)
    login_as("staff", organisation=organisation)
    page = client.post(f"/organisations/{organisation.slug}/needs/new", data={
        "programme": str(programme.id), "title": "A sponsor", "people_needed": "1",
        "place": "1060", "urgency": "normal", "schedule": ["8-8"],
    }).get_data(as_text=True)
    assert 'href="#schedule"' in page
    assert re.search(r'<table class="grid" id="schedule" aria-describedby="schedule-help">', page)
    boxes = re.findall(r'<input type="checkbox" name="schedule"[^>]*>', page)
    assert len(boxes) == 21 and all('aria-describedby="schedule-help"' in box for box in boxes)
