"""A CycloneDX 1.6 JSON SBOM of every locked package, with which of its hashes ``--verify``
confirmed against the index: an inventory whose hashes were checked, not only copied."""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from collections import Counter
from typing import Any
from urllib.parse import quote

from lockcheck import __version__
from lockcheck.findings import PackageRecord, Report
from lockcheck.report import display_path
from lockcheck.urls import same_index

SPEC_VERSION = "1.6"
# lockcheck's algorithm names (pip's) -> CycloneDX's; others (md5 aside) have no CycloneDX name.
_ALGORITHMS = {
    "md5": "MD5",
    "sha1": "SHA-1",
    "sha256": "SHA-256",
    "sha384": "SHA-384",
    "sha512": "SHA-512",
    "sha3_256": "SHA3-256",
    "sha3_384": "SHA3-384",
    "sha3_512": "SHA3-512",
    "blake2b": "BLAKE2b-512",
}
# The schema's pattern for hash content: a malformed digest (LC004) cannot be listed.
_HEX = re.compile(
    r"^(?:[0-9a-fA-F]{32}|[0-9a-fA-F]{40}|[0-9a-fA-F]{64}|[0-9a-fA-F]{96}|[0-9a-fA-F]{128})$"
)
PROPERTY_VERIFIED = "lockcheck:verified"  # true | false | unchecked, per component
PROPERTY_VERIFIED_HASH = "lockcheck:verified-hash"  # alg:digest the index published
PROPERTY_MISMATCHED_HASH = "lockcheck:mismatched-hash"  # alg:digest the index does not have
PROPERTY_LOCKFILE = "lockcheck:lockfile"


def purl(record: PackageRecord, default_index: str | None) -> str | None:
    """``pkg:pypi/name@version``, with a repository_url for any index but the default."""
    if not record.version:
        return None
    name = record.name.lower().replace("_", "-").replace(".", "-")
    text = f"pkg:pypi/{quote(name)}@{quote(record.version, safe='')}"
    index = record.index_url
    if index and not (default_index and same_index(index, default_index)):
        text += f"?repository_url={quote(index.rstrip('/'), safe='')}"
    return text


def verification(record: PackageRecord) -> str:
    states = [h.verified for h in record.hashes]
    if any(state is False for state in states):
        return "false"
    if states and all(state is True for state in states):
        return "true"
    return "unchecked"


def _component(record: PackageRecord, ref: str, default_index: str | None) -> dict[str, Any]:
    component: dict[str, Any] = {"type": "library", "bom-ref": ref, "name": record.name}
    if record.version:
        component["version"] = record.version
    locator = purl(record, default_index)
    if locator and record.kind == "registry":
        component["purl"] = locator
    hashes = []
    seen: set[tuple[str, str]] = set()
    for h in record.hashes:
        alg = _ALGORITHMS.get(h.algorithm.lower())
        key = (h.algorithm.lower(), h.digest.lower())
        if alg is None or not _HEX.match(h.digest) or key in seen:
            continue
        seen.add(key)
        hashes.append({"alg": alg, "content": h.digest.lower()})
    if hashes:
        component["hashes"] = hashes
    references = []
    if record.index_url:
        references.append(
            {"type": "distribution", "url": record.index_url, "comment": "the package index"}
        )
    if record.url and record.kind in ("url", "vcs"):
        references.append(
            {"type": "vcs" if record.kind == "vcs" else "distribution", "url": record.url}
        )
    if references:
        component["externalReferences"] = references
    properties = [
        {"name": PROPERTY_LOCKFILE, "value": display_path(record.path)},
        {"name": PROPERTY_VERIFIED, "value": verification(record)},
    ]
    for h in record.hashes:
        if h.verified is None:
            continue
        name = PROPERTY_VERIFIED_HASH if h.verified else PROPERTY_MISMATCHED_HASH
        properties.append({"name": name, "value": f"{h.algorithm.lower()}:{h.digest.lower()}"})
    component["properties"] = _unique(properties)
    return component


def _unique(properties: list[dict[str, str]]) -> list[dict[str, str]]:
    seen: set[tuple[str, str]] = set()
    kept = []
    for item in properties:
        key = (item["name"], item["value"])
        if key not in seen:
            seen.add(key)
            kept.append(item)
    return kept


def as_dict(
    report: Report, *, default_index: str | None = None, now: dt.datetime | None = None
) -> dict[str, Any]:
    moment = now or dt.datetime.now(dt.timezone.utc)
    used: Counter[str] = Counter()
    components = []
    for record in report.inventory:
        base = purl(record, default_index) or f"{record.name}@{record.version or ''}"
        used[base] += 1
        # The same package in two lockfiles (or twice under markers): one component each.
        ref = base if used[base] == 1 else f"{base}#{used[base]}"
        components.append(_component(record, ref, default_index))
    return {
        "bomFormat": "CycloneDX",
        "specVersion": SPEC_VERSION,
        "serialNumber": uuid.uuid4().urn,
        "version": 1,
        "metadata": {
            "timestamp": moment.replace(microsecond=0).isoformat().replace("+00:00", "Z"),
            "tools": {
                "components": [{"type": "application", "name": "lockcheck", "version": __version__}]
            },
            "properties": [
                {"name": "lockcheck:lockfile", "value": display_path(f.path)} for f in report.files
            ],
        },
        "components": components,
    }


def render(report: Report) -> str:
    from lockcheck.index.pip_defaults import pip_default_index

    return json.dumps(as_dict(report, default_index=pip_default_index()), indent=2) + "\n"
