"""The demo's candidates: each demo need gets active volunteers of its programme nearby
who pass the matching rules, and a few who do not, so that its page shows a ranking and
the reasons the others are left out.

For each need, volunteers living within RADIUS_KM of it are drawn at random; one who
passes every rule (matching.rules, on the profile as inserted) applies to the need's
programme and is active, until the need has its quota of such candidates, counting the
ones already recruited nearby for the same programme. Some drawn volunteers who fail a
rule (too far for them, no common language, not free then, lacking the skill) are made
active too, and a few others are still on their way (screened, trained...).

An active volunteer has what their programme asks: the current charter signed, its
trainings done, an accreditation for one of its centres, a free room for a hosting
programme; a few have let one lapse, and are left out for it. Deterministic for a seed.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select

from passerelle.data.places import distance_between
from passerelle.extensions import db
from passerelle.matching import rules
from passerelle.matching.loading import max_stay_days
from passerelle.organisations.models import Programme, ProgrammeKind
from passerelle.programmes import defaults
from passerelle.programmes.eligibility import age_on
from passerelle.programmes.models import (
    Accreditation,
    ApplicationStatus,
    Charter,
    CharterSignature,
    Requirements,
    Training,
    TrainingRecord,
)
from passerelle.volunteers.models import FreePeriod, HostingOffer

TABLES = (CharterSignature, TrainingRecord, Accreditation, HostingOffer, FreePeriod)
RADIUS_KM = 25  # how far from a need its recruits are drawn
COUNTED_KM = 40  # the longest travel distance of a demo volunteer
QUOTA = (2, 5)  # candidates who pass every rule, per need, at least (if found)
TRIES = 60  # volunteers drawn per need, at most
MISFITS = 2  # drawn volunteers failing a rule made active anyway, per need, at most
MISFIT_SHARE = 0.25
WAITING = (ApplicationStatus.submitted, ApplicationStatus.interview_planned,
           ApplicationStatus.screened, ApplicationStatus.charter_signed,
           ApplicationStatus.trained, ApplicationStatus.accredited,
           ApplicationStatus.suspended)
LAPSED_SHARE = 0.05  # active volunteers whose charter, training or accreditation lapsed
SKILLED_SHARE = 0.8  # for a need asking a skill, draws among those who have it
HOST_DAYS = 250  # a demo host's room is free from today for this long
CHUNK = 5000


@dataclass(frozen=True)
class Demands:
    """What a programme asks of an active volunteer (programmes.standings)."""

    charter_id: int | None = None
    trainings: tuple[int, ...] = ()
    places: tuple[str, ...] = ()
    minimum_age: int | None = None

    @property
    def any(self) -> bool:
        return bool(self.charter_id or self.trainings or self.places)


class Recruitment:
    def __init__(self, rng, book, people, municipalities, today: date):
        self.rng, self.book, self.people, self.today = rng, book, people, today
        self.municipalities = municipalities
        self.by_place: dict[str, list[int]] = defaultdict(list)  # refnis -> people indices
        self.by_skill: dict[tuple[str, str], list[int]] = defaultdict(list)
        for index, person in enumerate(people):
            self.by_place[person.place.refnis].append(index)
            for skill in sorted(person.skills):
                self.by_skill[person.place.refnis, skill].append(index)
        self.demands, self.stays = _demands()
        # programme -> refnis -> recruits who pass every rule of some need there
        self.fits: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
        self.hosts: set[int] = set()  # people indices given a free room
        self.enrolled: set[tuple[int, int]] = set()  # (user id, programme id)
        self.lapsed: set[tuple[int, int]] = set()  # of those enrolled
        self._near: dict[str, list[tuple[str, float]]] = {}
        self._pools: dict[tuple, tuple[list, list[int]]] = {}
        self._facts: dict[tuple[int, bool], rules.Volunteer] = {}
        self.room = ((today - timedelta(days=10), today + timedelta(days=HOST_DAYS)),)

    # Recruiting ---------------------------------------------------------------------------

    def recruit(self, needs: list[dict]) -> None:
        for row in needs:
            self._recruit_for(row)

    def _recruit_for(self, row: dict) -> None:
        rng, programme = self.rng, row["programme_id"]
        need = self._need(row)
        quota = rng.randint(*QUOTA)
        found = self._count(programme, need, row["place"].refnis)
        misfits = 0
        for _try in range(TRIES):
            if found >= quota:
                break
            index = self._draw(row)
            if index is None:
                return
            user_id = self.people[index].user_id
            if self.book.has(user_id, programme):
                continue
            if self._passes(index, need, programme):
                self._enrol(index, programme, row["place"].refnis, need.hosting)
                found += 1
            elif misfits < MISFITS and rng.random() < MISFIT_SHARE:
                self.book.add(user_id, programme, ApplicationStatus.active)
                misfits += 1
        for _waiting in range(rng.randint(0, 2)):
            index = self._draw(row)
            if index is not None and not self.book.has(self.people[index].user_id, programme):
                self.book.add(self.people[index].user_id, programme, rng.choice(WAITING))

    def _enrol(self, index: int, programme: int, refnis: str, hosting: bool) -> None:
        user_id = self.people[index].user_id
        self.book.add(user_id, programme, ApplicationStatus.active)
        self.enrolled.add((user_id, programme))
        if hosting:
            self.hosts.add(index)
        if self.demands.get(programme, Demands()).any and self.rng.random() < LAPSED_SHARE:
            self.lapsed.add((user_id, programme))  # left out for it: not a candidate
        else:
            self.fits[programme][self.people[index].place.refnis].append(index)

    def _count(self, programme: int, need: rules.Need, refnis: str) -> int:
        """The recruits of the programme nearby who pass every rule for this need."""
        found = self.fits.get(programme)
        if not found:
            return 0
        return sum(1 for place, _km in self._near_of(refnis, COUNTED_KM)
                   for index in found.get(place, ()) if self._passes(index, need, programme))

    def _passes(self, index: int, need: rules.Need, programme: int) -> bool:
        minimum = self.demands.get(programme, Demands()).minimum_age
        if minimum and age_on(self.people[index].birth_date, self.today) < minimum:
            return False
        return rules.check(self._volunteer(index, need.hosting), need) is None

    def _volunteer(self, index: int, host: bool) -> rules.Volunteer:
        """As the rules see them once active, with a free room if `host`."""
        key = (index, host)
        if key not in self._facts:
            person = self.people[index]
            self._facts[key] = rules.Volunteer(
                id=person.user_id, application="active", languages=person.languages,
                point=(person.place.lat, person.place.lon), travel_km=person.travel_km,
                availability=person.availability, skills=person.skills,
                free_periods=self.room if host else ())
        return self._facts[key]

    def _need(self, row: dict) -> rules.Need:
        return rules.Need(
            id=row["id"], organisation_id=row["organisation_id"],
            languages=tuple(row["languages"]), point=(row["lat"], row["lon"]),
            weekly_mask=row["weekly_mask"], day_parts=row["day_parts"],
            hosting=row["kind"] == ProgrammeKind.housing_hosting,
            starts_on=row["starts_on"], ends_on=row["ends_on"],
            max_stay_days=self.stays.get(row["programme_id"]), skills=frozenset(row["skills"]))

    # Drawing near a need --------------------------------------------------------------------

    def _draw(self, row: dict) -> int | None:
        """A volunteer living within RADIUS_KM of the need, at random."""
        skill = row["skills"][0] if row["skills"] else None
        if skill and self.rng.random() >= SKILLED_SHARE:
            skill = None
        pools, weights = self._pools_of(row["place"].refnis, skill)
        if not pools:
            return None
        pool = self.rng.choices(pools, cum_weights=weights)[0]
        return self.rng.choice(pool)

    def _pools_of(self, refnis: str, skill: str | None) -> tuple[list, list[int]]:
        key = (refnis, skill)
        if key not in self._pools:
            pools, weights, total = [], [], 0
            for place, km in self._near_of(refnis):
                found = (self.by_place.get(place) if skill is None
                         else self.by_skill.get((place, skill)))
                if found:
                    # Those closer are drawn more often: more of them can travel that far.
                    total += len(found) * (4 if km <= 5 else 2 if km <= 12 else 1)
                    pools.append(found)
                    weights.append(total)
            self._pools[key] = (pools, weights)
        return self._pools[key]

    def _near_of(self, refnis: str, radius: float = RADIUS_KM) -> list[tuple[str, float]]:
        """The municipalities within `radius` km (at most COUNTED_KM), with their distance."""
        if refnis not in self._near:
            here = next(place for place in self.municipalities if place.refnis == refnis)
            self._near[refnis] = sorted(
                (km, place.refnis) for place in self.municipalities
                 if (km := distance_between(here.lat, here.lon, place.lat, place.lon))
                 <= COUNTED_KM)
        return [(place, km) for km, place in self._near[refnis] if km <= radius]

    # What active volunteers hold ------------------------------------------------------------

    def insert(self) -> None:
        """Charter signatures, training records, accreditations of the active applications,
        and the hosts' rooms."""
        signatures, records, accreditations = [], [], []
        ids = {model: _next_id(model) for model in TABLES}
        for application in self.book.rows:
            demands = self.demands.get(application["programme_id"])
            if application["status"] != ApplicationStatus.active or not demands or \
                    not demands.any:
                continue
            key = (application["user_id"], application["programme_id"])
            lapsed = (key in self.lapsed if key in self.enrolled
                      else self.rng.random() < LAPSED_SHARE)
            self._hold(application, demands, lapsed, ids, signatures, records, accreditations)
        offers, periods = self._rooms(ids)
        for model, rows in ((CharterSignature, signatures), (TrainingRecord, records),
                            (Accreditation, accreditations), (HostingOffer, offers),
                            (FreePeriod, periods)):
            for start in range(0, len(rows), CHUNK):
                db.session.execute(model.__table__.insert(), rows[start:start + CHUNK])

    def _hold(self, application, demands, lapsed, ids, signatures, records, accreditations):
        """What the volunteer holds for the programme; when `lapsed`, the first of it
        expired a few weeks ago."""
        user_id, since = application["user_id"], application["updated_at"]
        expired = self.today - timedelta(days=self.rng.randint(1, 60))
        valid = self.today + timedelta(days=self.rng.randint(60, 700))
        if demands.charter_id:
            signatures.append({
                "id": _take(ids, CharterSignature), "user_id": user_id,
                "charter_id": demands.charter_id, "signed_at": since,
                "expires_on": expired if lapsed else None, "recorded_by_id": None})
            lapsed = False
        for training_id in demands.trainings:
            records.append({
                "id": _take(ids, TrainingRecord), "user_id": user_id,
                "training_id": training_id, "completed_on": since.date(),
                "expires_on": expired if lapsed else valid, "recorded_by_id": None})
            lapsed = False
        if demands.places:
            accreditations.append({
                "id": _take(ids, Accreditation), "user_id": user_id,
                "programme_id": application["programme_id"],
                "place": self.rng.choice(demands.places), "granted_on": since.date(),
                "expires_on": expired if lapsed else valid, "granted_by_id": None})

    def _rooms(self, ids) -> tuple[list[dict], list[dict]]:
        offers, periods = [], []
        (first, last), = self.room
        for index in sorted(self.hosts):
            offer_id = _take(ids, HostingOffer)
            offers.append({"id": offer_id, "profile_id": self.people[index].profile_id,
                           "accompaniment_only": False, "rooms": 1,
                           "beds": self.rng.randint(1, 3), "guest_kinds": [], "notes": ""})
            periods.append({"id": _take(ids, FreePeriod), "offer_id": offer_id,
                            "starts_on": first, "ends_on": last})
        return offers, periods


