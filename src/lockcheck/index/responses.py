"""Reduce package-index responses to tables of published files, at once and without I/O.

Four shapes are understood: the JSON API's per-version page and project page, the Simple
API as PEP 691 JSON, and as PEP 503 HTML. Every function takes the raw body and returns
only the files of the requested release(s), so a large page is never kept. A body of the
wrong shape raises ``ResponseError``: the caller turns it into a failed lookup, which is
never a pass.
"""

from __future__ import annotations

import codecs
import functools
import json
import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

from packaging.utils import (
    InvalidSdistFilename,
    InvalidWheelFilename,
    parse_sdist_filename,
    parse_wheel_filename,
)
from packaging.version import InvalidVersion, Version

from lockcheck.errors import PackageIndexError
from lockcheck.index.interface import PublishedFile
from lockcheck.model import normalize_name

SIMPLE_JSON_TYPE = "application/vnd.pypi.simple.v1+json"
_SIMPLE_JSON_TYPES = frozenset(
    {SIMPLE_JSON_TYPE, "application/vnd.pypi.simple.latest+json", "application/json"}
)
_HTML_TYPES = frozenset(
    {"text/html", "application/vnd.pypi.simple.v1+html", "application/vnd.pypi.simple.latest+html"}
)
# Source archives older than PEP 625 that parse_sdist_filename does not accept.
_LEGACY_SDIST_SUFFIXES = (".tar.gz", ".tar.bz2", ".tar.xz", ".tgz", ".tbz", ".tar", ".zip")
_HEX = re.compile(r"^[0-9a-fA-F]+$")


class ResponseError(PackageIndexError):
    """An index response that is not what the API promises (wrong shape, not JSON, ...)."""


@dataclass(frozen=True)
class ReleaseFiles:
    """The files one release published, and whether the release as a whole is yanked."""

    version: str  # as the index spells it
    files: tuple[PublishedFile, ...]
    yanked: bool = False
    yanked_reason: str | None = None


# --- the JSON API ---------------------------------------------------------------------


def json_version_page(body: bytes, version: str | None = None) -> ReleaseFiles:
    """``<base>/pypi/<name>/<version>/json``: ``info`` and the release's ``urls``.

    With ``version``, a page about another release (a confused mirror) is an error.
    """
    page = _object(load_json(body), "the page")
    info = _object(page.get("info"), "'info'")
    published = _optional_str(info, "version", "'info'")
    if version is not None and published is not None and not _same_version(published, version):
        raise ResponseError(f"asked for version {version}, the page is about {published}")
    version = published or version or ""
    files = tuple(_json_api_file(entry) for entry in _list(page.get("urls"), "'urls'"))
    yanked, reason = _release_yank(files)
    if _optional_bool(info, "yanked", "'info'"):
        yanked = True
        reason = _optional_str(info, "yanked_reason", "'info'") or reason
    return ReleaseFiles(version, files, yanked, reason)


def json_project_page(body: bytes, versions: Collection[str]) -> dict[str, ReleaseFiles]:
    """``<base>/pypi/<name>/json``: the requested versions found in ``releases``.

    Keys are the requested version strings; a version the project never published is
    absent. "1.0" finds a release published as "1.0.0" (equal as versions).
    """
    sliced = _sliced_releases(body, versions)
    if sliced is not None:
        return sliced
    page = _object(load_json(body), "the page")
    releases = _object(page.get("releases"), "'releases'")
    info = _object(page.get("info", {}), "'info'")
    found: dict[str, ReleaseFiles] = {}
    for wanted in versions:
        published = _match_version(wanted, releases)
        if published is None:
            continue
        entries = _list(releases[published], f"release {published!r}")
        files = tuple(_json_api_file(entry) for entry in entries)
        yanked, reason = _release_yank(files)
        # ``info`` describes one release (the latest); its release-level yank counts too.
        if info.get("version") == published and _optional_bool(info, "yanked", "'info'"):
            yanked = True
            reason = _optional_str(info, "yanked_reason", "'info'") or reason
        found[wanted] = ReleaseFiles(published, files, yanked, reason)
    return found


