"""Sponsorship as a pool: contacts recorded by staff or by the sponsor through the matching
rules (the charter first), the staff's pool page with its flags, the batch for the flagged
families, and what each sponsor sees of their pool."""

from datetime import timedelta

import pytest
from flask_babel import force_locale
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from passerelle.core.audit import AuditEntry
from passerelle.core.errors import DomainError
from passerelle.extensions import db
from passerelle.matching import pool, services
from passerelle.matching.models import Match, MatchStatus, Objective
from passerelle.needs.models import NeedStatus
from passerelle.programmes import services as programmes
from passerelle.programmes import setup
from passerelle.programmes.models import Application, ApplicationStatus
from passerelle.reminders.models import OutboxMessage
from tests.factories import make_membership, make_organisation, make_user
from tests.matching.factories import NOW, coordinator_of, need, open_programme, volunteer
from tests.needs.factories import make_person, signed_in


@pytest.fixture(autouse=True)
def english(app):
    with force_locale("en"):
        yield


def _programme(slug="thuin", charter=True, **settings_):
    """CPAS de Thuin's pool: a sponsorship programme with its charter published (asked by
    the platform's default `charter_before_contact`, not by the programme's requirements)."""
    programme = open_programme(make_organisation(name="CPAS de Thuin"), slug=slug)
    programme.platform_settings = settings_ or {}
    db.session.commit()
    if charter:
        setup.publish_charter(programme, {"body_fr": "Charte", "body_nl": "Charter",
                                          "body_en": "Charter"}, valid_months=12, now=NOW)
        db.session.commit()
    return programme


def _sponsor(programme, name, sign=True, **fields):
    user = volunteer(programme, name, **fields)
    if sign:
        _sign(user, programme)
    return user


def _sign(user, programme):
    application = db.session.scalar(select(Application).where(
        Application.user_id == user.id, Application.programme_id == programme.id))
    programmes.sign_charter(user, application, 1, NOW)


def _family(programme, first_name, places=1, **person):
    found = make_person(programme.organisation, first_name, **person)
    return need(programme, places_needed=places, person_id=found.id, title="A family")


def _staff(programme):
    user = make_user(name="Sam Staff")
    make_membership(user, programme.organisation, "staff")
    return user


def _kinds(user) -> list[str]:
    return sorted(db.session.scalars(select(OutboxMessage.kind).where(
        OutboxMessage.recipient_id == user.id)))


def _reads(user, page) -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.user_id == user.id, AuditEntry.action == "read", AuditEntry.page == page))


# Flags: pure --------------------------------------------------------------------------------

@settings(max_examples=60, deadline=None)
@given(st.integers(0, 6), st.integers(1, 6))
def test_a_family_is_flagged_exactly_while_under_its_target(contacts, target):
    flag = pool.flag_of(contacts, target)
    assert (flag is None) == (contacts >= target)
    assert (flag == pool.NONE) == (contacts == 0)


# Contacts -----------------------------------------------------------------------------------

def test_staff_record_a_contact_only_once_the_sponsor_signed_the_charter(app):
    programme = _programme()
    coordinator = coordinator_of(programme.organisation)
    staff = _staff(programme)
    amina = _family(programme, "Amina")
    ada = _sponsor(programme, "Ada Peeters", sign=False)
    with pytest.raises(DomainError, match="charter") as refused:
        pool.add_contact(staff, programme, amina.id, ada.id, NOW)
    assert refused.value.field == "sponsor"
    assert db.session.scalar(select(func.count()).select_from(Match)) == 0
    assert ada.id not in dict(pool.sponsor_choices(programme, NOW))
    _sign(ada, programme)
    assert dict(pool.sponsor_choices(programme, NOW)) == {ada.id: "Ada Peeters"}
    match = pool.add_contact(staff, programme, amina.id, ada.id, NOW)
    assert match.status == MatchStatus.active and match.user_id == ada.id
    assert match.decided_by_id == staff.id and match.answered_at is not None
    db.session.refresh(amina)
    assert amina.status == NeedStatus.filled  # its one place is taken
    actions = db.session.scalars(select(AuditEntry.action).where(
        AuditEntry.record_type == "match", AuditEntry.record_id == match.id)).all()
    assert actions == ["contact"]
    assert _kinds(coordinator) == ["match-contact"]
    assert _kinds(staff) == []  # who recorded it is not told


def test_without_the_platform_default_the_charter_is_not_asked_before_a_contact(app):
    programme = _programme(charter_before_contact=False)
    staff = _staff(programme)
    ada = _sponsor(programme, "Ada", sign=False)
    pool.add_contact(staff, programme, _family(programme, "Amina").id, ada.id, NOW)


