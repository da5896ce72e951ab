"""What ``lockcheck check`` does, between parsed flags and an exit code.

Kept out of cli.py so the command line stays declarative and this can be called (and
tested) without typer.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from lockcheck.config import KEYRING_PROVIDERS, Overrides, Settings, find_config, load_settings
from lockcheck.discover import Target, scan
from lockcheck.engine import in_tree_notes, matching_codes, run
from lockcheck.errors import ConfigError, LockcheckError
from lockcheck.findings import ErrorEntry, Report, Severity
from lockcheck.report import display_path
from lockcheck.report import text as text_report
from lockcheck.report.progress import ProgressBar
from lockcheck.safetext import safe

if TYPE_CHECKING:
    from lockcheck.index.interface import PackageIndex

STATS_ENV = "LOCKCHECK_STATS"  # "1": say on stderr how many index requests a run made
FORMATS = ("text", "json", "sarif", "github", "cyclonedx")
DEFAULT_JOBS = 16


class CheckRequest(NamedTuple):
    """Everything ``lockcheck check`` was asked to do."""

    paths: tuple[str, ...] = (".",)
    verify: bool = False
    output_format: str = "text"
    output: Path | None = None
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] | None = None
    fail_on: str | None = None
    config: Path | None = None
    index_url: str | None = None
    use_cache: bool = True
    jobs: int | None = None  # None: DEFAULT_JOBS (and the user did not ask)
    quiet: bool = False
    progress: bool = True
    isolated: bool = False  # ignore every configuration file
    exit_zero: bool = False  # findings alone never fail the run (2 and 3 stand)
    reports: tuple[tuple[str, Path], ...] = ()  # (format, file): more reports, same run
    color: str = "auto"  # auto | always | never, for text on standard output
    verbose: bool = False  # say on stderr which configuration governs each lockfile
    keyring_provider: str | None = None  # "disabled" or "subprocess"; None: as configured


class SettingsResolver:
    """The settings for a path: its nearest config file (or --config), then the flags."""

    def __init__(
        self, explicit: Path | None, overrides: Overrides, *, isolated: bool = False
    ) -> None:
        self._explicit = explicit
        self._overrides = overrides
        self._isolated = isolated
        self._loaded: dict[Path | None, Settings] = {}

    def config_for(self, path: str) -> Path | None:
        if self._explicit is not None:
            return self._explicit
        if self._isolated:
            return None
        return find_config(Path(os.path.abspath(path)))

    def __call__(self, path: str) -> Settings:
        config = self.config_for(path)
        if config not in self._loaded:
            base = Settings()
            if config is not None:
                base = load_settings(config)._replace(in_tree=config != self._explicit)
            settings = self._overrides.apply(base)
            if base.in_tree:
                without = self._overrides.apply(Settings())
                settings = settings._replace(notes=in_tree_notes(base, settings, without))
            self._loaded[config] = settings
        return self._loaded[config]

    def exclude_for(self, root: str) -> tuple[str, tuple[str, ...]]:
        try:
            settings = self(root)
        except ConfigError:
            return root, ()  # reported when the files below are checked
        return str(settings.base_dir), settings.exclude


def execute(request: CheckRequest) -> int:
    if request.isolated and request.config is not None:
        return _usage("--isolated and --config exclude each other: --isolated reads no config")
    if request.output is not None and str(request.output) == "-":
        request = request._replace(output=None)  # "-o -": standard output
    if request.config is not None and not request.config.is_file():
        return _usage(f"--config {request.config}: no such file")
    problem = _request_problem(request)
    if problem:
        return _usage(problem)
    _warn_verify_only(request)
    overrides = Overrides(
        select=request.select,
        ignore=request.ignore,
        fail_on=Severity.parse(request.fail_on) if request.fail_on else None,
        index_url=request.index_url,
    )
    resolver = SettingsResolver(request.config, overrides, isolated=request.isolated)
    found = scan(request.paths, resolver.exclude_for)
    targets, errors = found.targets, found.errors
    if request.verbose:
        _say_configs(targets, resolver, request)
    searched = [p for p in request.paths if p not in found.manifests]
    if not targets and not errors and searched:
        # A CI step that checks nothing must not look like a pass: someone renamed the
        # lock, or the step runs in the wrong directory. (A manifest given alone, with no
        # lock beside it, has nothing to check and is no error.)
        where = " ".join(searched)
        errors.append(ErrorEntry.of(where, None, f"no lockfiles found under {where}"))
    try:
        index = (
            _index_client(request, _keyring_wanted(request, resolver, targets))
            if request.verify
            else None
        )
    except LockcheckError as exc:
        return _usage(str(exc))
    progress = ProgressBar.for_terminal(sys.stderr, request.progress) if index else None
    try:
        report = run(
            targets,
            resolver,
            index=index,
            progress=progress,
            errors=errors,
            notes=found.notes,
            inventory="cyclonedx" in _formats(request),
        )
    finally:
        if progress is not None:
            progress.close()
    problem = getattr(index, "cache_problem", None)
    if isinstance(problem, str):
        # The cache only saves time; say why a run was slower than the last.
        sys.stderr.write(f"lockcheck: warning: the cache was not used: {safe(problem)}\n")
    if index is not None and os.environ.get(STATS_ENV) == "1":
        made = getattr(index, "requests_made", None)
        if isinstance(made, int):
            sys.stderr.write(f"lockcheck: {made} index requests\n")
    for error in report.errors:
        sys.stderr.write(text_report.error_line(error) + "\n")
    rendered = _render(report, request.output_format, request, terminal=request.output is None)
    if request.output is not None:
        try:
            write_atomically(request.output, rendered)
        except OSError as exc:
            return _usage(f"--output {request.output}: {exc.strerror or exc}")
    else:
        sys.stdout.write(rendered)
    for output_format, path in request.reports:
        try:
            write_atomically(path, _render(report, output_format, request, terminal=False))
        except OSError as exc:
            return _usage(f"--report {output_format}={path}: {exc.strerror or exc}")
    code = report.exit_code()
    return 0 if code == 1 and request.exit_zero else code


def _formats(request: CheckRequest) -> set[str]:
    return {request.output_format, *(f for f, _path in request.reports)}


def _request_problem(request: CheckRequest) -> str | None:
    """A flag the command line got wrong, named as the command line's (not a config's)."""
    for output_format, _path in request.reports:
        if output_format not in FORMATS:
            return (
                f"--report {output_format}=...: unknown format (choose from {', '.join(FORMATS)})"
            )
    targets = [str(request.output)] if request.output is not None else []
    targets += [str(path) for _format, path in request.reports]
    repeated = sorted({t for t in targets if targets.count(t) > 1})
    if repeated:
        return f"{repeated[0]}: named by more than one of --output and --report"
    for flag, selectors in (("--select", request.select), ("--ignore", request.ignore)):
        for selector in selectors or ():
            if not matching_codes(selector):
                return f"{flag} {selector}: unknown rule (see 'lockcheck rules')"
    return None


def _warn_verify_only(request: CheckRequest) -> None:
    # Not --index-url: offline, LC107 judges the files of entries that record no index
    # against it.
    if request.verify:
        return
    given = [
        flag
        for flag, used in (
            ("--no-cache", not request.use_cache),
            ("--jobs", request.jobs is not None),
            ("--keyring-provider", request.keyring_provider is not None),
        )
        if used
    ]
    if given:
        sys.stderr.write(
            f"lockcheck: warning: {', '.join(given)} only matter{'s' if len(given) == 1 else ''}"
            " with --verify: ignored\n"
        )


def _say_configs(targets: list[Target], resolver: SettingsResolver, request: CheckRequest) -> None:
    for target in targets:
        config = resolver.config_for(target.path)
        if config is not None:
            how = "given with --config" if request.config is not None else "found above it"
            which = f"{display_path(str(config))} ({how})"
        else:
            which = "none (--isolated)" if request.isolated else "none found: defaults"
        sys.stderr.write(f"lockcheck: {safe(display_path(target.path))}: config {safe(which)}\n")


KEYRING_ENV = "LOCKCHECK_KEYRING_PROVIDER"


def _keyring_wanted(
    request: CheckRequest, resolver: SettingsResolver, targets: Sequence[Target]
) -> bool:
    """--keyring-provider, else $LOCKCHECK_KEYRING_PROVIDER, else any configuration's
    ``keyring-provider``: whether to ask the ``keyring`` command for index logins."""
    chosen = request.keyring_provider or os.environ.get(KEYRING_ENV, "").strip() or None
    if chosen is not None and chosen not in KEYRING_PROVIDERS:
        raise ConfigError(f"{KEYRING_ENV}={chosen}: expected one of {', '.join(KEYRING_PROVIDERS)}")
    if chosen is not None:
        return chosen == "subprocess"
    for target in targets:
        try:
            if resolver(target.path).keyring_provider == "subprocess":
                return True
        except ConfigError:
            continue  # reported when that file is checked
    return False


def _index_client(request: CheckRequest, keyring: bool) -> PackageIndex:
    from lockcheck.index.cache import ReleaseCache
    from lockcheck.index.cache_first import CacheFirstIndex

    cache = ReleaseCache.open() if request.use_cache else None

    def http_client() -> PackageIndex:
        from lockcheck.index.client import IndexClient
        from lockcheck.index.http import HttpSettings

        return IndexClient(
            HttpSettings.from_environment(jobs=request.jobs or DEFAULT_JOBS, keyring=keyring)
        )

    if cache is None:
        return http_client()
    return CacheFirstIndex(http_client, cache)


def _render(report: Report, output_format: str, request: CheckRequest, *, terminal: bool) -> str:
    if output_format == "json":
        from lockcheck.report import json as json_report

        return json_report.render(report)
    if output_format == "sarif":
        from lockcheck.report import sarif as sarif_report

        return sarif_report.render(report)
    if output_format == "cyclonedx":
        from lockcheck.report import cyclonedx

        return cyclonedx.render(report)
    if output_format == "github":
        from lockcheck.report import github as github_report

        return github_report.render(report, quiet=request.quiet)
    if request.color == "auto":
        colour = terminal and text_report.use_colour(sys.stdout)
    else:
        colour = request.color == "always"
    return text_report.render(report, quiet=request.quiet, colour=colour)


def _usage(message: str) -> int:
    # Messages may quote a URL, a path or an index's answer: the output boundary applies.
    sys.stderr.write(f"lockcheck: error: {safe(message)}\n")
    return 2


def write_atomically(path: Path, content: str) -> None:
    """Replace a regular (or new) file with a temporary file renamed over it: never a half
    file. Anything else is written through, as a shell redirection does: renaming over
    ``/dev/null`` as root would replace the device with a file for every other program,
    and renaming over a symlink or FIFO would replace it instead of writing to it."""
    import stat
    import tempfile

    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        mode = None
    if mode is not None and not stat.S_ISREG(mode):
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(content)
        return
    # mkstemp makes the file 0600: give it the mode it replaces, or a new file's mode.
    permissions = stat.S_IMODE(mode) if mode is not None else 0o666 & ~_umask()
    directory = path.parent if str(path.parent) else Path(".")
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=directory)
    try:
        os.fchmod(fd, permissions)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(content)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
