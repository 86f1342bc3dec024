"""The ``naravard`` command: build the municipality reports, validate inputs, serve the dashboard, make copies.

Every predictable mistake is one line on stderr and a documented exit code (see
:mod:`naravard_lib.errors`): 0 all written, 1 some reports failed (or the disk filled up), 2 bad
input or setup, 3 PDFs asked for but not possible here, 129/130/143 stopped by SIGHUP/SIGINT/SIGTERM.
``--verbose`` adds tracebacks for unexpected errors.

Each command imports the library modules it needs when it runs (pandas, matplotlib, nbconvert, the batch:
seconds), so that ``naravard --help`` and a mistyped option answer at once.
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from . import dashboard_server, paths
from .errors import EXIT_BAD_INPUT, EXIT_NO_PDF, EXIT_REPORTS_FAILED, DiskFull, Interrupted, NaravardError, SetupError



class _OneLineErrors(typer.Typer):
    """A Typer app whose usage errors (unknown option, bad value) are one line and exit 2, not a box."""

    def __call__(self, *args, **kwargs):
        try:
            code = super().__call__(*args, **{**kwargs, "standalone_mode": False})
        except typer.Abort:
            sys.exit(128 + signal.SIGINT)
        except Exception as error:
            # click's exceptions (typer vendors click, so matched by their interface, not their class)
            if not (hasattr(error, "format_message") and hasattr(error, "exit_code")):
                raise
            if type(error).__name__ == "NoArgsIsHelpError":
                error.show()  # `naravard` alone prints the help
                sys.exit(error.exit_code)
            ctx = getattr(error, "ctx", None)
            where = f" (see '{ctx.command_path} --help')" if ctx is not None else ""
            typer.secho(f"error: {' '.join(error.format_message().split())}{where}", err=True, fg=typer.colors.RED)
            sys.exit(EXIT_BAD_INPUT)
        sys.exit(code if isinstance(code, int) else 0)


# Plain (click) help: typer's boxed help shows "<bool>" beside flags that take no value.
app = _OneLineErrors(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False, rich_markup_mode=None,
                     help="Nära vård workbook: reports per municipality, checks and teaching material.")


def _fail(error: Exception) -> None:
    typer.secho(f"error: {error}", err=True, fg=typer.colors.RED)
    raise typer.Exit(code=EXIT_BAD_INPUT)


def _raise_interrupted(signum, _frame):
    raise Interrupted(signum)


def _check_inputs() -> list[NaravardError]:
    """Every data file, the derived file and every parameter file, as ``naravard validate`` checks them."""
    from .derive import derived_problems
    from .data import validate_all
    from .parameters import all_parameters

    problems: list[NaravardError] = list(validate_all())
    if not problems:  # the derived populations are computed from valid tables only
        problems.extend(derived_problems())
    if not problems:  # parameter files name municipalities of a valid municipalities.csv
        try:
            all_parameters()
        except NaravardError as error:
            problems.append(error)
    return problems


_DATA_HELP = "Data folder to read (default: data/, or $NARAVARD_DATA); see data/README.md."


def _use_data(folder: str | None) -> None:
    """Make ``--data DIR`` the active data folder (inherited by kernels and workers); one line if it is not a folder."""
    if folder is None:
        return
    if not folder.strip():
        raise SetupError("--data is empty; give a data folder (default: data/)")
    path = Path(folder).expanduser()
    if not path.is_dir():
        raise SetupError(f"--data {folder}: no such folder; give a folder with municipalities.csv, sources.csv, "
                         "periods.csv, allocations.csv, published_figures.csv (see data/README.md)")
    paths.use_data(path)


@app.command()
def build(
    kommun: Annotated[Optional[list[str]], typer.Option("--kommun", "-k", metavar="NAME", help="Municipality name or slug; repeat for several. Default: all.")] = None,
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=1, metavar="N", help="Reports built at the same time (at most one per report).")] = 2,
    out: Annotated[Optional[str], typer.Option("--out", "-o", metavar="DIR", help="Output folder (default: reports/, or $NARAVARD_REPORTS): new, empty or made by naravard.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Write into an --out folder that holds other files and was not made by naravard.")] = False,
    executor: Annotated[str, typer.Option(metavar="local|dask", help="'local' (worker processes) or 'dask' (dask.distributed).")] = "local",
    scheduler: Annotated[Optional[str], typer.Option(metavar="ADDRESS", help="Address of a running dask scheduler (with --executor dask).")] = None,
    pdf: Annotated[bool, typer.Option("--pdf/--no-pdf", help="Also write <slug>.pdf for every report.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", help="Show the kernels' own log messages and tracebacks.")] = False,
    isolate: Annotated[bool, typer.Option("--isolate", help="A fresh kernel for every report (slower; by default each worker reuses one warm kernel, reset between reports, with the same output).")] = False,
    template: Annotated[Optional[Path], typer.Option(hidden=True, help="Another report template (tests).")] = None,
    data: Annotated[Optional[str], typer.Option("--data", metavar="DIR", help=_DATA_HELP)] = None,
) -> None:
    """Build one HTML report per municipality, an index.html and a summary.csv.

    Exit codes: 0 all written, 1 some reports failed (the others are written) or the disk filled up
    (finished reports kept), 2 bad input or setup (nothing written), 3 --pdf asked for but PDFs
    cannot be made here (HTML written, earlier PDFs kept), 129/130/143 stopped by
    SIGHUP/SIGINT/SIGTERM (finished reports kept, index updated).
    """
    previous = {signum: signal.signal(signum, _raise_interrupted) for signum in (signal.SIGTERM, signal.SIGHUP)}
    try:
        _use_data(data)
        _build(kommun, jobs, out, executor, scheduler, pdf, quiet, verbose, template, isolate, force)
    except DiskFull as error:
        _say(f"error: {error}")
        raise typer.Exit(code=EXIT_REPORTS_FAILED) from None
    except NaravardError as error:
        _fail(error)
    except (Interrupted, KeyboardInterrupt) as stop:
        stop = stop if isinstance(stop, Interrupted) else Interrupted(signal.SIGINT)
        _say(f"interrupted: {stop}")
        raise typer.Exit(code=stop.exit_code) from None
    except (typer.Exit, typer.Abort):
        raise
    except Exception as error:  # noqa: BLE001 - a bug: one line unless --verbose
        if verbose:
            raise
        message = " ".join(f"{type(error).__name__}: {error}".split())[:300]
        typer.secho(f"error: unexpected {message} (run with --verbose for the traceback)", err=True,
                    fg=typer.colors.RED)
        raise typer.Exit(code=EXIT_BAD_INPUT) from None
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _say(line: str) -> None:
    """One line on stderr; after SIGHUP the terminal may be gone, and that must not end in a traceback."""
    try:
        typer.secho(line, err=True, fg=typer.colors.RED)
    except OSError:
        pass


def _output_folder(out: str | None) -> Path:
    """``--out``, else ``$NARAVARD_REPORTS``, else ``reports/``; an empty value is refused, not taken as "here"."""
    if out is not None:
        if not out.strip():
            raise SetupError("--out is empty; give the name of a folder (default: reports/)")
        return Path(out)
    if "NARAVARD_REPORTS" in os.environ and not os.environ["NARAVARD_REPORTS"].strip():
        raise SetupError("NARAVARD_REPORTS is set but empty; unset it (the default is reports/) or set it to a folder")
    return paths.reports_dir()


def _build(kommun, jobs, out, executor, scheduler, pdf, quiet, verbose, template=None, isolate=False,
           force=False) -> None:
    from .batch import build as run_build
    from .parameters import select

    if executor not in ("local", "dask"):
        raise SetupError(f"--executor must be 'local' or 'dask', got {executor!r}")
    if scheduler and executor != "dask":
        raise SetupError("--scheduler needs --executor dask")
    out = _output_folder(out)
    if out.resolve().is_relative_to(paths.data_dir().resolve()):
        raise SetupError(f"--out {out} is inside the data folder {paths.data_dir()}; the build never writes there")
    from .batch import check_output_folder

    check_output_folder(out, force, template or paths.REPORT_TEMPLATE)
    problems = _check_inputs()  # every data and parameter file, before any kernel starts
    for problem in problems[:-1]:
        typer.secho(f"error: {problem}", err=True, fg=typer.colors.RED)
    if problems:
        raise problems[-1]
    selected = select(kommun)
    workers = min(jobs, len(selected))
    cores = os.cpu_count() or 1
    if workers > cores:
        typer.secho(f"warning: --jobs {workers} is more than the {cores} CPU cores here; the reports will "
                    f"compete for them (--jobs {cores} is usually fastest)", err=True, fg=typer.colors.YELLOW)
    no_pdf = None
    if pdf:
        from .pages import pdf_unavailable_reason

        no_pdf = pdf_unavailable_reason()
    results = run_build(selected, out, workers=workers, executor=executor, scheduler=scheduler,
                        show_progress=not quiet and sys.stderr.isatty(), verbose=verbose, pdf=pdf and not no_pdf,
                        template=template, isolate=isolate, force=force)
    failed = [r for r in results if not r.ok]
    typer.echo(f"{len(results) - len(failed)} of {len(results)} reports written to {out}; "
               f"index: {out / 'index.html'}")
    from .downloads import STATEMENT, placeholder_warning

    if (note := placeholder_warning()) and (out / STATEMENT).is_file():
        typer.secho(note, fg=typer.colors.YELLOW)  # stdout, beside the summary line: stderr is for failures
    for result in failed:
        typer.secho(f"failed: {result.kommun}: {result.error}", err=True, fg=typer.colors.RED)
    if no_pdf:  # the last line: PDFs were asked for (--pdf, make reports) and none were made
        typer.secho(f"error: PDF not made: {no_pdf}; the HTML reports are written and earlier PDFs kept (the index "
                    "dates them); fix that or build with --no-pdf", err=True, fg=typer.colors.RED)
        raise typer.Exit(code=EXIT_NO_PDF)
    if failed:
        raise typer.Exit(code=EXIT_REPORTS_FAILED)


@app.command()
def validate(
    data: Annotated[Optional[str], typer.Option("--data", metavar="DIR", help=_DATA_HELP)] = None,
) -> None:
    """Check every data file (required ones, optional ones present, the derived one) and the parameter files.

    Prints one line per problem found (exit 2 if any); a stale derived file is one of them, with the
    command that recomputes it.
    """
    from .data import available
    from .schemas import TABLES

    try:
        _use_data(data)
    except NaravardError as error:
        _fail(error)
    problems = _check_inputs()
    for problem in problems:
        typer.secho(f"error: {problem}", err=True, fg=typer.colors.RED)
    if problems:
        raise typer.Exit(code=EXIT_BAD_INPUT)
    checked = sum(available(table) for table in TABLES)
    typer.echo(f"{checked} data files and the parameter files are valid.")


# ---- naravard data: work on a data folder
data_app = typer.Typer(no_args_is_help=True, rich_markup_mode=None, help="Work on a data folder: recompute its "
                                                                          "derived tables.")
app.add_typer(data_app, name="data")


@data_app.command("derive")
def data_derive(
    data: Annotated[Optional[str], typer.Option("--data", metavar="DIR", help=_DATA_HELP)] = None,
) -> None:
    """Recompute the derived populations (populations_recovered.csv) from every single-year table.

    Writes only that file, atomically, and only when every period's key is recovered. Exit code 2 on bad
    input (a data file that does not validate, or a table that is not a per-capita split); nothing is
    written then.
    """
    from .derive import derive_populations, write_derived
    from .data import validate_all
    from .schemas import DERIVED, TABLES

    try:
        _use_data(data)
        derived = {TABLES[table].file for table in DERIVED}  # the file derive writes may be missing or stale
        problems = [p for p in validate_all() if Path(getattr(p, "file", "")).name not in derived]
        for problem in problems[:-1]:
            typer.secho(f"error: {problem}", err=True, fg=typer.colors.RED)
        if problems:
            raise problems[-1]
        table = derive_populations()
        target = write_derived()
    except NaravardError as error:
        _fail(error)
    for period, rows in table.groupby("period", sort=False):
        first = rows.iloc[0]
        total, low, high = (f"{int(v):,}".replace(",", " ") for v in (rows["population"].sum(), first["total_min"],
                                                                      first["total_max"]))
        typer.echo(f"period {period}: population key of {len(rows)} municipalities recovered, län total {total} "
                   f"(the only one for totals {low}-{high})")
    typer.echo(f"wrote {paths.display_path(target)}")


@app.command()
def dashboard(
    ip: Annotated[str, typer.Option(metavar="ADDRESS", help="Address to listen on: 127.0.0.1 is this machine only; 0.0.0.0 every network interface, e.g. for a classroom.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(metavar="PORT", help="Port to listen on.")] = dashboard_server.DEFAULT_PORT,
    open_browser: Annotated[bool, typer.Option("--open", help="Open the page in a browser.")] = False,
    max_kernels: Annotated[int, typer.Option(metavar="N", help="Visitors' kernels at most, the pre-heated one included (about 270 MB of memory each); a visitor beyond them is asked to try again in a moment.")] = dashboard_server.DEFAULT_MAX_KERNELS,
    cull_after: Annotated[int, typer.Option(metavar="SECONDS", help="Stop a kernel whose page was closed after this many idle seconds.")] = dashboard_server.DEFAULT_CULL_AFTER,
    data: Annotated[Optional[str], typer.Option("--data", metavar="DIR", help=_DATA_HELP)] = None,
) -> None:
    """Serve the dashboard (notebooks/oversikt.ipynb) with Voilà and print its address; stop with Ctrl-C.

    Exit code 2 on a bad option, a port in use or an address that is not this machine's (one line on stderr).
    """
    if not 0 < port < 65536:
        _fail(f"--port: {port} is not a port number (1-65535)")
    if max_kernels < 2:
        _fail(f"--max-kernels: {max_kernels} leaves no room for a visitor beside the pre-heated kernel; give 2 or more")
    if cull_after < 10:
        _fail(f"--cull-after: {cull_after} seconds is too short for a page to load; give 10 or more")
    try:
        _use_data(data)  # the Voilà kernels inherit NARAVARD_DATA
    except SetupError as error:
        _fail(error)
    problems = _check_inputs()
    if problems:  # the page would fail in every visitor's kernel: say why here, once
        _fail(f"{problems[0]}" + (f" (and {len(problems) - 1} more problems: naravard validate lists them)"
                                  if len(problems) > 1 else ""))
    code = dashboard_server.serve(ip, port, open_browser=open_browser, max_kernels=max_kernels, cull_after=cull_after)
    raise typer.Exit(code=code)


@app.command()
def participant(
    out: Annotated[Path, typer.Option("--out", "-o", metavar="DIR", help="Folder for the participant copies.")] = Path("build/participant"),
) -> None:
    """Write participant copies of the exercises: solution cells removed, outputs cleared."""
    from .participant import write_participant_copies

    for path in write_participant_copies(out):
        typer.echo(f"wrote {path}")


@app.command()
def kit(
    kommun: Annotated[str, typer.Option("--kommun", "-k", help="The municipality in focus (name or slug).")],
    out: Annotated[Optional[Path], typer.Option("--out", "-o", help="Output folder (default: build/kit/); a zip is written beside it.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an earlier kit even if files in it were edited since.")] = False,
) -> None:
    """Build the trainer's kit: decks, handouts, participant notebooks, the municipality's report, LÄS MIG.md, zip.

    Exit code 2 on bad input (unknown municipality, an --out folder holding other files, or a file of an earlier
    kit edited since it was built, unless --force); nothing is written then.
    """
    from .kit import build_kit
    from .pages import pdf_unavailable_reason

    try:
        made = build_kit(kommun, out, force=force)
    except NaravardError as error:
        _fail(error)
    if pdf_unavailable_reason():
        typer.echo(f"PDF skipped: {pdf_unavailable_reason()}", err=True)
    for name in made.files:
        typer.echo(f"wrote {made.folder / name}")
    typer.echo(f"wrote {made.zip_path}")


# ---- naravard form: Socialstyrelsen's follow-up form (seed 003)
form_app = typer.Typer(no_args_is_help=True, rich_markup_mode=None, help="Socialstyrelsen's follow-up form: export answers, summarise, "
                                                  "check answer files, show the pre-filled draft.")
app.add_typer(form_app, name="form")
_ANSWERS_HELP = "Answers file or folder of *.json answers files; repeat for several. Default: uppfoljning/."


def _form_fail(error, code: int = 2) -> None:
    typer.secho(f"error: {error}", err=True, fg=typer.colors.RED)
    raise typer.Exit(code=code)


def _read_answers(sources):
    from .form import answer_files, default_answers_dir, load_answers

    default = default_answers_dir()
    files = answer_files(sources) if sources else (answer_files([default]) if default.is_dir() else [])
    if not files:
        _form_fail(f"no answers files in {', '.join(str(s) for s in sources or [default_answers_dir()])}; fill in "
                   "notebooks/04_uppfoljning_formular.ipynb first, or use --draft to export the pre-filled draft")
    return [load_answers(path) for path in files]  # every file is checked before anything is written


@form_app.command("export")
def form_export(
    out: Annotated[Path, typer.Option("--out", "-o", metavar="DIR", help="Output folder for the documents.")],
    answers: Annotated[Optional[list[Path]], typer.Option("--answers", "-a", metavar="FILE|DIR", help=_ANSWERS_HELP)] = None,
    draft: Annotated[bool, typer.Option("--draft", help="Export the pre-filled draft instead of answers files.")] = False,
    kommun: Annotated[Optional[str], typer.Option("--kommun", "-k", metavar="NAME", help="With --draft: cite this municipality's money.")] = None,
    report: Annotated[Optional[str], typer.Option(metavar="NAME", help="With --draft: whose report it is (default: the län).")] = None,
) -> None:
    """Write each report's answers as Markdown and HTML in the form's order; with several files, a summary.

    Exit code 2 on bad input (unknown municipality or question, corrupt answers file) or an unwritable --out.
    """
    from . import form
    from .municipalities import lan_name

    try:
        if draft:
            report = report or lan_name()
            name = f"{report} (utkast)" if not kommun else f"{kommun} (utkast)"
            drafts = form.draft_answers(name, kommun)
            drafts.report = name
            documents = {f"utkast-{form.slugify(kommun or report)}": drafts}
        else:
            from .form import answer_files, default_answers_dir

            given = answers or [default_answers_dir()]
            loaded = _read_answers(answers)
            files = answer_files(given)
            stems = [path.stem for path in files]
            twice = sorted({s for s in stems if stems.count(s) > 1})
            if twice:
                _form_fail(f"two answers files are named {twice[0]}.json; rename one so the documents do not overwrite "
                           "each other")
            documents = dict(zip(stems, loaded))  # named after each answers file, so none overwrites another
    except NaravardError as error:
        _form_fail(error)
    try:
        written = form.export_documents(documents, out)
    except NaravardError as error:
        _form_fail(error)
    for path in written:
        typer.echo(f"wrote {path}")


@form_app.command("summary")
def form_summary(answers: Annotated[Optional[list[Path]], typer.Option("--answers", "-a", metavar="FILE|DIR", help=_ANSWERS_HELP)] = None) -> None:
    """Count the single-choice answers (questions 1, 2, 4, 9a) per printed option across answers files."""
    from . import form

    try:
        typer.echo(form.summary_markdown(_read_answers(answers)), nl=False)
    except NaravardError as error:
        _form_fail(error)


@form_app.command("check")
def form_check(answers: Annotated[Optional[list[Path]], typer.Option("--answers", "-a", metavar="FILE|DIR", help=_ANSWERS_HELP)] = None) -> None:
    """Check answers files; print how many questions each has answered."""
    try:
        for item in _read_answers(answers):
            typer.echo(f"ok: {item.report}: {len(item.answered())} of {len(item.form.items)} questions answered")
    except NaravardError as error:
        _form_fail(error)


@form_app.command("draft")
def form_draft(
    item: Annotated[Optional[list[str]], typer.Option("--item", "-i", metavar="ID", help="Question id such as 5a; repeat for several. Default: all.")] = None,
    kommun: Annotated[Optional[str], typer.Option("--kommun", "-k", metavar="NAME", help="Cite this municipality's money.")] = None,
) -> None:
    """Print the pre-filled draft (Swedish Markdown): proposal and evidence per question."""
    from . import form

    try:
        chosen = [form.load_form().item(i).id for i in item] if item else list(form.ITEM_IDS)
        proposals = form.draft(kommun)
    except NaravardError as error:
        _form_fail(error)
    typer.echo("\n\n".join(form.proposal_markdown(proposals[i], i) for i in chosen))


if __name__ == "__main__":
    app()