def test_a_contact_goes_through_every_rule_and_the_sponsor_s_limit(app):
    programme = _programme()
    staff = _staff(programme)
    amina, bilal, chen = (_family(programme, name, places=3) for name in ("Amina", "Bilal",
                                                                          "Chen"))
    one = _sponsor(programme, "One Family")
    several = _sponsor(programme, "Several Families", max_matches=3)
    dari = _sponsor(programme, "Dari Only", languages={"prs": 4})
    pool.add_contact(staff, programme, amina.id, one.id, NOW)
    with pytest.raises(DomainError, match="their limit is 1"):
        pool.add_contact(staff, programme, bilal.id, one.id, NOW)
    with pytest.raises(DomainError, match="Already proposed or matched"):
        pool.add_contact(staff, programme, amina.id, one.id, NOW)
    with pytest.raises(DomainError, match="language"):
        pool.add_contact(staff, programme, amina.id, dari.id, NOW)
    for family in (amina, bilal, chen):
        pool.add_contact(staff, programme, family.id, several.id, NOW)
    assert db.session.scalar(select(func.count()).select_from(Match).where(
        Match.status == MatchStatus.active)) == 4


def test_only_the_programme_s_own_staff_add_contacts_and_only_for_its_families(app):
    programme = _programme()
    other = _programme(slug="elsewhere")
    ada = _sponsor(programme, "Ada")
    amina = _family(programme, "Amina")
    outsider = _staff(other)
    with pytest.raises(DomainError):
        pool.add_contact(outsider, programme, amina.id, ada.id, NOW)
    with pytest.raises(DomainError, match="family") as refused:
        pool.add_contact(_staff(programme), programme, _family(other, "Other").id, ada.id, NOW)
    assert refused.value.field == "family"
    mentoring = open_programme(programme.organisation, kind="mentoring", slug="duo")
    assert not pool.is_pool(mentoring)
    with pytest.raises(DomainError):
        pool.add_contact(_staff(programme), mentoring, need(mentoring).id, ada.id, NOW)


def test_a_sponsor_records_a_meeting_through_the_same_rules(app):
    programme = _programme()
    coordinator = coordinator_of(programme.organisation)
    amina, bilal = _family(programme, "Amina"), _family(programme, "Bilal")
    ada = _sponsor(programme, "Ada", sign=False, max_matches=2)
    page = pool.met_page(ada, programme, NOW, "en")
    assert "charter" in page.why_not and page.families == []
    with pytest.raises(DomainError, match="charter"):
        pool.record_met(ada, programme, amina.id, NOW)
    _sign(ada, programme)
    assert pool.met_page(ada, programme, NOW, "en").families == [(amina.id, "Amina"),
                                                                  (bilal.id, "Bilal")]
    match = pool.record_met(ada, programme, amina.id, NOW)
    assert match.status == MatchStatus.active and match.proposed_by_id == ada.id
    assert _kinds(coordinator) == ["match-contact"]
    assert pool.met_page(ada, programme, NOW, "en").families == [(bilal.id, "Bilal")]
    assert _reads(ada, "sponsor_form") == 3  # 2 first names shown, then 1


def test_someone_with_no_open_application_records_no_meeting(app):
    programme = _programme()
    amina = _family(programme, "Amina")
    stranger = make_user(name="Stranger")
    with pytest.raises(DomainError):
        pool.record_met(stranger, programme, amina.id, NOW)
    withdrawn = _sponsor(programme, "Withdrawn", sign=False, status=ApplicationStatus.withdrawn)
    with pytest.raises(DomainError):
        pool.record_met(withdrawn, programme, amina.id, NOW)
    assert db.session.scalar(select(func.count()).select_from(Match)) == 0


# The staff's page and the batch -------------------------------------------------------------

def test_the_pool_lists_isolated_families_first_with_their_flags(app):
    programme = _programme()
    staff = _staff(programme)
    ada, bea = _sponsor(programme, "Ada", max_matches=3), _sponsor(programme, "Bea")
    amina = _family(programme, "Amina", places=2)
    bilal = _family(programme, "Bilal", places=1)
    chen = _family(programme, "Chen", places=2)
    dina = _family(programme, "Dina", places=2, isolated=True)
    erin = _family(programme, "Erin", places=1)
    pool.add_contact(staff, programme, amina.id, ada.id, NOW)
    pool.add_contact(staff, programme, bilal.id, ada.id, NOW)
    pool.add_contact(staff, programme, chen.id, ada.id, NOW)
    pool.add_contact(staff, programme, chen.id, bea.id, NOW)
    pool.add_contact(staff, programme, dina.id, _sponsor(programme, "Cem").id, NOW)
    rows = pool.pool_rows(staff, programme, NOW)
    assert [(r.first_name, r.contacts, r.flag) for r in rows] == [
        ("Dina", 1, "few"), ("Erin", 0, "none"), ("Amina", 1, "few"), ("Bilal", 1, None),
        ("Chen", 2, None)]
    assert rows[4].sponsors == ["Ada", "Bea"] and rows[1].sponsors == []
    assert _reads(staff, "pool") == 5
    programme.platform_settings = {"isolated_families_first": False}
    db.session.commit()
    assert [r.first_name for r in pool.pool_rows(staff, programme, NOW)] == [
        "Erin", "Amina", "Bilal", "Dina", "Chen"]
    assert erin.id == rows[1].need_id


