"""Two-step verification (TOTP and recovery codes) for everyone who works for an
organisation, before any record of a person helped or any screening note."""

import re
from datetime import UTC, date, datetime, timedelta

import pyotp
import pytest
from sqlalchemy import func, select

from passerelle.accounts.services import end_all_sessions
from passerelle.accounts.twofactor import services
from passerelle.accounts.twofactor.gate import COOKIE, SESSION_KEY
from passerelle.accounts.twofactor.models import RecoveryCode, TrustedDevice, TwoFactor
from passerelle.core.audit import AuditEntry
from passerelle.core.errors import DomainError
from passerelle.core.time import utcnow
from passerelle.programmes import services as programmes
from tests.factories import (
    PASSWORD,
    at,
    mail_text,
    make_membership,
    make_organisation,
    make_programme,
    make_user,
)
from tests.needs.factories import make_person

T0 = datetime(2026, 12, 1, 9, 0, 0, tzinfo=UTC)


def code_at(secret: str, moment: datetime) -> str:
    return pyotp.TOTP(secret).at(moment)


def enrol(user, at=T0) -> tuple[str, list[str]]:
    """Two-step verification turned on through the services; returns the secret and the
    recovery codes."""
    secret = services.begin_enrolment(user).secret
    return secret, services.confirm_enrolment(user, code_at(secret, at), at)


def wrong_code(secret: str, moment: datetime) -> str:
    """A code of the right shape that the app shows neither now nor a step either side."""
    near = {code_at(secret, moment + timedelta(seconds=30 * k)) for k in (-1, 0, 1)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in near)


def secret_on(page: str) -> str:
    return re.search(r'<code class="secret" id="secret">([A-Z2-7 ]+)</code>', page)[1].replace(
        " ", "")


def forget_this_session(client) -> None:
    """As if the browser came back later: the session no longer holds the second factor."""
    with client.session_transaction() as session:
        session.pop(SESSION_KEY, None)


@pytest.fixture
def organisation(db):
    return make_organisation(name="Safe Space")


@pytest.fixture
def screened(organisation):
    """An application with a screening note, and its review page."""
    programme = make_programme(organisation, slug="safe-hosting")
    volunteer = make_user(email="vol@example.org")
    application = programmes.apply(volunteer, programme, "I have a room.", utcnow())
    programmes.record_screening(make_user(), application, True, "Talked about her past.",
                                at(date(2026, 11, 2)))
    return f"/applications/{application.id}/review"


# The requirement --------------------------------------------------------------------------

def test_coordinator_without_two_factor_is_sent_to_set_up_before_people_and_notes(
        client, login_as, organisation, screened):
    login_as("coordinator", organisation=organisation, second_factor=False)
    person = make_person(organisation, first_name="Zainab")
    people_list = f"/organisations/{organisation.slug}/supported"
    for url in (people_list, f"/supported/{person.id}", f"/supported/{person.id}/edit",
                f"/organisations/{organisation.slug}/needs/new", screened):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.headers["Location"] == (
            f"/account/two-factor/setup?next={url}")
        assert "Zainab" not in response.get_data(as_text=True)
    assert client.post(f"{screened}/screening", data={
        "screening-outcome": "passed", "screening-note": "x"}).status_code == 302
    page = client.get(screened, follow_redirects=True).get_data(as_text=True)
    assert "Talked about her past." not in page and "Set up two-step verification" in page


def test_enrolment_with_a_real_code_opens_the_people_list(client, db, login_as, organisation):
    user = login_as("staff", organisation=organisation, second_factor=False)
    make_person(organisation, first_name="Zainab")
    people_list = f"/organisations/{organisation.slug}/supported"
    setup = client.get(client.get(people_list).headers["Location"])
    page = setup.get_data(as_text=True)
    assert setup.status_code == 200 and 'src="data:image/svg+xml' in page
    assert setup.headers["Cache-Control"] == "no-store"
    secret = secret_on(page)
    assert db.session.get(TwoFactor, user.id).enabled_at is None  # not on before a code
    assert client.get(people_list).status_code == 302
    done = client.post(f"/account/two-factor/setup?next={people_list}",
                       data={"code": pyotp.TOTP(secret).now()})
    shown = done.get_data(as_text=True)
    codes = re.findall(r"<li><code>([a-z2-9]{5}-[a-z2-9]{5})</code></li>", shown)
    assert len(codes) == 10 and f'href="{people_list}"' in shown
    assert "Zainab" in client.get(people_list).get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(TwoFactor, user.id).enabled
    assert codes[0] not in str(db.session.scalars(select(RecoveryCode.code_hash)).all())


