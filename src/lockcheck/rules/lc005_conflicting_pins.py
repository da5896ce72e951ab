"""The same package pinned twice, to different versions, where both pins can apply.

## What it does
Flags a package that appears more than once (in the file or in the files it includes,
constraints too) with different versions or sources, when the environment markers of the
two entries can both be true on some platform and Python version the lock is for (its
`requires-python`, and uv's `environments`). In a uv.lock with `conflicts`, two entries
only meet when some allowed choice of extras and groups installs both: the `cpu` and `cuda`
builds of one package, one per conflicting extra, are fine.

Entries that agree are not flagged: `foo` or `foo>=1` beside `foo==1.0`, or a constraint
(`-c`) whose range admits the pin. Where the lock does not say where an entry applies
(poetry.lock before lock-version 2.1 keeps markers on the parents' edges only), it is not
flagged either.

## Why is this bad?
Which pin wins depends on the installer and the order of files: pip stops with
"double requirement" or "cannot install ... because these package versions have
conflicting dependencies", and other tools pick one silently. Either way the lock does not
say what will be installed. Entries with markers that exclude each other (for example one
for `python_version < "3.11"` and one for the rest) are fine and not flagged.

## How to fix
In requirements files, keep one of the two lines (or change one to the version of the
other), or give them markers that exclude each other. A lock a tool wrote: regenerate it
from one set of inputs.

## Example
```
-r base.txt          # has urllib3==2.2.3
urllib3==1.26.20
```
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from lockcheck import filenames
from lockcheck.findings import Finding, Severity
from lockcheck.markers import choose_conflicts, describe, overlap, supported
from lockcheck.model import LockedPackage, Lockfile, LockFormat, SourceKind
from lockcheck.rules import fixes
from lockcheck.rules.base import RuleContext, define


def _pin(package: LockedPackage) -> tuple[str, str | None, str, str | None]:
    return (package.specifier, _version(package), package.source.kind.value, package.source.url)


def check(lock: Lockfile, ctx: RuleContext) -> Iterator[Finding]:
    by_name: dict[str, list[LockedPackage]] = defaultdict(list)
    for package in lock.packages:
        # An unnamed entry (a local editable whose directory does not name its project)
        # cannot be matched with another one by name.
        if not package.is_project and package.name:
            by_name[package.name].append(package)
    for entries in by_name.values():
        if len(entries) < 2:
            continue
        for i, later in enumerate(entries[1:], start=1):
            for earlier in entries[:i]:
                if not (earlier.marker_known and later.marker_known):
                    continue  # the lock does not say where they apply: do not guess
                if _pin(earlier) == _pin(later) or _agree(earlier, later):
                    continue
                # The lock's environments only now: most locks have no pair to compare,
                # and reading requires-python takes packaging (15 ms to import).
                within = supported(lock.requires_python, lock.supported_markers)
                where = _together(earlier, later, within)
                if where is None:
                    continue
                shown = (
                    earlier.display_name + earlier.specifier if earlier.specifier else earlier.label
                )
                yield RULE.finding(
                    later.location,
                    f"also pinned as {shown} at {earlier.location}; both apply on {where}",
                    package=later,
                    fix=_fix(lock, earlier, later),
                )
                break


def _agree(first: LockedPackage, second: LockedPackage) -> bool:
    """Entries that ask for one thing: a name or a range (`foo`, `foo>=1`, a constraint)
    beside a pin or a file it admits, two ranges (LC001's business), or the same version
    from the same index."""
    for loose, other in ((first, second), (second, first)):
        if _loose(loose):
            version = _version(other)
            # A direct URL or VCS checkout whose version the lock does not say: cannot
            # tell that the range excludes it, so no finding.
            return version is None or _admits(loose.specifier, version)
    registry = [p for p in (first, second) if p.source.kind is SourceKind.REGISTRY]
    if not registry:
        return False  # two different URLs or checkouts for one name: pip refuses that
    if len(registry) == 2 and first.source.url != second.source.url:
        return False  # the same version from two indexes is two different files
    # A pin beside a pin, or beside `foo @ https://.../foo-1.0-py3-none-any.whl`: the same
    # release unless a version says otherwise (a file that names none cannot be judged).
    one, two = _version(first), _version(second)
    return one is None or two is None or _same_version(one, two)


def _loose(package: LockedPackage) -> bool:
    """A name or a range: an index entry that names neither a version nor a file."""
    return (
        package.source.kind is SourceKind.REGISTRY
        and package.version is None
        and not package.artifacts
    )


def _version(package: LockedPackage) -> str | None:
    """The version an entry installs: its pin, or what its archive's filename says."""
    if package.version is not None:
        return package.version
    for artifact in package.artifacts:
        for reading in filenames.readings(artifact.filename or ""):
            if reading.project == package.name:
                return reading.version
    return None


def _same_version(first: str, second: str) -> bool:
    from packaging.version import InvalidVersion, Version

    try:
        return Version(first) == Version(second)
    except InvalidVersion:
        return first == second


def _admits(specifier: str, version: str) -> bool:
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    try:
        return SpecifierSet(specifier).contains(version, prereleases=True)
    except InvalidSpecifier:
        return True  # cannot tell: no finding


def _together(first: LockedPackage, second: LockedPackage, within: int) -> str | None:
    """Where both entries are installed: an environment, with the choice of uv conflicting
    extras/groups that gets there, or None."""
    if first.activations is None and second.activations is None:
        env = overlap(first.marker, second.marker, within)
        return describe(env) if env is not None else None
    candidates = first.activations if first.activations is not None else second.activations
    for chosen in candidates or ():
        if first.activations is not None and chosen not in first.activations:
            continue
        if second.activations is not None and chosen not in second.activations:
            continue
        env = overlap(
            choose_conflicts(first.marker, chosen), choose_conflicts(second.marker, chosen), within
        )
        if env is not None:
            shown = ", ".join(sorted(_decode(c) for c in chosen))
            return describe(env) + (f" with {shown}" if shown else "")
    return None


def _decode(encoded: str) -> str:
    """`extra-5-myapp-cpu` -> `extra 'cpu' of myapp`."""
    kind, _, rest = encoded.partition("-")
    length, _, rest = rest.partition("-")
    if not length.isdigit():
        return encoded
    project, name = rest[: int(length)], rest[int(length) + 1 :]
    return f"{kind} {name!r} of {project}" if name else f"project {project}"


def _fix(lock: Lockfile, earlier: LockedPackage, later: LockedPackage) -> str:
    if lock.format is not LockFormat.REQUIREMENTS:
        return fixes.regenerate(lock)
    if earlier.is_constraint or later.is_constraint:
        constraint, pin = (earlier, later) if earlier.is_constraint else (later, earlier)
        return (
            f"change the constraint at {constraint.location} to admit {pin.label}, "
            f"or the pin at {pin.location} to a version it admits"
        )
    return (
        f"keep one of the two: remove or change this line or the one at {earlier.location}, "
        "or give them markers that exclude each other"
    )


RULE = define(__doc__, code="LC005", name="conflicting-pins", severity=Severity.ERROR, check=check)
