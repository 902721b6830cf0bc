import pytest
from sqlalchemy import func, select

from passerelle.core.time import utcnow
from passerelle.organisations.models import NetworkMembership, Organisation, Programme
from passerelle.organisations.seed import (
    DirectoryInvalid,
    load_directory,
    problems,
    read_directory,
)

EXPECTED = {
    "vluchtelingenwerk-vlaanderen", "detention-action", "menedek", "france-terre-d-asile",
    "ecre", "jrs-belgium", "cire", "migreurop", "aide-aux-personnes-deplacees",
    "caravane-des-migrants", "caritas-international", "centre-social-protestant",
    "collectif-des-femmes", "community-support-for-refugees", "convivial", "cpas-thuin",
    "cric-charleroi", "duo-for-a-job", "exil", "maison-des-migrants", "medecins-du-monde",
    "migrakot", "plate-forme-citoyenne", "pop-up-factory", "safe-space", "seso", "singa",
    "togather-one", "up-together", "we-can-help", "groupe-transit", "move",
}


def counts(db):
    return tuple(db.session.scalar(select(func.count()).select_from(model))
                 for model in (Organisation, Programme, NetworkMembership))


def test_every_seed_organisation_is_loaded_with_three_languages(db, directory):
    organisations = {o.slug: o for o in db.session.scalars(select(Organisation))}
    assert EXPECTED <= set(organisations)
    for organisation in organisations.values():
        assert organisation.description_fr and organisation.description_nl
        assert organisation.description_en
    for programme in db.session.scalars(select(Programme)):
        assert programme.name_fr and programme.name_nl and programme.name_en


def test_seed_facts_are_kept(db, directory):
    up_together = db.session.scalar(select(Programme).join(Organisation).where(
        Organisation.slug == "up-together", Programme.kind == "housing_hosting"))
    assert up_together.facts["max_stay_weeks"] == 8
    assert up_together.facts["trajectory_weeks"] == 52
    cafes = db.session.scalar(select(Programme).join(Organisation).where(
        Organisation.slug == "caritas-international",
        Programme.kind == "housing_search_support"))
    assert (cafes.facts["sessions_per_week_min"], cafes.facts["sessions_per_week_max"]) == (2, 3)
    assert set(cafes.cities) == {"62063", "21004", "11002"}  # Liège, Bruxelles, Antwerpen


def test_cire_coordinates_the_visitors_network(db, directory):
    transit = db.session.scalar(select(Organisation).where(Organisation.slug == "groupe-transit"))
    coordinators = {link.member.slug for link in transit.members if link.is_coordinator}
    assert coordinators == {"cire"}


def test_belgian_organisations_get_a_place_and_foreign_ones_keep_their_city(db, directory):
    thuin = db.session.scalar(select(Organisation).where(Organisation.slug == "cpas-thuin"))
    assert thuin.place_refnis == "56078" and thuin.postcode == "6530"
    london = db.session.scalar(select(Organisation).where(Organisation.slug == "detention-action"))
    assert (london.country, london.place_refnis) == ("GB", None)
    assert london.city == "London"


def test_seeding_twice_changes_nothing(db, directory):
    before = counts(db)
    report = load_directory(read_directory())
    assert not report.changed
    assert counts(db) == before


def test_editing_the_file_is_followed_and_removed_entries_are_unlisted(db, directory):
    data = read_directory()
    thuin = next(o for o in data["organisations"] if o["slug"] == "cpas-thuin")
    thuin["phone"] = "071 00 00 00"
    data["organisations"] = [o for o in data["organisations"] if o["slug"] != "we-can-help"]
    report = load_directory(data)
    assert report.updated == ["cpas-thuin"]
    assert "we-can-help" in report.unlisted
    rows = {o.slug: o for o in db.session.scalars(select(Organisation))}
    assert rows["cpas-thuin"].phone == "071 00 00 00"
    assert not rows["we-can-help"].is_listed
    load_directory(read_directory())
    db.session.expire_all()
    assert db.session.get(Organisation, rows["we-can-help"].id).is_listed


def test_seed_command(app, db):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed"])
    second = runner.invoke(args=["seed"])
    assert first.exit_code == 0 and "created" in first.output
    assert second.output.strip() == "created 0, updated 0, unlisted 0"


def test_the_shipped_directory_passes_its_check():
    assert problems(read_directory(), complete=True) == []


def test_a_broken_directory_is_refused_and_nothing_is_loaded(app, db):
    data = read_directory()
    data["organisations"][0]["kind"] = "secret_society"
    del data["organisations"][1]["description"]["nl"]
    found = problems(data)
    assert any("secret_society" in problem for problem in found)
    assert any("nl" in problem for problem in found)
    with pytest.raises(DirectoryInvalid):
        load_directory(data)
    assert counts(db) == (0, 0, 0)


def test_seed_programmes_get_their_requirements_once(db, directory):
    from passerelle.programmes.services import current_charter, requirements_of

    thuin = db.session.scalar(select(Programme).where(Programme.slug == "cpas-thuin-parrainage"))
    rules = requirements_of(thuin)
    assert (rules.interview, rules.charter) == (True, True)
    assert current_charter(thuin).version == 1
    # The coordinators own them afterwards: a new seed run does not put them back.
    rules.charter = False
    db.session.commit()
    load_directory(read_directory())
    db.session.expire_all()
    assert requirements_of(thuin).charter is False


