"""The kind-specific facts a programme may carry, how they read, and their types."""

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from passerelle.core.languages import language_name
from passerelle.core.skills import SKILLS
from passerelle.data.seeds import seed_label, seed_language

# The facts each programme kind may carry, with their type. Seed facts and the settings a
# coordinator edits share these keys.
FACTS_BY_KIND: dict[str, dict[str, type]] = {
    "housing_hosting": {"max_stay_weeks": int, "trajectory_weeks": int, "immersion_weeks": int,
                        "hosts_reviewed": bool, "guests_referred_by_partners": bool,
                        "accompaniment_without_hosting": bool,
                        "exchange_meetings_per_year": int},
    "housing_search_support": {"sessions_per_week_min": int, "sessions_per_week_max": int},
    "detention_visits": {"centres": list, "centres_count": int, "visitors_per_visit": int,
                         "experienced_visits": int},
    "sponsorship": {"charter_signed": bool, "several_families_per_sponsor": bool,
                    "flag_isolated_families": bool, "group_meetings": bool,
                    "families_count": int, "family_languages": list},
    "mentoring": {"same_sector_preferred": bool, "mentors_count": int, "follow_up_months": int},
    "language_exchange": {"newcomer_duos_allowed": bool, "based_on_shared_interests": bool,
                          "follow_up_months": int},
    "activities": {"skills": list},
}

YES_FACTS = {
    "hosts_reviewed": _l("Hosts are reviewed by the coordinators before they host."),
    "guests_referred_by_partners": _l("Guests are referred by partner associations."),
    "accompaniment_without_hosting": _l("You can also accompany guests without hosting."),
    "charter_signed": _l("Sponsors sign the programme's charter."),
    "several_families_per_sponsor": _l(
        "Sponsors are not tied to one family; some are in touch with several."),
    "flag_isolated_families": _l(
        "Particular attention goes to families with little or no outside contact."),
    "group_meetings": _l("Sponsors and families meet in group gatherings."),
    "same_sector_preferred": _l("Mentor and mentee ideally come from the same sector."),
    "newcomer_duos_allowed": _l("Duos between two newcomers are welcome too."),
    "based_on_shared_interests": _l(
        "Duos are formed on shared passions, not as teacher and learner."),
}



def describe(facts: dict, locale: str) -> list[str]:
    """The facts as sentences a person can read, in the current language."""
    lines = []
    weeks = facts.get("max_stay_weeks")
    if weeks:
        lines.append(ngettext("A stay lasts at most %(num)d week per home.",
                              "A stay lasts at most %(num)d weeks per home.", weeks))
    if facts.get("trajectory_weeks"):
        lines.append(ngettext("The whole trajectory lasts %(num)d week.",
                              "The whole trajectory lasts %(num)d weeks.",
                              facts["trajectory_weeks"]))
    if facts.get("immersion_weeks"):
        lines.append(ngettext("It starts with an immersion of %(num)d week.",
                              "It starts with an immersion of %(num)d weeks.",
                              facts["immersion_weeks"]))
    if facts.get("exchange_meetings_per_year"):
        lines.append(ngettext("Hosts and guests meet %(num)d time a year.",
                              "Hosts and guests meet %(num)d times a year.",
                              facts["exchange_meetings_per_year"]))
    low, high = facts.get("sessions_per_week_min"), facts.get("sessions_per_week_max")
    if low and high and low != high:
        lines.append(str(_l("%(low)d to %(high)d sessions a week in each city.",
                            low=low, high=high)))
    elif high or low:
        lines.append(ngettext("%(num)d session a week in each city.",
                              "%(num)d sessions a week in each city.", high or low))
    if facts.get("centres"):
        lines.append(str(_l("Detention centres: %(centres)s.",
                            centres=", ".join(facts["centres"]))))
    if facts.get("centres_count"):
        lines.append(ngettext("Visits cover %(num)d detention centre.",
                              "Visits cover %(num)d detention centres.", facts["centres_count"]))
    if facts.get("visitors_per_visit"):
        lines.append(ngettext("Visitors go %(num)d at a time.", "Visitors go in groups of %(num)d.",
                              facts["visitors_per_visit"]))
    if facts.get("experienced_visits"):
        lines.append(ngettext(
            "Each pair has an experienced visitor, with %(num)d past visit or more.",
            "Each pair has an experienced visitor, with %(num)d past visits or more.",
            facts["experienced_visits"]))
    if facts.get("follow_up_months"):
        lines.append(ngettext("The organisation follows each duo for %(num)d month.",
                              "The organisation follows each duo for %(num)d months.",
                              facts["follow_up_months"]))
    if facts.get("families_count"):
        lines.append(ngettext("%(num)d family is taking part.", "%(num)d families are taking part.",
                              facts["families_count"]))
    if facts.get("family_languages"):
        names = ", ".join(language_name(code, locale) for code in facts["family_languages"])
        lines.append(str(_l("Languages of the families: %(names)s.", names=names)))
    if facts.get("mentors_count"):
        lines.append(ngettext("%(num)d volunteer mentor.", "%(num)d volunteer mentors.",
                              facts["mentors_count"]))
    if facts.get("skills"):
        names = ", ".join(str(SKILLS.get(s, s)) for s in facts["skills"])
        lines.append(str(_l("Skills sought: %(names)s.", names=names)))
    lines.extend(str(text) for key, text in YES_FACTS.items() if facts.get(key))
    return lines


def sources_of(claims: dict | None, files=()) -> list[dict]:
    """Where the seed facts come from, by seed file: what the file is (with its date when it
    has one) and each passage quoted from it, once; then the files that no quote names."""
    groups: dict[str, dict] = {}
    for name in [ref["seed"] for ref in (claims or {}).values()] + list(files or ()):
        groups.setdefault(name, {"seed": name, "label": seed_label(name),
                                 "lang": seed_language(name), "quotes": []})
    for ref in (claims or {}).values():
        quotes = groups[ref["seed"]]["quotes"]
        if ref["quote"] not in quotes:
            quotes.append(ref["quote"])
    return list(groups.values())
