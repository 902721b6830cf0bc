from passerelle import create_app
from passerelle.config import from_environment


def test_environment_overrides_the_defaults():
    found = from_environment({
        "DATABASE_URL": "postgresql+psycopg://u@db/passerelle", "SECRET_KEY": "s",
        "MAIL_SERVER": "smtp.example.org", "MAIL_PORT": "587", "MAIL_SECURITY": "starttls",
        "PASSERELLE_BASE_URL": "https://passerelle.example.org", "HOME": "/root"})
    assert found == {
        "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://u@db/passerelle", "SECRET_KEY": "s",
        "MAIL_SERVER": "smtp.example.org", "MAIL_PORT": 587, "MAIL_SECURITY": "starttls",
        "PASSERELLE_BASE_URL": "https://passerelle.example.org"}


def test_create_app_takes_a_config_and_touches_no_database(tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'never.sqlite'}",
                      "SECRET_KEY": "s"})
    assert app.config["BABEL_DEFAULT_LOCALE"] == "fr"
    assert not (tmp_path / "never.sqlite").exists()
    assert {"accounts", "organisations", "programmes", "volunteers", "needs"} <= set(
        app.blueprints)
