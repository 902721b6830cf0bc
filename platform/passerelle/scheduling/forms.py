"""The event form: what, where, when (a Brussels date and time), places, repetition."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    FieldList,
    FormField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import NumberRange, Optional, ValidationError

from passerelle.core.forms import (
    BaseForm,
    CheckboxesField,
    RowForm,
    choices,
    max_length,
    required,
    strip,
)
from passerelle.core.languages import is_language, language_choices
from passerelle.core.skills import SKILLS
from passerelle.programmes.models import DETENTION_CENTRES

KINDS = {"session": _l("Session"), "training": _l("Training"), "meeting": _l("Meeting"),
         "activity": _l("Activity"), "visit": _l("Detention visit"), "duo": _l("Duo meeting")}
WEEKDAYS = {str(i): name for i, name in enumerate((
    _l("Monday"), _l("Tuesday"), _l("Wednesday"), _l("Thursday"), _l("Friday"),
    _l("Saturday"), _l("Sunday")))}
FREQS = {"": _l("Once"), "weekly": _l("Every week (or every N weeks)"),
         "monthly": _l("Every month, on the nth weekday")}
NTHS = {"": "—", "1": _l("first"), "2": _l("second"), "3": _l("third"), "4": _l("fourth"),
        "-1": _l("last")}
KEEP = "keep"  # the edit form's repetition when it is one the form cannot say
SCOPES = {"this": _l("This occurrence"), "following": _l("This and the following ones"),
          "all": _l("All occurrences")}


MAX_ROLES = 10
NONE = [("", "—")]


class RoleRow(RowForm):
    """One role: its places and what it asks (a skill, a language). Left without places,
    the row is blank: ignored, or on an edit, that role removed."""

    places = IntegerField(_l("Places"), validators=[
        Optional(), NumberRange(min=1, max=500, message=_l("Between 1 and 500."))])
    skill = SelectField(_l("Skill asked"), validate_choice=False, default="",
                        filters=[strip])
    language = SelectField(_l("Language asked"), validate_choice=False, default="",
                           filters=[strip])

    # Against the choices: those of the lists, and a code an event already had.
    def validate_skill(self, field):
        if field.data and field.data not in {choice.value for choice in field.choices}:
            raise ValidationError(_l("Choose a skill from the list."))

    def validate_language(self, field):
        if field.data and field.data not in {choice.value for choice in field.choices}:
            raise ValidationError(_l("Choose a language from the list."))


class EventForm(BaseForm):
    kind = SelectField(_l("Kind"), choices=choices(KINDS.items()), default="session")
    title_fr = StringField(_l("Title in French"), filters=[strip], validators=[max_length(200)])
    title_nl = StringField(_l("Title in Dutch"), filters=[strip], validators=[max_length(200)])
    title_en = StringField(_l("Title in English"), filters=[strip], validators=[max_length(200)])
    description_fr = TextAreaField(_l("Description in French"), filters=[strip],
                                   validators=[max_length(4000)])
    description_nl = TextAreaField(_l("Description in Dutch"), filters=[strip],
                                   validators=[max_length(4000)])
    description_en = TextAreaField(_l("Description in English"), filters=[strip],
                                   validators=[max_length(4000)])
    address = StringField(_l("Address"), filters=[strip], validators=[max_length(300)])
    city = StringField(_l("City"), filters=[strip], validators=[max_length(100)])
    centre = SelectField(_l("Detention centre (for a visit)"),
                         choices=choices([("", "—"), *DETENTION_CENTRES.items()]), default="")
    day = DateField(_l("Date"), validators=[required()])
    start = TimeField(_l("Start time"), validators=[required()])
    minutes = IntegerField(_l("Length in minutes"), validators=[Optional()])
    end = TimeField(_l("Or end time"), validators=[Optional()])
    roles = FieldList(FormField(RoleRow), label=_l("Places per role"), min_entries=3,
                      max_entries=MAX_ROLES)
    freq = SelectField(_l("Repeats"), choices=choices(FREQS.items()), default="")
    interval = IntegerField(_l("Every how many weeks"), default=1, validators=[
        Optional(), NumberRange(min=1, max=52, message=_l("Between 1 and 52."))])
    weekdays = CheckboxesField(_l("On"), WEEKDAYS, _l("Choose days of the week."))
    nth = SelectField(_l("Which one in the month"), choices=choices(NTHS.items()), default="")
    until = DateField(_l("Until"), validators=[Optional()])
    count = IntegerField(_l("Or this many times"), validators=[
        Optional(), NumberRange(min=1, max=500, message=_l("Between 1 and 500."))])

    def __init__(self, *args, locale: str = "fr", kept=(), **kwargs):
        """`kept`: the (skill, language) of the event's roles, offered even if the lists
        no longer hold them."""
        super().__init__(*args, **kwargs)
        skills = NONE + list(SKILLS.items())
        languages = NONE + language_choices(locale)
        for skill, language in kept:
            if skill and skill not in SKILLS:
                skills.append((skill, skill))
            if language and not is_language(language):
                languages.append((language, language))
        skills, languages = choices(skills), choices(languages)
        for row in self.roles:
            row.form.skill.choices, row.form.language.choices = skills, languages


class NewEventForm(EventForm):
    pass


class EditForm(EventForm):
    scope = SelectField(_l("Change"), choices=choices(SCOPES.items()), default="this",
                        description=_l("For this occurrence alone, only its date, time and "
                                       "length change; the texts, places and repetition "
                                       "change for the following ones, or all."))

    def keep_rule(self, words: str) -> None:
        """A repetition the form cannot say: offered as it is, and chosen."""
        self.freq.choices = [*choices([(KEEP, _l("As it is: %(rule)s", rule=words))]),
                             *self.freq.choices]


class CancelForm(BaseForm):
    scope = SelectField(_l("Cancel"), choices=choices(SCOPES.items()), default="this")
