"""The engine's index phase (``--verify``): decide which index each package is checked
against, ask the index once for everything, and build the snapshot rules read."""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterable, Sequence
from types import MappingProxyType
from urllib.parse import urlsplit

from lockcheck import verify_metadata
from lockcheck.config import Settings
from lockcheck.errors import ConfigError, LockcheckError
from lockcheck.findings import ErrorEntry
from lockcheck.index import resolve
from lockcheck.index.interface import (
    EntryKey,
    IndexSnapshot,
    LookupStatus,
    PackageIndex,
    ProgressFn,
    Release,
    ReleaseKey,
    entry_key,
)
from lockcheck.index.pip_defaults import pip_file_hosts
from lockcheck.index.verification import (
    check_hashes,
    checked_packages,
    disagrees,
    moved_artifacts,
)
from lockcheck.model import LockedPackage, Lockfile, LockFormat, Note
from lockcheck.rules.selection import select_rules
from lockcheck.urls import host, redact

Pairs = Sequence[tuple[Settings, Lockfile]]


def lookup(
    pairs: Pairs,
    index: PackageIndex,
    progress: ProgressFn | None,
    errors: list[ErrorEntry],
    notes: list[Note] | None = None,
) -> IndexSnapshot | None:
    """Ask the index about every release (a cached answer that contradicts the lock is
    asked again, fresh); None (and an error) when no index is known. Packages whose files
    no index serves are not asked about: ``notes`` says so."""
    assignments: dict[EntryKey, tuple[ReleaseKey, ...]] = {}
    for settings, lock in pairs:
        fallback: resolve.Fallback | None = None
        for package in lock.packages:
            if not resolve.needs_verification(package):
                continue
            if fallback is None:
                fallback = resolve.fallback_for(lock)
            indexes = resolve.candidate_indexes(lock, package, settings, fallback)
            elsewhere = _served_elsewhere(lock, package, indexes)
            if elsewhere is not None:
                if notes is not None:
                    notes.append(Note(package.location, elsewhere))
                continue
            if not indexes:
                errors.append(
                    ErrorEntry.of(
                        package.location.path,
                        package.location.line,
                        f"--verify: no index to check {package.name} against; set one with "
                        f"{resolve.INDEX_OPTIONS}",
                    )
                )
                return None
            problems = [(url, p) for url in indexes if (p := invalid_index_url(url))]
            for url, problem in problems:
                error = ErrorEntry.of(
                    package.location.path,
                    None,
                    f"--verify: invalid index URL {redact(_without_userinfo(url))}: {problem}; "
                    "correct --index-url, the config's index-url or the index the lock records",
                )
                if error not in errors:  # once per file and index, not once per package
                    errors.append(error)
            if problems:
                continue
            try:
                cleaned = [
                    index.add_credentials(
                        url,
                        user_chosen=resolve.chosen_by_user(url, settings, fallback),
                        variables=resolve.credential_variables(lock, package, url, fallback),
                    )
                    for url in indexes
                ]
            except LockcheckError as exc:  # an index URL that is no URL
                error = ErrorEntry.of(package.location.path, None, str(exc))
                if error not in errors:
                    errors.append(error)
                continue
            assignments[entry_key(package)] = tuple(
                ReleaseKey(url, package.name, package.version or "") for url in cleaned
            )
    keys = list(dict.fromkeys(k for keys in assignments.values() for k in keys))
    try:
        per_package = _in_packages(progress, len(assignments)) if progress else None
        releases = index.fetch(keys, progress=per_package) if keys else {}
        public_index, public_names = _public_names(pairs, index)
        metadata, metadata_notes = verify_metadata.lookup(pairs, assignments, releases, index)
    except LockcheckError as exc:  # a setting the client refused (LOCKCHECK_TIMEOUT, --jobs)
        errors.append(ErrorEntry.of("--verify", None, str(exc)))
        return None
    snapshot = IndexSnapshot(
        releases=MappingProxyType(dict(releases)),
        assignments=MappingProxyType(assignments),
        public_names=MappingProxyType(public_names),
        public_index=public_index,
        metadata=MappingProxyType(metadata),
        notes=metadata_notes,
    )
    stale = _stale_answers(pairs, snapshot)
    if stale:
        try:
            snapshot = _refreshed(snapshot, index.fetch(stale, fresh=True))
        except LockcheckError as exc:
            errors.append(ErrorEntry.of("--verify", None, str(exc)))
            return None
    errors.extend(permanent_failures(snapshot.releases.values()))
    return snapshot


