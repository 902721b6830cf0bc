"""The kinds of messages, and the choices a person has about them.

A kind names one message (its template and key). Most kinds belong to a *choice* that the
person can turn off (from their messages page, or with the one-click link in the mail);
kinds without a choice are those nobody can do without (a password reset, an invitation).
"""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Choice:
    name: str
    label: object  # a lazy translated string
    wanted_by_default: bool = True
    # Only shown to those it concerns.
    for_coordinators: bool = False


CHOICES = {choice.name: choice for choice in (
    Choice("applications", _l("News of my applications: interview, screening, charter, "
                              "steps, becoming active, suspension")),
    Choice("expiry", _l("A charter, training or accreditation that expires soon")),
    Choice("material", _l("Material offers: pairings proposed, confirmed, given")),
    Choice("events", _l("Events: sign-up confirmed, a place from the waitlist, a visit to "
                        "confirm")),
    Choice("event-reminder", _l("A reminder the day before an event I signed up for")),
    Choice("programme-news", _l("Messages from the coordinators of my programmes")),
    Choice("matches", _l("Matches: a need proposed to me, the end of a match")),
    Choice("match-decisions", _l("Matches in the programmes I coordinate: proposed, "
                                 "accepted, declined, lapsed, contacts recorded")),
    Choice("new-application", _l("Each application to a programme I coordinate, when it "
                                 "arrives (otherwise only in the daily summary)"),
           for_coordinators=True),
    Choice("digest", _l("A daily summary of what waits for me, when something does"),
           for_coordinators=True),
    Choice("network-digest", _l("Also for the organisations I coordinate as a network or "
                                "an administrator: new applications and the daily summary"),
           wanted_by_default=False, for_coordinators=True),
)}

# Choices that were merged into others; an old unsubscribe link naming one stops its heir.
RETIRED = {"trainings": "events", "reminder-day-before": "event-reminder",
           "reminder-two-hours": "event-reminder"}

# kind -> the choice it belongs to (None: always sent). Every kind the platform sends is here.
KINDS: dict[str, str | None] = {
    "account-confirm": None,
    "account-reset": None,
    "account-email-change": None,
    "account-password-changed": None,
    "account-locked": None,
    "account-signup-attempt": None,
    "account-two-factor-off": None,
    "invitation": None,
    "membership": None,
    "application-arrived": "new-application",
    "application-interview": "applications",
    "application-screening": "applications",
    "application-charter": "applications",
    "application-step": "applications",
    "application-active": "applications",
    "application-suspended": "applications",
    "application-reinstated": "applications",
    # Training sessions are events now: their old messages, still waiting in some outboxes,
    # follow the events' choices.
    "training-signup": "events",
    "training-reminder-day-before": "event-reminder",
    "training-reminder-two-hours": "event-reminder",
    "expiry-soon": "expiry",
    "expiry-inactive": "expiry",
    "material-proposed": "material",
    "material-confirmed": "material",
    "material-given": "material",
    "digest": "digest",
    "programme-news": "programme-news",
    "match-proposed": "match-decisions",
    "match-approved": "matches",
    "match-refused": "match-decisions",
    "match-accepted": "match-decisions",
    "match-contact": "match-decisions",
    "match-declined": "match-decisions",
    "match-lapsed": "match-decisions",
    "match-lapsed-volunteer": "matches",
    "match-ended": "matches",
    "stay-asked": "matches",
    "stay-withdrawn": "matches",
    "stay-answered": "match-decisions",
    "stay-replanned": "match-decisions",
    "stay-concern": None,
    "stay-companion-asked": "matches",
    "stay-companion-removed": "matches",
    "stay-companion-answered": "match-decisions",
    # The guest's own organisation: where the person it referred will sleep.
    "stay-guest-asked": None,
    "stay-guest-accepted": None,
    "duo-proposed": "matches",
    "duo-active": "matches",
    "duo-declined": "matches",
    "duo-ended": "matches",
    "duo-decided": "match-decisions",
    "signup-confirmed": "events",
    # A place given from the waitlist is expected to be taken: always told.
    "waitlist-promoted": None,
    "occurrence-reminder": "event-reminder",
    # A time changed or a date cancelled: nobody can do without knowing it.
    "occurrence-moved": None,
    "occurrence-cancelled": None,
    "visit-pair-proposed": "events",
    "visit-pair-confirmed": "events",
}


def choice_of(kind: str) -> Choice | None:
    name = KINDS[kind]
    return None if name is None else CHOICES[name]