def _demands() -> tuple[dict[int, Demands], dict[int, int]]:
    """By programme: what it asks of an active volunteer; and its longest stay in days."""
    programmes = list(db.session.scalars(select(Programme).order_by(Programme.id)))
    asked = {r.programme_id: r for r in db.session.scalars(select(Requirements))}
    charters = {c.programme_id: c.id for c in db.session.scalars(
        select(Charter).order_by(Charter.version))}  # the latest version wins
    trainings = defaultdict(list)
    for training in db.session.scalars(select(Training).order_by(Training.id)):
        trainings[training.programme_id].append(training.id)
    demands, stays = {}, {}
    for programme in programmes:
        rule = asked.get(programme.id)
        charter = charters.get(programme.id) if (rule and rule.charter) or defaults.value_of(
            programme.kind, programme.platform_settings, "charter_before_contact") else None
        demands[programme.id] = Demands(
            charter, tuple(trainings.get(programme.id, ())),
            tuple((rule.accreditation_places or []) if rule else ()),
            rule.minimum_age if rule else None)
        if stay := max_stay_days(programme):
            stays[programme.id] = stay
    return demands, stays


def _next_id(model) -> int:
    return (db.session.scalar(select(func.max(model.id))) or 0) + 1


def _take(ids: dict, model) -> int:
    ids[model] += 1
    return ids[model] - 1
