from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    HiddenField,
    IntegerField,
    RadioField,
    SearchField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import InputRequired, NumberRange, Optional, ValidationError
from wtforms.widgets import HiddenInput

from passerelle.core.forms import (
    BaseForm,
    CheckboxesField,
    Descriptions,
    PlacesField,
    choices,
    max_length,
    one_of_the_choices,
    required,
    strip,
    text_field,
)
from passerelle.organisations.audiences import AUDIENCES
from passerelle.organisations.models import ProgrammeKind
from passerelle.programmes.models import DETENTION_CENTRES


def _number(label, low, high, **kwargs):
    return IntegerField(label, validators=[Optional(), NumberRange(low, high, message=_l(
        "Between %(min)s and %(max)s.", min=low, max=high))], **kwargs)


class Names(BaseForm):
    """A name in the three languages of the interface."""

    name_fr = text_field(StringField, _l("Name in French"), 200)
    name_nl = text_field(StringField, _l("Name in Dutch"), 200)
    name_en = text_field(StringField, _l("Name in English"), 200)


class QueueFilterForm(BaseForm):
    """A programme's queue: searched by name, read from the query string."""

    class Meta:
        csrf = False

    q = SearchField(_l("Name"), filters=[strip], validators=[Optional(), max_length(100)])


class ApplyForm(BaseForm):
    motivation = TextAreaField(_l("Why this programme? (optional)"), filters=[strip],
                               validators=[max_length(2000)])
    # The public need whose "I can help" led here, if one did.
    need = HiddenField()

    @property
    def need_id(self) -> int | None:
        return int(self.need.data) if (self.need.data or "").isdigit() else None


class WithdrawForm(BaseForm):
    reason = TextAreaField(_l("Why are you leaving? (optional)"), filters=[strip],
                           validators=[max_length(1000)])


class SignCharterForm(BaseForm):
    version = IntegerField(widget=HiddenInput(), validators=[InputRequired(message=_l(
        "The charter has changed since you opened it. Read the new version and sign again."))])
    accept = BooleanField(_l("I have read this charter and I commit to it"),
                          validators=[InputRequired(message=_l(
                              "Tick the box to sign the charter."))])


class InterviewForm(BaseForm):
    moment = DateTimeLocalField(_l("Interview date and time"), format="%Y-%m-%dT%H:%M",
                                validators=[InputRequired(message=_l(
                                    "Enter a date and a time."))])


class ScreeningForm(BaseForm):
    outcome = RadioField(_l("Outcome"), choices=choices([
        ("passed", _l("Passed")), ("failed", _l("Not retained"))]),
        validators=[InputRequired(message=_l("Choose an outcome."))])
    note = TextAreaField(_l("Private note (coordinators only)"), filters=[strip],
                         validators=[max_length(4000)])


class TrainingDoneForm(BaseForm):
    training = SelectField(_l("Training"))
    completed_on = DateField(_l("Done on"), validators=[InputRequired(message=_l(
        "Enter a date."))])

    def __init__(self, *args, trainings=(), locale="fr", **kwargs):
        super().__init__(*args, **kwargs)
        self.training.choices = choices((str(t.id), t.text("name", locale)) for t in trainings)
        self.training.pre_validate = one_of_the_choices(
            self.training, _l("Choose a training of this programme."))


