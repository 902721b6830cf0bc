"""Small text helpers."""

import re
import unicodedata


def slugify(text: str) -> str:
    """'Parrainage en couleur – Thuin' -> 'parrainage-en-couleur-thuin'."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-") or "programme"
