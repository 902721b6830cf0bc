"""Sending e-mail: over SMTP when MAIL_SERVER is set, else as .eml files in MAIL_DIR."""

import smtplib
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

from flask import current_app


def build_message(to: str, subject: str, body: str, message_id: str | None = None) -> EmailMessage:
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_DEFAULT_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = message_id or make_msgid(domain="passerelle.local")
    message.set_content(body)
    return message


def send(message: EmailMessage) -> None:
    config = current_app.config
    if not config["MAIL_SERVER"]:
        _write_to_folder(message, Path(config["MAIL_DIR"]))
        return
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=30) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(message)


def send_mail(to: str, subject: str, body: str) -> None:
    send(build_message(to, subject, body))


def _write_to_folder(message: EmailMessage, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    name = message["Message-ID"].strip("<>").replace("@", "_").replace("/", "_")
    (folder / f"{name}.eml").write_bytes(bytes(message))
