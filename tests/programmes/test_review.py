"""The review page shows the volunteer and only the actions that fit the step; the queue is
searched, sorted and paged in SQL."""

import itertools
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from passerelle.core.errors import DomainError
from passerelle.core.time import utcnow
from passerelle.data import places
from passerelle.extensions import db as _db
from passerelle.programmes import services
from passerelle.programmes.eligibility import Finding, Gap
from passerelle.programmes.models import Application
from passerelle.programmes.steps import next_step, review_actions
from passerelle.volunteers import services as volunteers
from tests.factories import make_organisation, make_programme, make_user

TODAY = date(2026, 6, 1)
_names = itertools.count()


@pytest.fixture
def programme(db):
    return make_programme(make_organisation(), slug="visits", kind="detention_visits",
                          places=["caricole"], trainings=["Visiting well"])


@pytest.fixture
def coordinator(login_as, programme):
    return login_as("coordinator", organisation=programme.organisation)


def page_of(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def volunteer_with_profile(name="Lina Haddad", birth_date=date(1990, 7, 15)):
    user = make_user(name=name)
    volunteers.save_profile(user, volunteers.ProfileData(
        place=places.resolve("1060"), travel_km=12, languages=[("ar", 4), ("fr", 3)],
        grid=[(0, 2), (5, 0)], skills=["interpreter"], sector="health",
        interests=["cooking"], birth_date=birth_date, max_matches=1))
    volunteers.save_hosting(user, volunteers.HostingData(
        accompaniment_only=False, rooms=1, beds=2, guest_kinds=["single_woman"], notes="",
        periods=[(date(2026, 7, 1), date(2026, 8, 31))]))
    return user


def test_review_shows_the_volunteers_profile(client, coordinator, programme):
    volunteer = volunteer_with_profile()
    application = services.apply(volunteer, programme, "", NOW)
    page = page_of(client, f"/applications/{application.id}/review")
    assert "Arabic (Mother tongue), French (Fluent)" in page
    assert "1060 Saint-Gilles" in page and "travels up to 12 km" in page
    assert "Monday evening, Saturday morning" in page
    assert "Interpreter" in page and "Health and care" in page and "Cooking" in page
    # The age, from the date of birth; the date itself is not shown.
    born = date(1990, 7, 15)
    today = date.today()
    age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    assert f"{age} years" in page and "1990" not in page
    assert "1 room, 2 beds" in page and "A single woman" in page and "1 Jul 2026" in page


def test_review_of_a_volunteer_without_a_profile(client, coordinator, programme):
    application = services.apply(make_user(), programme, "", NOW)
    page = page_of(client, f"/applications/{application.id}/review")
    assert "The volunteer has not filled in a profile yet." in page


def test_before_screening_only_the_interview_its_outcome_and_suspension(client, coordinator,
                                                                        programme):
    application = services.apply(make_user(), programme, "", NOW)
    page = page_of(client, f"/applications/{application.id}/review")
    assert "Plan the interview" in page and "Record the screening" in page
    assert "Suspend the volunteer" in page
    assert "Record the training" not in page and "Record the accreditation" not in page
    assert "Mark the charter signed" not in page


def test_after_screening_what_is_still_missing(client, coordinator, programme):
    application = services.apply(make_user(), programme, "", NOW)
    services.record_screening(coordinator, application, True, "", utcnow())
    page = page_of(client, f"/applications/{application.id}/review")
    assert "Plan the interview" not in page and "Record the screening" not in page
    assert "Record the training" in page and "Record the accreditation" in page
    assert "Mark the charter signed" in page


def test_an_action_of_another_step_is_refused_and_changes_nothing(client, coordinator,
                                                                  programme):
    application = services.apply(make_user(), programme, "", NOW)
    training = services.trainings_of(programme)[0]
    review = f"/applications/{application.id}/review"
    response = client.post(review + "/training", data={
        "training-training": str(training.id), "training-completed_on": "2026-05-01"})
    assert response.status_code == 302
    page = page_of(client, review)
    assert "This action does not fit the application&#39;s current step." in page
    _db.session.expire_all()
    assert _db.session.get(Application, application.id).status == "submitted"
    assert client.post(review + "/reinstate").status_code == 302
    assert _db.session.get(Application, application.id).status == "submitted"


def test_a_suspended_application_can_only_be_reinstated(client, coordinator, programme):
    application = services.apply(make_user(), programme, "", NOW)
    services.suspend(coordinator, application, "Asked for a pause", NOW)
    page = page_of(client, f"/applications/{application.id}/review")
    assert "Reinstate" in page and "Suspend the volunteer" not in page
    assert "Plan the interview" not in page


def test_passed_is_refused_before_the_planned_interview(db, programme):
    coordinator = make_user()
    application = services.apply(make_user(), programme, "", NOW)
    interview = datetime(2026, 6, 3, 16, 30, tzinfo=UTC)
    services.plan_interview(coordinator, application, interview, NOW)
    with pytest.raises(DomainError) as refused:
        services.record_screening(coordinator, application, True, "",
                                  interview - timedelta(minutes=1))
    assert refused.value.message == services.INTERVIEW_NOT_HELD
    assert refused.value.field == "outcome"
    assert application.status == "interview_planned"
    services.record_screening(coordinator, application, True, "", interview)
    assert application.status == "screened"


def test_not_retained_may_be_recorded_before_the_interview(db, programme):
    coordinator = make_user()
    application = services.apply(make_user(), programme, "", NOW)
    interview = datetime(2026, 6, 3, 16, 30, tzinfo=UTC)
    services.plan_interview(coordinator, application, interview, NOW)
    services.record_screening(coordinator, application, False, "Withdrew by phone",
                              interview - timedelta(days=1))
    assert application.status == "refused"


def test_the_review_page_refuses_passed_before_the_interview(client, coordinator, programme):
    application = services.apply(make_user(), programme, "", NOW)
    services.plan_interview(coordinator, application, utcnow() + timedelta(days=2), NOW)
    review = f"/applications/{application.id}/review"
    assert "once the interview has taken place" in page_of(client, review)
    response = client.post(review + "/screening", data={"screening-outcome": "passed",
                                                        "screening-note": "Kind"})
    assert response.status_code == 200
    assert "The interview is planned for later" in response.get_data(as_text=True)
    _db.session.expire_all()
    assert _db.session.get(Application, application.id).status == "interview_planned"


def test_review_links_to_the_next_open_application(client, coordinator, programme):
    first = services.apply(make_user(name="First"), programme, "", NOW)
    closed = services.apply(make_user(name="Closed"), programme, "", NOW)
    services.suspend(coordinator, closed, "Pause", NOW)
    third = services.apply(make_user(name="Third"), programme, "", NOW)
    page = page_of(client, f"/applications/{first.id}/review")
    assert f'href="/applications/{third.id}/review" rel="next"' in page
    assert "Next application in the queue" not in page_of(
        client, f"/applications/{third.id}/review")


def test_review_and_queue_are_404_for_others(client, login_as, programme):
    application = services.apply(make_user(), programme, "", NOW)
    login_as("coordinator", organisation=make_organisation())
    assert client.get(f"/applications/{application.id}/review").status_code == 404
    assert client.get("/programmes/visits/applications").status_code == 404


# The queue ------------------------------------------------------------------------------

def test_queue_shows_applied_on_municipality_languages_and_interview(client, coordinator,
                                                                     programme):
    application = services.apply(volunteer_with_profile(), programme, "", NOW)
    services.plan_interview(coordinator, application, datetime(2026, 6, 3, 16, 30, tzinfo=UTC),
                            NOW)
    page = page_of(client, "/programmes/visits/applications")
    assert "Lina Haddad" in page and "1060 Saint-Gilles" in page
    assert "Arabic, French" in page and "18:30" in page
    assert application.created_at.strftime("%Y") in page


def applicants(programme, names):
    found = []
    for minutes, name in enumerate(names):
        found.append(services.apply(make_user(name=name), programme, "",
                                    NOW + timedelta(minutes=minutes)))
    return found


def names_in(page, names):
    return sorted((page.index(f">{name}</a>"), name) for name in names if f">{name}</a>" in page)


def test_queue_is_searched_by_name_and_sorted(client, coordinator, programme):
    made = applicants(programme, ["Zoë Verbeke", "Amir Saleh", "Marie Dupont"])
    services.suspend(coordinator, made[0], "Pause", NOW + timedelta(hours=1))  # the latest
    names = ["Zoë Verbeke", "Amir Saleh", "Marie Dupont"]
    page = page_of(client, "/programmes/visits/applications")
    assert [n for _i, n in names_in(page, names)] == names  # applied-on first
    page = page_of(client, "/programmes/visits/applications?sort=name")
    assert [n for _i, n in names_in(page, names)] == ["Amir Saleh", "Marie Dupont",
                                                       "Zoë Verbeke"]
    page = page_of(client, "/programmes/visits/applications?sort=updated")
    assert [n for _i, n in names_in(page, names)][0] == "Zoë Verbeke"
    page = page_of(client, "/programmes/visits/applications?q=SALEH")
    assert [n for _i, n in names_in(page, names)] == ["Amir Saleh"]
    page = page_of(client, "/programmes/visits/applications?q=%25")
    assert names_in(page, names) == []  # a % is a character, not a wildcard
    page = page_of(client, "/programmes/visits/applications?sort=nonsense&page=-3")
    assert [n for _i, n in names_in(page, names)] == names


def test_queue_is_paged_fifty_at_a_time(client, coordinator, programme):
    names = [f"Volunteer {n:03d}" for n in range(55)]
    applicants(programme, names)
    page = page_of(client, "/programmes/visits/applications")
    assert "Volunteer 049</a>" in page and "Volunteer 050</a>" not in page
    assert "Page 1 of 2" in page and 'rel="next"' in page
    page = page_of(client, "/programmes/visits/applications?page=2")
    assert "Volunteer 050</a>" in page and "Volunteer 049</a>" not in page
    assert 'rel="prev"' in page
    assert "Volunteer 054</a>" in page_of(client, "/programmes/visits/applications?page=99")


def _queue_queries(client, login_as, count_queries, how_many: int) -> int:
    programme = make_programme(make_organisation(), slug=f"visits-{next(_names)}")
    login_as("coordinator", organisation=programme.organisation)
    for n in range(how_many):
        user = volunteer_with_profile(name=f"Volunteer {n}")
        application = services.apply(user, programme, "", NOW)
        if n % 3 == 0:
            services.plan_interview(make_user(), application, utcnow() + timedelta(days=2), NOW)
    with count_queries() as queries:
        page_of(client, f"/programmes/{programme.slug}/applications")
    return queries.count


def test_queue_runs_a_fixed_number_of_queries_per_page(client, login_as, count_queries, db):
    three = _queue_queries(client, login_as, count_queries, 3)
    sixty = _queue_queries(client, login_as, count_queries, 60)
    assert sixty == three


# The pure rules -------------------------------------------------------------------------

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)