def test_the_batch_proposes_for_every_flagged_family_and_only_them(app):
    programme = _programme()
    staff = _staff(programme)
    coordinator = coordinator_of(programme.organisation)
    ada = _sponsor(programme, "Ada", max_matches=2)
    for name in ("Bea", "Cem", "Dan", "Eva"):
        _sponsor(programme, name, max_matches=2)
    amina = _family(programme, "Amina", places=2)  # one contact: few
    bilal = _family(programme, "Bilal", places=1)  # one contact: enough
    chen = _family(programme, "Chen", places=2, no_outside_contact=True)  # none
    pool.add_contact(staff, programme, amina.id, ada.id, NOW)
    pool.add_contact(staff, programme, bilal.id, ada.id, NOW)
    flagged = {r.need_id: r.target - r.contacts for r in pool.pool_rows(staff, programme, NOW)
               if r.flag}
    assert flagged == {amina.id: 1, chen.id: 2}
    batch = services.run_batch(coordinator, programme, Objective.places, NOW)
    proposed = dict(db.session.execute(select(Match.need_id, func.count()).where(
        Match.batch_id == batch.id).group_by(Match.need_id)).all())
    assert proposed == flagged
    rows = {r.need_id: r for r in pool.pool_rows(staff, programme, NOW)}
    assert rows[chen.id].waiting == 2 and rows[chen.id].flag == "none"  # until they accept


def test_the_pool_page_for_staff_and_the_batch_button_for_coordinators(app, client, login_as):
    programme = _programme()
    login_as("coordinator", organisation=programme.organisation)
    ada = _sponsor(programme, "Ada Peeters")
    amina = _family(programme, "Amina", isolated=True)
    page = client.get(f"/programmes/{programme.slug}/pool").get_data(as_text=True)
    assert "Amina" in page and "No contact" in page and "Propose sponsors" in page
    assert "Ada Peeters" in page  # among the sponsors to choose
    as_staff = signed_in(app, _staff(programme))
    staff_page = as_staff.get(f"/programmes/{programme.slug}/pool").get_data(as_text=True)
    assert "Amina" in staff_page and "Propose sponsors" not in staff_page
    # Bad input: the reason beside the field, nothing written.
    response = as_staff.post(f"/programmes/{programme.slug}/pool/contacts",
                             data={"family": str(amina.id), "sponsor": "999999"})
    assert response.status_code == 200
    assert db.session.scalar(select(func.count()).select_from(Match)) == 0
    response = as_staff.post(f"/programmes/{programme.slug}/pool/contacts",
                             data={"family": str(amina.id), "sponsor": str(ada.id)})
    assert response.status_code == 302
    page = client.get(f"/programmes/{programme.slug}/pool").get_data(as_text=True)
    assert "No contact" not in page and "1 of 1" in page
    assert "The pool of families" in client.get(
        f"/programmes/{programme.slug}/matches").get_data(as_text=True)


def test_the_pool_page_is_nobody_else_s(app, login_as, client):
    programme = _programme()
    _family(programme, "Amina-Private")
    mentoring = open_programme(programme.organisation, kind="mentoring", slug="duo")
    other = make_organisation(name="Other")
    for role, organisation in (("coordinator", other), ("admin", None),
                               ("volunteer", None)):
        login_as(role, organisation=organisation)
        response = client.get(f"/programmes/{programme.slug}/pool")
        assert response.status_code == 404, role
        assert "Amina-Private" not in response.get_data(as_text=True)
    login_as("staff", organisation=programme.organisation)
    assert client.get(f"/programmes/{mentoring.slug}/pool").status_code == 404


