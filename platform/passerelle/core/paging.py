"""Lists shown a page at a time: the page asked for, kept within the pages there are."""

import math
from dataclasses import dataclass

# A public list says "more than 1,000" rather than count every row of a big circle: the
# count stops there, and so do its pages (the nearest thousand are what anyone reads).
CAP = 1000


@dataclass
class Page:
    items: list
    total: int
    number: int
    per_page: int
    # True when `total` is only a lower bound: a list counted up to a cap (core.paging.CAP).
    more: bool = False

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))


def page_number(asked: int | None, total: int, per_page: int) -> int:
    """The page asked for, or the nearest one that exists (a bookmark after deletions)."""
    return min(max(asked or 1, 1), max(1, math.ceil(total / per_page)))
