"""The message as it reaches the server: headers, parts, the calendar, one connection."""

import pytest
from sqlalchemy import select

from passerelle.core.time import utcnow
from passerelle.extensions import db
from passerelle.reminders.dispatcher import send_due
from passerelle.reminders.models import KEY_MAX, OutboxMessage, Status
from tests.reminders.conftest import write_due

CALENDAR = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Passerelle//FR\r\nMETHOD:PUBLISH\r\n"
            "BEGIN:VEVENT\r\nUID:session-7@passerelle\r\nDTSTAMP:20261201T090000Z\r\n"
            "DTSTART:20261207T070000Z\r\nSUMMARY:Entretien à Bruxelles\r\nEND:VEVENT\r\n"
            "END:VCALENDAR\r\n")


def _only_row(**values):
    write_due(1)
    row = db.session.scalar(select(OutboxMessage))
    for name, value in values.items():
        setattr(row, name, value)
    db.session.commit()
    return row


def test_accents_a_long_key_a_reply_address_and_a_calendar_arrive_intact(app, server):
    app.config["MAIL_DEFAULT_SENDER"] = "Passerelle – Réfugiés <no-reply@passerelle.local>"
    key = ("application-interview." + "x" * KEY_MAX)[:KEY_MAX]
    _only_row(key=key, subject="Votre entretien : lundi 7 décembre à 8 h",
              body_text="Bonjour Zoë,\n\nÀ lundi !\n", body_html="<p>Bonjour Zoë,</p>",
              reply_to="Anaïs Coordinatrice <anais@example.org>", calendar=CALENDAR,
              unsubscribe_url="http://passerelle.test/messages/stop/" + "t" * 120)
    assert send_due(utcnow()).sent == 1
    [mail] = server.mails()
    assert mail["Subject"] == "Votre entretien : lundi 7 décembre à 8 h"
    assert mail["From"].addresses[0].display_name == "Passerelle – Réfugiés"
    assert mail["Reply-To"].addresses[0].addr_spec == "anais@example.org"
    assert mail["Message-ID"] == f"<{key}@passerelle.local>"
    assert mail["Content-Language"] == "fr"
    assert mail["List-Unsubscribe"] == "<http://passerelle.test/messages/stop/" + "t" * 120 + ">"
    text = mail.get_body(("plain",)).get_content().replace("\r\n", "\n")  # CRLF on the wire
    assert text == "Bonjour Zoë,\n\nÀ lundi !\n"
    assert "Zoë" in mail.get_body(("html",)).get_content()
    [ics] = list(mail.iter_attachments())
    assert ics.get_content_type() == "text/calendar" and ics.get_filename() == "passerelle.ics"
    assert ics.get_param("method") == "PUBLISH"
    assert ics.get_content().replace("\r\n", "\n") == CALENDAR.replace("\r\n", "\n")


@pytest.mark.parametrize("field, value", [
    ("subject", "Hello\r\nBcc: victim@example.org"),
    ("reply_to", "Ada <ada@example.org>\r\nBcc: victim@example.org"),
])
def test_a_line_break_in_a_header_cannot_add_a_header(app, server, field, value):
    _only_row(**{field: value})
    assert send_due(utcnow()).sent == 1
    assert [e.rcpt_tos for e in server.envelopes] == [["bulk0@example.org"]]
    [mail] = server.mails()
    assert mail["Bcc"] is None and "\n" not in mail[field.replace("_", "-").title()]


def test_an_address_with_a_line_break_is_refused_and_the_pass_goes_on(app, server):
    write_due(2)
    row = db.session.scalar(select(OutboxMessage).where(OutboxMessage.key == "bulk.0"))
    row.to_address = "bulk0@example.org\nBcc: victim@example.org"
    db.session.commit()
    done = send_due(utcnow())
    assert (done.sent, done.failed) == (1, 1)
    assert [e.rcpt_tos for e in server.envelopes] == [["bulk1@example.org"]]
    db.session.refresh(row)
    assert row.status == Status.FAILED and "not one e-mail address" in row.last_error


def test_one_connection_carries_a_whole_pass(app, server):
    write_due(25)
    connections = []
    original = server.handle_DATA

    async def counting(smtp_server, session, envelope):
        connections.append(id(session))
        return await original(smtp_server, session, envelope)

    server.handle_DATA = counting
    assert send_due(utcnow(), batch=10).sent == 25
    assert len(set(connections)) == 1