class AccreditationForm(BaseForm):
    place = SelectField(_l("Detention centre"))
    granted_on = DateField(_l("Accredited on"), validators=[InputRequired(message=_l(
        "Enter a date."))])
    expires_on = DateField(_l("Until (optional)"), validators=[Optional()])

    def __init__(self, *args, places=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.place.choices = choices((key, DETENTION_CENTRES[key]) for key in places)
        self.place.pre_validate = one_of_the_choices(
            self.place, _l("Choose a detention centre from the list."))


class ConductForm(BaseForm):
    """The certificate of good conduct a coordinator saw: its dates, never the document.
    The dates are checked against each other and today by services.record_conduct."""

    issued_on = DateField(_l("Issued on"), validators=[InputRequired(message=_l(
        "Enter the date printed on the certificate."))])
    expires_on = DateField(_l("Valid until (optional)"), validators=[Optional()],
                           description=_l("Without a date, the certificate counts as valid "
                                          "for 12 months from its issue date."))


class SuspendForm(BaseForm):
    reason = TextAreaField(_l("Reason"), filters=[strip],
                           validators=[required(), max_length(1000)])


class ProgrammeForm(Names, Descriptions):
    """A programme as its organisation describes it, with its requirements and settings."""

    kind = SelectField(_l("Programme kind"))
    cities = PlacesField(_l("Where (municipalities, separated by commas)"),
                         validators=[max_length(500)])
    interview = BooleanField(_l("A screening interview is required"))
    charter = BooleanField(_l("A signed charter is required before any contact"))
    minimum_age = _number(_l("Minimum age"), 14, 99)
    accreditation_places = CheckboxesField(
        _l("Accreditation required for these detention centres"), DETENTION_CENTRES,
        _l("Choose a detention centre from the list."))
    good_conduct = BooleanField(
        _l("A certificate of good conduct is required (extract of the criminal record, "
           "model 2, for work with minors)"),
        description=_l("The coordinators see the certificate and record its dates; the "
                       "platform never keeps the document."))
    max_stay_weeks = _number(_l("Longest stay in one home (weeks)"), 1, 104)
    trajectory_weeks = _number(_l("Length of the whole hosting trajectory (weeks)"), 1, 260)
    follow_up_months = _number(_l("Follow-up of each duo (months)"), 1, 36)
    visitors_per_visit = _number(_l("Visitors per visit"), 1, 6)
    experienced_visits = _number(
        _l("Past visits that make a visitor experienced (one per pair)"), 1, 100)
    sessions_per_week_min = _number(_l("Sessions per week, at least"), 1, 14)
    sessions_per_week_max = _number(_l("Sessions per week, at most"), 1, 14)
    audiences = CheckboxesField(_l("Who it is for"), AUDIENCES,
                                _l("Choose who it is for from the list."))
    # The platform's defaults (programmes/defaults.py), for sponsorship.
    charter_before_contact = BooleanField(
        _l("A sponsor signs the charter before any contact with a family"))
    isolated_families_first = BooleanField(
        _l("Families with little or no outside contact come first in matching"))

    PLATFORM_SETTINGS = ("charter_before_contact", "isolated_families_first")
    SETTINGS = ("max_stay_weeks", "trajectory_weeks", "follow_up_months", "visitors_per_visit",
                "experienced_visits", "sessions_per_week_min", "sessions_per_week_max")

    def __init__(self, *args, foreign_places=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.cities.kept = set(foreign_places)
        self.kind.choices = choices((kind.value, kind.label) for kind in ProgrammeKind)
        self.kind.pre_validate = one_of_the_choices(
            self.kind, _l("Choose a programme kind from the list."))

    def validate_max_stay_weeks(self, field):
        if field.data and self.trajectory_weeks.data and field.data > self.trajectory_weeks.data:
            raise ValidationError(_l("A stay cannot be longer than the whole trajectory."))

    def validate_sessions_per_week_max(self, field):
        low = self.sessions_per_week_min.data
        if field.data and low and field.data < low:
            raise ValidationError(_l("The most cannot be fewer than the least."))


class CharterForm(BaseForm):
    body_fr = text_field(TextAreaField, _l("Charter in French"), 20000)
    body_nl = text_field(TextAreaField, _l("Charter in Dutch"), 20000)
    body_en = text_field(TextAreaField, _l("Charter in English"), 20000)
    valid_months = _number(_l("Sign again after (months, optional)"), 1, 120)


class TrainingForm(Names):
    valid_months = _number(_l("Valid for (months, optional)"), 1, 120)


class SessionForm(BaseForm):
    day = DateField(_l("Day"), validators=[InputRequired(message=_l("Enter a date."))])
    start = TimeField(_l("From"), validators=[InputRequired(message=_l("Enter a time."))])
    end = TimeField(_l("Until"), validators=[InputRequired(message=_l("Enter a time."))])
    place = text_field(StringField, _l("Where (address)"), 300)
    capacity = IntegerField(_l("Places"), validators=[InputRequired(message=_l(
        "Enter a number.")), NumberRange(1, 500, message=_l(
            "Between %(min)s and %(max)s.", min=1, max=500))])


class NewsForm(BaseForm):
    """A coordinator writes to a programme's volunteers: one text for everyone, or one per
    language (each recipient gets theirs, else the common one)."""

    to = SelectField(_l("Recipients"), validate_choice=False)
    subject = StringField(_l("Subject, for everyone"), filters=[strip],
                          validators=[max_length(200)])
    body = TextAreaField(_l("Message, for everyone"), filters=[strip],
                         validators=[max_length(10000)])
    subject_fr = StringField(_l("Subject in French"), filters=[strip],
                             validators=[max_length(200)])
    body_fr = TextAreaField(_l("Message in French"), filters=[strip],
                            validators=[max_length(10000)])
    subject_nl = StringField(_l("Subject in Dutch"), filters=[strip],
                             validators=[max_length(200)])
    body_nl = TextAreaField(_l("Message in Dutch"), filters=[strip],
                            validators=[max_length(10000)])
    subject_en = StringField(_l("Subject in English"), filters=[strip],
                             validators=[max_length(200)])
    body_en = TextAreaField(_l("Message in English"), filters=[strip],
                            validators=[max_length(10000)])
    # Made when the recipients are counted; sending twice with it writes each message once.
    batch = HiddenField()

    def __init__(self, *args, audiences=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.to.choices = choices(audiences)
        self.to.pre_validate = one_of_the_choices(self.to, _l(
            "Choose the recipients from the list."))
