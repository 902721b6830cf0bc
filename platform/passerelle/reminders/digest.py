"""What each coordinator's daily digest holds. Pure: plain data in, plain data out.

A coordinator's digest covers the organisations they coordinate themselves, and those
they reach through a network or as an administrator only if they chose so
("network-digest"); nobody gets one who turned "digest" off, nor when nothing waits.
"""

from collections.abc import Mapping, Set
from dataclasses import dataclass, field

# Application statuses that wait for the coordinators, in the order of the steps.
WAITING_STATUSES = ("submitted", "interview_planned", "screened", "charter_signed", "trained",
                    "accredited", "conduct_seen")


@dataclass(frozen=True)
class ProgrammeWaiting:
    slug: str
    names: Mapping[str, str]  # by locale
    counts: Mapping[str, int]  # status -> applications, only those above zero

    def name(self, locale: str) -> str:
        return self.names.get(locale) or next(iter(self.names.values()), self.slug)

    @property
    def steps(self) -> list[tuple[str, int]]:
        return [(status, self.counts[status]) for status in WAITING_STATUSES
                if self.counts.get(status)]


@dataclass(frozen=True)
class OrganisationWaiting:
    id: int
    name: str
    slug: str
    programmes: tuple[ProgrammeWaiting, ...] = ()
    pairings: int = 0  # material pairings waiting for the organisation's confirmation

    @property
    def has_something(self) -> bool:
        return self.pairings > 0 or any(p.steps for p in self.programmes)


@dataclass(frozen=True)
class Coordinator:
    user_id: int
    own: Set[int] = frozenset()  # organisations they coordinate themselves
    wider: Set[int] = frozenset()  # through a network, or as an administrator
    wants_digest: bool = True
    wants_wider: bool = False


@dataclass(frozen=True)
class Digest:
    user_id: int
    organisations: tuple[OrganisationWaiting, ...] = field(default_factory=tuple)


def compose(coordinator: Coordinator,
            waiting: Mapping[int, OrganisationWaiting]) -> Digest | None:
    """The digest of one coordinator, or None when there is none to send."""
    if not coordinator.wants_digest:
        return None
    ids = set(coordinator.own) | (set(coordinator.wider) if coordinator.wants_wider else set())
    held = sorted((waiting[i] for i in ids if i in waiting and waiting[i].has_something),
                  key=lambda o: (o.name.lower(), o.id))
    return Digest(coordinator.user_id, tuple(held)) if held else None


def programmes_with_waiting(organisation: OrganisationWaiting) -> list[ProgrammeWaiting]:
    return [programme for programme in organisation.programmes if programme.steps]
