"""Languages people speak, which matching uses: ISO 639 codes with a fixed bit each.

The order is append-only: a code's position is its bit in the language masks stored in
the database, so never reorder or remove a code.
"""

from functools import cache

from babel import Locale

SPOKEN = (
    "fr", "nl", "en", "de", "ar", "prs", "fa", "ps", "ti", "so", "sq", "tr", "ru", "uk",
    "es", "pt", "ln", "ku", "am", "bn", "ur", "rw", "sw", "ff", "wo", "it", "ro", "bg",
    "pl", "hy", "ka", "ckb", "kab", "rom", "mn", "zh", "vi", "ta",
)
BIT = {code: 1 << position for position, code in enumerate(SPOKEN)}

# CLDR has no entry of its own for Dari: it is Persian as spoken in Afghanistan.
_CLDR_KEY = {"prs": "fa_AF"}


def is_language(code: str) -> bool:
    return code in BIT


@cache
def language_name(code: str, locale: str) -> str:
    """The language's name in the interface language, e.g. ('ti', 'nl') -> 'Tigrinya'."""
    name = language_in_sentence(code, locale)
    return name[:1].upper() + name[1:]


@cache
def language_in_sentence(code: str, locale: str) -> str:
    """The name as written inside a sentence: 'français' in French, 'Frans' in Dutch."""
    return Locale.parse(locale).languages.get(_CLDR_KEY.get(code, code), code)


def language_choices(locale: str) -> list[tuple[str, str]]:
    return sorted(((code, language_name(code, locale)) for code in SPOKEN),
                  key=lambda pair: pair[1].casefold())


def mask_of(codes) -> int:
    mask = 0
    for code in codes:
        mask |= BIT[code]
    return mask


def codes_of(mask: int) -> list[str]:
    return [code for code in SPOKEN if mask & BIT[code]]
