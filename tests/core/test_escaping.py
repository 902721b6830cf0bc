"""A translated message that carries what someone typed is text, never markup: escaped in
pages, in form errors, in flash messages (after the session), and unchanged in mail."""

import re
from pathlib import Path

from flask import render_template_string
from flask_babel import lazy_gettext as _l

from passerelle.core.errors import DomainError
from passerelle.core.web import form_error
from passerelle.programmes import setup
from passerelle.programmes.forms import ProgrammeForm
from tests.factories import make_organisation, make_programme

SCRIPT = '<script>alert("x")</script>'
ESCAPED = "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;"
ROOT = Path(__file__).resolve().parents[2]


def programme_data(**fields):
    return {name: f"new {name}" for name in setup.TEXT_FIELDS} | {"kind": "sponsorship"} | fields


def test_an_unknown_municipality_typed_as_a_script_is_shown_as_text(client, db, login_as):
    organisation = make_organisation(slug="cire")
    make_programme(organisation, slug="cire-sponsorship")
    login_as("coordinator", organisation=organisation)
    for path in ("/programmes/cire-sponsorship/settings", "/organisations/cire/programmes/new"):
        page = client.post(path, data=programme_data(slug="new-one", cities=f"Liège, {SCRIPT}")
                           ).get_data(as_text=True)
        assert f"We do not know the municipality “{ESCAPED}”" in page, path
        assert SCRIPT not in page, path


def test_a_flashed_organisation_name_is_text_after_the_session(client, db, login_as):
    organisation = make_organisation(slug="evil", name=SCRIPT, country="FR")
    login_as("coordinator", organisation=organisation)
    page = client.post("/organisations/evil/edit", data={
        "description_fr": "Une association.", "description_nl": "Een vereniging.",
        "description_en": "An association.", "max_retention_months": "24"},
        follow_redirects=True).get_data(as_text=True)
    assert f"The profile of {ESCAPED} is saved." in page
    assert SCRIPT not in page


def test_the_invitation_flash_shows_the_address_as_text(client, db, login_as, smtp):
    organisation = make_organisation(slug="singa")
    login_as("coordinator", organisation=organisation)
    page = client.post("/organisations/singa/people", data={
        "email": "o'brien&co@example.org", "role": "staff"},
        follow_redirects=True).get_data(as_text=True)
    assert "The invitation is on its way to o&#39;brien&amp;co@example.org." in page
    assert "o'brien&co" not in page


def test_a_domain_error_with_a_name_is_escaped_beside_its_field_and_above_the_form(app, db):
    message = _l("The profile of %(name)s is saved.", name=SCRIPT)
    with app.test_request_context(headers={"Accept-Language": "en"}):
        form = ProgrammeForm(data={})
        form_error(form, DomainError(message, field="name_en"))
        form_error(form, DomainError(message))
        page = render_template_string(
            '{% from "macros/forms.html" import field, form_errors %}'
            "{{ form_errors(form) }}{{ field(form.name_en) }}", form=form)
    # The form's own error and the field's in the summary above, the field's beside it.
    assert page.count(f"The profile of {ESCAPED} is saved.") == 3
    assert SCRIPT not in page


def test_a_lazy_string_is_text_wherever_it_meets_html(app):
    lazy = _l("Welcome to %(name)s.", name=SCRIPT)
    with app.test_request_context(headers={"Accept-Language": "en"}):
        page = render_template_string(
            "{{ lazy }}|{{ _('Registered by %(name)s', name=lazy) }}|{{ [lazy]|join(', ') }}",
            lazy=lazy)
        text = str(lazy)
    assert SCRIPT not in page and page.count(ESCAPED) == 3
    assert text == f"Welcome to {SCRIPT}."  # mail and logs keep the text as it is


def test_templates_and_code_mark_nothing_safe_but_literal_markup():
    for template in (ROOT / "templates").rglob("*.html"):
        for use in re.findall(r"(\S+)\s*\|\s*safe", template.read_text()):
            assert re.fullmatch(r"""(["'])<\w+>\1""", use), (template, use)
    for module in (ROOT / "platform" / "passerelle").rglob("*.py"):
        text = module.read_text()
        assert "Markup(" not in text and "|safe" not in text, module
