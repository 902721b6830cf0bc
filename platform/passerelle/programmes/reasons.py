"""Eligibility gaps as sentences a person reads."""

from collections.abc import Mapping

from flask_babel import lazy_gettext as _l

from passerelle.programmes.eligibility import Finding, Gap
from passerelle.programmes.models import DETENTION_CENTRES

SENTENCES = {
    Gap.interview: _l("The screening interview has not taken place yet."),
    Gap.charter_missing: _l("The charter is not signed yet."),
    Gap.charter_outdated: _l("The charter has a new version (%(subject)s) to sign."),
    Gap.charter_expired: _l("The charter signature has expired: sign it again."),
    Gap.training_missing: _l("Training still to do: %(subject)s."),
    Gap.training_expired: _l("Training expired, to renew: %(subject)s."),
    Gap.accreditation_missing: _l("Not yet accredited for a detention centre."),
    Gap.accreditation_expired: _l("Accreditation expired for %(subject)s."),
    Gap.conduct_missing: _l("Bring a certificate of good conduct to the coordinators: the "
                            "extract of the criminal record, model 2 (for work with minors), "
                            "from your municipality, issued less than 12 months ago."),
    Gap.conduct_expired: _l("The certificate of good conduct is out of date: bring a new "
                            "extract of the criminal record, model 2, to the coordinators."),
    Gap.too_young: _l("The programme asks for a minimum age of %(subject)s."),
    Gap.age_unknown: _l("The programme asks for a minimum age of %(subject)s: add your date "
                        "of birth to your profile."),
}


def explain(finding: Finding, training_names: Mapping[str, str]) -> str:
    """`training_names` maps a training's id (as text) to its name in the reader's language."""
    subject = DETENTION_CENTRES.get(finding.subject) or training_names.get(
        finding.subject, finding.subject)
    # A mapping leaves sentences without a placeholder as they are.
    return str(SENTENCES[finding.gap]) % {"subject": subject}


NEXT_STEPS = {
    "interview": _l("An interview with the coordinators"),
    "interview_outcome": _l("Interview done: the coordinators will tell you the outcome."),
    "interview_to_plan": _l("The coordinators will plan an interview with you."),
    "ready": _l("You are ready: the coordinators can match you."),
    "waiting": _l("The coordinators are reviewing your application."),
}


def describe_step(step, training_names: Mapping[str, str]) -> str:
    """The next step (programmes.steps.Step) as a sentence; empty for a closed application."""
    if step.finding is not None:
        return explain(step.finding, training_names)
    return str(NEXT_STEPS.get(step.kind, ""))


def localized_training_names(trainings: Mapping[int, list], locale: str) -> dict[str, str]:
    """Training names in the reader's language, keyed as eligibility findings name them
    (the training's id as text); `trainings` as services.trainings_by_programme gives."""
    return {str(training.id): training.text("name", locale)
            for group in trainings.values() for training in group}
