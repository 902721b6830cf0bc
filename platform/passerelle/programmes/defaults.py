"""The platform's own defaults for a kind of programme, which its coordinators may change.

They are the platform's rules, not the organisation's words, and are shown as such. Only a
coordinator's departure from a default is stored (Programme.platform_settings)."""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

DEFAULTS: dict[str, dict[str, bool]] = {
    "sponsorship": {"charter_before_contact": True, "isolated_families_first": True},
}

LABELS = {
    "charter_before_contact": _l(
        "A sponsor signs the programme's charter before any contact with a family."),
    "isolated_families_first": _l(
        "Families with little or no outside contact come first in matching."),
}


@dataclass(frozen=True)
class Setting:
    key: str
    label: str
    value: bool
    is_default: bool


def settings_of(kind: str, chosen: dict | None) -> list[Setting]:
    """Each default of the kind, with the coordinators' choice where they made one."""
    chosen = chosen or {}
    return [Setting(key, str(LABELS[key]), chosen.get(key, default), key not in chosen)
            for key, default in DEFAULTS.get(str(kind), {}).items()]


def value_of(kind: str, chosen: dict | None, key: str) -> bool:
    """What applies: the coordinators' choice, else the platform's default (False if none)."""
    return (chosen or {}).get(key, DEFAULTS.get(str(kind), {}).get(key, False))


def overrides(kind: str, values: dict[str, bool]) -> dict[str, bool]:
    """What to store: only the values that differ from the kind's defaults."""
    kind_defaults = DEFAULTS.get(str(kind), {})
    return {key: bool(value) for key, value in values.items()
            if key in kind_defaults and bool(value) != kind_defaults[key]}
