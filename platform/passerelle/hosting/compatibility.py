"""Which host may welcome which guest, and how far the home is: the planner's allowed pairs.

Pure: plain data in. The planner (matching.trajectories) then decides the dates; here only
who can welcome whom: the host's application passes the matching rules (screened, charter,
trainings, certificate), the household is of a kind the host welcomes, it fits the beds,
and, where the programme asks it, they share a language.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from passerelle.data.places import distance_between

# A home whose distance is unknown (no municipality on either side) counts as this far:
# proposed only when nearer homes are taken.
UNKNOWN_KM = 100
CONVERSATIONAL = 2


@dataclass(frozen=True)
class GuestFacts:
    id: int  # the person helped
    first_night: date
    last_night: date
    household_size: int = 1
    guest_kind: str | None = None  # volunteers.choices.GUEST_KINDS
    languages: tuple[str, ...] = ()
    point: tuple[float, float] | None = None
    priority: int = 0


@dataclass(frozen=True)
class HostFacts:
    id: int  # the host's user id
    rooms: int
    beds: int = 0  # 0: not said
    guest_kinds: frozenset[str] = frozenset()  # empty: not said, anyone
    languages: Mapping[str, int] = field(default_factory=dict)  # code -> level 1-4
    point: tuple[float, float] | None = None
    free: tuple[tuple[date, date], ...] = ()


def welcomes(host: HostFacts, guest: GuestFacts, common_language: bool) -> bool:
    if host.guest_kinds and guest.guest_kind and guest.guest_kind not in host.guest_kinds:
        return False
    if host.beds and guest.household_size > host.beds:
        return False
    if common_language and guest.languages:
        return any(host.languages.get(code, 0) >= CONVERSATIONAL for code in guest.languages)
    return True


def km_between(host: HostFacts, guest: GuestFacts) -> int:
    if host.point is None or guest.point is None:
        return UNKNOWN_KM
    return round(distance_between(*host.point, *guest.point))


def allowed(guests: list[GuestFacts], hosts: list[HostFacts], common_language: bool,
            excluded: frozenset[tuple[int, int]] = frozenset()) -> dict[tuple[int, int], int]:
    """(guest id, host id) -> km, for every pair that may be planned; `excluded` pairs
    (a host who declined, a host the guest refused) are left out."""
    return {(guest.id, host.id): km_between(host, guest)
            for guest in guests for host in hosts
            if (guest.id, host.id) not in excluded and welcomes(host, guest, common_language)}
