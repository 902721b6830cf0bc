"""What comes next for a volunteer in an application, and when. Pure logic."""

from dataclasses import dataclass
from datetime import datetime

from passerelle.programmes.eligibility import Finding, Gap

CLOSED = ("refused", "withdrawn", "suspended")
TRAINING_GAPS = (Gap.training_missing, Gap.training_expired)


@dataclass(frozen=True)
class Step:
    # closed, interview, interview_outcome, interview_to_plan, training, missing (see
    # `finding`), ready or waiting: a key of programmes.reasons.NEXT_STEPS
    kind: str
    at: datetime | None = None  # when it happens, if it has a date
    finding: Finding | None = None  # what is missing, for training and missing


def next_step(status: str, interview_at: datetime | None, findings: list[Finding],
              sessions: dict[str, list[datetime]], now: datetime) -> Step:
    """`findings` are what the volunteer still lacks (in eligibility.gaps order);
    `sessions` the start times of the upcoming sessions of each training (by id as text),
    soonest first. The interview stays the next step, with its date, until the time it
    was planned for."""
    if status in CLOSED:
        return Step("closed")
    if status == "interview_planned" and interview_at is not None:
        if interview_at > now:
            return Step("interview", interview_at)
        return Step("interview_outcome", interview_at)
    if any(finding.gap == Gap.interview for finding in findings):
        return Step("interview_to_plan")
    for finding in findings:
        if finding.gap in TRAINING_GAPS:
            coming = sessions.get(finding.subject) or []
            return Step("training", coming[0] if coming else None, finding)
        return Step("missing", finding=finding)
    return Step("ready" if status == "active" else "waiting")


def review_actions(status: str, screened: bool, interview_required: bool,
                   interview_planned: bool, accreditation_places: bool,
                   findings: list[Finding], good_conduct: bool = False) -> set[str]:
    """The coordinator's actions that fit an application's current step: the interview and
    its outcome until the volunteer is screened (when the programme interviews), then
    what is still missing, and accreditations and the certificate of good conduct where
    the programme asks for them (renewed at any time); suspension while open,
    reinstatement once suspended."""
    if status == "suspended":
        return {"reinstate"}
    if status in CLOSED:
        return set()
    actions = {"suspend"}
    if not screened and interview_required:
        actions.add("interview")
    if not screened and (interview_required or interview_planned):
        actions.add("screening")
    if interview_required and not screened:
        return actions
    gaps = {finding.gap for finding in findings}
    if gaps & {Gap.charter_missing, Gap.charter_outdated, Gap.charter_expired}:
        actions.add("charter")
    if gaps & set(TRAINING_GAPS):
        actions.add("training")
    if accreditation_places:
        actions.add("accreditation")
    if good_conduct:
        actions.add("conduct")
    return actions
