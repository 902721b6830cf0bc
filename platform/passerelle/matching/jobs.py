"""What the dispatcher runs for matching."""

from datetime import datetime

from passerelle.matching.services import lapse_due


def lapse_proposals(now: datetime) -> int:
    return lapse_due(now)
