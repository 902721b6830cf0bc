"""The HTML part of a message, made from its plain text: one text, two parts that agree."""

import re

from markupsafe import escape

_LINK = re.compile(r"(https?://[^\s<>\"]+)")


def html_from_text(text: str, locale: str) -> str:
    paragraphs = [p.strip("\n") for p in re.split(r"\n\s*\n", text) if p.strip()]
    body = "\n".join(f"<p>{_lines(p)}</p>" for p in paragraphs)
    return (f'<!DOCTYPE html>\n<html lang="{escape(locale)}"><head><meta charset="utf-8">'
            f"</head>\n<body>\n{body}\n</body></html>\n")


def _lines(paragraph: str) -> str:
    """Escaped first; then the links (already escaped, so safe in the attribute too)."""
    escaped = str(escape(paragraph))
    linked = _LINK.sub(lambda m: f'<a href="{m.group(1)}">{m.group(1)}</a>', escaped)
    return linked.replace("\n", "<br>\n")
