"""Every route of the URL map, requested as every role, with the records of organisation A.

The expected outcome of each (method, endpoint) is in EXPECTED below: a new route without
an entry fails the test, naming it. Outcomes: "200", "404", "405", "login" (a redirect to
the login page), "redirect" (anywhere else). POSTs send an empty form (CSRF off): refused
ones must write nothing; after one that wrote, the world is built again.
"""

from sqlalchemy import select

from passerelle.core.audit import AuditEntry
from passerelle.core.time import today_in_brussels
from passerelle.extensions import db, limiter
from tests.core import world as w

EVERYONE = set(w.ROLES)
SIGNED_IN = EVERYONE - {"anonymous"}
ORG_STAFF = {"staff_a", "coordinator_a", "network_coordinator", "admin"}  # access.is_staff
ORG_COORDINATOR = {"coordinator_a", "network_coordinator", "admin"}  # can_manage_people
ORG_MEMBER = {"staff_a", "coordinator_a"}  # access.works_for: the people helped
OWNER = {"volunteer"}  # V's own application, offer and pairing
OWN_COORDINATOR = {"coordinator_a"}  # joining and leaving: the organisation's own coordinators


def allow(roles, ok="200", denied="404", anonymous="login", **overrides) -> dict[str, str]:
    """The outcome for each role: `ok` for the allowed, else `denied` (anonymous: login)."""
    table = {role: ok if role in roles else (anonymous if role == "anonymous" else denied)
             for role in w.ROLES}
    return table | overrides


PUBLIC = allow(EVERYONE)
GUESTS_ONLY = allow(SIGNED_IN, ok="redirect", anonymous="200")  # signed in: sent home
LOGGED_IN = allow(SIGNED_IN)

