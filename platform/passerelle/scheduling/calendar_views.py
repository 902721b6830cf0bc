"""Calendar feeds (private URLs) and single .ics downloads."""

from flask import Blueprint

bp = Blueprint("calendars", __name__)
