"""A refusal reads in the language asked for, not the request's (a mail, an export)."""

import pytest
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from passerelle.matching.reasons import sentence
from passerelle.matching.rules import Refusal, Rule
from passerelle.programmes.eligibility import Finding, Gap

CASES = [
    (Refusal(Rule.application, {"finding": Finding(Gap.interview)}),
     "Het screeningsgesprek heeft nog niet plaatsgevonden.",
     "L’entretien de sélection n’a pas encore eu lieu."),
    (Refusal(Rule.language, {"languages": ["ar"], "level": 3}),
     "Geen gemeenschappelijke taal: de behoefte vraagt Arabisch (minstens vloeiend).",
     "Pas de langue commune\u00a0: le besoin demande arabe (courant au moins)."),
    (Refusal(Rule.distance, {"km": 40, "travel": 15}),
     "Woont op 40 km, verplaatst zich tot 15 km.",
     "Habite à 40 km, se déplace jusqu’à 15 km."),
    (Refusal(Rule.accreditation, {"centre": "vottem"}),
     "Niet geaccrediteerd voor Vottem.", "Pas accrédité pour Vottem."),
    (Refusal(Rule.skills, {"skills": ["interpreter"]}),
     "Ontbrekende vaardigheden: Tolk.", "Compétences manquantes\u00a0: Interprète."),
]


@pytest.fixture
def french_request(app):
    with app.test_request_context(headers={"Accept-Language": "fr"}):
        assert str(get_locale()) == "fr"
        yield


@pytest.mark.parametrize("refusal, dutch, french", CASES)
def test_a_refusal_reads_in_the_locale_asked_inside_a_french_request(
        french_request, refusal, dutch, french):
    assert sentence(refusal, "nl", {}) == dutch
    assert sentence(refusal, "fr", {}) == french
    # The request goes on in French.
    assert str(get_locale()) == "fr" and str(_l("Fluent")) == "Courant"