def _sliced_releases(body: bytes, versions: Collection[str]) -> dict[str, ReleaseFiles] | None:
    """The requested releases of a project page, parsed alone; None to parse it all.

    A big project's page lists every file of every release (megabytes) and parsing it whole
    dominates a cold --verify. Outside JSON strings a quote cannot appear unescaped, so
    ``"<version>": [`` after ``"releases":`` can only be that release's key. Anything less
    than certain (a version published under another spelling, a page that does not end as
    JSON does) falls back to the full parse, which also catches truncation.
    """
    if not body.rstrip().endswith(b"}"):
        return None
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return None
    start = text.find('"releases":')
    if start < 0:
        return None
    decoder = json.JSONDecoder()
    found: dict[str, ReleaseFiles] = {}
    for wanted in versions:
        key = re.compile(re.escape(json.dumps(wanted)) + r"\s*:\s*\[")
        match = key.search(text, start)
        if match is None:
            return None
        try:
            entries, _end = decoder.raw_decode(text, match.end() - 1)
        except (json.JSONDecodeError, RecursionError):
            return None
        files = tuple(_json_api_file(entry) for entry in _list(entries, f"release {wanted!r}"))
        yanked, reason = _release_yank(files)
        found[wanted] = ReleaseFiles(wanted, files, yanked, reason)
    return found


def _json_api_file(entry: object) -> PublishedFile:
    item = _object(entry, "a file entry")
    filename = _required_str(item, "filename", "a file entry")
    where = f"file {filename!r}"
    digests = _digests(item.get("digests"), where)
    upload_time = _optional_str(item, "upload_time_iso_8601", where) or _optional_str(
        item, "upload_time", where
    )
    return PublishedFile(
        filename=filename,
        digests=digests,
        size=_optional_int(item, "size", where),
        upload_time=upload_time,
        yanked=bool(_optional_bool(item, "yanked", where)),
        yanked_reason=_optional_str(item, "yanked_reason", where) or None,
        url=_optional_str(item, "url", where),
    )


def _same_version(first: str, second: str) -> bool:
    parsed = _version(first)
    return first == second or (parsed is not None and parsed == _version(second))


def _match_version(wanted: str, releases: Mapping[str, Any]) -> str | None:
    if wanted in releases:
        return wanted
    target = _version(wanted)
    if target is None:
        return None
    return next((key for key in releases if _version(key) == target), None)


# --- the Simple API -------------------------------------------------------------------


def simple_page(
    body: bytes, content_type: str, page_url: str, name: str, versions: Collection[str]
) -> dict[str, ReleaseFiles]:
    """A Simple API project page, PEP 691 JSON or PEP 503 HTML as ``content_type`` says."""
    media_type, charset = parse_content_type(content_type)
    if media_type in _SIMPLE_JSON_TYPES:
        return simple_json_page(body, name, versions, page_url)
    if media_type in _HTML_TYPES:
        return simple_html_page(body, page_url, name, versions, charset)
    raise ResponseError(f"expected a Simple API page, got {media_type or 'no content type'}")


def simple_json_page(
    body: bytes, name: str, versions: Collection[str], page_url: str | None = None
) -> dict[str, ReleaseFiles]:
    """PEP 691 JSON (with PEP 700's ``size`` and ``upload-time`` when present). File URLs
    may be relative (PEP 691): they are resolved against ``page_url`` when given."""
    page = _object(load_json(body), "the page")
    meta = page.get("meta")
    if meta is not None:
        api_version = _optional_str(_object(meta, "'meta'"), "api-version", "'meta'")
        if api_version is not None and api_version.split(".")[0] != "1":
            raise ResponseError(f"unsupported Simple API version {api_version!r}")
    wanted = _wanted(versions)
    files = (
        _simple_json_file(item, page_url)
        for item in (_object(e, "a file entry") for e in _list(page.get("files"), "'files'"))
        if _may_be_wanted(_required_str(item, "filename", "a file entry"), wanted)
    )
    return _group_by_version(files, name, versions)


def _simple_json_file(entry: object, page_url: str | None) -> PublishedFile:
    item = _object(entry, "a file entry")
    filename = _required_str(item, "filename", "a file entry")
    where = f"file {filename!r}"
    url = _optional_str(item, "url", where)
    if url is not None and page_url is not None:
        try:
            url = urljoin(page_url, url)
        except ValueError as error:  # e.g. an unclosed "[" of an IPv6 host
            raise ResponseError(f"malformed URL of {where}: {error}") from None
    yanked_value = item.get("yanked", False)
    if not isinstance(yanked_value, (bool, str)):
        raise ResponseError(f"'yanked' of {where} is neither true/false nor a reason")
    reason = yanked_value if isinstance(yanked_value, str) and yanked_value else None
    return PublishedFile(
        filename=filename,
        digests=_digests(item.get("hashes"), where),
        size=_optional_int(item, "size", where),
        upload_time=_optional_str(item, "upload-time", where),
        yanked=yanked_value is not False,
        yanked_reason=reason,
        url=url,
    )


