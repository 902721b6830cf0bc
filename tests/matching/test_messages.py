"""Each decision on a match reaches its recipient over real SMTP, once, in their language."""

from datetime import timedelta

from passerelle.matching import services
from tests.factories import mail_text, of_kind
from tests.matching.factories import NOW, coordinator_of, need, open_programme, volunteer


def test_a_match_approved_then_declined_is_told_to_each_side_in_their_language(app, smtp):
    programme = open_programme()
    coordinator = coordinator_of(programme.organisation)
    watcher = coordinator_of(programme.organisation)
    watcher.locale = "fr"
    wanted = need(programme, title_nl="Een peter in Sint-Gillis", title_fr="Un parrain")
    ada = volunteer(programme, "Ada", locale="nl")
    match = services.propose(coordinator, wanted, ada.id, NOW)
    services.approve(coordinator, match, NOW)
    [approved] = of_kind(smtp.messages_to(ada.email), "match-approved")
    assert "Een peter in Sint-Gillis" in approved["Subject"]
    assert f"/matches/{match.id}" in mail_text(approved)
    services.decline(ada, match, "Geen tijd", NOW + timedelta(hours=1))
    [declined] = of_kind(smtp.messages_to(watcher.email), "match-declined")
    assert "Un parrain" in declined["Subject"] and "Geen tijd" in mail_text(declined)
    assert f"/needs/{wanted.id}/candidates" in mail_text(declined)
    assert smtp.deliver().sent == 0  # each once
