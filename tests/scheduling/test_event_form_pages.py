"""The staff's event form through its pages: several roles with what they ask, a
description per language, the repetition changed for all or from one occurrence on (the
series split), an unchanged save that writes nothing, refusals beside their field that
change nothing, and the sign-up box refusing a role that is not the event's."""

import re
from datetime import timedelta
from html.parser import HTMLParser

from sqlalchemy import func, select

from passerelle.core.time import BRUSSELS, utcnow
from passerelle.extensions import db
from passerelle.reminders.models import OutboxMessage
from passerelle.scheduling.models import Event, EventRole, Occurrence, Signup, SignupStatus
from tests.factories import make_organisation, make_programme, make_user


class _Form(HTMLParser):
    """The edit form of an occurrence page as the browser would send it: (name, value)."""

    def __init__(self):
        super().__init__()
        self.forms, self._pairs, self._select, self._textarea = [], None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._pairs = []
            self.forms.append(self._pairs)
        elif self._pairs is None or "name" not in attrs and tag != "option":
            return
        elif tag == "input" and (attrs.get("type") not in ("checkbox", "radio")
                                 or "checked" in attrs):
            self._pairs.append((attrs["name"], attrs.get("value") or ""))
        elif tag == "select":
            self._select = attrs["name"]
        elif tag == "option" and self._select and "selected" in attrs:
            self._pairs.append((self._select, attrs.get("value") or ""))
        elif tag == "textarea":
            self._textarea = [attrs["name"], ""]
            self._pairs.append(self._textarea)

    def handle_data(self, data):
        if self._textarea:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def edit_form(client, occurrence, **changes) -> dict[str, list[str]]:
    """The page's edit form, prefilled, with `changes` (a list for several values)."""
    parser = _Form()
    parser.feed(client.get(f"/occurrences/{occurrence.id}").get_data(as_text=True))
    [pairs] = [p for p in parser.forms if any(name == "title_fr" for name, _ in p)]
    fields: dict[str, list[str]] = {}
    for name, value in pairs:
        fields.setdefault(name, []).append(value.strip("\n"))
    for name, value in changes.items():
        fields[name] = value if isinstance(value, list) else [value]
    return fields


def _day():
    return (utcnow().astimezone(BRUSSELS) + timedelta(days=7)).date()


