"""A role's name as people read it: what it asks (a skill, a language), else "Volunteer"."""

from flask_babel import lazy_gettext as _l

from passerelle.core.languages import language_name
from passerelle.core.skills import SKILLS


def label(skill: str | None, language: str | None, locale: str) -> str:
    """"Interpreter (Arabic)", "Nurse", "Volunteer (Tigrinya)", "Volunteer"."""
    name = str(SKILLS.get(skill, skill)) if skill else str(_l("Volunteer"))
    return f"{name} ({language_name(language, locale)})" if language else name
