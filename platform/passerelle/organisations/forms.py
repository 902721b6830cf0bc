from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SearchField, SelectField
from wtforms.validators import Optional

from passerelle.accounts.forms import email_field
from passerelle.core.forms import choices, max_length, one_of_the_choices, strip
from passerelle.organisations.models import ProgrammeKind


class DirectoryFilterForm(FlaskForm):
    """The directory's filters, read from the query string."""

    class Meta:
        csrf = False

    q = SearchField(_l("Search"), filters=[strip], validators=[Optional(), max_length(100)])
    kind = SelectField(_l("Programme kind"), validators=[Optional()], validate_choice=True)
    city = SelectField(_l("City"), validators=[Optional()], validate_choice=True)

    def __init__(self, *args, city_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = choices(
            [("", _l("All kinds"))] + [(kind.value, kind.label) for kind in ProgrammeKind])
        self.city.choices = choices([("", _l("All cities"))] + list(city_choices))
        self.kind.pre_validate = one_of_the_choices(
            self.kind, _l("Choose a programme kind from the list."))
        self.city.pre_validate = one_of_the_choices(self.city, _l("Choose a city from the list."))


class InvitationForm(FlaskForm):
    email = email_field()
    role = SelectField(_l("Role"), validate_choice=True)

    def __init__(self, *args, roles=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = choices((role.value, role.label) for role in roles)
        self.role.pre_validate = one_of_the_choices(self.role, _l("Choose a role from the list."))
