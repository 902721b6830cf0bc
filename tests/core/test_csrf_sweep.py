"""Every POST route, with CSRF on as in production: no token, a forged one, or another
session's is refused (400) and nothing is written."""

import re

from sqlalchemy import func, select

from passerelle.core.time import today_in_brussels
from passerelle.extensions import db, limiter
from tests.core import world as w

# The one-click unsubscribe of RFC 8058: a mail program POSTs without any session; the
# signed link is the authority (tests/reminders check that a forged link writes nothing).
CSRF_EXEMPT = {"reminders.unsubscribe"}

TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def row_counts() -> dict[str, int]:
    db.session.expire_all()
    return {table.name: db.session.scalar(select(func.count()).select_from(table))
            for table in db.metadata.sorted_tables}


def test_every_post_route_refuses_a_missing_forged_or_foreign_token(app, client, login_as):
    world = w.build_world(client, login_as, today_in_brussels())
    app.config["WTF_CSRF_ENABLED"] = True
    w.sign_in(client, world, "other_volunteer")
    foreign = TOKEN.search(client.get("/profile/").get_data(as_text=True)).group(1)
    tokens = {"none": None, "forged": "IjAwMDAi.aaaa.bbbb", "another session's": foreign}
    before, wrong, count = row_counts(), [], 0
    for rule in w.rules(app):
        if "POST" not in rule.methods or rule.endpoint in CSRF_EXEMPT:
            continue
        with app.test_request_context():
            url = w.url_of(rule, world)
        for role in ("anonymous", "volunteer", "coordinator_a", "admin"):
            w.sign_in(client, world, role)
            client.get("/")  # this session has a token of its own
            for name, token in tokens.items():
                limiter.reset()
                data = {"csrf_token": token} if token else {}
                response = client.post(url, data=data | {"next": "/", "offer": "1"})
                count += 1
                if response.status_code != 400:
                    wrong.append(f"POST {url} as {role} with {name} token: "
                                 f"{response.status_code}")
    assert not wrong, "\n".join(wrong)
    assert row_counts() == before
    print(f"CSRF sweep: {count} refused POSTs")


def test_the_same_session_token_is_accepted(app, client, login_as):
    """The sweep could not pass by refusing everything: a real token goes through."""
    world = w.build_world(client, login_as, today_in_brussels())
    app.config["WTF_CSRF_ENABLED"] = True
    w.sign_in(client, world, "volunteer")
    token = TOKEN.search(client.get("/profile/").get_data(as_text=True)).group(1)
    response = client.post("/language", data={"csrf_token": token, "locale": "nl"})
    assert response.status_code == 302
    db.session.expire_all()
    volunteer = world.users["volunteer"]
    assert db.session.get(type(volunteer), volunteer.id).locale == "nl"
