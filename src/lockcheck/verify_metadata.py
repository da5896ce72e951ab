"""The index phase's part for LC203 on requirements files, pylock.toml and Pipfile.lock:
which releases need their core metadata, fetched once, up front, like the digests.

Only where LC203 runs on such a file, and only for releases the index has (one metadata
lookup per release, on the index that answered for it).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from lockcheck.config import Settings
from lockcheck.index.interface import EntryKey, LookupStatus, Release, ReleaseKey, entry_key
from lockcheck.lock_environments import targets
from lockcheck.model import Location, Lockfile, LockFormat, Note

WITHOUT_EDGES = (LockFormat.REQUIREMENTS, LockFormat.PYLOCK, LockFormat.PIPFILE)
CODE = "LC203"


def lookup(
    pairs: Sequence[tuple[Settings, Lockfile]],
    assignments: Mapping[EntryKey, tuple[ReleaseKey, ...]],
    releases: Mapping[ReleaseKey, Release],
    index: object,
) -> tuple[dict[ReleaseKey, tuple[str, ...] | None], tuple[Note, ...]]:
    from lockcheck.engine import select_rules  # loaded already: the engine runs this phase
    from lockcheck.index.metadata import MetadataSource

    wanted: list[ReleaseKey] = []
    notes: list[Note] = []
    for settings, lock in pairs:
        if lock.format not in WITHOUT_EDGES:
            continue
        if not any(rule.code == CODE for rule in select_rules(settings)):
            continue
        note = targets(lock).note
        if note:
            notes.append(Note(Location(lock.path, None), note))
        for package in lock.packages:
            for key in assignments.get(entry_key(package), ()):
                release = releases.get(key)
                if release is not None and release.status is LookupStatus.FOUND:
                    wanted.append(key)
                    break
    if not wanted:
        return {}, tuple(notes)
    if not isinstance(index, MetadataSource):
        return {}, tuple(notes)
    found = index.fetch_metadata(list(dict.fromkeys(wanted)))
    metadata = {key: value.requires for key, value in found.items()}
    unread = [(key, value.error) for key, value in found.items() if value.requires is None]
    if unread:
        # One note for all of them: an index without core metadata would give hundreds.
        shown = "; ".join(f"{k.name}=={k.version}: {error}" for k, error in unread[:3])
        more = f" (and {len(unread) - 3} more)" if len(unread) > 3 else ""
        notes.append(
            Note(
                Location("--verify", None),
                f"LC203 could not read the dependencies of {len(unread)} "
                f"release{'s' if len(unread) != 1 else ''}, so did not judge them: {shown}{more}",
            )
        )
    return metadata, tuple(notes)
