from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    FormField,
    IntegerField,
    SelectField,
    TextAreaField,
)
from wtforms.validators import NumberRange, Optional, ValidationError

from passerelle.core.forms import (
    BaseForm,
    CheckboxesField,
    PlaceField,
    RowForm,
    choices,
    max_length,
    one_of_the_choices,
    strip,
)
from passerelle.core.languages import is_language, language_choices
from passerelle.core.skills import SKILLS
from passerelle.core.week import weekly_grid_options
from passerelle.volunteers.choices import GUEST_KINDS, INTERESTS, LEVELS, SECTORS

MAX_LANGUAGES = 12
MAX_PERIODS = 12


class LanguageRow(RowForm):
    # Stripped: a code of spaces is no language chosen (it was a server error).
    code = SelectField(_l("Language"), validate_choice=False, filters=[strip],
                       validators=[Optional()])
    level = SelectField(_l("Level"), choices=choices((str(k), v) for k, v in LEVELS.items()),
                        default="3", validate_choice=False)

    def validate_code(self, field):
        if field.data and not is_language(field.data):
            raise ValidationError(_l("Choose a language from the list."))

    def validate_level(self, field):
        if field.data not in {str(level) for level in LEVELS}:
            raise ValidationError(_l("Choose a level from the list."))


class ProfileForm(BaseForm):
    place = PlaceField(_l("Where you live"), validators=[max_length(80)],
                       description=_l("A postcode or a municipality, such as 1060 or Leuven."))
    travel_km = IntegerField(_l("How far you are ready to travel (km)"), default=15,
                             validators=[Optional(), NumberRange(0, 300, message=_l(
                                 "Between %(min)s and %(max)s.", min=0, max=300))])
    languages = FieldList(FormField(LanguageRow), min_entries=4, max_entries=MAX_LANGUAGES)
    availability = CheckboxesField(_l("When you are usually free"), weekly_grid_options(),
                                   _l("Choose moments from the grid."))
    skills = CheckboxesField(_l("Skills"), SKILLS, _l("Choose skills from the list."))
    sector = SelectField(_l("Professional sector"), validators=[Optional()],
                         description=_l("For mentoring: ideally the same sector as your mentee."))
    interests = CheckboxesField(_l("Interests"), INTERESTS, _l("Choose interests from the list."))
    # Language exchange (Langue&Culture duos); the choices are set in the reader's language.
    practises = CheckboxesField(_l("Languages you want to practise (for a language exchange)"),
                                {}, _l("Choose languages from the list."))
    newcomer = BooleanField(_l("I am a newcomer in Belgium (for a language exchange)"))
    birth_date = DateField(_l("Date of birth"), validators=[Optional()],
                           description=_l("Some programmes have a minimum age."))
    max_matches = IntegerField(_l("How many matches you take at once"), default=1,
                               validators=[Optional(), NumberRange(1, 10, message=_l(
                                   "Between %(min)s and %(max)s.", min=1, max=10))])

    def __init__(self, *args, locale="fr", **kwargs):
        super().__init__(*args, **kwargs)
        language_options = [("", _l("Choose a language"))] + language_choices(locale)
        for row in self.languages:
            row.form.code.choices = choices(language_options)
        self.sector.choices = choices([("", _l("None"))] + list(SECTORS.items()))
        self.practises.choices = choices(language_choices(locale))
        self.sector.pre_validate = one_of_the_choices(
            self.sector, _l("Choose a sector from the list."))

    def validate_languages(self, field):
        codes = [row.form.code.data for row in field if row.form.code.data]
        if len(codes) != len(set(codes)):
            raise ValidationError(_l("Each language only once, please."))

    def validate_birth_date(self, field):
        if field.data and not (date(1900, 1, 1) <= field.data <= date.today()):
            raise ValidationError(_l("Enter a date of birth in the past."))


class PeriodRow(RowForm):
    starts_on = DateField(_l("From"), validators=[Optional()])
    ends_on = DateField(_l("To"), validators=[Optional()])

    def validate(self, extra_validators=None):
        # Here rather than in validate_ends_on: Optional() skips a field's own checks when empty.
        valid = super().validate(extra_validators)
        start, end = self.starts_on.data, self.ends_on.data
        if valid and bool(start) != bool(end):
            self.ends_on.errors.append(_l("Give both the first and the last day."))
        elif valid and start and end <= start:
            self.ends_on.errors.append(_l(
                "The last day must come after the first: a stay lasts at least one night."))
        return valid and not self.ends_on.errors


class HostingForm(BaseForm):
    accompaniment_only = BooleanField(_l("I offer accompaniment only, not a room"))
    rooms = IntegerField(_l("Rooms"), default=1, validators=[Optional(), NumberRange(
        0, 10, message=_l("Between %(min)s and %(max)s.", min=0, max=10))])
    beds = IntegerField(_l("Beds"), default=1, validators=[Optional(), NumberRange(
        0, 20, message=_l("Between %(min)s and %(max)s.", min=0, max=20))])
    guest_kinds = CheckboxesField(_l("Who you can welcome"), GUEST_KINDS,
                                  _l("Choose from the list."))
    notes = TextAreaField(_l("Anything the coordinators should know"),
                          validators=[max_length(500)])
    periods = FieldList(FormField(PeriodRow), min_entries=3, max_entries=MAX_PERIODS)

    def validate_beds(self, field):
        if not self.accompaniment_only.data and not (self.rooms.data and field.data):
            raise ValidationError(_l("Give at least one room and one bed, or choose "
                                     "accompaniment only."))

    def validate_periods(self, field):
        spans = sorted((row.form.starts_on.data, row.form.ends_on.data) for row in field
                       if row.form.starts_on.data and row.form.ends_on.data)
        for (_start, end), (next_start, _next_end) in zip(spans, spans[1:], strict=False):
            if next_start <= end:
                raise ValidationError(_l("Two periods overlap. Merge them into one."))