def simple_html_page(
    body: bytes, page_url: str, name: str, versions: Collection[str], charset: str | None = None
) -> dict[str, ReleaseFiles]:
    """PEP 503 HTML: one anchor per file, digests in the URL fragment (``#sha256=...``),
    ``data-yanked`` (an empty value: yanked without a reason). Relative links are resolved
    against ``page_url`` (or the page's ``<base href>``)."""
    text = body.decode(_codec(charset), errors="replace")
    parser = _AnchorParser()
    try:
        parser.feed(text)
        parser.close()
    except AssertionError as error:  # how html.parser reports markup it cannot read
        raise ResponseError(f"malformed HTML: {error}") from None
    base = urljoin(page_url, parser.base_href) if parser.base_href else page_url
    wanted = _wanted(versions)
    files = (
        _html_file(href, yanked, base)
        for href, yanked in parser.anchors
        if _may_be_wanted(unquote(href.split("#", 1)[0].rsplit("/", 1)[-1].strip()), wanted)
    )
    return _group_by_version(files, name, versions)


class _AnchorParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.anchors: list[tuple[str, str | None]] = []  # (href, data-yanked or None)
        self.base_href: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        href = values.get("href")
        if tag == "base" and href and self.base_href is None:
            self.base_href = href
        elif tag == "a" and href:
            # A bare ``data-yanked`` attribute has the value None: yanked, no reason.
            yanked = (values["data-yanked"] or "") if "data-yanked" in values else None
            self.anchors.append((href, yanked))


def _html_file(href: str, yanked: str | None, base: str) -> PublishedFile:
    try:
        url, fragment = urldefrag(urljoin(base, href.strip()))
        path = urlsplit(url).path
    except ValueError as error:  # e.g. an unclosed "[" of an IPv6 host
        raise ResponseError(f"malformed link {href[:200]!r}: {error}") from None
    digests: dict[str, str] = {}
    for part in fragment.split("&"):
        algorithm, _, digest = part.partition("=")
        if algorithm and _HEX.match(digest):
            digests[algorithm.lower()] = digest.lower()
    return PublishedFile(
        filename=unquote(path.rsplit("/", 1)[-1]),
        digests=digests,
        yanked=yanked is not None,
        yanked_reason=yanked or None,
        url=url,
    )


def _wanted(versions: Collection[str]) -> dict[Version, list[str]]:
    """The requested versions by value (``1.7`` is ``1.7.0``), each with its spellings."""
    wanted: dict[Version, list[str]] = {}
    for requested in versions:
        parsed = _version(requested)
        if parsed is not None:
            wanted.setdefault(parsed, []).append(requested)
    return wanted


def _may_be_wanted(filename: str, wanted: Mapping[Version, object]) -> bool:
    """False when the file is surely of another version: the part of its name that
    ``file_version`` would read as the version (a wheel's second field, the end of a
    ``.tar.gz``/``.zip`` name) is a valid version not asked for. A project page lists
    every file ever published (100,000 on a large one): only the few that may be wanted
    are taken apart in full. Anything else (legacy names) goes the full way. With no
    version asked (does the project exist?) every file is read: a page that is malformed
    anywhere then fails the lookup, as it always did."""
    if not wanted:
        return True
    if filename.endswith(".whl"):
        parts = filename[: -len(".whl")].split("-")
        if len(parts) not in (5, 6):
            return True
        text = parts[1]
    elif filename.endswith((".tar.gz", ".zip")):
        stem = filename[: -len(".tar.gz")] if filename.endswith(".tar.gz") else filename[:-4]
        text = stem.rpartition("-")[2]
    else:
        return True
    version = _cached_version(text)
    return version is None or version in wanted


def _group_by_version(
    files: Iterable[PublishedFile], name: str, versions: Collection[str]
) -> dict[str, ReleaseFiles]:
    """Keep the files of the requested versions, found by parsing each filename."""
    wanted = _wanted(versions)
    grouped: dict[Version, list[PublishedFile]] = {}
    for published in files:
        version = file_version(published.filename, name)
        if version is not None and version in wanted:
            grouped.setdefault(version, []).append(published)
    found: dict[str, ReleaseFiles] = {}
    for version, matched in grouped.items():
        table = tuple(matched)
        yanked, reason = _release_yank(table)
        for requested in wanted[version]:
            found[requested] = ReleaseFiles(str(version), table, yanked, reason)
    return found


