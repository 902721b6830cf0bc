"""Validators and fields shared by the forms of every feature, with translated messages."""

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    FieldList,
    Form,
    FormField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, Email, Length, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from passerelle.core.i18n import LOCALE_NAMES, LOCALES, UNKNOWN_LANGUAGE
from passerelle.data import places

NUL_MESSAGE = _l("This text contains an invisible control character (NUL). Remove it, "
                 "or type the text again.")


def refuse_nul(value):
    """A filter: no text with a NUL byte (PostgreSQL cannot store one; nobody types one)."""
    values = value if isinstance(value, list | tuple) else [value]
    if any(isinstance(v, str) and "\x00" in v for v in values):
        raise ValueError(NUL_MESSAGE)
    return value


class _RefuseNulMeta:
    """Puts refuse_nul first in every field's filters, so that no form lets a NUL through."""

    def bind_field(self, form, unbound_field, options):
        if not issubclass(unbound_field.field_class, FieldList | FormField):  # rows: RowForm
            filters = unbound_field.kwargs.get("filters") or ()
            options = {**options, "filters": [refuse_nul, *filters]}
        return super().bind_field(form, unbound_field, options)


class BaseForm(FlaskForm):
    """The base of every form of the app (a test checks it)."""

    class Meta(_RefuseNulMeta):
        pass


class RowForm(Form):
    """The base of every form nested in another (a FormField row)."""

    class Meta(_RefuseNulMeta):
        pass


def required():
    return DataRequired(message=_l("This field is required."))


def max_length(n: int):
    return Length(max=n, message=_l("At most %(max)d characters.", max=n))


def email_address():
    return Email(message=_l("Enter a valid e-mail address, such as name@example.org."))


def normalise_email(value):
    return value.strip().lower() if isinstance(value, str) else value


def strip(value):
    return value.strip() if isinstance(value, str) else value


def text_field(field_class, label, limit: int):
    """A required text, stripped, at most `limit` characters."""
    return field_class(label, filters=[strip], validators=[required(), max_length(limit)])


class Descriptions(BaseForm):
    """A description in the three languages of the interface."""

    description_fr = text_field(TextAreaField, _l("Description in French"), 4000)
    description_nl = text_field(TextAreaField, _l("Description in Dutch"), 4000)
    description_en = text_field(TextAreaField, _l("Description in English"), 4000)


def locale_field(label):
    return SelectField(
        label,
        choices=choices((code, LOCALE_NAMES[code]) for code in LOCALES),
        validate_choice=False,
        validators=[AnyOf(LOCALES, message=UNKNOWN_LANGUAGE)],
    )


def choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


def one_of_the_choices(field, message):
    """A select's own check, with a message of ours: `field.pre_validate = ...`."""
    def check(form):
        if field.data not in {choice.value for choice in field.choices}:
            raise ValidationError(message)
    return check


class PlaceField(StringField):
    """A Belgian municipality, typed as a postcode or a name in French or Dutch.

    After validation `field.place` is the municipality (or None when left empty).
    """

    place = None

    def pre_validate(self, form):
        self.place = None
        text = (self.data or "").strip()
        if not text:
            return
        found = places.candidates(text)
        if not found:
            raise ValidationError(_l(
                "We do not know this Belgian municipality. Enter a postcode, such as 1060, "
                "or a name, such as Saint-Gilles or Sint-Gillis."))
        self.place = places.resolve(text)
        if self.place is None:
            names = ", ".join(place.label(str(get_locale())) for place in found[:5])
            raise ValidationError(_l("Several municipalities match: %(names)s. Which one?",
                                     names=names))


DISTANCES = (5, 10, 25, 50)
PLACE_HINT = _l("A postcode or a municipality, such as 1060 or Leuven.")


def distance_field():
    """How far from the place: a choice of distances in km (see `distance_choices`)."""
    return SelectField(_l("Within"), default="25", validate_choice=False)


def distance_choices(field) -> None:
    field.choices = choices((str(km), _l("%(km)s km", km=km)) for km in DISTANCES)
    field.pre_validate = one_of_the_choices(field, _l("Choose a distance from the list."))


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def __init__(self, label, options: dict, message, **kwargs):
        super().__init__(label, choices=choices(options.items()), validate_choice=False,
                         **kwargs)
        self.message = message

    def process(self, *args, **kwargs):
        super().process(*args, **kwargs)
        if self.data is None:  # a POST without any field (Flask-WTF then reads no formdata)
            self.data = []

    def pre_validate(self, form):
        allowed = {choice.value for choice in self.choices}
        if any(value not in allowed for value in self.data or []):
            raise ValidationError(self.message)


class PlacesField(StringField):
    """Several Belgian municipalities separated by commas: `field.keys` are their codes.

    A place kept from before that is not Belgian (a programme in London) stays as it is."""

    keys: list[str] = []

    def __init__(self, label, kept=(), **kwargs):
        super().__init__(label, **kwargs)
        self.kept = set(kept)

    def pre_validate(self, form):
        self.keys = []
        for part in (p.strip() for p in (self.data or "").split(",")):
            if not part:
                continue
            if part in self.kept:
                self.keys.append(part)
                continue
            place = places.resolve(part)
            if place is None:
                raise ValidationError(_l(
                    "We do not know the municipality “%(name)s”. Separate municipalities "
                    "with commas.", name=part))
            self.keys.append(place.refnis)