EXPECTED = {
    ("GET", "core.home"): PUBLIC,
    ("POST", "core.set_language"): allow(EVERYONE, ok="redirect", anonymous="redirect"),
    # Accounts
    ("GET", "accounts.login"): GUESTS_ONLY,
    ("POST", "accounts.login"): GUESTS_ONLY,
    ("GET", "accounts.register"): GUESTS_ONLY,
    ("POST", "accounts.register"): GUESTS_ONLY,
    ("POST", "accounts.logout"): allow(SIGNED_IN, ok="redirect"),
    ("POST", "accounts.logout_everywhere"): allow(SIGNED_IN, ok="login"),
    ("GET", "accounts.confirm_email"): allow(SIGNED_IN, ok="redirect"),  # anonymous: to log in
    ("POST", "accounts.resend_confirmation"): allow(SIGNED_IN, ok="redirect"),
    ("GET", "accounts.forgot_password"): PUBLIC,
    ("POST", "accounts.forgot_password"): PUBLIC,
    ("GET", "accounts.reset_password"): PUBLIC,
    ("POST", "accounts.reset_password"): PUBLIC,
    ("GET", "accounts.account"): LOGGED_IN,
    ("POST", "accounts.account"): allow(SIGNED_IN, ok="redirect"),
    ("GET", "accounts.change_password"): LOGGED_IN,
    ("POST", "accounts.change_password"): LOGGED_IN,
    ("GET", "accounts.unlock"): allow(EVERYONE, ok="login"),
    # Two-step verification (nobody in the world has set it up)
    ("GET", "two_factor.overview"): LOGGED_IN,
    ("GET", "two_factor.setup"): LOGGED_IN,
    ("POST", "two_factor.setup"): LOGGED_IN,
    ("GET", "two_factor.verify"): allow(SIGNED_IN, ok="redirect"),  # to set-up
    ("POST", "two_factor.verify"): allow(SIGNED_IN, ok="redirect"),
    ("POST", "two_factor.recovery_codes"): LOGGED_IN,  # without a code: shown again
    ("POST", "two_factor.disable"): LOGGED_IN,
    ("POST", "two_factor.forget_devices"): allow(SIGNED_IN, ok="redirect"),
    ("GET", "two_factor.reset"): allow({"admin"}),
    ("POST", "two_factor.reset"): allow({"admin"}),
    # Privacy
    ("GET", "privacy.notice"): PUBLIC,
    ("GET", "privacy.my_data"): LOGGED_IN,
    ("POST", "privacy.my_data"): LOGGED_IN,  # the zip
    ("GET", "privacy.erase_account"): LOGGED_IN,
    ("POST", "privacy.erase_account"): LOGGED_IN,  # no password: shown again
    # Organisations
    ("GET", "organisations.directory"): PUBLIC,
    ("GET", "organisations.organisation"): PUBLIC,
    ("GET", "organisations.programme"): PUBLIC,
    ("GET", "organisations.edit_profile"): allow(ORG_COORDINATOR),
    ("POST", "organisations.edit_profile"): allow(ORG_COORDINATOR),  # empty: shown again
    ("GET", "organisations.people"): allow(ORG_COORDINATOR),
    ("POST", "organisations.people"): allow(ORG_COORDINATOR),
    ("POST", "organisations.remove_member"): allow(OWN_COORDINATOR, ok="redirect"),
    ("POST", "organisations.change_role"): allow(OWN_COORDINATOR, ok="redirect"),
    ("POST", "organisations.approve_invitation"): allow(OWN_COORDINATOR, ok="redirect"),
    ("POST", "organisations.refuse_invitation"): allow(OWN_COORDINATOR, ok="redirect"),
    ("POST", "organisations.revoke_invitation"): allow(OWN_COORDINATOR, ok="redirect"),
    ("GET", "organisations.accept_invitation"): PUBLIC,
    ("POST", "organisations.accept_invitation"): PUBLIC,  # another address: refused, shown
    # Programmes: volunteers
    ("POST", "programmes.apply"): allow(SIGNED_IN, ok="redirect"),
    ("GET", "programmes.my_applications"): LOGGED_IN,
    ("GET", "programmes.sign_charter"): allow(OWNER),
    ("POST", "programmes.sign_charter"): allow(OWNER),
    ("POST", "programmes.withdraw"): allow(OWNER, ok="redirect"),
    # Programmes: coordinators
    ("GET", "programmes.coordination"): LOGGED_IN,  # a list of what each one coordinates
    ("GET", "programmes.queue"): allow(ORG_COORDINATOR),
    ("GET", "programmes.review"): allow(ORG_COORDINATOR),
    ("POST", "programmes.review_action"): allow(ORG_COORDINATOR),
    ("GET", "programmes.settings"): allow(ORG_COORDINATOR),
    ("POST", "programmes.settings"): allow(ORG_COORDINATOR, ok="redirect"),
    ("GET", "programmes.news"): allow(ORG_COORDINATOR),
    ("POST", "programmes.news"): allow(ORG_COORDINATOR),  # empty: shown again
    ("POST", "programmes.publish_charter"): allow(ORG_COORDINATOR),
    ("POST", "programmes.add_training"): allow(ORG_COORDINATOR),
    ("POST", "programmes.delete"): allow(ORG_COORDINATOR, ok="redirect"),
    ("GET", "programmes.new_programme"): allow(ORG_COORDINATOR),
    ("POST", "programmes.new_programme"): allow(ORG_COORDINATOR),
    ("GET", "programmes.training_sessions"): allow(ORG_COORDINATOR),
    ("POST", "programmes.training_sessions"): allow(ORG_COORDINATOR),
    # Volunteers
    ("GET", "volunteers.profile"): LOGGED_IN,
    ("POST", "volunteers.profile"): allow(SIGNED_IN, ok="redirect"),
    ("GET", "volunteers.hosting"): LOGGED_IN,
    ("POST", "volunteers.hosting"): allow(SIGNED_IN, ok="redirect"),
    ("GET", "volunteers.fitting"): LOGGED_IN,
    # Needs
    ("GET", "needs.help_page"): PUBLIC,
    ("GET", "needs.needs"): allow(ORG_STAFF),
    ("GET", "needs.new_need"): allow(ORG_STAFF),
    ("POST", "needs.new_need"): allow(ORG_STAFF),
    ("GET", "needs.edit_need"): allow(ORG_STAFF),
    ("POST", "needs.edit_need"): allow(ORG_STAFF),
    ("POST", "needs.close_need"): allow(ORG_STAFF, ok="redirect"),
    ("GET", "needs.material_needs"): allow(ORG_STAFF),
    ("GET", "needs.new_material_need"): allow(ORG_STAFF),
    ("POST", "needs.new_material_need"): allow(ORG_STAFF),
    ("GET", "needs.material_matches"): allow(ORG_STAFF),
    ("POST", "needs.close_material_need"): allow(ORG_STAFF, ok="redirect"),
    ("POST", "needs.propose"): allow(ORG_STAFF, ok="redirect"),
    ("POST", "needs.confirm_as_organisation"): allow(ORG_STAFF, ok="redirect"),
    ("POST", "needs.decline_as_organisation"): allow(ORG_STAFF, ok="redirect"),
    ("GET", "needs.offers"): LOGGED_IN,
    ("GET", "needs.new_offer"): LOGGED_IN,
    ("POST", "needs.new_offer"): LOGGED_IN,
    ("POST", "needs.withdraw_offer"): allow(OWNER, ok="redirect"),
    ("POST", "needs.confirm_as_owner"): allow(OWNER, ok="redirect"),
    ("POST", "needs.decline_as_owner"): allow(OWNER, ok="redirect"),
    # The people helped: only the registering organisation's own members
    ("GET", "needs.people_list"): allow(ORG_MEMBER),
    ("GET", "needs.new_person"): allow(ORG_MEMBER),
    ("POST", "needs.new_person"): allow(ORG_MEMBER),
    ("GET", "needs.person"): allow(ORG_MEMBER),
    ("GET", "needs.edit_person"): allow(ORG_MEMBER),
    ("POST", "needs.edit_person"): allow(ORG_MEMBER),
    ("POST", "needs.delete_person"): allow(ORG_MEMBER, ok="redirect"),
    ("POST", "privacy.export_person"): allow(ORG_MEMBER),  # the zip
    # Matching: A's need's candidates for its staff; V's approved match for V and A's staff
    ("GET", "matching.candidates"): allow(ORG_STAFF),
    ("POST", "matching.propose"): allow(ORG_STAFF, ok="redirect"),  # no volunteer chosen
    ("POST", "matching.exclude"): allow(ORG_STAFF, ok="redirect"),  # no reason given
    ("GET", "matching.match"): allow(ORG_STAFF | OWNER),
    ("POST", "matching.decide"): allow(OWNER, ok="redirect"),  # V accepts
    ("GET", "matching.fits_me"): LOGGED_IN,
    ("GET", "matching.new_batch"): allow(ORG_COORDINATOR),
    ("POST", "matching.new_batch"): allow(ORG_COORDINATOR),  # no objective: shown again
    ("GET", "matching.batch"): allow(ORG_COORDINATOR),
    ("POST", "matching.approve_batch"): allow(ORG_COORDINATOR, ok="redirect"),  # none ticked
    ("POST", "matching.undo_batch"): allow(ORG_COORDINATOR, ok="redirect"),  # approved: no
    ("GET", "matching.programme_matches"): allow(ORG_COORDINATOR),
    ("GET", "matching.weights"): allow(ORG_COORDINATOR),
    ("POST", "matching.weights"): allow(ORG_COORDINATOR),  # empty: shown again
    # Hosting trajectories: the guests' records stay with the organisations' own members.
    ("GET", "hosting.programme"): allow(OWN_COORDINATOR),
    ("POST", "hosting.plan"): allow(OWN_COORDINATOR, ok="redirect"),  # nobody waiting
    ("GET", "hosting.trajectory"): allow(ORG_MEMBER),
    ("POST", "hosting.decide"): allow(OWN_COORDINATOR, ok="redirect"),  # nothing to approve
    ("GET", "hosting.stay"): allow(ORG_MEMBER | OWNER),
    ("POST", "hosting.answer"): allow(OWNER, ok="redirect"),  # V accepts
    ("GET", "hosting.my_stays"): LOGGED_IN,
    ("GET", "hosting.accompany"): allow(OWNER),  # V is asked to accompany the guest
    ("POST", "hosting.accompany_answer"): allow(OWNER, ok="redirect"),  # V accepts
    # A sponsorship pool: it shows the families' first names, so A's own staff only
    ("GET", "matching.pool"): allow(ORG_MEMBER),
    ("POST", "matching.add_contact"): allow(ORG_MEMBER),  # nothing chosen: shown again
    # "I met this family": V applied to A's programme (charter unsigned: no family shown)
    ("GET", "matching.met"): allow(OWNER),
    ("POST", "matching.met"): allow(OWNER),  # nothing chosen: shown again
    # Language duos: A's exchange programme; V's approved duo for V and A's staff
    ("GET", "duos.programme"): allow(ORG_COORDINATOR),
    ("POST", "duos.run_batch"): allow(ORG_COORDINATOR, ok="redirect"),  # nobody waiting
    ("GET", "duos.batch"): allow(ORG_COORDINATOR),
    ("POST", "duos.approve_batch"): allow(ORG_COORDINATOR, ok="redirect"),  # none ticked
    ("POST", "duos.undo_batch"): allow(ORG_COORDINATOR, ok="redirect"),  # the approved kept
    ("GET", "duos.duo"): allow(ORG_STAFF | OWNER),
    ("POST", "duos.decide"): allow(OWNER, ok="redirect"),  # V accepts
    ("POST", "duos.plan_meeting"): allow(ORG_COORDINATOR),  # empty: shown again
    ("POST", "duos.cancel_meeting"): allow(set()),  # A's occurrence is no meeting of the duo
    ("GET", "duos.my_duos"): LOGGED_IN,
    # Events: A's event has one occurrence where V holds a place
    ("GET", "scheduling.programme_events"): allow(ORG_STAFF),
    ("POST", "scheduling.programme_events"): allow(ORG_STAFF),  # an empty form: errors
    ("GET", "scheduling.event"): allow(ORG_STAFF),
    ("GET", "scheduling.occurrence"): allow(ORG_STAFF | OWNER),
    ("POST", "scheduling.occurrence"): allow(ORG_STAFF, ok="redirect"),  # saved as it was
    ("POST", "scheduling.cancel"): allow(ORG_STAFF, ok="redirect"),  # no scope: refused
    # Calendars: the private feed URL is its own authority
    ("GET", "calendars.feed"): PUBLIC,
    ("GET", "calendars.occurrence_ics"): allow(ORG_STAFF | OWNER),  # V applied to A's
    ("GET", "calendars.my_calendar"): LOGGED_IN,
    ("POST", "calendars.reset_feed"): allow(set()),  # no feed named: nothing to reset
    ("GET", "calendars.my_schedule"): LOGGED_IN,
    # Sign-ups
    # V applied to A's programme; no role chosen: the page again, the refusal beside it
    ("POST", "signups.sign_up"): allow(OWNER, ok="400"),
    ("POST", "signups.cancel"): allow(OWNER | ORG_STAFF, ok="redirect"),
    ("GET", "signups.attendance"): allow(ORG_STAFF),
    ("POST", "signups.attendance"): allow(set()),  # no sign-up named: 404 for all
    ("POST", "signups.assign"): allow(ORG_STAFF, ok="400"),  # nobody named: refused
    ("GET", "signups.my_hours"): LOGGED_IN,
    ("GET", "signups.hours_csv"): allow(ORG_STAFF),
    ("GET", "signups.hours"): allow(ORG_STAFF),
    # Detention visit rotas
    ("GET", "visits.rota"): allow(ORG_COORDINATOR),
    ("POST", "visits.rota"): allow(ORG_COORDINATOR),  # nobody accredited: no pair
    ("POST", "visits.decide"): allow(ORG_COORDINATOR, ok="redirect"),  # none proposed
    ("GET", "visits.mine"): LOGGED_IN,
    ("POST", "visits.answer"): allow(OWNER, ok="redirect"),  # V confirms
    ("GET", "visits.report"): allow(ORG_COORDINATOR),  # V is asked, has not visited
    ("POST", "visits.report"): allow(ORG_COORDINATOR),  # an empty report: refused
    ("GET", "visits.summary"): allow(ORG_COORDINATOR),
    # Messages: the signed link is the authority, whoever follows it
    ("GET", "reminders.choices"): LOGGED_IN,
    ("POST", "reminders.choices"): allow(SIGNED_IN, ok="redirect"),
    ("GET", "reminders.unsubscribe"): PUBLIC,
    ("POST", "reminders.unsubscribe"): PUBLIC,
    ("GET", "reminders.outbox"): allow({"admin"}),
    ("POST", "reminders.retry"): allow({"admin"}, ok="redirect"),
    ("POST", "reminders.retry_failed"): allow({"admin"}, ok="redirect"),
}

