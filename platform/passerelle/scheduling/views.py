"""Pages of events: a programme's events and coverage, a series, an occurrence."""

from flask import Blueprint

bp = Blueprint("scheduling", __name__)
