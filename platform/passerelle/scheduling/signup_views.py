"""Pages of sign-ups: sign up, cancel, the waitlist, check-in, hours, one's schedule."""

from flask import Blueprint

bp = Blueprint("signups", __name__)
