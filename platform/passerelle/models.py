"""Every feature's models, imported together so that the metadata (and migrations) see all."""

from passerelle.accounts.models import User  # noqa: F401
from passerelle.accounts.twofactor.models import TwoFactor  # noqa: F401
from passerelle.core.audit import AuditEntry  # noqa: F401
from passerelle.duos.models import Duo  # noqa: F401
from passerelle.hosting.models import Stay  # noqa: F401
from passerelle.matching.models import Match  # noqa: F401
from passerelle.needs.models import Need  # noqa: F401
from passerelle.organisations.models import Organisation  # noqa: F401
from passerelle.programmes.models import Application  # noqa: F401
from passerelle.reminders.models import OutboxMessage  # noqa: F401
from passerelle.scheduling.models import Event  # noqa: F401
from passerelle.volunteers.models import VolunteerProfile  # noqa: F401
