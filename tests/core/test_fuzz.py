"""Property-based fuzzing of every URL parameter and every form: never a server error, and
a refused submission (a page shown again, not a redirect) writes nothing.

Bounded and deterministic (derandomize=True); the number of examples run is printed.
"""

import re
from html.parser import HTMLParser
from urllib.parse import quote

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from passerelle.core.time import today_in_brussels
from passerelle.extensions import limiter
from tests.core import world as w

FUZZ = settings(deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])
ARGUMENT = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")

nasty_text = st.one_of(
    st.text(max_size=40),
    st.text(max_size=20).map(lambda t: t + "\x00" + t),
    st.sampled_from(["", " ", "   ", "\x00", "\t\n", "é", "نور", "👍", "%00", "-1", "0",
                     "2147483648", str(2**63), str(2**64), "1e999", "NaN", "9999-12-31",
                     "0000-00-00", "x" * 5000, "<script>alert(1)</script>", "../../etc"]),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
)


# Writes a refused form may make: logging what it showed, and counting a wrong password or
# a wrong code (the throttles of the account and of the second factor).
ALLOWED_WRITES = re.compile(r"INSERT INTO audit_entries|UPDATE users SET failed_logins="
                            r"|UPDATE two_factor SET failed_codes=", re.IGNORECASE)


def _only_reads(statements) -> list[str]:
    """The writes of a page shown again, but for those ALLOWED_WRITES."""
    return [s for s in statements if not ALLOWED_WRITES.match(s.strip())]


@given(data=st.data())
@settings(FUZZ, max_examples=300)
def test_fuzzed_url_parameters_are_never_a_server_error(app, client, login_as, data):
    world = _world(app, client, login_as)
    rule = data.draw(st.sampled_from(world.parametrised), label="rule")
    values = dict(world.real_values[rule.endpoint])
    argument = data.draw(st.sampled_from(sorted(rule.arguments)), label="argument")
    values[argument] = data.draw(nasty_text, label="value")
    url = ARGUMENT.sub(lambda m: quote(str(values[m.group(1)]), safe=""), rule.rule) or "/"
    for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
        w.sign_in(client, world.w, data.draw(st.sampled_from(w.ROLES), label="role"))
        limiter.reset()
        response = client.open(url, method=method, data={})
        assert response.status_code < 500, (method, url)
    RUN["url"] += 1


@given(data=st.data())
@settings(FUZZ, max_examples=600)
def test_fuzzed_forms_are_never_a_server_error_nor_a_partial_write(app, client, login_as,
                                                                  data):
    world = _world(app, client, login_as)
    method, url, role, page_values = data.draw(st.sampled_from(world.forms), label="form")
    # Each field keeps what the page gave it, or gets a nasty value: so that some
    # submissions pass the form and reach the services.
    fields = {name: data.draw(st.one_of(st.just(value), nasty_text), label=name)
              for name, value in page_values.items()}
    w.sign_in(client, world.w, role)
    limiter.reset()
    with w.WriteWatch() as watch:
        if method == "GET":  # the search filters, read from the query string
            response = client.get(url, query_string=fields)
        else:
            response = client.post(url, data=fields)
    assert response.status_code < 500, (url, fields)
    if response.status_code not in (301, 302, 303):
        assert _only_reads(watch.statements) == [], (url, fields, response.status_code)
    RUN["form"] += 1


class _Fuzzed:
    def __init__(self, app, client, login_as):
        self.w = w.build_world(client, login_as, today_in_brussels())
        rules = w.rules(app)
        self.parametrised = [rule for rule in rules if rule.arguments]
        with app.test_request_context():
            self.real_values = {rule.endpoint: _real_values(rule, self.w) for rule in rules}
            pages = {rule.endpoint: w.url_of(rule, self.w) for rule in rules
                     if "GET" in rule.methods}
        self.forms = self._discover(client, pages)  # in a stable order already

    def _discover(self, client, pages):
        """Every form on every page, as every role that sees it, with its values."""
        found = {}
        for url in pages.values():
            for role in w.ROLES:
                w.sign_in(client, self.w, role)
                response = client.get(url)
                if response.status_code != 200:
                    continue
                parser = _Forms()
                parser.feed(response.get_data(as_text=True))
                for method, action, fields in parser.forms:
                    fields.pop("csrf_token", None)
                    target = action or url
                    if fields and target.startswith("/"):
                        key = (method, target, role, tuple(sorted(fields)))
                        found.setdefault(key, fields)
        return [(method, target, role, found[method, target, role, names])
                for method, target, role, names in sorted(found)]


class _Forms(HTMLParser):
    """The forms of a page: (method, action, {field name: the value the page gives it})."""

    def __init__(self):
        super().__init__()
        self.forms, self._fields, self._select, self._textarea = [], None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._fields = {}
            self.forms.append(((attrs.get("method") or "get").upper(),
                               attrs.get("action") or "", self._fields))
        elif self._fields is None or "name" not in attrs and tag != "option":
            return
        elif tag in ("input", "button"):
            kind = attrs.get("type", "text")
            if kind not in ("checkbox", "radio") or "checked" in attrs:
                self._fields.setdefault(attrs["name"], attrs.get("value") or "")
            else:
                self._fields.setdefault(attrs["name"], "")
        elif tag == "select":
            self._select = attrs["name"]
            self._fields.setdefault(self._select, "")
        elif tag == "option" and self._select and (
                "selected" in attrs or not self._fields[self._select]):
            self._fields[self._select] = attrs.get("value") or ""
        elif tag == "textarea":
            self._textarea = attrs["name"]
            self._fields.setdefault(self._textarea, "")

    def handle_data(self, data):
        if self._textarea:
            self._fields[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._fields = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def _real_values(rule, world) -> dict:
    """The real values of the rule's arguments (as url_of fills them)."""
    url = w.url_of(rule, world)
    match = rule.map.bind("localhost").match(url, method=sorted(rule.methods)[0])
    return {name: str(value) for name, value in match[1].items()}


_cache: dict = {}
RUN = {"url": 0, "form": 0}  # examples run, printed by the last test


def _world(app, client, login_as) -> _Fuzzed:
    """One world per test function: hypothesis runs its examples within one test."""
    if _cache.get("app") is not app:
        _cache.update(app=app, world=_Fuzzed(app, client, login_as))
    return _cache["world"]


def test_the_fuzzing_reaches_every_form_and_parameter(app, client, login_as):
    world = _world(app, client, login_as)
    assert len(world.parametrised) >= 20
    posted = {url for method, url, _role, _values in world.forms if method == "POST"}
    assert len(posted) >= 20, sorted(posted)
    searched = {re.sub(r"^/organisations/[^/]+/hours", "/organisations/<slug>/hours", url)
                for method, url, _role, _values in world.forms if method == "GET"}
    assert searched == {"/help", "/organisations/", "/programmes/programme-a/applications",
                        "/organisations/<slug>/hours.csv"}  # the searches and the export
    print(f"fuzzing: {len(world.forms)} forms, {len(world.parametrised)} routes with "
          f"parameters; examples run: {RUN['url']} URL, {RUN['form']} form")
