from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, NumberRange, Optional

from passerelle.core.forms import (
    PLACE_HINT,
    BaseForm,
    CheckboxesField,
    PlaceField,
    choices,
    distance_choices,
    distance_field,
    max_length,
    one_of_the_choices,
    required,
    strip,
)
from passerelle.core.languages import language_choices
from passerelle.core.skills import SKILLS
from passerelle.core.week import weekly_grid_options
from passerelle.hosting.models import Phase
from passerelle.needs.models import (
    DESCRIPTION_MAX,
    FIRST_NAME_MAX,
    MATERIAL_DESCRIPTION_MAX,
    PERSON_NEEDS_MAX,
    TITLE_MAX,
    MaterialCategory,
    NeedStatus,
    Urgency,
)
from passerelle.organisations.models import ProgrammeKind
from passerelle.programmes.models import DETENTION_CENTRES
from passerelle.volunteers.choices import GUEST_KINDS, INTERESTS, LEVELS, SECTORS


def given():
    """Required, but 0 and an unreadable date get their own message, not this one."""
    return InputRequired(message=_l("This field is required."))


def between(low: int, high: int):
    return NumberRange(low, high, message=_l("Between %(min)s and %(max)s.", min=low, max=high))


def _set_choices(field, options, message) -> None:
    field.choices = choices(options)
    field.pre_validate = one_of_the_choices(field, message)


def _languages(field, locale: str) -> None:
    field.choices = choices(language_choices(locale))


class NeedForm(BaseForm):
    programme = SelectField(_l("Programme"), validate_choice=False)
    title_fr = StringField(_l("What you need, in French"), filters=[strip],
                           validators=[Optional(), max_length(TITLE_MAX)],
                           description=_l("Give it in at least one language: readers see "
                                          "their own, else another."))
    title_nl = StringField(_l("What you need, in Dutch"), filters=[strip],
                           validators=[Optional(), max_length(TITLE_MAX)])
    title_en = StringField(_l("What you need, in English"), filters=[strip],
                           validators=[Optional(), max_length(TITLE_MAX)])
    description_fr = TextAreaField(
        _l("Description, in French"), validators=[max_length(DESCRIPTION_MAX)],
        description=_l("Shown on the public page: write nothing that identifies a person."))
    description_nl = TextAreaField(_l("Description, in Dutch"),
                                   validators=[max_length(DESCRIPTION_MAX)])
    description_en = TextAreaField(_l("Description, in English"),
                                   validators=[max_length(DESCRIPTION_MAX)])
    people_needed = IntegerField(_l("How many people"), default=1,
                                 validators=[given(), between(1, 100)])
    languages = CheckboxesField(_l("Languages needed"), {}, _l("Choose languages from the list."))
    language_level = SelectField(_l("Level needed in one of these languages"), default="2",
                                 validate_choice=False)
    skills = CheckboxesField(_l("Skills needed"), SKILLS, _l("Choose skills from the list."))
    sector = SelectField(_l("Professional sector (mentoring)"), default="",
                         validate_choice=False)
    interests = CheckboxesField(_l("Interests to share (language duos)"), INTERESTS,
                                _l("Choose interests from the list."))
    centre = SelectField(_l("Detention centre (visits)"), default="", validate_choice=False,
                         description=_l("Only visitors accredited for this centre are proposed."))
    place = PlaceField(_l("Where"), validators=[required(), max_length(80)],
                       description=PLACE_HINT)
    starts_on = DateField(_l("From"), validators=[Optional()])
    ends_on = DateField(_l("Until"), validators=[Optional()])
    schedule = CheckboxesField(_l("Every week"), weekly_grid_options(),
                               _l("Choose moments from the grid."))
    day_parts = IntegerField(_l("At least how many of these moments a week"),
                             validators=[Optional(), between(1, 21)],
                             description=_l("Leave empty if the volunteer must be free at "
                                            "all of them; 1 for \u201cone evening a week\u201d."))
    urgency = SelectField(_l("Urgency"), default=Urgency.normal.value, validate_choice=False)
    person = SelectField(_l("For whom"), default="", validate_choice=False,
                         description=_l("Never shown outside your organisation."))

    def __init__(self, *args, programmes=(), people=(), locale="fr", **kwargs):
        super().__init__(*args, **kwargs)
        _set_choices(self.programme, [(str(p.id), p.text("name", locale)) for p in programmes],
                     _l("Choose one of your organisation's programmes."))
        _languages(self.languages, locale)
        _set_choices(self.language_level, [(str(level), label) for level, label in
                                           LEVELS.items() if level < 4],
                     _l("Choose from the list."))
        _set_choices(self.sector, [("", _l("None in particular"))] + list(SECTORS.items()),
                     _l("Choose from the list."))
        _set_choices(self.centre, [("", _l("None"))] + list(DETENTION_CENTRES.items()),
                     _l("Choose from the list."))
        _set_choices(self.urgency, [(u.value, u.label) for u in Urgency],
                     _l("Choose from the list."))
        if people is None:  # this editor may not see the organisation's people
            del self.person
        else:
            _set_choices(self.person, [("", _l("Nobody in particular"))]
                         + [(str(p.id), p.first_name) for p in people],
                         _l("Choose a person your organisation supports."))