def _pool_queries(client, login_as, count_queries, families: int) -> int:
    programme = _programme(slug=f"queries-{families}")
    login_as("staff", organisation=programme.organisation)
    staff = _staff(programme)
    for n in range(families):
        sponsor = _sponsor(programme, f"Sponsor {n}")
        family = _family(programme, f"Family{n}", places=2)
        pool.add_contact(staff, programme, family.id, sponsor.id, NOW)
    with count_queries() as queries:
        page = client.get(f"/programmes/{programme.slug}/pool").get_data(as_text=True)
    assert f"Family{families - 1}" in page
    return queries.count


def test_the_pool_page_does_not_query_per_family(app, client, login_as, count_queries):
    assert (_pool_queries(client, login_as, count_queries, 1)
            == _pool_queries(client, login_as, count_queries, 4))


# The sponsor's side -------------------------------------------------------------------------

def test_a_sponsor_sees_the_first_names_of_their_families_and_of_the_other_sponsors(app):
    programme = _programme()
    staff = _staff(programme)
    ada = _sponsor(programme, "Ada Peeters", max_matches=2)
    bea = _sponsor(programme, "Bea Janssens")
    _sponsor(programme, "Cem Without-Contact")
    amina, bilal = _family(programme, "Amina"), _family(programme, "Bilal", places=2)
    _family(programme, "Chen-Not-Met")
    pool.add_contact(staff, programme, amina.id, ada.id, NOW)
    pool.add_contact(staff, programme, bilal.id, ada.id, NOW)
    pool.add_contact(staff, programme, bilal.id, bea.id, NOW)
    client = signed_in(app, ada)
    page = client.get("/my/matches").get_data(as_text=True)
    assert "Amina, Bilal" in page and "Bea" in page
    for hidden in ("Janssens", "Cem", "Chen-Not-Met"):
        assert hidden not in page
    assert _reads(ada, "sponsor") == 2
    assert f"/programmes/{programme.slug}/pool/met" in page
    assert [found.families for found in pool.for_sponsor(bea, NOW)] == [["Bilal"]]
    assert [found.sponsors for found in pool.for_sponsor(bea, NOW)] == [["Ada"]]


def test_a_sponsor_says_they_met_a_family_from_their_page(app):
    programme = _programme()
    coordinator = coordinator_of(programme.organisation)
    amina = _family(programme, "Amina")
    ada = _sponsor(programme, "Ada", sign=False)
    client = signed_in(app, ada)
    page = client.get(f"/programmes/{programme.slug}/pool/met").get_data(as_text=True)
    assert "charter" in page and "Amina" not in page
    _sign(ada, programme)
    page = client.get(f"/programmes/{programme.slug}/pool/met").get_data(as_text=True)
    assert "Amina" in page
    response = client.post(f"/programmes/{programme.slug}/pool/met", data={"family": ""})
    assert response.status_code == 200 and "Choose a family" in response.get_data(as_text=True)
    response = client.post(f"/programmes/{programme.slug}/pool/met",
                           data={"family": str(amina.id)})
    assert response.status_code == 302
    assert _kinds(coordinator) == ["match-contact"]
    assert "Amina" in client.get("/my/matches").get_data(as_text=True)


def _fits_me_queries(app, count_queries, pools: int) -> int:
    sponsor = None
    for n in range(pools):
        programme = _programme(slug=f"fits-pool-{pools}-{n}")
        if sponsor is None:
            sponsor = _sponsor(programme, "Ada", max_matches=5)
        else:
            from tests.matching.factories import apply

            apply(sponsor, programme)
            _sign(sponsor, programme)
        other = _sponsor(programme, f"Other{n}")
        family = _family(programme, f"Fam{n}", places=2)
        staff = _staff(programme)
        pool.add_contact(staff, programme, family.id, sponsor.id, NOW)
        pool.add_contact(staff, programme, family.id, other.id, NOW)
    client = signed_in(app, sponsor)
    with count_queries() as queries:
        page = client.get("/my/matches").get_data(as_text=True)
    assert f"Fam{pools - 1}" in page and f"Other{pools - 1}" in page
    return queries.count


def test_a_sponsor_s_page_does_not_query_per_pool(app, count_queries):
    assert _fits_me_queries(app, count_queries, 1) == _fits_me_queries(app, count_queries, 3)


def test_an_ended_contact_frees_the_family_s_place_again(app):
    programme = _programme()
    staff = _staff(programme)
    coordinator = coordinator_of(programme.organisation)
    ada = _sponsor(programme, "Ada")
    amina = _family(programme, "Amina")
    match = pool.add_contact(staff, programme, amina.id, ada.id, NOW)
    services.end(coordinator, match, "Moved", NOW.date(), NOW + timedelta(hours=1))
    assert [r.flag for r in pool.pool_rows(staff, programme, NOW)] == ["none"]
