from flask_babel import lazy_gettext as _l
from wtforms import (
    EmailField,
    IntegerField,
    SearchField,
    SelectField,
    StringField,
    URLField,
)
from wtforms.validators import URL, InputRequired, NumberRange, Optional, Regexp, ValidationError

from passerelle.accounts.forms import email_field
from passerelle.core.forms import (
    PLACE_HINT,
    BaseForm,
    Descriptions,
    PlaceField,
    choices,
    distance_choices,
    distance_field,
    email_address,
    max_length,
    normalise_email,
    one_of_the_choices,
    strip,
)
from passerelle.organisations.audiences import AUDIENCES
from passerelle.organisations.models import (
    DEFAULT_RETENTION_MONTHS,
    MAX_RETENTION_MONTHS,
    ProgrammeKind,
)


class DirectoryFilterForm(BaseForm):
    """The directory's filters, read from the query string."""

    class Meta:
        csrf = False

    q = SearchField(_l("Search"), filters=[strip], validators=[Optional(), max_length(100)])
    kind = SelectField(_l("Programme kind"), filters=[strip], validators=[Optional()],
                       validate_choice=True)
    # The same place and distance as the public page of needs.
    place = PlaceField(_l("Near"), validators=[Optional(), max_length(80)],
                       description=PLACE_HINT)
    within = distance_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = choices(
            [("", _l("All kinds"))] + [(kind.value, kind.label) for kind in ProgrammeKind])
        self.kind.pre_validate = one_of_the_choices(
            self.kind, _l("Choose a programme kind from the list."))
        distance_choices(self.within)
        self._add_audience_choices()

    # Who the programmes are for (kept apart from the other filters).
    audience = SelectField(_l("Who it is for"), validators=[Optional()], validate_choice=True)

    def _add_audience_choices(self):
        self.audience.choices = choices(
            [("", _l("Everyone"))] + [(key, label) for key, label in AUDIENCES.items()])
        self.audience.pre_validate = one_of_the_choices(
            self.audience, _l("Choose who it is for from the list."))


class InvitationForm(BaseForm):
    email = email_field()
    role = SelectField(_l("Role"), validate_choice=True)

    def __init__(self, *args, roles=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = choices((role.value, role.label) for role in roles)
        self.role.pre_validate = one_of_the_choices(self.role, _l("Choose a role from the list."))


class ProfileForm(Descriptions):
    """An organisation's public profile."""

    full_name = StringField(_l("Full name"), filters=[strip], validators=[max_length(300)])
    address = StringField(_l("Street and number"), filters=[strip],
                          validators=[max_length(300)])
    postcode = StringField(_l("Postcode"), filters=[strip], validators=[
        Optional(), Regexp(r"^[1-9][0-9]{3}$", message=_l("A Belgian postcode has four digits."))])
    place = PlaceField(_l("Municipality"), validators=[max_length(80)])
    phone = StringField(_l("Phone"), filters=[strip], validators=[max_length(60)])
    email = EmailField(_l("Public e-mail address"), filters=[normalise_email],
                       validators=[Optional(), max_length(254), email_address()])
    website = URLField(_l("Website"), filters=[strip], validators=[
        Optional(), max_length(300), URL(message=_l("Enter a full address, such as https://example.org."))])
    emergency_contact = StringField(
        _l("Emergency contact for hosts and guests"), filters=[strip],
        validators=[max_length(200)],
        description=_l("A name and a phone number reachable day and night: shown on each "
                       "stay's page, not on the public page."))
    max_retention_months = IntegerField(
        _l("Keep the records of people supported at most (months)"),
        default=DEFAULT_RETENTION_MONTHS,
        validators=[InputRequired(message=_l("This field is required.")),
                    NumberRange(1, MAX_RETENTION_MONTHS, message=_l(
                        "Between %(min)s and %(max)s.", min=1, max=MAX_RETENTION_MONTHS))],
        description=_l("Not shown on the public page. Staff cannot choose a deletion date "
                       "further from today."))

    def validate_place(self, field):
        # Here, not on the postcode: fields are checked in order, and the place comes after.
        postcode = self.postcode.data
        if postcode and field.place is not None and postcode not in field.place.postcodes:
            raise ValidationError(_l("This postcode is not in that municipality."))
