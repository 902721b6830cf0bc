"""The fixed lists a profile picks from, with their translated names."""

from flask_babel import lazy_gettext as _l

LEVELS = {
    1: _l("Basic"),
    2: _l("Conversational"),
    3: _l("Fluent"),
    4: _l("Mother tongue"),
}

SECTORS = {
    "health": _l("Health and care"), "education": _l("Education"),
    "construction": _l("Construction"), "hospitality": _l("Hotels and restaurants"),
    "finance": _l("Finance and insurance"), "it": _l("Information technology"),
    "logistics": _l("Transport and logistics"), "retail": _l("Retail"),
    "public_service": _l("Public service"), "law": _l("Law"),
    "engineering": _l("Engineering and industry"), "culture": _l("Culture and media"),
}

INTERESTS = {
    "football": _l("Football"), "cooking": _l("Cooking"), "music": _l("Music"),
    "hiking": _l("Hiking"), "cinema": _l("Cinema"), "reading": _l("Reading"),
    "gardening": _l("Gardening"), "photography": _l("Photography"), "chess": _l("Chess"),
    "cycling": _l("Cycling"), "dance": _l("Dance"), "theatre": _l("Theatre"),
}

GUEST_KINDS = {
    "single_man": _l("A single man"), "single_woman": _l("A single woman"),
    "couple": _l("A couple"), "family_with_children": _l("A family with children"),
    "minor": _l("An unaccompanied minor (with the guardian's agreement)"),
}

# The weekly grid's day parts, as the time ranges stored for them (minutes, Brussels time).
PART_RANGES = ((9 * 60, 12 * 60), (13 * 60, 17 * 60), (18 * 60, 21 * 60))