class EditNeedForm(NeedForm):
    status = SelectField(_l("Status"), validate_choice=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _set_choices(self.status, [(s.value, s.label) for s in NeedStatus],
                     _l("Choose from the list."))


class PersonForm(BaseForm):
    first_name = StringField(_l("First name or alias"), filters=[strip],
                             validators=[required(), max_length(FIRST_NAME_MAX)],
                             description=_l("Nothing more: no family name."))
    languages = CheckboxesField(_l("Languages"), {}, _l("Choose languages from the list."))
    household_size = IntegerField(_l("People in the household"), default=1,
                                  validators=[given(), between(1, 30)])
    place = PlaceField(_l("Municipality"), validators=[max_length(80)], description=PLACE_HINT)
    needs = TextAreaField(_l("Needs, in a few words"), validators=[max_length(PERSON_NEEDS_MAX)])
    waiting_since = DateField(_l("Waiting since"), validators=[given()])
    isolated = BooleanField(_l("Isolated"))
    no_outside_contact = BooleanField(_l("No outside contact"))
    referred_by = SelectField(_l("Referred by a partner organisation"), default="",
                              validate_choice=False)
    referred_to = SelectField(
        _l("Referred to a partner's housing hosting programme"), default="", validate_choice=False,
        description=_l("That programme's staff will see this record too."))
    housing_from = DateField(_l("Needs a home from (first night)"), validators=[Optional()])
    housing_until = DateField(_l("Until (last night)"), validators=[Optional()],
                              description=_l("For housing hosting: the whole trajectory."))
    guest_kind = SelectField(_l("Who the household is"), default="", validate_choice=False)
    phase = SelectField(_l("Phase (Tremplin pour la vie)"), default="", validate_choice=False)
    delete_after = DateField(_l("Delete the record after"), validators=[given()])

    def __init__(self, *args, partners=(), referral_programmes=(), locale="fr",
                 max_months=24, **kwargs):
        super().__init__(*args, **kwargs)
        _set_choices(self.guest_kind, [("", _l("Not said"))] + list(GUEST_KINDS.items()),
                     _l("Choose from the list."))
        _set_choices(self.phase, [("", _l("No phase"))] + [(p.value, p.label) for p in Phase],
                     _l("Choose from the list."))
        self.delete_after.description = _l(
            "The record is deleted automatically the day after this date: at most "
            "%(months)d months from today.", months=max_months)
        _languages(self.languages, locale)
        _set_choices(self.referred_by, [("", _l("Nobody"))]
                     + [(str(o.id), o.name) for o in partners],
                     _l("Choose an organisation from the list."))
        _set_choices(self.referred_to, [("", _l("Not referred"))] + [
            (str(p.id), f"{p.organisation.name}: {p.text('name', locale)}")
            for p in referral_programmes], _l("Choose a housing hosting programme from the list."))


def _category_choices(field) -> None:
    _set_choices(field, [(c.value, c.label) for c in MaterialCategory],
                 _l("Choose a category from the list."))


class OfferForm(BaseForm):
    category = SelectField(_l("What kind of thing"), validate_choice=False)
    description = TextAreaField(_l("Description"), filters=[strip],
                                validators=[required(), max_length(MATERIAL_DESCRIPTION_MAX)])
    place = PlaceField(_l("Where it is"), validators=[required(), max_length(80)],
                       description=PLACE_HINT)
    available_from = DateField(_l("Available from"), validators=[given()])
    available_until = DateField(_l("Available until"), validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _category_choices(self.category)


class MaterialNeedForm(BaseForm):
    category = SelectField(_l("What kind of thing"), validate_choice=False)
    description = TextAreaField(_l("Description"), filters=[strip],
                                validators=[required(), max_length(MATERIAL_DESCRIPTION_MAX)])
    place = PlaceField(_l("Where"), validators=[required(), max_length(80)],
                       description=PLACE_HINT)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _category_choices(self.category)


class HelpFilterForm(BaseForm):
    """The public page's filters, read from the query string."""

    class Meta:
        csrf = False

    kind = SelectField(_l("Programme kind"), filters=[strip], validate_choice=False,
                       validators=[Optional()])
    place = PlaceField(_l("Near"), validators=[Optional(), max_length(80)],
                       description=PLACE_HINT)
    within = distance_field()
    sort = SelectField(_l("Sort"), validate_choice=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _set_choices(self.sort, [("urgency", _l("Most urgent first")),
                                 ("date", _l("Soonest first")),
                                 ("distance", _l("Nearest first"))],
                     _l("Choose an order from the list."))
        if not self.sort.data:  # nearest first when a place is given, else most urgent
            self.sort.data = "distance" if (self.place.data or "").strip() else "urgency"
        kinds = [kind for kind in ProgrammeKind if kind != ProgrammeKind.information]
        _set_choices(self.kind, [("", _l("All kinds"))] + [(k.value, k.label) for k in kinds],
                     _l("Choose a programme kind from the list."))
        distance_choices(self.within)
