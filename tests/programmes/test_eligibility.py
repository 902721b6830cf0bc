from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from passerelle.programmes.eligibility import Finding, Gap, Standing, age_on, gaps

TODAY = date(2026, 11, 29)


def test_nothing_required_means_no_gap():
    assert gaps(Standing(today=TODAY)) == []


def test_every_requirement_met_means_no_gap():
    standing = Standing(
        today=TODAY, interview_required=True, interview_passed=True, charter_version=2,
        signed_version=2, signature_expires_on=date(2027, 6, 1),
        trainings={"Visiting in detention": None}, places={"caricole": date(2027, 1, 1)},
        minimum_age=18, birth_date=date(1990, 5, 5))
    assert gaps(standing) == []


def test_a_charter_signed_for_an_old_version_must_be_signed_again():
    standing = Standing(today=TODAY, charter_version=3, signed_version=2)
    assert gaps(standing) == [Finding(Gap.charter_outdated, "3")]


def test_expired_charter_training_and_accreditation_are_named():
    standing = Standing(today=TODAY, charter_version=1, signed_version=1,
                        signature_expires_on=date(2026, 11, 28),
                        trainings={"First aid": date(2026, 1, 1), "Listening": False},
                        places={"vottem": date(2025, 12, 31), "merksplas": False})
    assert gaps(standing) == [
        Finding(Gap.charter_expired), Finding(Gap.training_expired, "First aid"),
        Finding(Gap.training_missing, "Listening"),
        Finding(Gap.accreditation_expired, "vottem")]


def test_one_valid_accreditation_is_enough_for_a_visitor():
    places = {"caricole": False, "vottem": date(2027, 1, 1), "merksplas": False}
    assert gaps(Standing(today=TODAY, places=places)) == []
    none = {"caricole": False, "vottem": False}
    assert gaps(Standing(today=TODAY, places=none)) == [Finding(Gap.accreditation_missing)]


def test_something_valid_until_today_is_still_valid():
    standing = Standing(today=TODAY, trainings={"First aid": TODAY})
    assert gaps(standing) == []


def test_minimum_age():
    assert gaps(Standing(today=TODAY, minimum_age=18, birth_date=date(2008, 11, 30))) == [
        Finding(Gap.too_young, "18")]
    assert gaps(Standing(today=TODAY, minimum_age=18, birth_date=date(2008, 11, 29))) == []
    assert gaps(Standing(today=TODAY, minimum_age=18)) == [Finding(Gap.age_unknown, "18")]


def birthday(birth: date, year: int) -> date:
    return date(year, 3, 1) if (birth.month, birth.day) == (2, 29) else birth.replace(year=year)


@given(st.dates(min_value=date(1900, 1, 1), max_value=TODAY))
def test_age_counts_the_birthdays_passed(birth):
    age = age_on(birth, TODAY)
    assert birthday(birth, birth.year + age) <= TODAY < birthday(birth, birth.year + age + 1) \
        or (birth.month, birth.day) == (2, 29)
