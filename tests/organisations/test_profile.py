import pytest
from sqlalchemy import select

from passerelle.organisations.models import Organisation
from passerelle.organisations.seed import load_directory, read_directory


def thuin(db):
    db.session.expire_all()
    return db.session.scalar(select(Organisation).where(Organisation.slug == "cpas-thuin"))


def profile(**fields):
    return {"full_name": "Centre public d'action sociale de Thuin",
            "address": "Drève des Alliés 3", "postcode": "6530", "place": "Thuin",
            "phone": "071 59 90 20", "email": "Info@Cpas-Thuin.example",
            "website": "https://cpas-thuin.example", "description_fr": "Le CPAS.",
            "description_nl": "Het OCMW.", "description_en": "The public welfare centre.",
            "max_retention_months": "24"
            } | fields


def test_a_coordinator_keeps_the_profile_and_the_seed_leaves_it(client, db, directory,
                                                                 login_as):
    login_as("coordinator", organisation=thuin(db))
    assert client.post("/organisations/cpas-thuin/edit", data=profile()).status_code == 302
    organisation = thuin(db)
    assert (organisation.email, organisation.description_en, organisation.place_refnis) == (
        "info@cpas-thuin.example", "The public welfare centre.", "56078")
    assert not load_directory(read_directory()).changed
    assert thuin(db).description_en == "The public welfare centre."
    page = client.get("/organisations/cpas-thuin").get_data(as_text=True)
    assert "The public welfare centre." in page and "https://cpas-thuin.example" in page


@pytest.mark.parametrize(("fields", "message"), [
    ({"postcode": "1000"}, "This postcode is not in that municipality."),
    ({"postcode": "65"}, "A Belgian postcode has four digits."),
    ({"place": "Atlantis"}, "We do not know this Belgian municipality"),
    ({"website": "cpas"}, "Enter a full address, such as https://example.org."),
    ({"email": "nope"}, "Enter a valid e-mail address"),
    ({"description_nl": ""}, "This field is required."),
])
def test_bad_profile_input_changes_nothing(client, db, directory, login_as, fields, message):
    login_as("coordinator", organisation=thuin(db))
    before = thuin(db).description_en
    page = client.post("/organisations/cpas-thuin/edit",
                       data=profile(**fields)).get_data(as_text=True)
    assert message in page
    assert thuin(db).description_en == before and thuin(db).edited_at is None


def test_staff_and_others_cannot_edit(client, db, directory, login_as):
    login_as("staff", organisation=thuin(db))
    assert client.get("/organisations/cpas-thuin/edit").status_code == 404


def test_an_organisation_abroad_keeps_its_city(client, db, directory, login_as):
    london = db.session.scalar(select(Organisation).where(Organisation.slug == "detention-action"))
    login_as("coordinator", organisation=london)
    data = {k: v for k, v in profile().items() if k not in ("postcode", "place")}
    assert client.post("/organisations/detention-action/edit", data=data).status_code == 302
    db.session.expire_all()
    london = db.session.get(Organisation, london.id)
    assert (london.city, london.country, london.place_refnis) == ("London", "GB", None)
