"""Settings and waivers from ``[tool.lockcheck]`` in pyproject.toml, or lockcheck.toml.

The nearest configuration file above a checked lockfile applies to it: ``lockcheck.toml``
first, then a ``pyproject.toml`` that has a ``[tool.lockcheck]`` table. Command-line flags
override the file. Every problem is a ConfigError naming the file and the key.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any, NamedTuple

from lockcheck.errors import ConfigError, LockfileError
from lockcheck.findings import Severity
from lockcheck.model import Note, normalize_name
from lockcheck.parsers.text import read_regular_file
from lockcheck.tomlcompat import toml_module

DEFAULT_WAIVER_MAX_DAYS = 90
MAX_WAIVER_DAYS = 3650
MAX_CONFIG_BYTES = 4 * 1024 * 1024
_KEYS = {
    "select",
    "ignore",
    "fail-on",
    "exclude",
    "index-url",
    "allowed-hosts",
    "artifact-hosts",
    "severity",
    "private",
    "waiver",
    "waiver-max-days",
    "typosquat-allow",
    "keyring-provider",
}
KEYRING_PROVIDERS = ("disabled", "subprocess")
_WAIVER_KEYS = {"code", "package", "path", "reason", "expires"}
_PRIVATE_KEYS = {"packages", "index"}


class Waiver(NamedTuple):
    code: str
    reason: str
    expires: dt.date
    package: str | None = None  # normalised
    path: str | None = None  # a glob, relative to the config file's directory
    config_path: str = ""
    line: int | None = None

    def is_expired(self, today: dt.date) -> bool:
        return today > self.expires


class Settings(NamedTuple):
    select: tuple[str, ...] = ("ALL",)
    ignore: tuple[str, ...] = ()
    fail_on: Severity = Severity.ERROR
    exclude: tuple[str, ...] = ()
    index_url: str | None = None
    allowed_hosts: tuple[str, ...] | None = None
    # Hosts any index may serve its files from (LC107), beside the ones it is known to use.
    artifact_hosts: tuple[str, ...] = ()
    severity: Mapping[str, Severity] = MappingProxyType({})  # read-only: one can be shared
    private_packages: tuple[str, ...] = ()
    private_index: str | None = None
    # LC401: names the team really uses that look like a popular project's (normalised).
    typosquat_allow: tuple[str, ...] = ()
    waivers: tuple[Waiver, ...] = ()
    waiver_max_days: int = DEFAULT_WAIVER_MAX_DAYS
    config_path: str | None = None
    # Found by searching the checked tree (not given with --config): a pull request can
    # write it, so what it switches off is reported, and its index gets no .netrc default.
    in_tree: bool = False
    # index_url was given by the user (--index-url, or a file given with --config).
    index_url_by_user: bool = False
    # What an in-tree configuration switched off or redirected, for the report to say.
    notes: tuple[Note, ...] = ()
    # "subprocess": ask the `keyring` command for index logins (--keyring-provider).
    keyring_provider: str | None = None

    @property
    def base_dir(self) -> Path:
        """Where relative paths in the configuration start from."""
        return Path(self.config_path).parent if self.config_path else Path.cwd()


class Overrides(NamedTuple):
    """Command-line settings; None means "as the configuration file says"."""

    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] | None = None
    fail_on: Severity | None = None
    index_url: str | None = None

    def apply(self, settings: Settings) -> Settings:
        changes: dict[str, Any] = {
            "index_url_by_user": settings.index_url is not None and not settings.in_tree
        }
        if self.select is not None:
            changes["select"] = self.select
        if self.ignore is not None:
            changes["ignore"] = settings.ignore + self.ignore
        if self.fail_on is not None:
            changes["fail_on"] = self.fail_on
        if self.index_url is not None:
            changes["index_url"] = self.index_url
            changes["index_url_by_user"] = True
        return settings._replace(**changes)


def find_config(start: Path) -> Path | None:
    """The nearest lockcheck.toml, or pyproject.toml with [tool.lockcheck], at or above start."""
    directory = start if _is(start, Path.is_dir) else start.parent
    for candidate in (directory.resolve(), *directory.resolve().parents):
        own = candidate / "lockcheck.toml"
        if _is(own, Path.is_file):
            return own
        pyproject = candidate / "pyproject.toml"
        if _is(pyproject, Path.is_file) and _has_tool_table(pyproject):
            return pyproject
    return None


def _is(path: Path, test: Callable[[Path], bool]) -> bool:
    """Path.is_file/is_dir, with a directory lockcheck may not enter holding neither (the
    scan reports that directory itself)."""
    try:
        return test(path)
    except OSError:
        return False


def _has_tool_table(pyproject: Path) -> bool:
    # A cheap textual test first: most pyproject files have no [tool.lockcheck] at all.
    try:
        text = read_regular_file(str(pyproject), MAX_CONFIG_BYTES).decode("utf-8", "replace")
    except LockfileError:
        return False  # a FIFO or a device is no configuration: it would hang the run
    return "tool.lockcheck" in text or re.search(r"^\s*\[tool\]", text, re.M) is not None


def load_settings(path: Path, today: dt.date | None = None) -> Settings:
    """Read and validate one configuration file."""
    shown = str(path)
    try:
        text = read_regular_file(shown, MAX_CONFIG_BYTES).decode("utf-8")
    except LockfileError as exc:
        raise ConfigError(f"cannot read: {exc.message}", shown) from None
    except UnicodeDecodeError:
        raise ConfigError("not valid UTF-8", shown) from None
    tomllib = toml_module()
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"invalid TOML: {exc}", shown, _toml_error_line(exc)) from None
    except RecursionError:
        raise ConfigError("invalid TOML: nested too deeply", shown) from None
    if path.name == "pyproject.toml":
        table = document.get("tool", {}).get("lockcheck", {})
        prefix = "tool.lockcheck."
    else:
        table = document
        prefix = ""
    if not isinstance(table, dict):
        raise ConfigError(f"'{prefix.rstrip('.')}' must be a table", shown)
    return _settings_from_table(table, text, shown, prefix, today or dt.date.today())


def _toml_error_line(exc: Exception) -> int | None:
    found = re.search(r"line (\d+)", str(exc))
    return int(found.group(1)) if found else None


def _settings_from_table(
    table: dict[str, Any], text: str, path: str, prefix: str, today: dt.date
) -> Settings:
    def bad(key: str, why: str) -> ConfigError:
        return ConfigError(f"'{prefix}{key}' {why}", path, _key_line(text, key))

    unknown = sorted(set(table) - _KEYS)
    if unknown:
        raise bad(unknown[0], f"is not a lockcheck setting (known: {', '.join(sorted(_KEYS))})")

    def strings(key: str) -> tuple[str, ...] | None:
        value = table.get(key)
        if value is None:
            return None
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise bad(key, "must be a list of strings")
        return tuple(value)

    def string(key: str) -> str | None:
        value = table.get(key)
        if value is not None and not isinstance(value, str):
            raise bad(key, "must be a string")
        return value

    def severity(key: str, value: Any) -> Severity:
        if not isinstance(value, str):
            raise bad(key, "must be one of error, warning, note")
        try:
            return Severity.parse(value)
        except ValueError as exc:
            raise bad(key, str(exc)) from None

    settings = Settings(config_path=path)
    changes: dict[str, Any] = {}
    for key, attr in (("select", "select"), ("ignore", "ignore"), ("exclude", "exclude")):
        value = strings(key)
        if value is not None:
            changes[attr] = value
    hosts = strings("allowed-hosts")
    if hosts is not None:
        changes["allowed_hosts"] = tuple(h.lower() for h in hosts)
    artifact_hosts = strings("artifact-hosts")
    if artifact_hosts is not None:
        changes["artifact_hosts"] = tuple(h.strip().lower().rstrip(".") for h in artifact_hosts)
    if "fail-on" in table:
        changes["fail_on"] = severity("fail-on", table["fail-on"])
    changes["index_url"] = string("index-url")
    allow = strings("typosquat-allow")
    if allow is not None:
        changes["typosquat_allow"] = tuple(normalize_name(name.strip()) for name in allow)
    provider = string("keyring-provider")
    if provider is not None and provider not in KEYRING_PROVIDERS:
        raise bad("keyring-provider", f"must be one of {', '.join(KEYRING_PROVIDERS)}")
    changes["keyring_provider"] = provider

    overrides = table.get("severity", {})
    if not isinstance(overrides, dict):
        raise bad("severity", 'must be a table of CODE = "error|warning|note"')
    changes["severity"] = MappingProxyType(
        {
            _rule_key(str(code)): severity(f"severity.{code}", value)
            for code, value in overrides.items()
        }
    )

    private = table.get("private", {})
    if not isinstance(private, dict):
        raise bad("private", "must be a table with 'packages' and 'index'")
    for key in sorted(set(private) - _PRIVATE_KEYS):
        raise bad(f"private.{key}", "is not a lockcheck setting (known: packages, index)")
    packages = private.get("packages", [])
    if not isinstance(packages, list) or not all(isinstance(p, str) for p in packages):
        raise bad("private.packages", "must be a list of package-name globs")
    index = private.get("index")
    if index is not None and not isinstance(index, str):
        raise bad("private.index", "must be a URL string")
    changes["private_packages"] = tuple(normalize_name(p) for p in packages)
    changes["private_index"] = index

    max_days = table.get("waiver-max-days", DEFAULT_WAIVER_MAX_DAYS)
    if not isinstance(max_days, int) or isinstance(max_days, bool) or max_days < 1:
        raise bad("waiver-max-days", "must be a positive whole number of days")
    if max_days > MAX_WAIVER_DAYS:  # also keeps today + max_days a valid date
        raise bad("waiver-max-days", f"must be at most {MAX_WAIVER_DAYS} days (ten years)")
    changes["waiver_max_days"] = max_days
    changes["waivers"] = _waivers(table.get("waiver", []), text, path, prefix, today, max_days)
    return settings._replace(**changes)


def _rule_key(key: str) -> str:
    """Codes upper case, names lower case: how findings are matched against them."""
    key = key.strip()
    return key.upper() if re.fullmatch(r"(?i)lc\d{3}", key) else key.lower()


def _waivers(
    entries: Any, text: str, path: str, prefix: str, today: dt.date, max_days: int
) -> tuple[Waiver, ...]:
    if not isinstance(entries, list):
        raise ConfigError(
            f"'{prefix}waiver' must be an array of tables ([[{prefix}waiver]])",
            path,
            _key_line(text, "waiver"),
        )
    headers = [
        n
        for n, line in enumerate(text.splitlines(), start=1)
        if re.match(rf"^\s*\[\[\s*{re.escape(prefix)}waiver\s*\]\]", line)
    ]
    waivers = []
    for i, entry in enumerate(entries):
        line = headers[i] if i < len(headers) else None

        def bad(key: str, why: str, n: int = i + 1, line: int | None = line) -> ConfigError:
            return ConfigError(f"waiver {n}: '{key}' {why}", path, line)

        if not isinstance(entry, dict):
            raise bad("waiver", "must be a table")
        for key in sorted(set(entry) - _WAIVER_KEYS):
            raise bad(key, f"is not a waiver key (known: {', '.join(sorted(_WAIVER_KEYS))})")
        code = entry.get("code")
        if not isinstance(code, str) or not code.strip():
            raise bad("code", "is required (the rule code this waiver silences)")
        reason = entry.get("reason")
        if not isinstance(reason, str) or not reason.strip():
            raise bad("reason", "is required: say why this is safe")
        expires = _date(entry.get("expires"))
        if expires is None:
            raise bad("expires", "is required, as a date like 2027-02-19")
        if expires > today + dt.timedelta(days=max_days):
            raise bad(
                "expires",
                f"{expires} is more than {max_days} days ahead "
                "(set waiver-max-days to allow longer waivers)",
            )
        for key in ("package", "path"):
            if key in entry and not isinstance(entry[key], str):
                raise bad(key, "must be a string")
        package = entry.get("package")
        waivers.append(
            Waiver(
                # A code (LC002) or, as in select, a rule name (missing-hash).
                code=code.strip().upper()
                if code.strip()[:2].upper() == "LC"
                else code.strip().lower(),
                reason=reason.strip(),
                expires=expires,
                package=normalize_name(package) if package else None,
                path=entry.get("path"),
                config_path=path,
                line=line,
            )
        )
    return tuple(waivers)


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _key_line(text: str, key: str) -> int | None:
    """The first line that sets ``key`` (good enough to point the user at it)."""
    tail = key.rsplit(".", 1)[-1]
    pattern = re.compile(rf"^\s*(\"?){re.escape(tail)}\1\s*=|^\s*\[+[^\]]*\b{re.escape(tail)}\]")
    for number, line in enumerate(text.splitlines(), start=1):
        if pattern.search(line):
            return number
    return None
