"""The engine's one straight pass: parse -> index snapshot -> findings -> waivers -> Report.

An index given to run() is asked once, up front; without one nothing asks it; a cached
answer that contradicts the lock is asked again because the snapshot says where it came
from (whichever rules run); waivers are their own module.
"""

from __future__ import annotations

import ast
import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import get_type_hints

import pytest

from lockcheck import verify as verify_phase
from lockcheck.config import Settings, Waiver
from lockcheck.discover import Target
from lockcheck.engine import run
from lockcheck.errors import ConfigError
from lockcheck.findings import Finding, Severity
from lockcheck.index.snapshot import (
    IndexSnapshot,
    LookupStatus,
    PublishedFile,
    Release,
    ReleaseKey,
)
from lockcheck.model import Location, LockFormat
from lockcheck.rules.base import RuleContext
from lockcheck.rules.selection import select_rules
from lockcheck.waivers import Checked, WaiverBook, apply, matches

INDEX = "http://127.0.0.1:9/simple"  # never asked: the double below answers
WHEEL = "demo-1.0-py3-none-any.whl"
GOOD = "ab" * 32
WRONG = "cd" * 32
TODAY = dt.date(2026, 11, 30)
SRC = Path(__file__).resolve().parents[1] / "src" / "lockcheck"


class RecordingIndex:
    """A PackageIndex double: answers every key from ``published`` (marked as from the
    cache unless asked fresh), and records every call."""

    def __init__(
        self, cached: dict[str, str], fresh: dict[str, str], *, has_cache: bool = True
    ) -> None:
        self.cached = cached  # version -> the digest a (stale) cache holds
        self.fresh = fresh  # version -> the digest the index publishes now
        self.has_cache = has_cache
        self.calls: list[tuple[tuple[ReleaseKey, ...], bool]] = []

    def fetch(
        self, keys: Sequence[ReleaseKey], *, fresh: bool = False, progress: object = None
    ) -> dict[ReleaseKey, Release]:
        self.calls.append((tuple(keys), fresh))
        source = self.fresh if fresh else self.cached
        return {
            key: Release(
                key,
                LookupStatus.FOUND,
                (PublishedFile(f"demo-{key.version}-py3-none-any.whl", {"sha256": digest}),),
                from_cache=self.has_cache and not fresh,
            )
            for key in keys
            if (digest := source.get(key.version)) is not None
        }

    def project_status(self, index_url: str, names: Sequence[str]) -> dict[str, LookupStatus]:
        raise AssertionError("no private packages are configured")

    def add_credentials(
        self, url: str, *, user_chosen: bool = False, variables: Sequence[str] = ()
    ) -> str:
        return url


def lock_file(tmp_path: Path, *pins: tuple[str, str]) -> Target:
    path = tmp_path / "requirements.txt"
    lines = [f"--index-url {INDEX}"]
    lines += [f"demo=={version} --hash=sha256:{digest}" for version, digest in pins]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return Target(str(path), LockFormat.REQUIREMENTS)


def settings(*select: str) -> Settings:
    return Settings(select=select or ("ALL",))


# --- run(index=...) replaces verify=/index= -----------------------------------------------


def test_an_index_given_is_asked_once_up_front(tmp_path: Path) -> None:
    index = RecordingIndex(cached={"1.0": GOOD}, fresh={"1.0": GOOD})
    report = run([lock_file(tmp_path, ("1.0", GOOD))], lambda _p: settings(), index=index)
    assert [fresh for _, fresh in index.calls] == [False]
    assert report.verified == 1 and report.skipped_codes == ()


def test_without_an_index_nothing_asks_one_and_the_report_says_what_was_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_index_phase(*args: object) -> None:
        raise AssertionError("the index phase ran without an index")

    monkeypatch.setattr(verify_phase, "lookup", no_index_phase)
    report = run([lock_file(tmp_path, ("1.0", WRONG))], lambda _p: settings())
    assert report.findings == ()  # LC301 would flag WRONG: it did not run
    assert {"LC301", "LC306"} <= set(report.skipped_codes)
    assert report.verified == report.unverified == 0


# --- a cached mismatch is re-checked from the snapshot's data ----------------------------


@pytest.mark.parametrize("select", [("LC301",), ("LC304",)])
def test_a_cached_answer_that_contradicts_the_lock_is_asked_again_fresh(
    tmp_path: Path, select: tuple[str, ...]
) -> None:
    """Whichever rules run (here LC304 alone, which reports no mismatch), the stale cache's
    contradiction is re-checked: the snapshot says the answer came from the cache."""
    index = RecordingIndex(cached={"1.0": WRONG, "2.0": GOOD}, fresh={"1.0": GOOD, "2.0": GOOD})
    target = lock_file(tmp_path, ("1.0", GOOD), ("2.0", GOOD))
    report = run([target], lambda _p: settings(*select), index=index)
    assert len(index.calls) == 2
    (first, was_fresh), (again, now_fresh) = index.calls
    assert not was_fresh and {k.version for k in first} == {"1.0", "2.0"}
    assert now_fresh and [k.version for k in again] == ["1.0"]  # the matching one is not
    assert report.findings == ()
    assert report.verified == 2


def test_a_contradiction_the_fresh_answer_confirms_is_reported(tmp_path: Path) -> None:
    index = RecordingIndex(cached={"1.0": WRONG}, fresh={"1.0": WRONG})
    report = run([lock_file(tmp_path, ("1.0", GOOD))], lambda _p: settings("LC301"), index=index)
    assert [fresh for _, fresh in index.calls] == [False, True]
    assert [f.code for f in report.findings] == ["LC301"]