def test_next_step_keeps_the_interview_date_until_it_happened():
    at = NOW + timedelta(hours=2)
    assert next_step("interview_planned", at, [Finding(Gap.interview)], {}, NOW).at == at
    assert next_step("interview_planned", at, [], {}, at).kind == "interview_outcome"
    assert next_step("submitted", None, [Finding(Gap.interview)], {}, NOW).kind == (
        "interview_to_plan")


def test_next_step_after_screening_is_the_first_missing_with_the_next_session():
    soon = NOW + timedelta(days=3)
    findings = [Finding(Gap.training_missing, "7"), Finding(Gap.accreditation_missing)]
    step = next_step("screened", None, findings, {"7": [soon]}, NOW)
    assert (step.kind, step.at, step.finding) == ("training", soon, findings[0])
    step = next_step("screened", None, [Finding(Gap.charter_missing)], {}, NOW)
    assert (step.kind, step.finding.gap) == ("missing", Gap.charter_missing)
    assert next_step("active", None, [], {}, NOW).kind == "ready"
    assert next_step("screened", None, [], {}, NOW).kind == "waiting"
    assert next_step("withdrawn", None, findings, {}, NOW).kind == "closed"


def test_review_actions_follow_the_step():
    assert review_actions("submitted", False, True, False, True, []) == {
        "interview", "screening", "suspend"}
    assert review_actions("screened", True, True, True, True,
                          [Finding(Gap.charter_missing), Finding(Gap.training_expired, "1")]
                          ) == {"charter", "training", "accreditation", "suspend"}
    assert review_actions("submitted", False, False, False, False, []) == {"suspend"}
    assert review_actions("submitted", False, True, False, False,
                          [Finding(Gap.interview), Finding(Gap.charter_missing)]) == {
        "interview", "screening", "suspend"}
    assert review_actions("suspended", True, True, True, True, []) == {"reinstate"}
    assert review_actions("refused", False, True, True, True, []) == set()


def test_applications_of_the_queue_are_the_programmes_own(db, programme):
    other = make_programme(make_organisation(), slug="other")
    services.apply(make_user(name="Elsewhere"), other, "", NOW)
    mine = services.apply(make_user(name="Here"), programme, "", NOW)
    found = services.queue(programme)
    assert [a.id for a in found.items] == [mine.id] and found.total == 1
    assert _db.session.scalar(select(Application.id).where(Application.id == mine.id))


def test_a_queue_search_with_a_nul_byte_is_a_message_not_an_error(client, coordinator,
                                                                 programme):
    applicants(programme, ["Amir Saleh"])
    response = client.get("/programmes/visits/applications?q=Am%00ir")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "invisible control character (NUL)" in page and ">Amir Saleh</a>" in page
