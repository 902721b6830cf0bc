import click
from flask.cli import with_appcontext

from passerelle.organisations.demo import (
    DEMO_PASSWORD,
    ensure_demo_accounts,
    ensure_demo_requirements,
)
from passerelle.volunteers.demo import load_demo


@click.command("demo-data")
@click.option("--volunteers", default=200, show_default=True, type=click.IntRange(0, 1_000_000))
@click.option("--needs", default=40, show_default=True, type=click.IntRange(0, 1_000_000))
@click.option("--seed", default=1, show_default=True, type=int)
@with_appcontext
def demo_data(volunteers: int, needs: int, seed: int) -> None:
    """Add demo accounts and deterministic volunteers and needs (after `flask seed`)."""
    for email in ensure_demo_accounts():
        click.echo(f"Demo account {email} (password: {DEMO_PASSWORD})")
    for slug in ensure_demo_requirements():
        click.echo(f"Example requirements for {slug} (the demo's, not the organisation's)")
    report = load_demo(volunteers, needs, seed)
    if report.skipped:
        click.echo(f"Demo data of seed {seed} is already loaded.")
    else:
        click.echo(f"Added {report.volunteers} volunteers and {report.needs} needs.")