def test_a_fresh_answer_is_never_asked_twice(tmp_path: Path) -> None:
    index = RecordingIndex(cached={"1.0": WRONG}, fresh={"1.0": WRONG}, has_cache=False)
    report = run([lock_file(tmp_path, ("1.0", GOOD))], lambda _p: settings("LC301"), index=index)
    assert [fresh for _, fresh in index.calls] == [False]
    assert [f.code for f in report.findings] == ["LC301"]


def test_the_snapshot_the_rules_see_holds_the_fresh_answer(tmp_path: Path) -> None:
    from lockcheck.parsers import parse_lockfile

    index = RecordingIndex(cached={"1.0": WRONG}, fresh={"1.0": GOOD})
    target = lock_file(tmp_path, ("1.0", GOOD))
    lock = parse_lockfile(target.path, target.format)
    snapshot = verify_phase.lookup([(settings(), lock)], index, None, [])
    assert snapshot is not None
    (release,) = snapshot.releases.values()
    assert not release.from_cache
    assert release.files[0].digests["sha256"] == GOOD


# --- the snapshot is typed; the LC3xx rules import it at load time ----------------------


def test_rule_context_index_is_the_typed_snapshot() -> None:
    hints = get_type_hints(RuleContext)
    assert hints["index"] == IndexSnapshot | None


def test_no_lc3xx_rule_defers_an_import() -> None:
    modules = sorted((SRC / "rules").glob("lc3*.py"))
    assert modules
    for module in modules:
        tree = ast.parse(module.read_text(encoding="utf-8"))
        for function in ast.walk(tree):
            if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
                inner = [
                    n for n in ast.walk(function) if isinstance(n, (ast.Import, ast.ImportFrom))
                ]
                assert not inner, f"{module.name}: {function.name} imports at run time"


# --- rule selection lives beside the registry -------------------------------------------


def test_selection_by_code_prefix_and_name() -> None:
    chosen = select_rules(Settings(select=("LC30", "missing-hash"), ignore=("LC306",)))
    codes = [r.code for r in chosen]
    assert "LC002" in codes and "LC301" in codes and "LC305" in codes
    assert "LC306" not in codes and "LC001" not in codes
    with pytest.raises(ConfigError, match="unknown rule 'LC999'"):
        select_rules(Settings(select=("LC999",)))


# --- waivers -------------------------------------------------------------------------------


def finding(
    code: str = "LC301", package: str = "demo", path: str = "a/requirements.txt"
) -> Finding:
    return Finding(
        code=code,
        name="hash-not-on-index",
        severity=Severity.ERROR,
        location=Location(path, 3),
        message="m",
        package=package,
    )


def waiver(**fields: object) -> Waiver:
    values: dict[str, object] = {
        "code": "LC301",
        "reason": "known",
        "expires": TODAY + dt.timedelta(days=10),
        "config_path": "lockcheck.toml",
        "line": 2,
    }
    values.update(fields)
    return Waiver(**values)  # type: ignore[arg-type]


def test_waiver_matching_by_code_package_and_path(tmp_path: Path) -> None:
    base = tmp_path
    located = finding(path=str(tmp_path / "a" / "requirements.txt"))
    assert matches(waiver(), located, base)
    assert not matches(waiver(code="LC302"), located, base)
    assert matches(waiver(package="demo"), located, base)
    assert not matches(waiver(package="other"), located, base)
    assert matches(waiver(path="./a/*.txt"), located, base)
    assert not matches(waiver(path="b/*.txt"), located, base)


def test_a_live_waiver_waives_an_expired_one_does_not_and_is_lc901(tmp_path: Path) -> None:
    config = str(tmp_path / "lockcheck.toml")
    live = waiver(package="demo", config_path=config)
    expired = waiver(package="other", expires=TODAY - dt.timedelta(days=1), config_path=config)
    rules = Settings(config_path=config, waivers=(live, expired))
    found = (finding(), finding(package="other"))
    settled = apply([Checked(rules, ("a/requirements.txt",), frozenset({"LC301"}), found)], TODAY)
    by_package = {f.package: f for f, _ in settled.findings if f.code == "LC301"}
    assert by_package["demo"].waived and by_package["demo"].waiver_reason == "known"
    assert not by_package["other"].waived
    assert [f.code for f, _ in settled.findings if f.code.startswith("LC9")] == ["LC901"]


def test_an_unused_waiver_is_lc902_only_where_its_rule_ran(tmp_path: Path) -> None:
    config = str(tmp_path / "lockcheck.toml")
    rules = Settings(config_path=config, waivers=(waiver(config_path=config),))

    def lc9(ran: frozenset[str]) -> list[str]:
        settled = apply([Checked(rules, ("r.txt",), ran, ())], TODAY)
        return [f.code for f, _ in settled.findings]

    assert lc9(frozenset({"LC301"})) == ["LC902"]
    assert lc9(frozenset()) == []  # LC301 did not run (offline): no one can tell


def test_in_tree_waiver_notes_count_what_was_waived(tmp_path: Path) -> None:
    config = str(tmp_path / "lockcheck.toml")
    book = WaiverBook(Settings(config_path=config, in_tree=True, waivers=(waiver(),)))
    book.settle(finding(), TODAY)
    book.settle(finding()._replace(message="n"), TODAY)
    (note,) = book.notes()
    assert "waived 2 findings" in note.message
    assert not WaiverBook(book.settings._replace(in_tree=False)).notes()
