"""Core metadata of a release: the dependencies it declares (`Requires-Dist`), for LC203
on files that record no dependency edges (requirements files, pylock.toml, Pipfile.lock).

Protocol, per release: the JSON API's per-version page (`info.requires_dist`), one
request; for an index without a JSON API, the Simple API page of the project and the
PEP 658 `.metadata` file served beside one of the release's wheels, whose published hash
(`core-metadata` / `data-dist-info-metadata`) is checked before it is read. The transport
is the client's (retries, timeouts, bounded concurrency); this module only builds URLs and
reads answers.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import NamedTuple, Protocol, runtime_checkable
from urllib.parse import quote, urljoin

from lockcheck import filenames
from lockcheck.index.interface import ReleaseKey

JSON_ACCEPT = "application/json"
SIMPLE_ACCEPT = "application/vnd.pypi.simple.v1+json, text/html;q=0.1"
_STRONG = ("sha256", "sha384", "sha512")
NO_CORE_METADATA = "the index publishes no core metadata for this release"


class CoreMetadata(NamedTuple):
    """What a release declares it requires. ``requires`` is None when the index could not
    say (``error`` says why): then nothing is judged for it."""

    key: ReleaseKey
    requires: tuple[str, ...] | None
    error: str | None = None
    # "json" or "pep658"; "absent": the index answered that it publishes none (cached a
    # while, like a release); "" when it could not be asked.
    source: str = ""


class Page(NamedTuple):
    url: str
    content_type: str
    body: bytes


# GET url with an Accept header: the page, or None on a 404. Raises on anything else.
Getter = Callable[[str, str], Awaitable[Page | None]]


@runtime_checkable
class MetadataSource(Protocol):
    """An index that can also fetch core metadata (the HTTP client, the cache-first one)."""

    def fetch_metadata(self, keys: Sequence[ReleaseKey]) -> dict[ReleaseKey, CoreMetadata]: ...


async def release_metadata(get: Getter, json_base: str | None, key: ReleaseKey) -> CoreMetadata:
    name, version = key.name, key.version
    if json_base is not None:
        page = await get(f"{json_base}/{name}/{quote(version, safe='+!')}/json", JSON_ACCEPT)
        if page is not None:
            requires = requires_from_json(page.body)
            if requires is not None:
                return CoreMetadata(key, requires, source="json")
    page = await get(f"{key.index_url.rstrip('/')}/{name}/", SIMPLE_ACCEPT)
    if page is None:
        return CoreMetadata(key, None, "the index has no page for the project")
    candidates = [
        (url, hashes)
        for filename, url, hashes in metadata_links(page)
        if filename.endswith(".whl") and filenames.names(filename, name, version)
    ]
    if not candidates:
        return CoreMetadata(key, None, NO_CORE_METADATA, source="absent")
    url, hashes = candidates[0]
    found = await get(url + ".metadata", "*/*")
    if found is None:
        return CoreMetadata(key, None, f"{url}.metadata is not served", source="absent")
    problem = hash_problem(found.body, hashes)
    if problem:
        return CoreMetadata(key, None, problem)
    return CoreMetadata(key, requires_from_metadata(found.body), source="pep658")


def requires_from_json(body: bytes) -> tuple[str, ...] | None:
    """`info.requires_dist` of a JSON API page (null: none declared); None if unreadable."""
    try:
        data = json.loads(body)
    except ValueError:
        return None
    info = data.get("info") if isinstance(data, dict) else None
    if not isinstance(info, dict) or "requires_dist" not in info:
        return None
    value = info["requires_dist"]
    if value is None:
        return ()
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    return None


def requires_from_metadata(body: bytes) -> tuple[str, ...]:
    from email.parser import BytesHeaderParser  # email pulls in socket, random, calendar

    headers = BytesHeaderParser().parsebytes(body)
    return tuple(str(value) for value in headers.get_all("Requires-Dist") or ())


def hash_problem(body: bytes, hashes: Mapping[str, str]) -> str | None:
    """None when ``body`` has a strong published hash and matches it."""
    import hashlib  # OpenSSL's start-up: only when a metadata file is checked

    for algorithm in _STRONG:
        expected = hashes.get(algorithm)
        if expected:
            actual = hashlib.new(algorithm, body).hexdigest()
            if actual != expected.lower():
                return f"the core metadata does not match its published {algorithm}"
            return None
    return "the index publishes no sha256 for the core metadata"


def metadata_links(page: Page) -> list[tuple[str, str, dict[str, str]]]:
    """(filename, absolute URL, metadata hashes) of every file with PEP 658 metadata."""
    media = page.content_type.split(";")[0].strip().lower()
    if media.endswith("json"):
        try:
            data = json.loads(page.body)
        except ValueError:
            return []
        links = []
        for file in data.get("files", []) if isinstance(data, dict) else []:
            if not isinstance(file, dict):
                continue
            meta = file.get("core-metadata", file.get("data-dist-info-metadata"))
            name, url = file.get("filename"), file.get("url")
            if isinstance(meta, dict) and isinstance(name, str) and isinstance(url, str):
                hashes = {str(k): str(v) for k, v in meta.items()}
                links.append((name, urljoin(page.url, url), hashes))
        return links
    from lockcheck.index.metadata_html import metadata_anchors  # html.parser: only here

    return metadata_anchors(page.url, page.body.decode("utf-8", "replace"))
