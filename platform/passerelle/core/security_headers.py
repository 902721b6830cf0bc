"""Headers on every response: what a browser may load, run, frame, send and keep."""

from functools import wraps

from flask import Flask, make_response

# No inline script or style anywhere: every page uses only static/ files.
CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:",
    "form-action 'self'", "frame-ancestors 'none'", "base-uri 'none'", "object-src 'none'",
))
# Links from a page about a person helped must not tell other sites where they came from.
REFERRER_POLICY = "same-origin"
HSTS = "max-age=31536000; includeSubDomains"


def init_security_headers(app: Flask) -> None:
    @app.after_request
    def add_security_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", REFERRER_POLICY)
        if app.config["HSTS_ENABLED"]:
            headers.setdefault("Strict-Transport-Security", HSTS)
        return response


def no_store(view):
    """For a page that shows a person helped, a screening note or an audit log: no copy
    in the browser's cache (the back button after logout) or in a proxy."""
    @wraps(view)
    def without_a_copy(*args, **kwargs):
        response = make_response(view(*args, **kwargs))
        response.headers["Cache-Control"] = "no-store"
        return response
    return without_a_copy
