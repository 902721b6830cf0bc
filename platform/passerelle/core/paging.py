"""Lists shown a page at a time: the page asked for, kept within the pages there are."""

import math
from dataclasses import dataclass


@dataclass
class Page:
    items: list
    total: int
    number: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))


def page_number(asked: int | None, total: int, per_page: int) -> int:
    """The page asked for, or the nearest one that exists (a bookmark after deletions)."""
    return min(max(asked or 1, 1), max(1, math.ceil(total / per_page)))
