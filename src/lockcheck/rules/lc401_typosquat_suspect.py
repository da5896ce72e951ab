"""A locked name one slip away from a popular project's name.

## What it does
Compares the name of each package the lock installs from an index with the 3,000 most
downloaded projects (a list shipped with lockcheck), and flags a name that is not itself
on the list of popular projects but is one slip away from one of them: two neighbouring
characters swapped (`reqeusts`), a letter left out (`requets`), a letter doubled or a
neighbouring key struck (`requestss`, `rewuests`), a separator added or removed
(`python-dateutil` → `pythondateutil`; `-`, `_` and `.` are already the same name), a
plural `s` added (`python-dateutils`), or a look-alike character (`jeIlyfish`,
`co1orama`, `rnatplotlib` for `matplotlib`, a Cyrillic letter that looks like a Latin
one). It needs no network.

Left alone, because real projects differ from popular ones this way all the time: names
under five characters, digits added, removed or changed (`elasticsearch8`, `pypdf3`), a
different first letter (`usort`, `unicorn`), and a slip inside a short part of a longer
name (`mypy-boto3-efs`). Measured on real, less popular projects (the shipped list beyond
the names compared), under 0.5% of names are flagged; `bench/typosquat_rate.py` prints
the rate.

Not judged: the project itself and its workspace members (their names are the team's own
choice and are not fetched from an index by name), packages from a VCS, URL or local path
(the lock names the exact source, so the name does not decide what is installed), names
listed in `typosquat-allow`, and configured private packages (`[tool.lockcheck.private]`).

The severity is warning: the rule can only say that a name *looks* like a typo of
another. Real projects are sometimes one slip from a popular one, and a false error on a
good lock is worse than a missed one; set `fail-on = "warning"` or raise the severity to
make it block.

## Why is this bad?
An index installs whatever project holds the name it is asked for. Attackers register
names one typo away from popular projects (typosquatting is the most common attack on
package indexes) and wait for someone to mistype one in a manifest; once the typo is
locked, every install runs the attacker's code, with hashes that match perfectly.

## How to fix
If you meant the popular project, correct the name in your manifest and lock again, then
find out what the mistyped package did wherever it was installed. If the name is the
project you really use, add it to `typosquat-allow`:
```toml
[tool.lockcheck]
typosquat-allow = ["reqeusts"]
```

## Example
```
reqeusts==2.32.3 --hash=sha256:...
```
`reqeusts` is `requests` with two characters swapped.
"""

from __future__ import annotations

from collections.abc import Iterator

from lockcheck import typosquat
from lockcheck.findings import Finding, Severity
from lockcheck.model import Lockfile, SourceKind
from lockcheck.rules.base import RuleContext, define
from lockcheck.rules.private_names import is_private


def check(lock: Lockfile, ctx: RuleContext) -> Iterator[Finding]:
    allowed = frozenset(ctx.settings.typosquat_allow)
    private = ctx.settings.private_packages
    for package in lock.packages:
        if package.is_project or package.source.kind is not SourceKind.REGISTRY:
            continue
        if is_private(package.name, private):
            continue
        found = typosquat.suspect(package.name, allowed)
        if found is None:
            continue
        yield RULE.finding(
            package.location,
            f"{package.name!r} is one slip from the popular project {found.popular!r} "
            f"({found.how}): a mistyped name installs whatever project holds it",
            package=package,
            fix=f"if you meant {found.popular!r}, correct the name and lock again; if "
            f"{package.name!r} is the project you use, add it to typosquat-allow",
        )


RULE = define(
    __doc__, code="LC401", name="typosquat-suspect", severity=Severity.WARNING, check=check
)
