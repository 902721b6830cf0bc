import click
from flask.cli import with_appcontext
from zxcvbn import zxcvbn

from passerelle.accounts import services
from passerelle.accounts.forms import PASSWORD_MIN_SCORE
from passerelle.core.errors import DomainError
from passerelle.core.time import utcnow


@click.command("create-admin")
@click.option("--email", prompt=True)
@click.option("--name", prompt=True)
@click.password_option()
@with_appcontext
def create_admin(email: str, name: str, password: str) -> None:
    """Create the first administrator (or make an existing account one)."""
    if len(password) < 10:
        raise click.BadParameter("at least 10 characters", param_hint="--password")
    if zxcvbn(password, user_inputs=[email, name])["score"] < PASSWORD_MIN_SCORE:
        raise click.BadParameter("too easy to guess", param_hint="--password")
    try:
        user = services.create_admin(name, email, password, utcnow())
    except DomainError as error:
        raise click.ClickException(str(error.message)) from error
    click.echo(f"Administrator: {user.email}")
