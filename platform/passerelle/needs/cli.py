import click
from flask.cli import AppGroup

from passerelle.needs.jobs import purge_expired

people = AppGroup("people", help="The records of the people organisations support.")


@people.command("purge-expired")
def purge_expired_command() -> None:
    """Delete the records whose delete-after date has passed (run it daily)."""
    click.echo(f"Deleted {purge_expired()} expired records.")
