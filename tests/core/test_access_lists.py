"""core.access decides lists and single records by the same rule, asked once per request."""

from sqlalchemy import event, select

from passerelle.core import access
from passerelle.core.time import utcnow
from passerelle.extensions import db
from passerelle.needs.models import Person
from passerelle.organisations.models import NetworkMembership, Programme
from tests.factories import make_membership, make_organisation, make_user
from tests.needs.factories import make_person, make_programme, signed_in, staff_of


def _world():
    network = make_organisation(kind="network")
    member, outsider = make_organisation(), make_organisation()
    db.session.add(NetworkMembership(network_id=network.id, member_id=member.id))
    db.session.commit()
    hosting = make_programme(outsider, kind="housing_hosting", name="Hosting")
    programmes = [make_programme(o) for o in (member, outsider, network)] + [hosting]
    people = [make_person(member, "Zainab"), make_person(outsider, "Omid"),
              make_person(member, "Referred", referred_to_id=hosting.id)]
    users = [make_user(is_admin=True), staff_of(member), staff_of(member, "coordinator"),
             staff_of(network), staff_of(network, "coordinator"), staff_of(outsider), make_user()]
    return users, programmes, people


def test_the_list_rules_are_the_single_record_rules(app):
    users, programmes, people = _world()
    for user in users:
        listed = set(db.session.scalars(select(Programme).where(
            access.coordinated_programmes_clause(user))))
        assert listed == {p for p in programmes if access.can_coordinate_programme(user, p)}
        seen = set(db.session.scalars(select(Person).where(access.visible_people_clause(user))))
        assert seen == {p for p in people if access.can_see_person(user, p)}


def test_network_staff_who_do_not_coordinate_see_no_coordination_rows(app):
    """The old list query counted any member of a network, not only its coordinators."""
    network, member = make_organisation(kind="network"), make_organisation()
    db.session.add(NetworkMembership(network_id=network.id, member_id=member.id))
    db.session.commit()
    make_programme(member, name="Parrainage Nord")
    staff, coordinator = staff_of(network), staff_of(network, "coordinator")
    assert "Parrainage Nord" not in signed_in(app, staff).get("/coordination/").text
    assert "Parrainage Nord" in signed_in(app, coordinator).get("/coordination/").text


def test_memberships_are_read_once_per_page(app):
    organisation = make_organisation()
    user = staff_of(organisation, "coordinator")
    for n in range(6):
        make_programme(organisation, name=f"Programme {n}")
    statements = []

    def count(conn, cursor, statement, *args):
        if "FROM memberships" in statement:
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        assert signed_in(app, user).get("/coordination/").status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert len(statements) == 1


def test_a_removed_member_loses_access_within_the_same_request(app):
    """The per-request answers are forgotten at every commit."""
    organisation = make_organisation()
    user = make_user()
    membership = make_membership(user, organisation)
    with app.test_request_context():
        assert access.works_for(user, organisation)
        db.session.delete(membership)
        db.session.commit()
        assert not access.works_for(user, organisation)


def test_the_screening_note_stays_with_the_programmes_own_organisation(app):
    """A network coordinator and an administrator review an application without its note."""
    from passerelle.programmes import services
    from tests.factories import make_programme as programme_with_rules

    network, member = make_organisation(kind="network"), make_organisation()
    db.session.add(NetworkMembership(network_id=network.id, member_id=member.id))
    db.session.commit()
    programme = programme_with_rules(member, slug="visits-note")
    coordinator = staff_of(member, "coordinator")
    application = services.apply(make_user(), programme, "", utcnow())
    services.record_screening(coordinator, application, True, "Fragile-note-42", utcnow())
    page = f"/applications/{application.id}/review"
    assert "Fragile-note-42" in signed_in(app, coordinator).get(page).text
    for outsider in (staff_of(network, "coordinator"), make_user(is_admin=True)):
        response = signed_in(app, outsider).get(page)
        assert response.status_code == 200 and "Fragile-note-42" not in response.text