def test_the_directory_sets_only_the_requirements_a_seed_states(db, directory):
    from passerelle.programmes.models import Requirements, Training

    seeded = set(db.session.scalars(select(Programme.slug).join(
        Requirements, Requirements.programme_id == Programme.id)))
    assert seeded == {"cpas-thuin-parrainage"}
    assert db.session.scalar(select(func.count()).select_from(Training)) == 0


def test_the_visitors_groups_are_not_merged_into_one_network(db, directory):
    transit = db.session.scalar(select(Organisation).where(Organisation.slug == "groupe-transit"))
    assert {(link.member.slug, link.is_coordinator) for link in transit.members} == {
        ("cire", True)}
    for slug in ("vluchtelingenwerk-vlaanderen", "jrs-belgium"):
        organisation = db.session.scalar(select(Organisation).where(Organisation.slug == slug))
        assert "groupe-transit" not in {link.network.slug for link in organisation.networks}
        # Its description no longer says it coordinates CIRÉ's network.
        assert "NGO visitors' group" not in organisation.description_en
    visits = {p.slug: p for p in db.session.scalars(select(Programme).where(
        Programme.kind == "detention_visits"))}
    assert "Vluchtelingenwerk" not in visits["cire-detention-visits"].description_en
    assert "Vluchtelingenwerk" not in visits["jrs-detention-visits"].description_en


@pytest.mark.parametrize("slug", [
    "menedek-detention-counselling", "menedek-training", "ftda-detention-centres",
    "maison-des-migrants-shelter", "apd-hosting", "we-can-help-jobs"])
def test_staff_services_open_no_volunteer_sign_up(client, directory, slug):
    page = client.get(f"/programmes/{slug}").get_data(as_text=True)
    assert "Join this programme" not in page


def test_seed_facts_do_not_overstate(client, db, directory):
    thuin = client.get("/programmes/cpas-thuin-parrainage").get_data(as_text=True)
    assert "Sponsors sign the programme&#39;s charter." in thuin
    assert "Particular attention goes to families with little or no outside contact." in thuin
    assert "come first." not in thuin
    # The platform's defaults are shown as the platform's, not as Thuin's words.
    assert "The platform's defaults" in thuin and "(the platform's default)" in thuin
    doctors = db.session.scalar(select(Programme).where(
        Programme.slug == "medecins-du-monde-volunteers"))
    assert "skills" not in doctors.facts and "driver" not in doctors.description_en
    cire = db.session.scalar(select(Organisation).where(Organisation.slug == "cire"))
    assert "60 years" in cire.description_en and "sixty" not in cire.description_en
    convivial = db.session.scalar(select(Organisation).where(Organisation.slug == "convivial"))
    assert "amitié" not in convivial.description_fr and "rencontre" in convivial.description_fr
    sponsorship = db.session.scalar(select(Programme).where(Programme.slug == "cire-sponsorship"))
    assert "being set up in 2016" in sponsorship.name_en


def test_every_seed_fact_shows_its_source_and_date(client, directory):
    page = client.get("/programmes/up-together-hosting").get_data(as_text=True)
    assert "003_233dd5a4b08aac1c.txt" in page
    assert "as published in June 2016" in page
    assert "des séjours n&#39;excédant pas 8 semaines" in page
    organisation = client.get("/organisations/menedek").get_data(as_text=True)
    assert "000_5f488c057c60b541.txt" in organisation
    assert "was established in January 1995" in organisation


def test_a_corrected_contact_keeps_what_the_seed_prints(client, directory):
    page = client.get("/organisations/exil").get_data(as_text=True)
    assert "https://www.exil.be" in page and "www.exil.he" in page


def test_a_contact_the_seed_gives_for_one_programme_is_that_programmes(client, directory):
    caritas = client.get("/organisations/caritas-international").get_data(as_text=True)
    assert "s.demot@caritasint.be" not in caritas
    cafes = client.get("/programmes/caritas-housing-cafes").get_data(as_text=True)
    assert "Contact for this programme" in cafes and "s.demot@caritasint.be" in cafes
    assert "Sofie De Mot" in cafes


def test_who_a_programme_is_for_is_loaded_and_shown(client, db, directory):
    up_together = db.session.scalar(select(Programme).where(
        Programme.slug == "up-together-hosting"))
    assert "released_from_detention" in up_together.audiences
    page = client.get("/programmes/up-together-hosting").get_data(as_text=True)
    assert "Undocumented people released from detention" in page


def test_a_programme_edited_on_the_platform_is_left_alone_by_the_seed(db, directory):
    from passerelle.programmes import setup

    thuin = db.session.scalar(select(Programme).where(Programme.slug == "cpas-thuin-parrainage"))
    data = setup.ProgrammeData(
        kind="sponsorship", texts={name: f"Ours: {name}" for name in setup.TEXT_FIELDS}, cities=[],
        interview=True, charter=True, minimum_age=None, accreditation_places=[], settings={})
    setup.update_programme(thuin, data, utcnow())
    created = setup.create_programme(thuin.organisation, "cpas-thuin-new", data, utcnow())
    report = load_directory(read_directory())
    assert not report.changed
    db.session.expire_all()
    assert db.session.get(Programme, thuin.id).name_en == "Ours: name_en"
    assert db.session.get(Programme, created.id).is_listed
