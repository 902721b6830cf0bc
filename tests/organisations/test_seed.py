import pytest
from sqlalchemy import func, select

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
    from passerelle.programmes.services import current_charter, requirements_of, trainings_of

    sponsorship = db.session.scalar(select(Programme).where(Programme.slug == "cire-sponsorship"))
    rules = requirements_of(sponsorship)
    assert (rules.interview, rules.charter) == (True, True)
    assert current_charter(sponsorship).version == 1
    visits = db.session.scalar(select(Programme).where(Programme.slug == "apd-caricole-visits"))
    assert requirements_of(visits).accreditation_places == ["caricole"]
    assert [t.name_en for t in trainings_of(visits)] == ["Visiting people in detention"]
    # The coordinators own them afterwards: a new seed run does not put them back.
    rules.charter = False
    db.session.commit()
    load_directory(read_directory())
    db.session.expire_all()
    assert requirements_of(sponsorship).charter is False


def test_a_programme_edited_on_the_platform_is_left_alone_by_the_seed(db, directory):
    from passerelle.programmes import setup

    thuin = db.session.scalar(select(Programme).where(Programme.slug == "cpas-thuin-parrainage"))
    data = setup.ProgrammeData(
        kind="sponsorship", texts={name: f"Ours: {name}" for name in setup.TEXT_FIELDS}, cities=[],
        interview=True, charter=True, minimum_age=None, accreditation_places=[], settings={})
    setup.update_programme(thuin, data)
    created = setup.create_programme(thuin.organisation, "cpas-thuin-new", data)
    report = load_directory(read_directory())
    assert not report.changed
    db.session.expire_all()
    assert db.session.get(Programme, thuin.id).name_en == "Ours: name_en"
    assert db.session.get(Programme, created.id).is_listed
