"""Passerelle: volunteer coordination and matching for the refugee-support sector."""

import math

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.middleware.proxy_fix import ProxyFix

from passerelle import config as settings
from passerelle.config import INSTANCE, ROOT, Defaults, from_environment, secret_key
from passerelle.core import logs
from passerelle.extensions import babel, csrf, db, limiter, login_manager, migrate


def create_app(config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=str(INSTANCE),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.from_object(Defaults)
    app.config.from_pyfile("config.py", silent=True)
    app.config.update(from_environment())
    app.config.update(config or {})
    from passerelle.core.routing import CONVERTERS
    app.url_map.converters.update(CONVERTERS)  # before any route is added
    app.config["SECRET_KEY"] = secret_key(app.config)
    settings.check_mail_security(app.config)
    proxies = int(app.config["PASSERELLE_PROXY_COUNT"])
    if proxies:
        # Only behind proxies we run: otherwise anyone could pick their own address.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)
    # Errors and SQL logs never show a statement's values (a note, a first name).
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {**app.config["SQLALCHEMY_ENGINE_OPTIONS"],
                                               "hide_parameters": True}
    logs.install(app.logger)
    _init_extensions(app)
    _register_blueprints(app)
    _register_cli(app)
    return app


def _init_extensions(app: Flask) -> None:
    import passerelle.models  # noqa: F401  (the metadata must know every table)
    from passerelle.core.i18n import select_locale, treat_lazy_strings_as_text

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    treat_lazy_strings_as_text()
    limiter.init_app(app)
    login_manager.init_app(app)


def _register_blueprints(app: Flask) -> None:
    from passerelle.accounts.twofactor.views import bp as two_factor
    from passerelle.accounts.views import bp as accounts
    from passerelle.core.views import bp as core
    from passerelle.duos.views import bp as duos
    from passerelle.hosting.views import bp as hosting
    from passerelle.matching.views import bp as matching
    from passerelle.needs.views import bp as needs
    from passerelle.organisations.views import bp as organisations
    from passerelle.privacy.views import bp as privacy
    from passerelle.programmes.views import bp as programmes
    from passerelle.reminders.views import bp as reminders
    from passerelle.scheduling.calendar_views import bp as calendars
    from passerelle.scheduling.signup_views import bp as signups
    from passerelle.scheduling.views import bp as scheduling
    from passerelle.scheduling.visit_views import bp as visits
    from passerelle.volunteers.views import bp as volunteers

    for blueprint in (core, accounts, two_factor, organisations, programmes, volunteers,
                      needs, matching, hosting, duos, privacy, reminders, scheduling, signups,
                      calendars, visits):
        app.register_blueprint(blueprint)

    from passerelle.core.templating import init_templating
    init_templating(app)

    from passerelle.core.security_headers import init_security_headers
    init_security_headers(app)


def _register_cli(app: Flask) -> None:
    from passerelle.accounts.cli import create_admin
    from passerelle.matching.cli import matching
    from passerelle.needs.cli import people
    from passerelle.organisations.cli import seed
    from passerelle.programmes.cli import programmes
    from passerelle.reminders.cli import reminders
    from passerelle.volunteers.cli import demo_data

    for command in (create_admin, seed, demo_data, people, programmes, reminders, matching):
        app.cli.add_command(command)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    """Foreign keys on and write-ahead logging for SQLite; nothing for other databases."""
    if type(dbapi_connection).__module__ != "sqlite3":
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    try:
        cursor.execute("SELECT sin(0)")
    except dbapi_connection.OperationalError:
        # A SQLite built without its math functions: distances in SQL need these.
        for name in ("sin", "cos", "asin", "sqrt", "radians"):
            dbapi_connection.create_function(name, 1, getattr(math, name), deterministic=True)
    cursor.close()
