import click
from flask.cli import with_appcontext

from passerelle.accounts import services
from passerelle.core.errors import DomainError


@click.command("create-admin")
@click.option("--email", prompt=True)
@click.option("--name", prompt=True)
@click.password_option()
@with_appcontext
def create_admin(email: str, name: str, password: str) -> None:
    """Create the first administrator (or make an existing account one)."""
    if len(password) < 10:
        raise click.BadParameter("at least 10 characters", param_hint="--password")
    try:
        user = services.create_admin(name, email, password)
    except DomainError as error:
        raise click.ClickException(str(error.message)) from error
    click.echo(f"Administrator: {user.email}")
