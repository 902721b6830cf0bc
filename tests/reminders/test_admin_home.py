"""The administrator's home says how many messages could not be delivered."""

from passerelle.core.time import utcnow
from passerelle.reminders.dispatcher import send_due
from tests.reminders.conftest import write_due


def _refuse(server, count, prefix):
    write_due(count, prefix=prefix)
    server.answer = "550 5.1.1 No such mailbox"
    send_due(utcnow())


def test_the_administrator_home_links_the_undelivered_messages_to_the_outbox(
        client, login_as, server):
    login_as("admin")
    page = client.get("/").get_data(as_text=True)
    assert "not delivered" not in page
    _refuse(server, 2, "lost")
    page = client.get("/").get_data(as_text=True)
    assert '<a href="/admin/outbox">2 messages not delivered</a>' in page


def test_in_french(client, login_as, server):
    login_as("admin", locale="fr")
    _refuse(server, 1, "lost")
    assert "1 message non remis</a>" in client.get("/").get_data(as_text=True)


def test_the_count_costs_the_same_queries_for_one_or_many(client, login_as, server,
                                                          count_queries):
    login_as("admin")

    def count():
        with count_queries() as queries:
            client.get("/")
        return queries.count

    _refuse(server, 1, "one")
    one = count()
    _refuse(server, 20, "many")
    assert count() == one
