"""URL converters for the whole app: a value the database cannot hold matches no route (404).

An id beyond a 32-bit integer overflows PostgreSQL's integer columns (and one beyond 64
bits SQLite's), and PostgreSQL refuses text with a NUL byte: without these, such a URL
was a server error instead of "no such page".
"""

from werkzeug.routing import IntegerConverter, UnicodeConverter, ValidationError

ID_MAX = 2**31 - 1  # PostgreSQL's INTEGER, the type of every id column


class IdConverter(IntegerConverter):
    """`<int:...>`: a whole number from 0 to ID_MAX."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", ID_MAX)
        super().__init__(map, *args, **kwargs)

    def to_python(self, value: str):
        if len(value) > len(str(ID_MAX)):  # int() refuses very long strings with ValueError
            raise ValidationError()
        return super().to_python(value)


class TextConverter(UnicodeConverter):
    """`<slug>`, `<token>`: any text but a NUL byte."""

    def to_python(self, value: str):
        if "\x00" in value:
            raise ValidationError()
        return super().to_python(value)


CONVERTERS = {"int": IdConverter, "default": TextConverter, "string": TextConverter}


def bounded_id(value) -> int | None:
    """An id sent in a form (`request.form.get(name)`), or None if it cannot be one."""
    text = (value or "").strip()
    if not text.isascii() or not text.isdigit() or len(text) > len(str(ID_MAX)):
        return None
    number = int(text)
    return number if number <= ID_MAX else None
