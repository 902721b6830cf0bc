"""What the scheduler runs for programmes.

Batched: the open applications are read a batch at a time with everything their rules
need (programmes.standings), so the queries do not grow with the number of volunteers;
only an application whose status changes costs its own queries (services.refresh_status).
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, select
from sqlalchemy.orm import aliased, joinedload, selectinload

from passerelle.accounts.models import User
from passerelle.core.dates import format_day
from passerelle.core.time import day_in_brussels
from passerelle.extensions import db
from passerelle.organisations.models import Programme
from passerelle.programmes.eligibility import Gap, gaps
from passerelle.programmes.models import (
    DETENTION_CENTRES,
    Accreditation,
    Application,
    ApplicationStatus,
    Charter,
    CharterSignature,
    Training,
    TrainingRecord,
)
from passerelle.programmes.reasons import explain, localized_training_names
from passerelle.programmes.services import CLOSED, refresh_status, trainings_by_programme
from passerelle.programmes.standings import standings_of
from passerelle.reminders import batch, outbox

BATCH = 500  # applications read at a time
WARN_DAYS = 30  # a volunteer is told this many days before a charter, training or
#                 accreditation expires
EXPIRED = (Gap.charter_expired, Gap.training_expired, Gap.accreditation_expired,
           Gap.conduct_expired)


def refresh_statuses(now: datetime) -> int:
    """Make volunteers whose charter, training or accreditation expired inactive (telling
    them what to renew), and active again once renewed; tell volunteers what expires in
    the next 30 days. Returns how many applications changed status."""
    today = day_in_brussels(now)
    changed, after = 0, 0
    while True:
        rows = list(db.session.scalars(
            select(Application).where(Application.status.not_in(CLOSED), Application.id > after)
            .options(joinedload(Application.programme), joinedload(Application.user),
                     selectinload(Application.steps))
            .order_by(Application.id).limit(BATCH)))
        if not rows:
            break
        after = rows[-1].id
        trainings = trainings_by_programme(list({a.programme_id for a in rows}))
        found = standings_of(rows, trainings, today)
        # Decide first: a commit (in refresh_status) expires the batch's other rows.
        moving = [(application, gaps(found[application.id])) for application in rows
                  if (not gaps(found[application.id])) != (
                      application.status == ApplicationStatus.active)]
        for application, findings in moving:
            before = application.status
            expired = [f for f in findings if f.gap in EXPIRED]
            if before == ApplicationStatus.active and expired:
                # Written before refresh_status, which commits it with the status change.
                _tell_inactive(application, expired, trainings, now, today)
            if refresh_status(application, now) != before:
                changed += 1
    warn_of_expiries(now)
    return changed


def _tell_inactive(application, expired, trainings, now: datetime, today: date) -> None:
    user = application.user
    with force_locale(user.locale):
        names = localized_training_names(trainings, user.locale)
        renew = [explain(finding, names) for finding in expired]
    outbox.write("expiry-inactive", user,
                 _l("Something to renew before you can take part again in %(programme)s",
                    programme=application.programme.text("name", user.locale)),
                 "programmes/mail/expiry_inactive.txt", about=f"application-{application.id}",
                 occurrence=today.isoformat(), now=now, application=application,
                 renew=renew, link=outbox.external_url("programmes.my_applications"))


# What expires soon ----------------------------------------------------------------------

@dataclass(frozen=True)
class Expiring:
    about: str  # "charter-signature-4", "training-record-9", "accreditation-2"
    what: str  # charter, training or accreditation
    expires_on: date
    user: User
    programme: Programme
    subject: str = ""  # the training's id as text, or the detention centre


def warn_of_expiries(now: datetime) -> int:
    """Each charter signature, training and accreditation that an open application relies
    on and that expires within 30 days: its volunteer is told once (per expiry date).
    A fixed number of queries, then one message written per new warning. Commits."""
    today = day_in_brussels(now)
    items = _expiring(today, today + timedelta(days=WARN_DAYS))
    keys = {item: outbox.message_key("expiry-soon", item.about, item.expires_on.isoformat(),
                                     f"user-{item.user.id}") for item in items}
    written = batch.existing_keys(list(keys.values()))
    wanting = batch.wanting({item.user.id for item in items}, "expiry")
    names = {str(t.id): t for t in db.session.scalars(select(Training).where(
        Training.id.in_({int(i.subject) for i in items if i.what == "training"})))}
    count = 0
    for item in items:
        if keys[item] in written or item.user.id not in wanting:
            continue
        locale = item.user.locale
        with force_locale(locale):
            label = _label(item, names, locale)
        outbox.write("expiry-soon", item.user,
                     _l("To renew before %(day)s: %(what)s", day=_day(item.expires_on, locale),
                        what=label),
                     "programmes/mail/expiry_soon.txt", about=item.about,
                     occurrence=item.expires_on.isoformat(), now=now, label=label,
                     expires_on=item.expires_on,
                     programme_name=item.programme.text("name", locale),
                     link=outbox.external_url("programmes.my_applications"))
        count += 1
    db.session.commit()
    return count


def _day(day: date, locale: str) -> str:
    return format_day(day, locale, "long")


def _label(item: Expiring, trainings: dict[str, Training], locale: str) -> str:
    if item.what == "charter":
        return str(_l("your signature of the charter"))
    if item.what == "training":
        training = trainings.get(item.subject)
        return str(_l("the training %(name)s", name=training.text("name", locale)
                      if training else ""))
    return str(_l("your accreditation for %(centre)s",
                  centre=DETENTION_CENTRES.get(item.subject, item.subject)))


def _expiring(start: date, end: date) -> list[Expiring]:
    """Three queries: charter signatures (of the current version), training records and
    accreditations expiring between `start` and `end`, each on an open application."""
    def open_application(user_id, programme_id):
        return and_(Application.user_id == user_id, Application.programme_id == programme_id,
                    Application.status.not_in(CLOSED))

    latest = aliased(Charter)
    current = select(func.max(latest.version)).where(
        latest.programme_id == Charter.programme_id).scalar_subquery()
    found = []
    for signature, user, programme in db.session.execute(
            select(CharterSignature, User, Programme)
            .join(Charter, Charter.id == CharterSignature.charter_id)
            .join(Application, open_application(CharterSignature.user_id, Charter.programme_id))
            .join(User, User.id == CharterSignature.user_id)
            .join(Programme, Programme.id == Charter.programme_id)
            .where(CharterSignature.expires_on.between(start, end), Charter.version == current)
            .order_by(CharterSignature.id)):
        found.append(Expiring(f"charter-signature-{signature.id}", "charter",
                              signature.expires_on, user, programme))
    for record, training, user, programme in db.session.execute(
            select(TrainingRecord, Training, User, Programme)
            .join(Training, Training.id == TrainingRecord.training_id)
            .join(Application, open_application(TrainingRecord.user_id, Training.programme_id))
            .join(User, User.id == TrainingRecord.user_id)
            .join(Programme, Programme.id == Training.programme_id)
            .where(TrainingRecord.expires_on.between(start, end))
            .order_by(TrainingRecord.id)):
        found.append(Expiring(f"training-record-{record.id}", "training", record.expires_on,
                              user, programme, str(training.id)))
    for accreditation, user, programme in db.session.execute(
            select(Accreditation, User, Programme)
            .join(Application, open_application(Accreditation.user_id,
                                                Accreditation.programme_id))
            .join(User, User.id == Accreditation.user_id)
            .join(Programme, Programme.id == Accreditation.programme_id)
            .where(Accreditation.expires_on.between(start, end))
            .order_by(Accreditation.id)):
        found.append(Expiring(f"accreditation-{accreditation.id}", "accreditation",
                              accreditation.expires_on, user, programme, accreditation.place))
    return found