def test_a_wrong_code_is_refused_beside_the_field_and_counted(client, db, login_as,
                                                              organisation):
    user = login_as("staff", organisation=organisation, second_factor=False)
    secret = secret_on(client.get("/account/two-factor/setup").get_data(as_text=True))
    wrong = wrong_code(secret, utcnow())
    page = client.post("/account/two-factor/setup", data={"code": wrong}).get_data(as_text=True)
    assert "This code is not right" in page and f'value="{wrong}"' in page
    db.session.expire_all()
    row = db.session.get(TwoFactor, user.id)
    assert row.enabled_at is None and row.failed_codes == 1
    assert client.get(f"/organisations/{organisation.slug}/supported").status_code == 302


def test_a_code_works_once_even_within_its_time_window(db):
    user = make_user()
    secret, _codes = enrol(user, T0)
    later = T0 + timedelta(seconds=30)
    code = code_at(secret, later)
    services.verify(user, code, later)
    with pytest.raises(DomainError):
        services.verify(user, code, later + timedelta(seconds=5))  # replayed
    with pytest.raises(DomainError):
        services.verify(user, code_at(secret, T0), later)  # older than the last one used
    services.verify(user, code_at(secret, later + timedelta(seconds=30)),
                    later + timedelta(seconds=31))


def test_a_code_of_the_step_before_or_after_is_accepted_but_not_further(db):
    user = make_user()
    secret, _codes = enrol(user, T0)
    now = T0 + timedelta(minutes=10)
    with pytest.raises(DomainError):
        services.verify(user, code_at(secret, now - timedelta(seconds=61)), now)
    services.verify(user, code_at(secret, now - timedelta(seconds=30)), now)


def test_a_recovery_code_works_once(db):
    user = make_user()
    _secret, codes = enrol(user)
    services.verify(user, codes[3].upper().replace("-", " "), T0 + timedelta(minutes=1))
    assert services.recovery_codes_left(user) == 9
    with pytest.raises(DomainError) as refused:
        services.verify(user, codes[3], T0 + timedelta(minutes=2))
    assert refused.value.field == "code"
    services.verify(user, codes[4], T0 + timedelta(minutes=3))


def test_five_wrong_codes_pause_every_code_for_fifteen_minutes(db):
    user = make_user()
    secret, codes = enrol(user)
    for second in range(5):
        with pytest.raises(DomainError):
            services.verify(user, wrong_code(secret, T0), T0 + timedelta(seconds=second))
    soon = T0 + timedelta(minutes=5)
    for right in (code_at(secret, soon), codes[0]):
        with pytest.raises(DomainError) as refused:
            services.verify(user, right, soon)
        assert refused.value.message is services.PAUSED
    after = T0 + timedelta(minutes=16)
    services.verify(user, code_at(secret, after), after)
    assert db.session.get(TwoFactor, user.id).failed_codes == 0


def test_code_checks_are_rate_limited_per_address(client, login_as, organisation):
    user = login_as("staff", organisation=organisation, second_factor=False)
    enrol(user, utcnow() - timedelta(minutes=5))
    statuses = [client.post("/account/two-factor/verify", data={"code": "12345a"}).status_code
                for _ in range(21)]
    assert statuses[:20] == [200] * 20 and statuses[20] == 429


@pytest.mark.parametrize("typed", ["١٢٣٤٥٦", "12 34 56 78", "\x00\x00", "ａｂｃ", "-" * 20])
def test_odd_codes_are_refused_beside_the_field(client, login_as, organisation, typed):
    user = login_as("staff", organisation=organisation, second_factor=False)
    enrol(user, utcnow() - timedelta(minutes=5))
    response = client.post("/account/two-factor/verify", data={"code": typed})
    assert response.status_code == 200
    refusal = "invisible control character (NUL)" if "\x00" in typed else "This code is not right"
    assert refusal in response.get_data(as_text=True)


# Logging in ----------------------------------------------------------------------------

def test_login_asks_the_code_when_two_factor_is_on(client, db, organisation):
    user = make_user(email="coord@example.org")
    make_membership(user, organisation, "coordinator")
    secret, _codes = enrol(user, utcnow() - timedelta(minutes=5))
    people_list = f"/organisations/{organisation.slug}/supported"
    response = client.post(f"/account/login?next={people_list}",
                           data={"email": "coord@example.org", "password": PASSWORD})
    assert response.headers["Location"] == (
        f"/account/two-factor/verify?next={people_list}")
    assert client.get(people_list).status_code == 302
    verified = client.post(response.headers["Location"], data={"code": pyotp.TOTP(secret).now()})
    assert verified.headers["Location"] == people_list
    assert client.get(people_list).status_code == 200