def _create(client, programme, **fields):
    day = _day()
    data = {"kind": "session", "title_fr": "Café logement", "day": day.isoformat(),
            "start": "18:00", "minutes": "120", "roles-0-places": "2", "freq": "weekly",
            "interval": "1", "weekdays": [str(day.weekday())], "nth": "",
            "until": (day + timedelta(days=27)).isoformat(), **fields}
    response = client.post(f"/programmes/{programme.slug}/events", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    return db.session.scalar(select(Event).order_by(Event.id.desc()))


def _rows(event):
    return list(db.session.scalars(select(Occurrence).where(Occurrence.event_id == event.id)
                                   .order_by(Occurrence.original_at)))


def _local(moment):
    return moment.astimezone(BRUSSELS)


def _hold(occurrence, role=None, user=None):
    user = user or make_user()
    signup = Signup(occurrence_id=occurrence.id, role_id=(role or occurrence.event.roles[0]).id,
                    user_id=user.id, status=SignupStatus.confirmed, since=utcnow())
    db.session.add(signup)
    db.session.commit()
    return signup


def _staff(login_as):
    organisation = make_organisation()
    programme = make_programme(organisation, interview=False, charter=False)
    login_as("staff", organisation=organisation)
    return programme


def _outbox(kind=None):
    query = select(OutboxMessage)
    if kind:
        query = query.where(OutboxMessage.kind == kind)
    return list(db.session.scalars(query))


def test_create_with_two_roles_and_three_descriptions(client, login_as):
    programme = _staff(login_as)
    event = _create(client, programme, **{
        "roles-1-places": "1", "roles-1-skill": "interpreter", "roles-1-language": "ar",
        "roles-2-places": "", "description_fr": "Un café", "description_nl": "Een café",
        "description_en": "A café"})
    assert [(r.places, r.skill, r.language) for r in event.roles] == [
        (2, None, None), (1, "interpreter", "ar")]  # the blank third row left out
    assert (event.description_fr, event.description_nl, event.description_en) == (
        "Un café", "Een café", "A café")
    listing = client.get(f"/programmes/{programme.slug}/events").get_data(as_text=True)
    assert "Interpreter (Arabic): 1 place left" in listing
    first = _rows(event)[0]
    page = client.get(f"/occurrences/{first.id}").get_data(as_text=True)
    assert "Volunteer: 0 taken, 2 left" in page
    assert "Interpreter (Arabic): 0 taken, 1 left" in page
    assert "A café" in _facts(page) and "Een café" not in _facts(page)
    assert "Een café</textarea>" in page  # the edit form shows each language's
    login_as("staff", organisation=programme.organisation, locale="nl")
    dutch = _facts(client.get(f"/occurrences/{first.id}").get_data(as_text=True))
    assert "Een café" in dutch and "A café" not in dutch
    login_as("staff", organisation=programme.organisation, locale="fr")
    event.description_fr = ""
    db.session.commit()
    french = _facts(client.get(f"/occurrences/{first.id}").get_data(as_text=True))
    assert "A café" in french  # an empty one is read in another language


def _facts(page):
    return page.split('<dl class="facts">')[1].split("</dl>")[0]


def test_no_role_with_places_is_refused_beside_the_field(client, login_as):
    programme = _staff(login_as)
    day = _day()
    response = client.post(f"/programmes/{programme.slug}/events", data={
        "kind": "session", "title_fr": "Café", "day": day.isoformat(), "start": "18:00",
        "minutes": "60", "roles-0-places": "", "roles-1-skill": "nurse", "freq": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Give at least one place." in page
    assert 'value="nurse" selected' in page
    assert db.session.scalar(select(Event.id)) is None


def test_edit_all_with_a_new_rule_keeps_rows_and_adds_the_new_days(client, login_as):
    programme = _staff(login_as)
    event = _create(client, programme)
    tuesdays = _rows(event)
    assert len(tuesdays) == 4
    signup = _hold(tuesdays[1])
    day = _day()
    response = client.post(f"/occurrences/{tuesdays[0].id}", data=edit_form(
        client, tuesdays[0], scope="all",
        weekdays=[str(day.weekday()), str((day.weekday() + 2) % 7)]))
    assert response.status_code == 302
    db.session.expire_all()
    found = _rows(event)
    assert len(found) == 8 and not any(o.cancelled for o in found)
    assert {o.id for o in tuesdays} <= {o.id for o in found}
    assert db.session.get(Signup, signup.id).occurrence_id == tuesdays[1].id
    assert all(o.sequence == 0 for o in tuesdays)
    assert _outbox() == []  # nobody's occurrence moved or vanished


def test_this_and_following_with_a_new_rule_splits_and_tells_those_whose_day_vanished(
        client, login_as):
    programme = _staff(login_as)
    day = _day()
    both = [str(day.weekday()), str((day.weekday() + 2) % 7)]
    event = _create(client, programme, weekdays=both)
    found = _rows(event)
    assert len(found) == 8  # A B A B A B A B
    stays, vanishes = found[4], found[5]
    kept = _hold(stays, user=make_user(email="kept@example.org"))
    told = _hold(vanishes, user=make_user(email="told@example.org"))
    response = client.post(f"/occurrences/{found[2].id}", data=edit_form(
        client, found[2], scope="following", weekdays=[str(day.weekday())]))
    assert response.status_code == 302
    db.session.expire_all()
    fresh = db.session.scalar(select(Event).where(Event.split_from_id == event.id))
    assert [o.id for o in _rows(event)] == [found[0].id, found[1].id]
    moved = _rows(fresh)
    assert [o.cancelled for o in moved] == [False, True, False, True, False, True]
    assert {_local(o.starts_at).weekday() for o in moved if not o.cancelled} == {
        day.weekday()}
    assert db.session.get(Signup, kept.id).occurrence_id == stays.id
    assert db.session.get(Signup, kept.id).role_id == fresh.roles[0].id
    assert db.session.get(Occurrence, stays.id).sequence == 0
    assert [m.recipient_id for m in _outbox("occurrence-cancelled")] == [told.user_id]
    assert _outbox("occurrence-moved") == []


def test_a_new_count_from_one_occurrence_on_counts_what_remains(client, login_as):
    programme = _staff(login_as)
    day = _day()
    event = _create(client, programme, until="", count="6")
    found = _rows(event)
    form = edit_form(client, found[2], scope="following")
    assert form["count"] == ["6"]
    thursday = str((day.weekday() + 2) % 7)
    moved_day = (day + timedelta(days=16)).isoformat()
    response = client.post(f"/occurrences/{found[2].id}", data={
        **form, "weekdays": [thursday], "day": moved_day, "count": "6"})
    assert response.status_code == 302
    db.session.expire_all()
    fresh = db.session.scalar(select(Event).where(Event.split_from_id == event.id))
    assert "COUNT=2" in db.session.get(Event, event.id).rule and "COUNT=4" in fresh.rule
    assert len([o for o in _rows(fresh) if not o.cancelled]) == 4
    second = found[1]  # its series now counts 2: nothing remains from the second on
    too_few = client.post(f"/occurrences/{second.id}", data=edit_form(
        client, second, scope="following", count="1", start="19:00"))
    page = too_few.get_data(as_text=True)
    assert too_few.status_code == 200
    beside = page.split('id="count"')[1].split("</div>")[0]
    assert "The repetition ends before this occurrence: change its end." in beside
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Event.id))) == 2
    assert _local(db.session.get(Occurrence, second.id).starts_at).hour == 18


