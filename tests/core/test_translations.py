"""Every string a person reads exists in French, Dutch and English."""

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = ROOT / "platform/passerelle/translations"
# As the Makefile's extract-messages: a context (msgctxt) is part of a message's key.
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None,
            "lazy_ngettext": (1, 2), "pgettext": ((1, "c"), 2), "lazy_pgettext": ((1, "c"), 2)}


def catalogue(locale):
    with open(CATALOGUES / locale / "LC_MESSAGES/messages.po", "rb") as f:
        return read_po(f)


def extracted_ids() -> set[tuple[str | None, str]]:
    method_map = [("platform/**.py", "python"), ("templates/**.html", "jinja2"),
                  ("templates/**.txt", "jinja2")]
    ids = set()
    for _file, _line, message, _comments, context in extract_from_dir(
            ROOT, method_map, keywords=KEYWORDS):
        ids.add((context, message[0] if isinstance(message, tuple) else message))
    return ids


@pytest.mark.parametrize("locale", ["fr", "nl"])
def test_catalogue_is_complete_and_not_fuzzy(locale):
    messages = catalogue(locale)
    missing = [(m.context, m.id) for m in messages if m.id and (
        m.fuzzy or not all(m.string if isinstance(m.string, tuple) else (m.string,)))]
    assert missing == []


@pytest.mark.parametrize("locale", ["fr", "nl", "en"])
def test_catalogue_holds_every_string_in_the_code(locale):
    ids = {(m.context, m.id if isinstance(m.id, str) else m.id[0])
           for m in catalogue(locale) if m.id}
    assert sorted(extracted_ids() - ids, key=str) == []


def test_pages_come_in_the_three_languages(client):
    for locale, text in (("fr", "Organisations"), ("nl", "Organisaties"), ("en", "Organisations")):
        page = client.get("/", headers={"Accept-Language": locale}).get_data(as_text=True)
        assert f'<html lang="{locale}">' in page and text in page


def test_language_choice_is_remembered(client):
    client.post("/language", data={"locale": "nl", "next": "/organisations/"})
    assert '<html lang="nl">' in client.get("/").get_data(as_text=True)


def test_language_choice_is_saved_on_the_account(client, db, login_as):
    user = login_as(locale="fr")
    client.post("/language", data={"locale": "nl"})
    db.session.refresh(user)
    assert user.locale == "nl"


def test_forged_language_code_is_refused_with_a_message(client):
    page = client.post("/language", data={"locale": "xx"},
                       follow_redirects=True).get_data(as_text=True)
    assert "This language is not available" in page
    assert '<html lang="en">' in page
