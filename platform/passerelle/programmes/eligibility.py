"""Is a volunteer ready for a programme? Pure logic: plain data in, named gaps out.

A gap names what is missing or expired, so that a person reads why someone is not
active yet, and so that an expired charter or training makes a volunteer inactive
until it is renewed.
"""

import enum
from dataclasses import dataclass, field
from datetime import date

from dateutil.relativedelta import relativedelta

# A certificate of good conduct (Belgium's extract of the criminal record, model 2) given
# without an expiry date counts as valid for this many months from its issue date: the
# extract states the record on its day of issue, and programmes ask for a recent one.
CONDUCT_VALID_MONTHS = 12


class Gap(enum.StrEnum):
    interview = "interview"
    charter_missing = "charter_missing"
    charter_outdated = "charter_outdated"
    charter_expired = "charter_expired"
    training_missing = "training_missing"
    training_expired = "training_expired"
    accreditation_missing = "accreditation_missing"
    accreditation_expired = "accreditation_expired"
    conduct_missing = "conduct_missing"
    conduct_expired = "conduct_expired"
    too_young = "too_young"
    age_unknown = "age_unknown"


@dataclass(frozen=True)
class Finding:
    gap: Gap
    subject: str = ""  # which training or place, when it matters


@dataclass(frozen=True)
class Standing:
    """What a programme asks, and what the volunteer has, on a given day."""

    today: date
    interview_required: bool = False
    interview_passed: bool = False
    charter_version: int | None = None  # the current version, if a charter is required
    signed_version: int | None = None
    signature_expires_on: date | None = None
    trainings: dict[str, date | None | bool] = field(default_factory=dict)
    # training (its id as text) -> False when not done, else its expiry date (None: never
    # expires)
    places: dict[str, date | None | bool] = field(default_factory=dict)
    # each place where the programme accredits -> False when the volunteer is not
    # accredited there, else its expiry date. One valid accreditation is enough: a visitor
    # visits the centres they are accredited for.
    minimum_age: int | None = None
    birth_date: date | None = None
    # The certificate of good conduct: asked or not, and the dates a coordinator saw on it.
    conduct_required: bool = False
    conduct_issued_on: date | None = None
    conduct_expires_on: date | None = None


def age_on(birth_date: date, day: date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def gaps(standing: Standing) -> list[Finding]:
    found: list[Finding] = []
    if standing.minimum_age:
        if standing.birth_date is None:
            found.append(Finding(Gap.age_unknown, str(standing.minimum_age)))
        elif age_on(standing.birth_date, standing.today) < standing.minimum_age:
            found.append(Finding(Gap.too_young, str(standing.minimum_age)))
    if standing.interview_required and not standing.interview_passed:
        found.append(Finding(Gap.interview))
    if standing.charter_version is not None:
        found.extend(_charter_gaps(standing))
    found.extend(_dated_gaps(standing.trainings, standing.today,
                             Gap.training_missing, Gap.training_expired))
    found.extend(_place_gaps(standing.places, standing.today))
    if standing.conduct_required:
        found.extend(_conduct_gaps(standing))
    return found


def conduct_valid_until(issued_on: date, expires_on: date | None) -> date:
    """The last day a certificate of good conduct counts: its expiry date, else 12 months
    after its issue (CONDUCT_VALID_MONTHS)."""
    return expires_on or issued_on + relativedelta(months=CONDUCT_VALID_MONTHS)


def _conduct_gaps(standing: Standing) -> list[Finding]:
    if standing.conduct_issued_on is None:
        return [Finding(Gap.conduct_missing)]
    if conduct_valid_until(standing.conduct_issued_on,
                           standing.conduct_expires_on) < standing.today:
        return [Finding(Gap.conduct_expired)]
    return []


def _place_gaps(places: dict, today: date) -> list[Finding]:
    granted = {place: expiry for place, expiry in places.items() if expiry is not False}
    if not places or any(not _expired(expiry, today) for expiry in granted.values()):
        return []
    if granted:
        return [Finding(Gap.accreditation_expired, place) for place in sorted(granted)]
    return [Finding(Gap.accreditation_missing)]


def _charter_gaps(standing: Standing) -> list[Finding]:
    if standing.signed_version is None:
        return [Finding(Gap.charter_missing)]
    if standing.signed_version < standing.charter_version:
        return [Finding(Gap.charter_outdated, str(standing.charter_version))]
    if _expired(standing.signature_expires_on, standing.today):
        return [Finding(Gap.charter_expired)]
    return []


def _dated_gaps(items: dict, today: date, missing: Gap, expired: Gap) -> list[Finding]:
    found = []
    for name, expiry in sorted(items.items()):
        if expiry is False:
            found.append(Finding(missing, name))
        elif _expired(expiry, today):
            found.append(Finding(expired, name))
    return found


def _expired(expires_on: date | None, today: date) -> bool:
    return expires_on is not None and expires_on < today
