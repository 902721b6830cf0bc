"""The seed texts the directory was written from, named by their file.

The texts themselves are not shipped: each directory entry names the file and quotes the
words it rests on, so that anyone can check it against the source, and the organisations
correct it on the platform.
"""

from flask_babel import lazy_gettext as _l

SEEDS = {
    "000_5f488c057c60b541.txt": _l(
        "the presentations of Vluchtelingenwerk Vlaanderen, Detention Action, Menedék, "
        "France terre d'asile and ECRE (undated)"),
    "001_b61a53290025c6fe.txt": _l("JRS Belgium's website (with news up to April 2025)"),
    "002_5fcbf474f551a740.txt": _l("CIRÉ's page on its networks and groups (undated)"),
    "003_233dd5a4b08aac1c.txt": _l(
        "the World Refugee Day booklet of the participating organisations, as published in "
        "June 2016"),
    "004_bac7259c4e9f183a.txt": _l("Migreurop's website (undated)"),
}


# The language most of each text is in, for the quotes' lang attribute.
SEED_LANGUAGES = {"000_5f488c057c60b541.txt": "en", "004_bac7259c4e9f183a.txt": "en"}


def seed_language(name: str) -> str:
    return SEED_LANGUAGES.get(name, "fr")


def seed_label(name: str) -> str:
    return str(SEEDS.get(name, name))
