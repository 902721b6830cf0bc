"""Handing messages to the mail server (SMTP from the settings), or, with no server
configured, writing them as .eml files into MAIL_DIR so that `make run` works alone."""

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

from passerelle.core.time import utcnow
from passerelle.reminders.models import OutboxMessage


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


def build(row: OutboxMessage, config) -> EmailMessage:
    message = EmailMessage()
    message["From"] = config["MAIL_DEFAULT_SENDER"]
    message["To"] = row.to_address
    if row.reply_to:
        message["Reply-To"] = row.reply_to
    message["Subject"] = row.subject
    message["Message-ID"] = message_id(row.key, config)
    message["Date"] = format_datetime(utcnow())
    if row.unsubscribe_url:
        # RFC 8058: mail programs show an "unsubscribe" button that POSTs to the link.
        message["List-Unsubscribe"] = f"<{row.unsubscribe_url}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(row.body_text)
    message.add_alternative(row.body_html, subtype="html")
    message["Content-Language"] = row.locale  # after: set_content drops Content-* headers
    if row.calendar:
        message.add_attachment(row.calendar.encode(), maintype="text", subtype="calendar",
                               filename="passerelle.ics", params={"method": "PUBLISH"})
    return message


class Postman:
    """One connection for a batch: `with Postman(config) as postman: postman.deliver(m)`."""

    def __init__(self, config):
        self.config = config
        self.smtp = None

    def __enter__(self):
        config = self.config
        if not config["MAIL_SERVER"]:
            return self
        try:
            if config["MAIL_SECURITY"] == "tls":
                self.smtp = smtplib.SMTP_SSL(config["MAIL_SERVER"], config["MAIL_PORT"],
                                             timeout=30, context=ssl.create_default_context())
            else:
                self.smtp = smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=30)
                if config["MAIL_SECURITY"] == "starttls":
                    self.smtp.starttls(context=ssl.create_default_context())
            if config["MAIL_USERNAME"]:
                self.smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        except (OSError, smtplib.SMTPException) as error:
            self._close()
            raise _classified(error) from error
        return self

    def __exit__(self, *exc):
        self._close()

    def _close(self):
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (OSError, smtplib.SMTPException):
                pass
            self.smtp = None

    def deliver(self, message: EmailMessage) -> None:
        if self.smtp is None:
            _write_to_folder(message, Path(self.config["MAIL_DIR"]))
            return
        try:
            self.smtp.send_message(message)
        except (OSError, smtplib.SMTPException) as error:
            raise _classified(error) from error


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


def _write_to_folder(message: EmailMessage, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    name = message["Message-ID"].strip("<>").replace("@", "_").replace("/", "_")
    (folder / f"{name}.eml").write_bytes(bytes(message))