def file_version(filename: str, name: str) -> Version | None:
    """The version a wheel or sdist filename names, when it belongs to project ``name``."""
    try:
        if filename.endswith(".whl"):
            project, version, _, _ = parse_wheel_filename(filename)
        else:
            project, version = parse_sdist_filename(filename)
    except (InvalidWheelFilename, InvalidSdistFilename, InvalidVersion):
        return _legacy_sdist_version(filename, name)
    return version if normalize_name(project) == normalize_name(name) else None


def _legacy_sdist_version(filename: str, name: str) -> Version | None:
    """``Foo.Bar-1.0.tar.bz2`` and other old source archives: the project name is known, so
    the version is what follows it (names and versions both may contain ``-``)."""
    suffix = next((s for s in _LEGACY_SDIST_SUFFIXES if filename.lower().endswith(s)), None)
    if suffix is None:
        return None
    stem = filename[: -len(suffix)]
    target = normalize_name(name)
    for index, char in enumerate(stem):
        if char == "-" and normalize_name(stem[:index]) == target:
            return _version(stem[index + 1 :])
    return None


def _release_yank(files: tuple[PublishedFile, ...]) -> tuple[bool, str | None]:
    """A release is yanked when every one of its files is."""
    if not files or not all(published.yanked for published in files):
        return False, None
    return True, next((f.yanked_reason for f in files if f.yanked_reason), None)


# --- small helpers --------------------------------------------------------------------


def load_json(body: bytes) -> object:
    try:
        return json.loads(body)
    except RecursionError:
        raise ResponseError("invalid JSON: nested too deeply") from None
    except json.JSONDecodeError as error:
        if error.msg.startswith("Unterminated string") or error.pos >= len(error.doc.rstrip()):
            raise ResponseError(f"truncated JSON ({len(body)} bytes)") from None
        where = f"line {error.lineno} column {error.colno}"
        raise ResponseError(f"invalid JSON: {error.msg} at {where}") from None
    except ValueError as error:  # bytes in no Unicode encoding
        raise ResponseError(f"invalid JSON: {error}") from None


def parse_content_type(value: str) -> tuple[str, str | None]:
    """``text/html; charset=latin-1`` -> ("text/html", "latin-1")."""
    media_type, *params = value.split(";")
    charset = None
    for param in params:
        key, _, val = param.partition("=")
        if key.strip().lower() == "charset":
            charset = val.strip().strip('"') or None
    return media_type.strip().lower(), charset


def _codec(charset: str | None) -> str:
    if charset:
        try:
            return codecs.lookup(charset).name
        except LookupError:
            pass
    return "utf-8"


def _version(text: str) -> Version | None:
    try:
        return Version(text)
    except InvalidVersion:
        return None


# Per page the same few hundred version texts stand in thousands of file names. Bounded:
# an index may send any number of distinct ones.
_cached_version = functools.lru_cache(maxsize=4096)(_version)


def _object(value: object, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ResponseError(f"{what} is not a JSON object")
    return value


def _list(value: object, what: str) -> list[Any]:
    if not isinstance(value, list):
        raise ResponseError(f"{what} is not a JSON list")
    return value


def _required_str(item: Mapping[str, Any], key: str, where: str) -> str:
    value = item.get(key)
    if not isinstance(value, str) or not value:
        raise ResponseError(f"{where} has no {key!r}")
    return value


def _optional_str(item: Mapping[str, Any], key: str, where: str) -> str | None:
    value = item.get(key)
    if value is not None and not isinstance(value, str):
        raise ResponseError(f"{key!r} of {where} is not a string")
    return value


def _optional_int(item: Mapping[str, Any], key: str, where: str) -> int | None:
    value = item.get(key)
    if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
        raise ResponseError(f"{key!r} of {where} is not a number")
    return value


def _optional_bool(item: Mapping[str, Any], key: str, where: str) -> bool | None:
    value = item.get(key)
    if value is not None and not isinstance(value, bool):
        raise ResponseError(f"{key!r} of {where} is not true/false")
    return value


def _digests(value: object, where: str) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ResponseError(f"the digests of {where} are not a JSON object")
    digests: dict[str, str] = {}
    for algorithm, digest in value.items():
        if not isinstance(digest, str):
            raise ResponseError(f"the {algorithm} digest of {where} is not a string")
        digests[str(algorithm).lower()] = digest.lower()
    return digests
