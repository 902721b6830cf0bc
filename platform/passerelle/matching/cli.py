import json
from pathlib import Path

import click
from flask.cli import AppGroup

from passerelle.core.time import day_in_brussels, utcnow
from passerelle.matching import assignment, services
from passerelle.organisations import queries

matching = AppGroup("matching", help="Matching: batches to audit, lapsed proposals.")


@matching.command("batch")
@click.argument("slug")
@click.option("--export", "export_to", type=click.Path(dir_okay=False, path_type=Path),
              required=True, help="Write the instance and the proposal to this JSON file.")
@click.option("--places-first", is_flag=True,
              help="Fill as many places as possible first, then the score.")
def batch_command(slug: str, export_to: Path, places_first: bool) -> None:
    """The exact proposal for a programme's open needs, as JSON that any solver can check.
    Records nothing: a coordinator runs the batch from the programme's pages."""
    programme = queries.programme_by_slug(slug)
    if programme is None:
        raise click.ClickException(f"No programme {slug!r}.")
    problem = services.instance(programme, day_in_brussels(utcnow()))
    best = assignment.optimal(problem.capacities, problem.places, problem.edges,
                              cardinality_first=places_first)
    greedy = assignment.greedy(problem.capacities, problem.places, problem.edges)
    export_to.write_text(json.dumps(assignment.export(
        problem.capacities, problem.places, problem.edges, best), indent=1))
    click.echo(f"{len(problem.edges)} allowed pairs, {len(best.pairs)} proposed, total score "
               f"{best.total} (greedy by score: {greedy.total}); written to {export_to}.")


@matching.command("trajectories")
@click.argument("slug")
@click.option("--export", "export_to", type=click.Path(dir_okay=False, path_type=Path),
              required=True, help="Write the instance and the plan to this JSON file.")
def trajectories_command(slug: str, export_to: Path) -> None:
    """The plan of a hosting programme's waiting guests, as JSON that any solver can check.
    Records nothing: a coordinator plans from the programme's hosting page."""
    from passerelle.hosting import services as hosting
    from passerelle.matching import trajectories

    programme = queries.programme_by_slug(slug)
    if programme is None:
        raise click.ClickException(f"No programme {slug!r}.")
    problem = hosting.instance(programme, day_in_brussels(utcnow()))
    export_to.write_text(json.dumps(trajectories.export(
        problem.guests, problem.hosts, problem.allowed, problem.max_nights, problem.plan),
        indent=1))
    nights = sum((g.last_night - g.first_night).days + 1 for g in problem.guests)
    click.echo(f"{len(problem.guests)} guests, {len(problem.hosts)} hosts, "
               f"{len(problem.allowed)} allowed pairs: {nights - problem.plan.uncovered} of "
               f"{nights} nights covered ({problem.plan.method}); written to {export_to}.")


@matching.command("lapse")
def lapse_command() -> None:
    """Approved proposals the volunteer did not answer in time lapse."""
    click.echo(f"{services.lapse_due(utcnow())} proposal(s) lapsed.")


# Language duos ------------------------------------------------------------------------------

@matching.command("duos")
@click.argument("slug")
@click.option("--export", "export_to", type=click.Path(dir_okay=False, path_type=Path),
              required=True, help="Write the people, possible duos and proposal as JSON.")
def duos_command(slug: str, export_to: Path) -> None:
    """The duos a batch would propose now for a language exchange programme, as JSON that
    any solver can check (matching.duos.export). Records nothing."""
    from passerelle.duos import services as duo_services

    programme = queries.programme_by_slug(slug)
    if programme is None:
        raise click.ClickException(f"No programme {slug!r}.")
    data = duo_services.export(programme, day_in_brussels(utcnow()))
    export_to.write_text(json.dumps(data, indent=1))
    click.echo(f"{len(data['people'])} waiting, {len(data['edges'])} possible duos kept, "
               f"{len(data['proposed'])} proposed; written to {export_to}.")