# The one write anybody may make: the signed link in a mail stops that kind of message
# (RFC 8058's one-click POST comes from a mail program, signed in as nobody).
ANONYMOUS_WRITES = {"reminders.unsubscribe"}

# None of them may read A's people or screening notes (a network coordinator and an
# administrator review A's applications, without the private note).
OUTSIDERS = ("staff_b", "network_coordinator", "admin")
CONTROL = {"OPTIONS", "HEAD"}


def _requests(app):
    for rule in w.rules(app):
        for method in sorted(rule.methods - CONTROL):
            yield rule, method


def _check_table_covers(app):
    missing = sorted(f"{method} {rule.endpoint} ({rule.rule})" for rule, method in _requests(app)
                     if (method, rule.endpoint) not in EXPECTED)
    assert not missing, "add these routes to EXPECTED in tests/core/test_access_matrix.py: " + (
        ", ".join(missing))


def _assert_nothing_of_a_leaked(bodies: dict, world):
    for (role, where), body in bodies.items():
        if role not in OUTSIDERS:
            continue
        assert w.PERSON_NAME not in body.replace(w.PERSON_NAME + "_b", ""), (
            f"{role} read A's person helped at {where}")
        assert w.SCREENING_NOTE not in body.replace(w.SCREENING_NOTE + "_b", ""), (
            f"{role} read A's screening note at {where}")
    outsiders = [world.users[role].id for role in OUTSIDERS]
    assert db.session.scalars(select(AuditEntry).where(
        AuditEntry.user_id.in_(outsiders), AuditEntry.action == "read")).all() == []


