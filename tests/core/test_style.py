"""What the stylesheet promises: a focus ring that stands out (WCAG 2.2, 3:1)."""

import re
from pathlib import Path

STYLE = (Path(__file__).resolve().parents[2] / "static/style.css").read_text()


def colour(name: str) -> str:
    return re.search(rf"--{name}:\s*(#[0-9a-fA-F]{{6}})", STYLE).group(1)


def luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_the_focus_ring_has_three_to_one_against_every_background():
    assert re.search(r":focus-visible\s*{\s*outline:\s*3px solid var\(--focus\)", STYLE)
    notice = re.search(r"\.notice\s*{\s*background:\s*(#[0-9a-fA-F]{6})", STYLE).group(1)
    for background in (colour("paper"), colour("soft"), notice):
        assert contrast(colour("focus"), background) >= 3, background