def test_logging_out_ends_the_second_factor_of_the_session(client, db, organisation):
    user = make_user(email="coord@example.org")
    make_membership(user, organisation, "coordinator")
    secret, _codes = enrol(user, utcnow() - timedelta(minutes=5))
    client.post("/account/login", data={"email": "coord@example.org", "password": PASSWORD})
    client.post("/account/two-factor/verify", data={"code": pyotp.TOTP(secret).now()})
    client.post("/account/logout")
    client.post("/account/login", data={"email": "coord@example.org", "password": PASSWORD})
    assert client.get(f"/organisations/{organisation.slug}/supported").status_code == 302


def test_a_session_ended_elsewhere_leaves_no_second_factor_behind(client, db, organisation):
    user = make_user(email="coord@example.org")
    make_membership(user, organisation, "coordinator")
    secret, _codes = enrol(user, utcnow() - timedelta(minutes=5))
    client.post("/account/login", data={"email": "coord@example.org", "password": PASSWORD})
    client.post("/account/two-factor/verify", data={"code": pyotp.TOTP(secret).now()})
    end_all_sessions(user)  # "log out everywhere" from another device
    response = client.post("/account/login",
                           data={"email": "coord@example.org", "password": PASSWORD})
    assert response.headers["Location"].startswith("/account/two-factor/verify")
    assert client.get(f"/organisations/{organisation.slug}/supported").status_code == 302


def test_a_volunteer_is_never_asked(client, db):
    user = make_user(email="vol@example.org")
    response = client.post("/account/login?next=/offers/",
                           data={"email": "vol@example.org", "password": PASSWORD})
    assert response.headers["Location"] == "/offers/"
    for url in ("/offers/", "/applications/", "/coordination/", "/profile/", "/account/"):
        assert client.get(url).status_code == 200, url
    assert db.session.get(TwoFactor, user.id) is None


# Trusted devices ------------------------------------------------------------------------

def test_a_trusted_device_is_trusted_until_it_expires(db):
    user = make_user()
    enrol(user)
    device = services.trust_device(user, T0, days=30)
    assert services.is_trusted(user, device.token, T0 + timedelta(days=29, hours=23))
    assert not services.is_trusted(user, device.token, T0 + timedelta(days=30))
    assert not services.is_trusted(make_user(), device.token, T0)
    assert not services.is_trusted(user, "another token", T0)


def test_a_trusted_device_skips_the_prompt_until_the_devices_are_forgotten(
        client, db, login_as, organisation):
    user = login_as("staff", organisation=organisation, second_factor=False)
    secret, _codes = enrol(user, utcnow() - timedelta(minutes=5))
    response = client.post("/account/two-factor/verify",
                           data={"code": pyotp.TOTP(secret).now(), "trust": "y"})
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith(f"{COOKIE}=") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Max-Age=2592000" in cookie  # 30 days
    stored = db.session.scalar(select(TrustedDevice.token_hash))
    assert stored not in cookie
    people_list = f"/organisations/{organisation.slug}/supported"
    forget_this_session(client)
    assert client.get(people_list).status_code == 200
    forget_this_session(client)
    client.post("/account/two-factor/forget-devices")
    assert client.get(people_list).status_code == 302


def test_a_forged_trust_cookie_is_ignored(client, db, login_as, organisation):
    user = login_as("staff", organisation=organisation, second_factor=False)
    enrol(user, utcnow() - timedelta(minutes=5))
    device = services.trust_device(user, utcnow(), days=30)
    client.set_cookie(COOKIE, device.token)  # the token without the signature
    assert client.get(f"/organisations/{organisation.slug}/supported").status_code == 302


@pytest.mark.parametrize("ending", ["logout-everywhere", "password"])
def test_logging_out_everywhere_or_a_new_password_ends_the_trust(client, db, login_as,
                                                                 organisation, ending):
    user = login_as("staff", organisation=organisation, second_factor=False)
    enrol(user, utcnow() - timedelta(minutes=5))
    services.trust_device(user, utcnow(), days=30)
    other = services.trust_device(user, utcnow(), days=30)
    if ending == "logout-everywhere":
        client.post("/account/logout-everywhere")
    else:
        client.post("/account/password", data={"current": PASSWORD,
                                               "password": "a new long passphrase",
                                               "confirm": "a new long passphrase"})
    assert not services.is_trusted(user, other.token, utcnow())
    assert db.session.scalar(select(func.count(TrustedDevice.id))) == 0


# Turning off and resetting --------------------------------------------------------------