def test_every_route_gives_each_role_the_expected_outcome(app, client, login_as):
    _check_table_covers(app)
    today = today_in_brussels()
    world = w.build_world(client, login_as, today)
    wrong, bodies, count = [], {}, 0
    for rule, method in _requests(app):
        if method == "POST":
            continue
        with app.test_request_context():
            url = w.url_of(rule, world)
        for role in w.ROLES:
            w.sign_in(client, world, role)
            response = client.open(url, method=method)
            count += 1
            bodies[role, url] = w.body(response)
            expected = EXPECTED[method, rule.endpoint][role]
            if w.outcome(response) != expected:
                wrong.append(f"{method} {url} as {role}: {w.outcome(response)}, not {expected}")
    assert not wrong, "\n".join(wrong)
    _assert_nothing_of_a_leaked(bodies, world)
    print(f"access matrix: {count} GET requests (routes x roles)")


def test_every_post_route_gives_each_role_the_expected_outcome(app, client, login_as):
    today = today_in_brussels()
    world = w.build_world(client, login_as, today)
    wrong, bodies, count = [], {}, 0
    for rule, method in _requests(app):
        if method != "POST":
            continue
        for role in w.ROLES:
            with app.test_request_context():
                url = w.url_of(rule, world)
            w.sign_in(client, world, role)
            limiter.reset()  # one client address for every role
            with w.WriteWatch() as watch:
                response = client.post(url, data={})
            count += 1
            bodies[role, url] = w.body(response)
            expected = EXPECTED[method, rule.endpoint][role]
            got = w.outcome(response)
            if got != expected:
                wrong.append(f"POST {url} as {role}: {got}, not {expected}")
            anonymous_refused = role == "anonymous" and rule.endpoint not in ANONYMOUS_WRITES
            if (got in ("404", "405") or anonymous_refused) and watch.statements:
                wrong.append(f"POST {url} as {role} was refused but wrote {watch.statements}")
            if watch.statements:
                _assert_nothing_of_a_leaked(bodies, world)
                bodies = {}
                w.empty_tables()
                world = w.build_world(client, login_as, today)
    assert not wrong, "\n".join(wrong)
    _assert_nothing_of_a_leaked(bodies, world)
    print(f"access matrix: {count} POST requests (routes x roles)")


