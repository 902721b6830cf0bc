import click
from flask.cli import with_appcontext

from passerelle.organisations.seed import DirectoryInvalid, load_directory, read_directory


@click.command("seed")
@with_appcontext
def seed() -> None:
    """Load the directory of organisations and programmes; safe to run again."""
    try:
        report = load_directory(read_directory())
    except DirectoryInvalid as error:
        for problem in error.problems:
            click.echo(f"  - {problem}", err=True)
        raise click.ClickException(f"{error}: nothing was loaded.") from error
    click.echo(f"created {len(report.created)}, updated {len(report.updated)}, "
               f"unlisted {len(report.unlisted)}")
