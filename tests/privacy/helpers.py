"""A volunteer with something in every section of their data, through the real flows."""

import io
import json
import zipfile
from datetime import date

from passerelle.core.time import utcnow
from passerelle.programmes import services as programmes
from tests.factories import make_membership, make_organisation, make_programme, make_user
from tests.needs.factories import make_offer
from tests.volunteers.test_profile import hosting_form, profile_form

TODAY = date(2026, 6, 1)


def a_full_account(client, login_as, **user_fields):
    """Sign in as a volunteer who filled in everything; returns (user, application)."""
    user = login_as(name="Ada Peeters", **user_fields)
    assert client.post("/profile/", data=profile_form()).status_code == 302
    assert client.post("/profile/hosting", data=hosting_form(
        notes="Ground floor, a cat.")).status_code == 302
    organisation = make_organisation(name="CIRÉ")
    programme = make_programme(organisation, slug="cire-sponsorship")
    application = programmes.apply(user, programme, "I live nearby.", TODAY)
    coordinator = make_user(name="Carla Coordinator")
    make_membership(coordinator, organisation, "coordinator")
    programmes.record_screening(coordinator, application, True, "Screening note: shy.", TODAY,
                                utcnow())
    make_offer(user, "A blue sofa")
    return user, application


def unzip(data: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name).decode("utf-8") for name in archive.namelist()}


def sections(data: bytes) -> dict:
    return json.loads(unzip(data)["data.json"])