def test_the_records_of_b_are_no_page_for_those_of_a_and_of_n(app, client, login_as):
    """The same routes with B's ids and slugs: A's staff and coordinator, and the coordinator
    of network N (B is not a member), get 404 wherever they see the same record of A."""
    world = w.build_world(client, login_as, today_in_brussels())
    wrong, checked = [], 0
    for rule, method in _requests(app):
        if method != "GET" or not rule.arguments:
            continue
        expected = EXPECTED[method, rule.endpoint]
        roles = [role for role in ("staff_a", "coordinator_a", "network_coordinator")
                 if expected[role] == "200" and expected["other_volunteer"] == "404"]
        if roles:
            with app.test_request_context():
                url = w.url_of(rule, world, organisation="b")
            for role in roles:
                w.sign_in(client, world, role)
                checked += 1
                got = w.outcome(client.get(url))
                if got != "404":
                    wrong.append(f"GET {url} (B) as {role}: {got}")
    assert not wrong, "\n".join(wrong)
    assert checked >= 40


def test_every_staff_page_asks_for_the_second_factor_first(app, client, login_as):
    """A coordinator of A whose session has not passed the second factor is sent to it by
    every route that a coordinator may use and a volunteer may not, and writes nothing."""
    from tests.factories import session_id_for

    world = w.build_world(client, login_as, today_in_brussels())
    client.delete_cookie(w._cookie(client))
    with client.session_transaction() as session:
        session["_user_id"] = session_id_for(world.users["coordinator_a"])
        session["_fresh"] = True
    wrong, checked = [], 0
    for rule, method in _requests(app):
        expected = EXPECTED[method, rule.endpoint]
        if expected["coordinator_a"] in ("404", "login") or expected["volunteer"] != "404":
            continue
        if rule.endpoint.startswith("two_factor."):
            continue
        with app.test_request_context():
            url = w.url_of(rule, world)
        limiter.reset()
        with w.WriteWatch() as watch:
            response = client.open(url, method=method, data={})
        checked += 1
        if not (response.status_code == 302 and "/account/two-factor/" in response.location):
            wrong.append(f"{method} {url}: {w.outcome(response)}")
        if watch.statements:
            wrong.append(f"{method} {url} wrote {watch.statements}")
    assert not wrong, "\n".join(wrong)
    assert checked >= 30
