import click
from flask.cli import AppGroup

from passerelle.core.time import utcnow
from passerelle.programmes.jobs import refresh_statuses

programmes = AppGroup("programmes", help="Programme upkeep.")


@programmes.command("refresh-statuses")
def refresh_statuses_command() -> None:
    """Recompute who is active, after expiries and renewals."""
    click.echo(f"{refresh_statuses(utcnow())} application(s) changed status.")
