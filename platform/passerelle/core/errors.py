"""Domain errors: raised by services with a translated message, shown by views."""

from flask_babel import lazy_gettext as _l

NOT_FOUND = _l("This page does not exist, or you may not see it.")


class DomainError(Exception):
    """A rule refused the operation. `field` names the form field it belongs to, if any."""

    def __init__(self, message, field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field


class NotFound(DomainError):
    """The record does not exist, or this person may not know that it does."""

    def __init__(self, message=NOT_FOUND, field: str | None = None):
        super().__init__(message, field)
