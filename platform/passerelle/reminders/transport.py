"""Handing messages to the mail server (SMTP from the settings), or, with no server
configured, writing them as .eml files into MAIL_DIR so that `make run` works alone."""

import functools
import smtplib
import socket
import ssl
from email.charset import QP, Charset
from email.header import Header
from email.message import Message
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.policy import Compat32
from email.utils import format_datetime, formataddr, parseaddr
from pathlib import Path

from passerelle.core.time import utcnow


class TemporaryFailure(Exception):
    """Worth trying again later: the server is down, busy, or said 4xx.

    `connection_lost`: the connection is gone (not only this message refused), so the
    rest of the batch cannot go either."""

    def __init__(self, text: str, connection_lost: bool = True):
        super().__init__(text)
        self.connection_lost = connection_lost


class PermanentFailure(Exception):
    """The server refused this message for good (5xx): trying again will not help."""


def message_id(key: str, config) -> str:
    return f"<{key}@{config['MAIL_MESSAGE_ID_DOMAIN']}>"


def build(row, config) -> Message:
    """The MIME message of an outbox row (its columns as attributes): text and HTML
    (multipart/alternative), and the .ics attached.

    Made with the classic `email.mime` classes: the modern EmailMessage parses every header
    it is given, which made building a message cost more than sending it."""
    body = MIMEMultipart("alternative", policy=POLICY,
                         _subparts=[MIMEText(row.body_text, "plain", _utf8()),
                                    MIMEText(row.body_html, "html", _utf8())])
    message = body
    if row.calendar:
        calendar = MIMEText(row.calendar, "calendar", "utf-8")
        calendar.set_param("method", "PUBLISH")
        calendar.add_header("Content-Disposition", "attachment", filename="passerelle.ics")
        message = MIMEMultipart("mixed", policy=POLICY, _subparts=[body, calendar])
    message["From"] = _address(config["MAIL_DEFAULT_SENDER"])
    message["To"] = _single_address(row.to_address)
    if row.reply_to:
        message["Reply-To"] = _address(row.reply_to)
    subject = _one_line(row.subject)
    message["Subject"] = subject if subject.isascii() else Header(subject, "utf-8")
    message["Message-ID"] = message_id(row.key, config)
    message["Date"] = format_datetime(utcnow())
    message["Content-Language"] = row.locale
    if row.unsubscribe_url:
        # RFC 8058: mail programs show an "unsubscribe" button that POSTs to the link.
        message["List-Unsubscribe"] = f"<{row.unsubscribe_url}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return message


class _OneLinePolicy(Compat32):
    """compat32, except that a header without spaces (Message-ID, List-Unsubscribe, a long
    link) stays on its line instead of being moved under its name."""

    def fold(self, name, value):
        if isinstance(value, str) and value.isascii() and " " not in value and (
                len(name) + len(value) < 996):
            return f"{name}: {value}{self.linesep}"
        return super().fold(name, value)

    def fold_binary(self, name, value):
        if isinstance(value, str) and value.isascii() and " " not in value and (
                len(name) + len(value) < 996):
            return self.fold(name, value).encode("ascii")
        return super().fold_binary(name, value)


POLICY = _OneLinePolicy()


def _utf8() -> Charset:
    """UTF-8 text as quoted-printable: readable as it is, safe for any server."""
    charset = Charset("utf-8")
    charset.body_encoding = QP
    return charset


def _one_line(value: str) -> str:
    """No line break in a header: it would start a header of its own (a Bcc, say)."""
    return " ".join(value.splitlines()).strip()


def _single_address(value: str) -> str:
    """The recipient: one plain address, or the message is refused before it leaves."""
    _name, address = parseaddr(value)
    if not address or address != value.strip() or "@" not in address or any(
            character.isspace() for character in address):
        raise ValueError(f"not one e-mail address: {value!r}"[:200])
    return address


def _address(value: str) -> str:
    """"Name <address>" with the name encoded when it is not plain ASCII."""
    value = _one_line(value)
    name, address = parseaddr(value)
    return formataddr((name, address), charset="utf-8") if address else value


class Postman:
    """One connection for a whole pass, opened at the first message and again after the
    server dropped it: `with Postman(config) as postman: postman.deliver(message)`."""

    def __init__(self, config):
        self.config = config
        self.smtp = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._close()

    def _connect(self) -> None:
        config, name = self.config, _local_name()
        try:
            if config["MAIL_SECURITY"] == "tls":
                self.smtp = smtplib.SMTP_SSL(config["MAIL_SERVER"], config["MAIL_PORT"],
                                             local_hostname=name, timeout=30,
                                             context=ssl.create_default_context())
            else:
                self.smtp = smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"],
                                         local_hostname=name, timeout=30)
                if config["MAIL_SECURITY"] == "starttls":
                    self.smtp.starttls(context=ssl.create_default_context())
            if config["MAIL_USERNAME"]:
                self.smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        except (OSError, smtplib.SMTPException) as error:
            self._close()
            # Even a 5xx here (a refused login) says nothing against the messages: they
            # wait, with backoff, for the settings to be put right.
            raise TemporaryFailure(str(_classified(error))) from error

    def _close(self):
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (OSError, smtplib.SMTPException):
                pass
            self.smtp = None

    def deliver(self, message: Message) -> None:
        if not self.config["MAIL_SERVER"]:
            _write_to_folder(message, Path(self.config["MAIL_DIR"]))
            return
        if self.smtp is None:
            self._connect()
        try:
            # The envelope says who receives it, not the headers read again.
            self.smtp.send_message(message, to_addrs=[message["To"]])
        except (OSError, smtplib.SMTPException) as error:
            failure = _classified(error)
            if getattr(failure, "connection_lost", False):
                self._close()  # the next message opens a new one
            raise failure from error


@functools.cache
def _local_name() -> str:
    """The name said in EHLO. smtplib looks it up (a DNS query, often slow) for each
    connection when not given it."""
    return socket.getfqdn()


def _classified(error: Exception) -> Exception:
    code = getattr(error, "smtp_code", None)
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [c for c, _ in error.recipients.values()]
        code = min(codes) if codes else None
    text = f"{type(error).__name__}: {error}"[:500]
    if code is not None and 500 <= code < 600:
        return PermanentFailure(text)
    # A 4xx answer to this message (a full mailbox, greylisting) leaves the connection
    # usable; 421 means the server closes it.
    refused_alone = code is not None and code != 421 and isinstance(
        error, smtplib.SMTPResponseException | smtplib.SMTPRecipientsRefused)
    return TemporaryFailure(text, connection_lost=not refused_alone)


def _write_to_folder(message: Message, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    name = message["Message-ID"].strip("<>").replace("@", "_").replace("/", "_")
    (folder / f"{name}.eml").write_bytes(bytes(message))