def _in_packages(progress: ProgressFn, packages: int) -> ProgressFn:
    """The index counts releases it asked for (one per index and release, shared by
    lockfiles); the bar, like the summary, counts locked packages."""

    def report(done: int, total: int) -> None:
        progress(packages * done // total if total else packages, packages)

    return report


def _served_elsewhere(lock: Lockfile, package: LockedPackage, indexes: Sequence[str]) -> str | None:
    """Why a package cannot be checked against an index, or None when it can.

    A pylock.toml entry without `index` takes its files from their URLs: a CDN, a vendor's
    host (`pip lock --find-links`). Asking the default index would compare hashes of files
    it never served (a false LC301); no retry can change that, so it is a note, not LC306.
    (pdm.lock never records an index: its static URLs come from the one it is verified on.)
    """
    if lock.format is not LockFormat.PYLOCK:
        return None
    if package.source.url is not None or not package.artifacts:
        return None
    hosts = {host(a.url) if a.url else None for a in package.artifacts}
    served = {host(url) for url in indexes} | set(pip_file_hosts().values())
    if None in hosts or hosts & served:
        return None
    where = ", ".join(sorted(h for h in hosts if h))
    return (
        f"{package.label}: its files come from {where}, which is not an index; the lock "
        "records no index for it, so its hashes cannot be verified against one"
    )


def permanent_failures(releases: Iterable[Release]) -> list[ErrorEntry]:
    """One error per index a retry cannot fix (exit 2): credentials refused, a certificate
    that does not verify, a URL no client can ask. The message names the index and says
    what to do; its packages still count as unverified."""
    found: dict[str, str] = {}
    for release in releases:
        if release.status is LookupStatus.FAILED and release.permanent:
            found.setdefault(release.key.index_url, release.error or "refused")
    return [
        ErrorEntry.of("--verify", None, f"index {redact(url)} cannot be used: {message}")
        for url, message in found.items()
    ]


def _public_names(pairs: Pairs, index: PackageIndex) -> tuple[str | None, dict[str, LookupStatus]]:
    """LC307: which configured private names the public index knows. Asked only where
    LC307 runs: a private name is not sent to the public index for a rule switched off."""
    names = sorted(
        {
            package.name
            for settings, lock in pairs
            if settings.private_packages
            and any(rule.code == "LC307" for rule in select_rules(settings))
            for package in lock.packages
            if not package.is_project
            and any(fnmatch.fnmatchcase(package.name, p) for p in settings.private_packages)
        }
    )
    if not names:
        return None, {}
    public = resolve.public_index()
    if public is None:
        return None, {}
    problem = invalid_index_url(public)
    if problem:
        raise ConfigError(f"--verify: invalid public index URL {redact(public)}: {problem}")
    # Set in the environment (LOCKCHECK_PUBLIC_INDEX_URL), it is an index the user chose.
    chosen = bool(os.environ.get("LOCKCHECK_PUBLIC_INDEX_URL", "").strip())
    cleaned = index.add_credentials(public, user_chosen=chosen)
    return redact(public), index.project_status(cleaned, names)


def _without_userinfo(url: str) -> str:
    """The URL without ``user:password@``, by string alone (it may not parse; a password
    may contain "@", so the last one ends the user information)."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    authority, slash, path = rest.partition("/")
    return f"{scheme}://{authority.rpartition('@')[2]}{slash}{path}"


def invalid_index_url(url: str) -> str | None:
    """Why an index URL cannot be asked at all (it would only fail, or crash, later)."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError as error:
        if "NFKC" in str(error):  # that message quotes the netloc, password and all
            return "the host has characters that are invalid under NFKC normalization"
        return str(error) if "@" not in str(error) else "not a valid URL"
    if parts.scheme.lower() not in ("http", "https"):
        return f"the scheme is not http or https: {parts.scheme or 'none'}"
    if not parts.hostname:
        return "no host"
    return None


def _stale_answers(pairs: Pairs, snapshot: IndexSnapshot) -> list[ReleaseKey]:
    """The keys of cached answers that contradict the lock: published digests never
    change, so the contradiction may be the cache's fault (decided from the snapshot's
    data alone, whichever rules run)."""
    keys = (
        key
        for _, lock in pairs
        for package, release in checked_packages(lock, snapshot)
        if release.from_cache and disagrees(package, release)
        for key in snapshot.assignments[entry_key(package)]
        if (answer := snapshot.releases.get(key)) is not None and answer.from_cache
    )
    return list(dict.fromkeys(keys))


def _refreshed(snapshot: IndexSnapshot, fresh: dict[ReleaseKey, Release]) -> IndexSnapshot:
    releases = dict(snapshot.releases)
    releases.update(fresh)
    return snapshot._replace(releases=MappingProxyType(releases))


def verification_counts(pairs: Pairs, snapshot: IndexSnapshot | None) -> tuple[int, int]:
    """(verified, unverified): a package is verified only if every locked hash matched a
    published file; it is unverified when the index could not be asked about it."""
    verified = unverified = 0
    for settings, lock in pairs:
        unasked = _unasked_private(settings, lock, snapshot)
        unverified += len(unasked)
        for package, release in checked_packages(lock, snapshot):
            if package.name in unasked:
                continue  # counted: LC307 could not ask about it
            if release.status is LookupStatus.FAILED:
                unverified += 1
                continue
            if release.status is not LookupStatus.FOUND:
                continue
            checks = check_hashes(package, release)
            if any(c.unverifiable for c in checks):
                unverified += 1
            elif (
                checks
                and all(c.matched is not None for c in checks)
                and not moved_artifacts(package, release)  # the right bytes, a wrong place
            ):
                verified += 1
    return verified, unverified


def _unasked_private(
    settings: Settings, lock: Lockfile, snapshot: IndexSnapshot | None
) -> set[str]:
    """Private names the public index could not be asked about (LC307 did not run)."""
    if snapshot is None or not settings.private_packages:
        return set()
    return {
        package.name
        for package in lock.packages
        if not package.is_project
        and snapshot.public_names.get(package.name) is LookupStatus.FAILED
        and any(fnmatch.fnmatchcase(package.name, p) for p in settings.private_packages)
    }
