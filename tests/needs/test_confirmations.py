"""Steps that cannot be undone ask first: the final button sits inside a disclosure that
says what will happen (organisations/people.html's pattern, no script)."""

import re

from tests.factories import make_organisation
from tests.needs.factories import (
    make_material_need,
    make_need,
    make_offer,
    make_person,
    make_programme,
)


def asks_first(page: str, action: str) -> bool:
    """The form posting to `action` is inside a <details class="confirm"> with a question."""
    for disclosure in re.findall(r'<details class="confirm">(.*?)</details>', page, re.S):
        if f'action="{action}"' in disclosure and re.search(r"<p>[^<]*\?[^<]*</p>", disclosure):
            return True
    return False


def test_closing_a_need_or_a_material_need_and_deleting_a_person_ask_first(client, login_as):
    organisation = make_organisation(name="Exil")
    need = make_need(make_programme(organisation))
    material = make_material_need(organisation, "A fridge")
    person = make_person(organisation)
    login_as("staff", organisation=organisation)
    base = f"/organisations/{organisation.slug}"
    assert asks_first(client.get(f"{base}/needs").get_data(as_text=True),
                      f"{base}/needs/{need.id}/close")
    assert asks_first(client.get(f"{base}/material").get_data(as_text=True),
                      f"{base}/material/{material.id}/close")
    assert asks_first(client.get(f"/supported/{person.id}").get_data(as_text=True),
                      f"/supported/{person.id}/delete")


def test_withdrawing_an_offer_asks_first(client, login_as):
    user = login_as()
    offer = make_offer(user, "A sofa bed")
    assert asks_first(client.get("/offers/").get_data(as_text=True),
                      f"/offers/{offer.id}/withdraw")
