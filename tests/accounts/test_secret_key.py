"""No published secret key: production refuses to start without one (hole 2)."""

import stat

import pytest

from passerelle import create_app


def make(tmp_path, **config):
    return create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.sqlite'}",
                       "SECRET_KEY_FILE": str(tmp_path / "instance" / "secret_key"),
                       "PASSERELLE_ENV": "", "SECRET_KEY": None} | config)


@pytest.mark.parametrize("config", [
    {"PASSERELLE_ENV": "production"},
    {},  # gunicorn with no settings: neither debug nor testing
    {"PASSERELLE_ENV": "production", "DEBUG": True},
    {"PASSERELLE_ENV": "production", "SECRET_KEY": "dev-only-change-me"},
    {"SECRET_KEY": ""},
])
def test_production_refuses_to_start_without_a_real_secret_key(tmp_path, config):
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        make(tmp_path, **config)
    assert not (tmp_path / "instance" / "secret_key").exists()


def test_production_starts_with_a_secret_key_from_the_settings(tmp_path):
    app = make(tmp_path, PASSERELLE_ENV="production", SECRET_KEY="a long random value")
    assert app.config["SECRET_KEY"] == "a long random value"


def test_development_makes_a_random_key_once_into_instance(tmp_path):
    first = make(tmp_path, PASSERELLE_ENV="development").config["SECRET_KEY"]
    path = tmp_path / "instance" / "secret_key"
    assert len(first) == 64 and path.read_text() == first
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert make(tmp_path, DEBUG=True).config["SECRET_KEY"] == first
    assert make(tmp_path / "elsewhere", TESTING=True).config["SECRET_KEY"] != first
