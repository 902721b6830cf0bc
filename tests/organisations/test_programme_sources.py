"""Coordinators keep the seed's facts up to date; the platform's defaults are theirs to change."""

from sqlalchemy import select

from passerelle.core.time import utcnow
from passerelle.organisations.models import Organisation, Programme
from passerelle.programmes import setup
from passerelle.programmes.models import Requirements, Training
from passerelle.programmes.services import current_charter, requirements_of

NOW = utcnow()  # the demo's dates are around the real today, as `flask demo-data` does


def _settings_form(programme, **changes):
    data = {name: getattr(programme, name) for name in setup.TEXT_FIELDS} | {
        "kind": programme.kind.value, "cities": "Thuin", "interview": "y", "charter": "y",
        "accreditation_places": [], "audiences": ["asylum_seekers_individual_housing"],
        "charter_before_contact": "y", "isolated_families_first": "y"}
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_coordinator_changes_who_it_is_for_and_a_platform_default(client, db, login_as,
                                                                   directory):
    thuin = db.session.scalar(select(Programme).where(Programme.slug == "cpas-thuin-parrainage"))
    login_as("coordinator", organisation=thuin.organisation)
    form = client.get("/programmes/cpas-thuin-parrainage/settings").get_data(as_text=True)
    assert "The platform&#39;s defaults for sponsorship" in form or \
        "The platform's defaults for sponsorship" in form
    response = client.post("/programmes/cpas-thuin-parrainage/settings", data=_settings_form(
        thuin, audiences=["asylum_seekers", "families_with_children"],
        isolated_families_first=None))
    assert response.status_code == 302
    db.session.expire_all()
    thuin = db.session.get(Programme, thuin.id)
    assert thuin.audiences == ["asylum_seekers", "families_with_children"]
    # Only the departure from the platform's default is stored.
    assert thuin.platform_settings == {"isolated_families_first": False}
    page = client.get("/programmes/cpas-thuin-parrainage").get_data(as_text=True)
    assert "(turned off by the coordinators)" in page
    assert "Families with minor children" in page
    assert "Updated here by the organisation on" in page


def test_a_made_up_audience_is_refused_beside_the_field(client, db, login_as, directory):
    thuin = db.session.scalar(select(Programme).where(Programme.slug == "cpas-thuin-parrainage"))
    login_as("coordinator", organisation=thuin.organisation)
    page = client.post("/programmes/cpas-thuin-parrainage/settings",
                       data=_settings_form(thuin, audiences=["aliens"])).get_data(as_text=True)
    assert "Choose who it is for from the list." in page
    db.session.expire_all()
    assert db.session.get(Programme, thuin.id).edited_at is None


def test_the_demo_sets_example_requirements_the_directory_does_not(app, db, directory):
    from passerelle.organisations.demo import ensure_demo_requirements

    cire = db.session.scalar(select(Programme).where(Programme.slug == "cire-sponsorship"))
    assert db.session.scalar(select(Requirements).where(
        Requirements.programme_id == cire.id)) is None
    assert "cire-sponsorship" in ensure_demo_requirements(NOW)
    rules = requirements_of(cire)
    assert (rules.interview, rules.charter) == (True, True)
    assert "not the organisation" in current_charter(cire).body_en
    visits = db.session.scalar(select(Programme).where(Programme.slug == "jrs-detention-visits"))
    assert requirements_of(visits).accreditation_places == ["caricole", "127bis"]
    assert db.session.scalar(select(Training.name_en).where(
        Training.programme_id == visits.id)).endswith("(demo)")
    assert ensure_demo_requirements(NOW) == []  # once


def test_demo_data_command_reports_the_example_requirements(app, db, directory):
    output = app.test_cli_runner().invoke(args=["demo-data", "--volunteers", "0",
                                                "--needs", "0"]).output
    assert "Example requirements for cire-sponsorship (the demo's" in output


def test_organisation_page_names_its_seed_files(client, db, directory):
    page = client.get("/organisations/groupe-transit").get_data(as_text=True)
    assert "002_5fcbf474f551a740.txt" in page
    transit = db.session.scalar(select(Organisation).where(Organisation.slug == "groupe-transit"))
    assert transit.seed_sources["files"] == ["002_5fcbf474f551a740.txt"]