def test_saving_unchanged_writes_nothing_and_tells_no_one(client, login_as):
    programme = _staff(login_as)
    event = _create(client, programme, **{"roles-1-places": "1",
                                          "roles-1-skill": "interpreter",
                                          "description_nl": "Een café"})
    found = _rows(event)
    _hold(found[1])
    updated = event.updated_at
    for scope in ("this", "following", "all"):
        response = client.post(f"/occurrences/{found[1].id}",
                               data=edit_form(client, found[1], scope=scope))
        assert response.status_code == 302
        assert "Nothing was changed." in client.get(response.location).get_data(as_text=True)
    db.session.expire_all()
    assert _outbox() == []
    assert all(o.sequence == 0 and not o.overridden for o in _rows(event))
    assert db.session.scalar(select(func.count(Event.id))) == 1
    assert db.session.get(Event, event.id).updated_at == updated


def test_places_below_those_holding_them_are_refused_beside_the_field(client, login_as):
    programme = _staff(login_as)
    event = _create(client, programme)
    found = _rows(event)
    _hold(found[1])
    _hold(found[1])
    response = client.post(f"/occurrences/{found[0].id}", data=edit_form(
        client, found[0], scope="all", start="19:00", **{"roles-0-places": "1"}))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "2 people already hold a place in this role" in page
    [tag] = re.findall(r'<input[^>]*id="roles-0-places"[^>]*>', page)
    assert 'value="1"' in tag and 'aria-invalid="true"' in tag
    beside = page.split('id="roles-0-places-help"')[1].split("</div>")[0]
    assert "2 people already hold a place in this role" in beside
    assert 'href="#roles-0-places"' in page.split('class="error-summary"')[1]
    assert 'value="19:00"' in page
    db.session.expire_all()
    assert db.session.get(Event, event.id).roles[0].places == 2
    assert {_local(o.starts_at).hour for o in _rows(event)} == {18}


def test_a_role_with_people_cannot_be_removed_an_empty_one_can(client, login_as):
    programme = _staff(login_as)
    event = _create(client, programme, **{"roles-1-places": "1", "roles-1-language": "ti"})
    found = _rows(event)
    interpreter = event.roles[1].id
    signup = _hold(found[2], role=event.roles[1])
    response = client.post(f"/occurrences/{found[0].id}", data=edit_form(
        client, found[0], scope="all", **{"roles-1-places": ""}))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "People have signed up for this role: it cannot be removed." in page
    db.session.expire_all()
    assert len(db.session.get(Event, event.id).roles) == 2
    db.session.delete(db.session.get(Signup, signup.id))
    db.session.commit()
    response = client.post(f"/occurrences/{found[0].id}", data=edit_form(
        client, found[0], scope="all", **{"roles-1-places": ""}))
    assert response.status_code == 302
    db.session.expire_all()
    assert [r.places for r in db.session.get(Event, event.id).roles] == [2]
    assert db.session.get(EventRole, interpreter) is None


def test_this_occurrence_changes_its_time_only(client, login_as):
    programme = _staff(login_as)
    event = _create(client, programme)
    found = _rows(event)
    response = client.post(f"/occurrences/{found[1].id}", data=edit_form(
        client, found[1], scope="this", start="19:30", title_fr="Autre", count="2",
        until=""))
    assert response.status_code == 302
    db.session.expire_all()
    row = db.session.get(Occurrence, found[1].id)
    assert row.overridden and row.sequence == 1 and _local(row.starts_at).hour == 19
    event = db.session.get(Event, event.id)
    assert event.title_fr == "Café logement" and "UNTIL" in event.rule
    assert len(_rows(event)) == 4


def test_a_role_not_the_events_is_refused_beside_the_role_field(client, login_as):
    from tests.matching.factories import apply, open_programme
    from tests.scheduling.factories import TUESDAY, make_event, occurrence_of

    programme = open_programme()
    occurrence = occurrence_of(make_event(programme, start=TUESDAY + timedelta(days=3650),
                                          roles=[(2, None, None), (1, "interpreter", "ar")]))
    other = make_event(programme, start=TUESDAY + timedelta(days=3651))
    user = login_as("volunteer")
    apply(user, programme)
    response = client.post(f"/occurrences/{occurrence.id}/signup",
                           data={"role": other.roles[0].id, "whole_series": "y"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    box = page.split('class="signup"')[1]
    assert "This role is not one of the event&#39;s." in box or \
        "This role is not one of the event's." in box
    assert "Interpreter (Arabic)" in box
    assert db.session.scalar(select(Signup.id)) is None


def test_a_skill_no_longer_in_the_list_is_kept_and_another_refused(client, login_as):
    programme = _staff(login_as)
    event = _create(client, programme, **{"roles-1-places": "1"})
    event.roles[1].skill = "midwife"  # written before the list was fixed
    db.session.commit()
    first = _rows(event)[0]
    kept = client.post(f"/occurrences/{first.id}", data=edit_form(
        client, first, scope="all", title_fr="Café du mardi"))
    assert kept.status_code == 302
    refused = client.post(f"/occurrences/{first.id}", data=edit_form(
        client, first, scope="all", **{"roles-0-skill": "astronaut"}))
    assert "Choose a skill from the list." in refused.get_data(as_text=True)
    db.session.expire_all()
    assert [r.skill for r in db.session.get(Event, event.id).roles] == [None, "midwife"]
    assert db.session.get(Event, event.id).title_fr == "Café du mardi"
