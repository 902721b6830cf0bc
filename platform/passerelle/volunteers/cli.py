import click
from flask.cli import with_appcontext

from passerelle.core.time import utcnow
from passerelle.organisations.demo import (
    DEMO_PASSWORD,
    ensure_demo_accounts,
    ensure_demo_requirements,
)
from passerelle.volunteers.demo import account_counts, load_demo


@click.command("demo-data")
@click.option("--volunteers", default=200, show_default=True, type=click.IntRange(0, 1_000_000))
@click.option("--needs", default=40, show_default=True, type=click.IntRange(0, 1_000_000))
@click.option("--seed", default=1, show_default=True, type=int)
@click.option("--if-empty", is_flag=True,
              help="Do nothing (and succeed) when the database holds any account.")
@click.option("--force", is_flag=True,
              help="Add the demo even to a database holding real accounts.")
@with_appcontext
def demo_data(volunteers: int, needs: int, seed: int, if_empty: bool, force: bool) -> None:
    """Add demo accounts and deterministic volunteers and needs (after `flask seed`).

    The demo accounts share a published password, so they are never added to a database
    with real accounts unless --force says so."""
    total, real = account_counts()
    if if_empty and total:
        click.echo("The database holds accounts already: no demo data added.")
        return
    if real and not force:
        raise click.ClickException(
            f"This database holds {real} accounts that the demo did not create; demo accounts "
            "with a published password would be added beside them. Use --force to do it "
            "anyway.")
    now = utcnow()
    for email in ensure_demo_accounts(now):
        click.echo(f"Demo account {email} (password: {DEMO_PASSWORD})")
    for slug in ensure_demo_requirements(now):
        click.echo(f"Example requirements for {slug} (the demo's, not the organisation's)")
    report = load_demo(volunteers, needs, seed, now)
    if report.skipped:
        click.echo(f"Demo data of seed {seed} is already loaded.")
    else:
        click.echo(f"Added {report.volunteers} volunteers and {report.needs} needs.")
        click.echo(f"Added {report.applications} applications, at every step.")