def test_turning_off_needs_the_password_and_a_code_and_tells_the_owner(
        client, db, login_as, organisation, smtp):
    user = login_as("staff", organisation=organisation)
    secret, codes = enrol(user, utcnow() - timedelta(minutes=5))
    page = client.post("/account/two-factor/disable",
                       data={"off-password": "not mine", "off-code": pyotp.TOTP(secret).now()})
    assert "The password is not right." in page.get_data(as_text=True)
    assert services.is_enabled(user)
    client.post("/account/two-factor/disable",
                data={"off-password": PASSWORD, "off-code": codes[0]})
    assert not services.is_enabled(user)
    assert services.recovery_codes_left(user) == 0
    [mail] = smtp.messages_to(user.email)
    assert mail["Subject"] == "Two-step verification is turned off"
    response = client.get(f"/organisations/{organisation.slug}/supported")
    assert response.headers["Location"].startswith("/account/two-factor/setup")


def test_new_recovery_codes_replace_the_old_ones(client, db, login_as, organisation):
    user = login_as("staff", organisation=organisation)
    secret, old = enrol(user, utcnow() - timedelta(minutes=5))
    refused = client.post("/account/two-factor/recovery-codes",
                          data={"codes-code": wrong_code(secret, utcnow())})
    assert "This code is not right" in refused.get_data(as_text=True)
    assert services.recovery_codes_left(user) == 10
    page = client.post("/account/two-factor/recovery-codes",
                       data={"codes-code": pyotp.TOTP(secret).now()}).get_data(as_text=True)
    new = re.findall(r"<li><code>([a-z2-9]{5}-[a-z2-9]{5})</code></li>", page)
    assert len(new) == 10 and not set(new) & set(old)
    with pytest.raises(DomainError):
        services.verify(user, old[0], utcnow())
    services.verify(user, new[0], utcnow())


def test_an_administrator_resets_a_lost_second_factor_and_it_is_logged(
        client, db, login_as, organisation, smtp):
    person = make_user(email="lost@example.org", locale="nl")
    make_membership(person, organisation, "staff")
    enrol(person)
    services.trust_device(person, T0, days=30)
    admin = login_as("admin")
    client.post("/account/two-factor/reset", data={"email": "lost@example.org"})
    assert not services.is_enabled(person)
    assert db.session.scalar(select(func.count(TrustedDevice.id))) == 0
    entry = db.session.scalar(select(AuditEntry))
    assert (entry.user_id, entry.action, entry.record_type, entry.record_id) == (
        admin.id, "2fa_reset", "user", person.id)
    [mail] = smtp.messages_to("lost@example.org")
    assert mail["Subject"] == "Tweestapsverificatie uitgeschakeld"
    assert "Een beheerder heeft de tweestapsverificatie" in mail_text(mail)
    page = client.post("/account/two-factor/reset", data={"email": "nobody@example.org"})
    assert "No account uses this e-mail address." in page.get_data(as_text=True)


def test_only_an_administrator_may_reset_another_person(client, app, db, login_as,
                                                       organisation):
    person = make_user(email="lost@example.org")
    enrol(person)
    login_as("coordinator", organisation=organisation)
    assert client.get("/account/two-factor/reset").status_code == 404
    assert client.post("/account/two-factor/reset",
                       data={"email": "lost@example.org"}).status_code == 404
    assert services.is_enabled(person)
    assert db.session.scalar(select(func.count(AuditEntry.id))) == 0


def test_an_administrator_passes_the_second_factor_before_resetting(client, db, login_as):
    login_as("admin", second_factor=False)
    response = client.get("/account/two-factor/reset")
    assert response.headers["Location"].startswith("/account/two-factor/setup")


@pytest.mark.parametrize("locale, text", [("fr", "Vérification en deux étapes"),
                                          ("nl", "Tweestapsverificatie")])
def test_the_pages_speak_french_and_dutch(client, login_as, locale, text):
    login_as("staff", locale=locale)
    page = client.get("/account/two-factor/")
    assert text in page.get_data(as_text=True)


def test_team_changes_and_record_exports_need_the_second_factor(client, db, organisation):
    from passerelle.organisations.models import Membership
    from tests.factories import make_user as new_user
    from tests.needs.factories import make_person

    coordinator = new_user(email="coord2@example.org")
    make_membership(coordinator, organisation, "coordinator")
    member = make_membership(new_user(), organisation, "staff")
    person = make_person(organisation, first_name="Zainab")
    from tests.factories import session_id_for

    with client.session_transaction() as session:
        session["_user_id"] = session_id_for(coordinator)
    for url in (f"/organisations/{organisation.slug}/people/{member.id}/remove",
                f"/organisations/{organisation.slug}/people/{member.id}/role",
                f"/supported/{person.id}/export"):
        response = client.post(url, data={"role": "coordinator"})
        assert response.status_code == 302, url
        assert response.location.startswith("/account/two-factor/setup"), url
    db.session.expire_all()
    assert db.session.get(Membership, member.id).role == "staff"
