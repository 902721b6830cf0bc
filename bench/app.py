"""The app as gunicorn serves it in the benchmark, plus one bench-only page: the baseline.

The baseline is what every page pays at least: the base template, a logged-in user and
one query. It lives here so that the product itself has no bench route.
"""

from flask import render_template_string
from flask_login import login_required
from sqlalchemy import func, select

from passerelle import create_app
from passerelle.extensions import db
from passerelle.organisations.models import Organisation

BASELINE = """{% extends "base.html" %}{% block title %}Baseline{% endblock %}
{% block content %}<h1>Baseline</h1><p>{{ count }} organisations.</p>{% endblock %}"""


def create_bench_app():
    app = create_app()

    @app.get("/bench/baseline")
    @login_required
    def bench_baseline():
        count = db.session.scalar(select(func.count()).select_from(Organisation))
        return render_template_string(BASELINE, count=count)

    return app
