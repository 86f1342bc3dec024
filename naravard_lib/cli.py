"""The ``naravard`` command: build the municipality reports, validate inputs, make participant copies."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from . import paths
from .errors import NaravardError

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Nära vård workbook: reports per municipality, checks and teaching material.")


def _fail(error: Exception) -> None:
    typer.secho(f"error: {error}", err=True, fg=typer.colors.RED)
    raise typer.Exit(code=2)


@app.command()
def build(
    kommun: Annotated[Optional[list[str]], typer.Option("--kommun", "-k", help="Municipality name or slug; repeat for several. Default: all 13.")] = None,
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=1, help="Reports built at the same time.")] = 2,
    out: Annotated[Optional[Path], typer.Option("--out", "-o", help="Output folder (default: reports/).")] = None,
    executor: Annotated[str, typer.Option(help="'local' (process pool) or 'dask' (dask.distributed).")] = "local",
    scheduler: Annotated[Optional[str], typer.Option(help="Address of a running dask scheduler (with --executor dask).")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", help="Show the kernels' own log messages.")] = False,
) -> None:
    """Build one HTML report per municipality, an index.html and a summary.csv."""
    from .batch import build as run_build
    from .parameters import select

    if executor not in ("local", "dask"):
        _fail(ValueError(f"--executor must be 'local' or 'dask', got {executor!r}"))
    if scheduler and executor != "dask":
        _fail(ValueError("--scheduler needs --executor dask"))
    try:
        selected = select(kommun)  # every parameter is checked before any kernel starts
    except NaravardError as error:
        _fail(error)
    out = out or paths.reports_dir()
    results = run_build(selected, out, workers=jobs, executor=executor, scheduler=scheduler,
                        show_progress=not quiet, verbose=verbose)
    failed = [r for r in results if not r.ok]
    typer.echo(f"{len(results) - len(failed)} of {len(results)} reports written to {out}; index: {out / 'index.html'}")
    for result in failed:
        typer.secho(f"failed: {result.kommun}: {result.error}", err=True, fg=typer.colors.RED)
    if failed:
        raise typer.Exit(code=1)


@app.command()
def validate() -> None:
    """Check every data file and parameter file; print one line per problem found."""
    from .data import read_table
    from .parameters import all_parameters
    from .schemas import TABLES

    problems = 0
    for table in TABLES:
        try:
            read_table(table)
        except NaravardError as error:
            typer.secho(f"error: {error}", err=True, fg=typer.colors.RED)
            problems += 1
    try:
        all_parameters()
    except NaravardError as error:
        typer.secho(f"error: {error}", err=True, fg=typer.colors.RED)
        problems += 1
    if problems:
        raise typer.Exit(code=2)
    typer.echo(f"{len(TABLES)} data files and the parameter files are valid.")


@app.command()
def participant(
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the participant copies.")] = Path("build/participant"),
) -> None:
    """Write participant copies of the exercises: solution cells removed, outputs cleared."""
    from .participant import write_participant_copies

    for path in write_participant_copies(out):
        typer.echo(f"wrote {path}")


if __name__ == "__main__":
    app()
