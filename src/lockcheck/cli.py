"""The command line: flags become Settings, the engine runs, a reporter prints. No logic.

No ``from __future__ import annotations`` here: typer would have to eval every
annotation string on each run (about 3 ms of a pre-commit hook's start-up).
"""

import os
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from lockcheck import __version__

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Lint Python lockfiles and verify their hashes against the package index.",
    context_settings={"help_option_names": ["-h", "--help"]},
    pretty_exceptions_enable=False,
)


class OutputFormat(str, Enum):
    text = "text"
    json = "json"
    sarif = "sarif"
    github = "github"
    cyclonedx = "cyclonedx"


class Color(str, Enum):
    auto = "auto"
    always = "always"
    never = "never"


class KeyringProvider(str, Enum):
    disabled = "disabled"
    subprocess = "subprocess"


class FailOn(str, Enum):
    error = "error"
    warning = "warning"
    note = "note"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"lockcheck {__version__}")
        raise typer.Exit(0)


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """Lint Python lockfiles and verify their hashes against the package index."""


def _report(value: str) -> tuple[str, Path]:
    output_format, sep, path = value.partition("=")
    if not sep or not output_format.strip() or not path:
        raise typer.BadParameter(
            f"{value!r}: expected FORMAT=FILE, e.g. sarif=lockcheck.sarif", param_hint="--report"
        )
    return output_format.strip().lower(), Path(path)


def _codes(values: list[str] | None) -> tuple[str, ...] | None:
    if not values:
        return None
    return tuple(code.strip() for value in values for code in value.split(",") if code.strip())


@app.command()
def check(
    paths: Annotated[
        list[str] | None,
        typer.Argument(
            help="Lockfiles, or directories to search for them (default: .).", show_default=False
        ),
    ] = None,
    verify: Annotated[
        bool, typer.Option("--verify", help="Check hashes and releases against the package index.")
    ] = False,
    output_format: Annotated[
        OutputFormat, typer.Option("--format", help="Report format.")
    ] = OutputFormat.text,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write the report to FILE instead of standard output."),
    ] = None,
    select: Annotated[
        list[str] | None,
        typer.Option(
            "--select", help="Rules to run: codes, names, prefixes or ALL (comma-separated)."
        ),
    ] = None,
    ignore: Annotated[
        list[str] | None,
        typer.Option("--ignore", help="Rules not to run (comma-separated)."),
    ] = None,
    fail_on: Annotated[
        FailOn | None,
        typer.Option(
            "--fail-on",
            help="Lowest severity that fails the run (default: error).",
            show_default=False,
        ),
    ] = None,
    config: Annotated[
        Path | None,
        typer.Option("--config", help="Use this configuration file instead of searching for one."),
    ] = None,
    index_url: Annotated[
        str | None,
        typer.Option("--index-url", help="Verify against this index."),
    ] = None,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Do not read or write the index cache.")
    ] = False,
    jobs: Annotated[
        int | None,
        typer.Option(
            "--jobs",
            min=1,
            max=256,
            help="Concurrent index requests (default: 16).",
            show_default=False,
        ),
    ] = None,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Print findings only, no summary.")
    ] = False,
    no_progress: Annotated[
        bool, typer.Option("--no-progress", help="Never show a progress bar.")
    ] = False,
    isolated: Annotated[
        bool,
        typer.Option(
            "--isolated",
            help="Ignore every configuration file: only the command line decides.",
        ),
    ] = False,
    exit_zero: Annotated[
        bool,
        typer.Option(
            "--exit-zero",
            help="Exit 0 where findings would give 1 (input errors, 2, and incomplete "
            "verification, 3, still fail).",
        ),
    ] = False,
    report: Annotated[
        list[str] | None,
        typer.Option(
            "--report",
            metavar="FORMAT=FILE",
            help="Also write this report (repeatable), from the same run: e.g. "
            "sarif=lockcheck.sarif.",
        ),
    ] = None,
    color: Annotated[Color, typer.Option("--color", help="Colour the text report.")] = Color.auto,
    verbose: Annotated[
        bool,
        typer.Option(
            "--verbose", "-v", help="Say on stderr which configuration governs each lockfile."
        ),
    ] = False,
    keyring_provider: Annotated[
        KeyringProvider | None,
        typer.Option(
            "--keyring-provider",
            help="subprocess: ask the `keyring` command for index logins, as uv and pip do "
            "(default: $LOCKCHECK_KEYRING_PROVIDER, or the config's keyring-provider).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Check lockfiles (files, or directories searched for lockfiles)."""
    from lockcheck.checking import CheckRequest, execute

    request = CheckRequest(
        paths=tuple(paths or ["."]),
        verify=verify,
        output_format=output_format.value,
        output=output,
        select=_codes(select),
        ignore=_codes(ignore),
        fail_on=fail_on.value if fail_on else None,
        config=config,
        index_url=index_url,
        use_cache=not no_cache,
        jobs=jobs,
        quiet=quiet,
        progress=not no_progress,
        isolated=isolated,
        exit_zero=exit_zero,
        reports=tuple(_report(value) for value in report or ()),
        color=color.value,
        verbose=verbose,
        keyring_provider=keyring_provider.value if keyring_provider else None,
    )
    raise typer.Exit(execute(request))


@app.command()
def rules(
    code: Annotated[
        str | None,
        typer.Argument(help="A rule code or name to explain.", show_default=False),
    ] = None,
) -> None:
    """List the rules, or explain one."""
    from lockcheck.rules import ALL_RULES, lookup

    if code is None:
        for rule in ALL_RULES:
            index = " (needs --verify)" if rule.needs_index else ""
            typer.echo(
                f"{rule.code}  {rule.name:<28} {rule.severity.value:<8} {rule.summary}{index}"
            )
        return
    found = lookup(code)
    if found is None:
        typer.echo(f"lockcheck: unknown rule {code!r} (see 'lockcheck rules')", err=True)
        raise typer.Exit(2)
    typer.echo(f"# {found.code} {found.name}\n")
    typer.echo(
        f"Default severity: {found.severity.value}"
        + ("; runs only with --verify" if found.needs_index else "")
        + "\n"
    )
    typer.echo(found.doc.strip())


def run() -> None:
    """Entry point: usage errors are one line and exit 2, as the design's exit codes say."""
    # typer may bring click or its own copy of it: find the classes through typer.
    bases = {cls.__name__: cls for cls in typer.BadParameter.__mro__}
    usage_error: type[Exception] = bases["UsageError"]
    click_exception: type[Exception] = bases["ClickException"]
    try:
        code = app(prog_name="lockcheck", standalone_mode=False)
    except (KeyboardInterrupt, typer.Abort):
        sys.stderr.write("lockcheck: interrupted\n")
        sys.exit(130)
    except BrokenPipeError:
        # The reader went away (``| head``): say nothing more to it, and no traceback.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)
    except click_exception as exc:
        if type(exc).__name__ == "NoArgsIsHelpError":
            exc.show()  # type: ignore[attr-defined]  # help for no arguments: not an error
            sys.exit(2)
        message = " ".join(exc.format_message().split())  # type: ignore[attr-defined]
        if isinstance(exc, usage_error):
            ctx = getattr(exc, "ctx", None)
            command = ctx.command_path if ctx is not None else "lockcheck"
            sys.stderr.write(f"lockcheck: error: {message} (see '{command} --help')\n")
            sys.exit(2)
        sys.stderr.write(f"lockcheck: error: {message}\n")
        sys.exit(getattr(exc, "exit_code", 2))
    sys.exit(code if isinstance(code, int) else 0)
