"""LC401 typosquat-suspect: locks the real tools wrote, edited to a mistyped name."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from types import ModuleType

import pytest

from conftest import run_cli
from lockcheck import typosquat
from lockcheck.config import Settings, load_settings
from lockcheck.discover import Target
from lockcheck.engine import run
from lockcheck.errors import ConfigError
from lockcheck.findings import Finding, Severity
from lockcheck.parsers import detect_format

REPO = Path(__file__).resolve().parents[2]
PROJECTS = REPO / "fixtures" / "projects"
ONLY = Settings(select=("LC401",))


def lc401(path: Path, settings: Settings = ONLY) -> list[Finding]:
    fmt = detect_format(str(path))
    assert fmt is not None
    report = run([Target(str(path), fmt)], lambda _p: settings)
    assert not report.errors, report.errors
    return [f for f in report.findings if f.code == "LC401"]


def edited(tmp_path: Path, project: str, lockfile: str, old: str, new: str) -> Path:
    """A copy of a fixture project whose lock names ``new`` wherever the tool wrote ``old``
    (entry, dependency lists, file names): as if the manifest had the typo when locked."""
    copy = tmp_path / project
    shutil.copytree(PROJECTS / project, copy)
    path = copy / lockfile
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def line_of(finding: Finding) -> str:
    assert finding.location.line is not None
    lines = Path(finding.location.path).read_text(encoding="utf-8").splitlines()
    return lines[finding.location.line - 1]


# --- one case per format, each with another kind of slip ---------------------------------

CASES = [
    # (lockfile in small-app, popular name, typo, what the finding says the slip is)
    ("requirements.txt", "requests", "reqeusts", "two characters swapped"),
    ("uv.lock", "colorama", "co1orama", "one look-alike character"),
    ("poetry.lock", "certifi", "certifii", "one character added"),
    ("pylock.toml", "urllib3", "urlib3", "one character left out"),
]


@pytest.mark.parametrize(("lockfile", "popular", "typo", "how"), CASES, ids=[c[0] for c in CASES])
def test_a_mistyped_name_is_flagged_at_its_entry(
    tmp_path: Path, lockfile: str, popular: str, typo: str, how: str
) -> None:
    assert typo not in typosquat.popular_set()  # else it would be a real project
    assert lc401(PROJECTS / "small-app" / lockfile) == []
    path = edited(tmp_path, "small-app", lockfile, popular, typo)
    [finding] = lc401(path)
    assert finding.package == typo
    assert finding.severity is Severity.WARNING
    assert f"popular project {popular!r} ({how})" in finding.message
    assert "typosquat-allow" in (finding.fix or "")
    assert finding.location.path == str(path)
    line = line_of(finding)
    if lockfile == "requirements.txt":
        assert line.startswith(f"{typo}==")
    else:  # the [[package]] table, or its name line
        assert line.strip() in ("[[package]]", "[[packages]]", f'name = "{typo}"')


def test_a_plural_of_a_popular_name_in_a_big_uv_lock(tmp_path: Path) -> None:
    path = edited(tmp_path, "big", "uv.lock", '"python-dateutil"', '"python-dateutils"')
    [finding] = lc401(path)
    assert finding.package == "python-dateutils"
    assert "'python-dateutil' (a plural s added)" in finding.message


def test_a_separator_removed(tmp_path: Path) -> None:
    path = edited(
        tmp_path, "small-app", "requirements.txt", "charset-normalizer", "charsetnormalizer"
    )
    [finding] = lc401(path)
    assert "'charset-normalizer' (one separator removed)" in finding.message


@pytest.mark.parametrize(
    "lock",
    sorted(
        p
        for p in PROJECTS.glob("*/*")
        if p.is_file() and detect_format(str(p)) is not None and "stale" not in p.parts
    ),
    ids=lambda p: f"{p.parent.name}/{p.name}",
)
def test_no_real_fixture_is_flagged(lock: Path) -> None:
    assert lc401(lock) == []


# --- what is not judged ------------------------------------------------------------------


def test_the_project_itself_is_not_judged(tmp_path: Path) -> None:
    # The project's name is the team's own choice, and no index is asked for it.
    assert typosquat.suspect("flaks") is not None  # the same name as a dependency would be
    path = edited(tmp_path, "small-app", "uv.lock", '"small-app"', '"flaks"')
    assert lc401(path) == []


def test_a_vcs_dependency_is_not_judged(tmp_path: Path) -> None:
    # The lock names the repository and commit: the name does not decide what is installed.
    assert typosquat.suspect("requets") is not None
    path = edited(tmp_path, "git-dep", "uv.lock", "tinyutil", "requets")
    assert lc401(path) == []


def test_allowed_names_are_not_flagged(tmp_path: Path) -> None:
    path = edited(tmp_path, "small-app", "requirements.txt", "requests", "reqeusts")
    assert len(lc401(path)) == 1
    assert lc401(path, Settings(select=("LC401",), typosquat_allow=("reqeusts",))) == []


def test_private_packages_are_not_flagged(tmp_path: Path) -> None:
    path = edited(tmp_path, "small-app", "requirements.txt", "requests", "reqeusts")
    assert lc401(path, Settings(select=("LC401",), private_packages=("req*",))) == []


def test_typosquat_allow_from_the_config_file_is_normalised(tmp_path: Path) -> None:
    path = edited(tmp_path, "small-app", "requirements.txt", "requests", "reqeusts")
    config = path.parent / "lockcheck.toml"
    config.write_text('select = ["LC401"]\ntyposquat-allow = ["Req_eusts"]\n', encoding="utf-8")
    settings = load_settings(config)
    assert settings.typosquat_allow == ("req-eusts",)
    config.write_text('select = ["LC401"]\ntyposquat-allow = ["ReqEusts"]\n', encoding="utf-8")
    assert lc401(path, load_settings(config)) == []


def test_typosquat_allow_must_be_strings(tmp_path: Path) -> None:
    config = tmp_path / "lockcheck.toml"
    config.write_text("typosquat-allow = [1]\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="typosquat-allow' must be a list of strings"):
        load_settings(config)


@pytest.mark.parametrize("name", ["idan", "nmpy", "sixx"])
def test_very_short_names_are_left_alone(name: str) -> None:
    # One slip from idna, numpy, six: too many real short names are that close to another.
    assert len(name) < typosquat.MIN_LENGTH
    assert typosquat.suspect(name) is None
    assert typosquat.Compared(
        typosquat.ranking(["idna", "numpy", "six"]), 3, min_length=3
    ).lookalike(name)


# --- the list against itself ---------------------------------------------------------------


def test_popular_names_do_not_flag_each_other() -> None:
    names = typosquat.popular_names()
    assert len(names) == 14985 and names[0] == "boto3"
    compared = names[: typosquat.COMPARED]
    # Many of them are one slip from a more popular one (that is why the list exempts itself).
    assert any(typosquat.default_compared().lookalike(n) for n in compared)
    assert [n for n in names if typosquat.suspect(n) is not None] == []


def _rate_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "typosquat_rate", REPO / "bench" / "typosquat_rate.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_false_positive_rate_on_less_popular_names_is_under_half_a_percent() -> None:
    rate = _rate_script().measure()
    assert rate.tail == 14985 - typosquat.COMPARED
    assert rate.flagged  # the measurement sees real near-misses, so it can fail
    assert rate.percent < 0.5, rate.flagged


# --- the slips themselves ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "popular", "how"),
    [
        ("reqeusts", "requests", "two characters swapped"),
        ("erquests", "requests", "two characters swapped"),
        ("requets", "requests", "one character left out"),
        ("requestss", "requests", "one character added"),
        ("rewuests", "requests", "one mistyped character"),
        ("python-dateutils", "python-dateutil", "a plural s added"),
        ("pythondateutil", "python-dateutil", "one separator removed"),
        ("jeilyfish", "jellyfish", "one look-alike character"),
        ("c0lorama", "colorama", "one look-alike character"),
        ("rnatplotlib", "matplotlib", "'rn' for 'm'"),
        ("r\u0435quests", "requests", "look-alike characters"),  # a Cyrillic e
    ],
)
def test_slips_that_count(name: str, popular: str, how: str) -> None:
    assert typosquat.suspect(name) == typosquat.Lookalike(popular, how)


@pytest.mark.parametrize(
    "name",
    [
        "urllib4",  # a digit changed
        "boto33",  # a digit added
        "erquestsx",  # two slips
        "xrequests",  # a first letter added
        "numpi",  # a key far from the one meant
        "scheduler",  # a real project (and a letter no slip explains)
    ],
)
def test_differences_that_do_not_count(name: str) -> None:
    assert typosquat.suspect(name) is None


def test_the_list_ships_in_the_wheel(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(tmp_path)],
        cwd=REPO,
        check=True,
        capture_output=True,
    )
    [wheel] = tmp_path.glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        shipped = archive.read("lockcheck/data/popular-projects.txt").decode("utf-8")
    assert shipped.splitlines()[-len(typosquat.popular_names()) :] == list(
        typosquat.popular_names()
    )


def test_an_in_tree_allow_list_is_reported_as_a_note(tmp_path: Path) -> None:
    # A pull request can add its own typo to the list next to the lock: a reviewer sees it.
    path = edited(tmp_path, "small-app", "requirements.txt", "requests", "reqeusts")
    (path.parent / "lockcheck.toml").write_text('typosquat-allow = ["reqeusts"]\n')
    result = run_cli("check", "--format", "json", "--select", "LC401", str(path))
    assert result.exit_code == 0, result.stdout
    assert result.json["findings"] == []
    assert [n["message"] for n in result.json["notes"]] == [
        "in-tree configuration lets LC401 pass the look-alike names reqeusts (typosquat-allow)"
    ]
    (path.parent / "lockcheck.toml").write_text("")
    result = run_cli("check", "--format", "json", "--select", "LC401", str(path))
    assert [f["package"] for f in result.json["findings"]] == ["reqeusts"]
    assert result.json["notes"] == []
