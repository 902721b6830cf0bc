"""The platform's defaults for sponsorship apply until the coordinators change them."""

from datetime import UTC, date, datetime

from passerelle.programmes import defaults, services, setup
from passerelle.programmes.eligibility import Gap
from tests.factories import make_organisation, make_programme, make_user

TODAY = date(2026, 12, 1)
NOW = datetime(2026, 12, 1, 8, tzinfo=UTC)  # the same day, in UTC


def _sponsorship_without_a_charter_requirement():
    cire = make_organisation(slug="cire", name="CIRÉ")
    programme = make_programme(cire, slug="cire-sponsorship", interview=False, charter=False)
    setup.publish_charter(programme, {"body_fr": "Charte", "body_nl": "Charter",
                                      "body_en": "Charter"}, valid_months=None, now=NOW)
    return programme


def test_a_sponsor_signs_the_published_charter_by_the_platforms_default(db):
    programme = _sponsorship_without_a_charter_requirement()
    application = services.apply(make_user(), programme, "", NOW)
    assert [f.gap for f in services.findings(application, TODAY)] == [Gap.charter_missing]


def test_coordinators_can_turn_the_default_off(db):
    programme = _sponsorship_without_a_charter_requirement()
    programme.platform_settings = defaults.overrides(
        "sponsorship", {"charter_before_contact": False, "isolated_families_first": True})
    db.session.commit()
    assert programme.platform_settings == {"charter_before_contact": False}
    application = services.apply(make_user(), programme, "", NOW)
    assert services.findings(application, TODAY) == []


def test_other_kinds_have_no_platform_default(db):
    assert defaults.settings_of("housing_hosting", {}) == []
    assert defaults.value_of("housing_hosting", {}, "charter_before_contact") is False
    assert [s.key for s in defaults.settings_of("sponsorship", None)] == [
        "charter_before_contact", "isolated_families_first"]
