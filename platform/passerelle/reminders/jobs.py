"""The daily jobs the dispatcher runs, at their Brussels hour: (name, hour, job of now)."""

from passerelle.duos.services import end_followed
from passerelle.hosting.services import end_past
from passerelle.matching.jobs import lapse_proposals
from passerelle.needs.jobs import purge_expired
from passerelle.programmes.jobs import refresh_statuses
from passerelle.reminders.digest_job import send_digests
from passerelle.scheduling.jobs import extend_series

DAILY = [
    ("programmes-refresh-statuses", 3, refresh_statuses),
    ("people-purge-expired", 4, purge_expired),
    ("matching-lapse-proposals", 5, lapse_proposals),
    ("reminders-digest", 7, send_digests),
    ("scheduling-extend-series", 2, extend_series),
    ("duos-end-followed", 1, end_followed),
    ("hosting-end-trajectories", 1, end_past),
]
