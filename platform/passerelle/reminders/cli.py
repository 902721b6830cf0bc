import click
from flask import current_app
from flask.cli import AppGroup

from passerelle.core.time import utcnow

reminders = AppGroup("reminders", help="The outbox: every message the platform sends.")


@reminders.command("run")
def run_command() -> None:
    """The dispatcher: sends what is due and runs the daily jobs, until Ctrl-C."""
    from passerelle.reminders.jobs import DAILY
    from passerelle.reminders.running import run

    run(current_app._get_current_object(), DAILY, echo=lambda line: click.echo(line))


@reminders.command("send-due")
@click.option("--limit", type=int, default=None, help="Send at most this many.")
def send_due_command(limit: int | None) -> None:
    """One pass: send every message that is due now (for cron, and tests)."""
    from passerelle.reminders.dispatcher import send_due

    done = send_due(utcnow(), limit=limit)
    click.echo(f"{done.sent} sent, {done.retried} to retry, {done.failed} failed.")
