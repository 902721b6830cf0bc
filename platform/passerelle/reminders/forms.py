from wtforms import BooleanField

from passerelle.core.forms import BaseForm
from passerelle.reminders.kinds import CHOICES


def field_name(choice: str) -> str:
    return choice.replace("-", "_")


def choices_form(names: list[str], wanted: dict[str, bool], formdata=None):
    """One checkbox per choice the person has; ticked when they want that kind."""

    class ChoicesForm(BaseForm):
        pass

    for name in names:
        setattr(ChoicesForm, field_name(name), BooleanField(CHOICES[name].label))
    form = ChoicesForm() if formdata else ChoicesForm(formdata=None)
    if not formdata:
        for name in names:
            getattr(form, field_name(name)).data = wanted[name]
    return form


class ButtonForm(BaseForm):
    """Only the CSRF token: a one-button POST."""
