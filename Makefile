# Passerelle: `make run` to try it, `make test` to check it. See README.md.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app wsgi
T := platform/passerelle/translations
STAMP := $(VENV)/.installed

.PHONY: run test test-sqlite test-postgres system-packages translations extract-messages lint bench clean

$(PY):
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install -q -e ".[dev]"
	touch $(STAMP)

translations: $(STAMP)
	$(VENV)/bin/pybabel -q compile -d $(T)

# `flask run` is not in debug mode, so say it is development: the secret key is then made
# once into instance/secret_key. Without it (gunicorn, production) SECRET_KEY is required.
# The dispatcher (`flask reminders run`: mail, daily jobs) runs beside the web server; with
# no MAIL_SERVER it writes each message into instance/mail/. Ctrl-C stops both: the shell
# stops the dispatcher (by its process id) when the web server ends.
run: export PASSERELLE_ENV := development
run: $(STAMP) translations
	$(FLASK) db upgrade
	$(FLASK) seed
	$(FLASK) demo-data --if-empty --volunteers 200 --needs 40 --seed 1
	$(FLASK) reminders run & trap "kill $$! 2>/dev/null; wait $$!" EXIT; \
	$(FLASK) run --host 127.0.0.1 --port 5000

system-packages:
	@if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/lib/postgresql/15/bin/initdb ]; then \
		apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium postgresql; \
	fi

# The whole suite on SQLite, then on a throwaway PostgreSQL cluster.
test: system-packages $(STAMP) translations
	$(PY) -m pytest -q
	scripts/with-postgres $(PY) -m pytest -q

test-sqlite: $(STAMP) translations
	$(PY) -m pytest -q

test-postgres: $(STAMP) translations
	scripts/with-postgres $(PY) -m pytest -q

extract-messages: $(STAMP)
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k lazy_pgettext:1c,2 -k pgettext:1c,2 -o $(T)/messages.pot .
	$(VENV)/bin/pybabel update -i $(T)/messages.pot -d $(T) --no-fuzzy-matching --ignore-obsolete

lint: $(STAMP)
	$(VENV)/bin/ruff check platform tests bench
	$(VENV)/bin/bandit -q -r platform/passerelle -ll

bench: $(STAMP) translations
	$(PY) bench/demo_data.py
	$(PY) bench/web.py
	$(PY) bench/matching.py
	$(PY) bench/reminders.py
	$(PY) bench/assignment.py
	$(PY) bench/trajectories.py
	$(PY) bench/duos.py
	$(PY) bench/visits.py

clean:
	rm -rf $(VENV) instance/*.sqlite* instance/mail
