"""Differential test: pip is the oracle for what a requirements lock lets through.

Each case is a requirements file run through ``pip install --dry-run`` against tiny
distributions built here (no index, no network) and through ``lockcheck check``. Where pip
refuses a file, lockcheck must flag it with the rule that names pip's reason (or, for a
line pip cannot read, refuse the file with exit 2); where pip accepts, lockcheck must have
no error-level finding. The exceptions are written into the table: cases where
lockcheck is deliberately stricter than pip, and gaps that offline lockcheck cannot see.
pip's own verdict is asserted too, so a change in pip's behaviour fails here first.

The table is pip's verdict for the pip pinned in requirements/dev.txt (what CI and the nox
sessions install); with another pip the test is skipped rather than judged.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest

from pip_oracle_support import pkg_info, write_project, write_sdist, write_wheel


class Relation(Enum):
    AGREES = "agrees"  # pip refuses and lockcheck flags it, or both accept
    STRICTER = "stricter"  # pip accepts; lockcheck flags it on purpose
    OFFLINE_GAP = "offline-gap"  # the lock is bad, but offline lockcheck cannot see it


@dataclass(frozen=True)
class Case:
    name: str
    # Placeholders: <ALG FILE> is FILE's hex digest (ALG: a hashlib name, or sha256-upper,
    # sha256-truncated, sha256-wrong), <commit> the local git repository's HEAD, <root> the
    # directory the file is written in.
    text: str
    pip_accepts: bool
    pip_says: str  # a phrase of pip's output that gives its reason
    findings: tuple[str, ...]  # lockcheck's findings as "CODE:line", sorted
    relation: Relation = Relation.AGREES
    note: str = ""
    pip_installs: tuple[str, ...] = ()  # what pip picks when it accepts (from --report)
    links: str = "dists"  # --find-links: the dists directory, or "page" (links with #sha256=)
    encoding: str = "utf-8"  # how the file is written ("utf-16" writes a BOM, as PowerShell)
    lockcheck_error: str = ""  # a phrase of lockcheck's input error, when it refuses the file
    notes: tuple[str, ...] = ()  # phrases of lockcheck's notes, one per note, in order


A10W = "alpha-1.0-py3-none-any.whl"
A11W = "alpha-1.1-py3-none-any.whl"
A11S = "alpha-1.1.tar.gz"
B20W = "beta-2.0-py3-none-any.whl"
B20S = "beta-2.0.tar.gz"
G30S = "gamma-3.0.tar.gz"
D01W = "delta-0.1-py3-none-any.whl"

REQUIRED = "Hashes are required in --require-hashes mode"
MISMATCH = "THESE PACKAGES DO NOT MATCH THE HASHES FROM THE REQUIREMENTS FILE"
WEAK = "Allowed hash algorithms for --hash are sha256, sha384, sha512"
UNPINNED = "In --require-hashes mode, all requirements must have their versions pinned with =="

CASES = [
    Case(
        "hashed-lock",
        f"alpha==1.1 \\\n    --hash=sha256:<sha256 {A11W}> \\\n    --hash=sha256:<sha256 {A11S}>\n"
        f"beta==2.0 \\\n    --hash=sha256:<sha256 {B20W}> \\\n    --hash=sha256:<sha256 {B20S}>\n"
        f"gamma==3.0 --hash=sha256:<sha256 {G30S}>\n",
        pip_accepts=True,
        pip_says="Would install alpha-1.1 beta-2.0 gamma-3.0",
        findings=(),
        pip_installs=(A11W, B20W, G30S),
    ),
    Case(
        "sha384-and-sha512",
        f"alpha==1.1 --hash=sha512:<sha512 {A11W}>\nbeta==2.0 --hash=sha384:<sha384 {B20W}>\n",
        pip_accepts=True,
        pip_says="Would install alpha-1.1 beta-2.0",
        findings=(),
        pip_installs=(A11W, B20W),
    ),
    Case(
        "partial-hashes",
        # One hash anywhere switches pip to hash mode for the whole file.
        f"alpha==1.1 --hash=sha256:<sha256 {A11W}>\nbeta==2.0\n"
        f"gamma==3.0 --hash=sha256:<sha256 {G30S}>\n",
        pip_accepts=False,
        pip_says=REQUIRED,
        findings=("LC002:2",),
    ),
    Case(
        "require-hashes-unhashed-entry",
        "--require-hashes\nalpha==1.1\n",
        pip_accepts=False,
        pip_says=REQUIRED,
        findings=("LC002:2",),
    ),
    Case(
        "md5-hash",
        f"alpha==1.1 --hash=md5:<md5 {A11W}>\n",
        pip_accepts=False,
        pip_says=WEAK,
        findings=("LC003:1",),
    ),
    Case(
        "sha1-hash",
        f"alpha==1.1 --hash=sha1:<sha1 {A11W}>\n",
        pip_accepts=False,
        pip_says=WEAK,
        findings=("LC003:1",),
    ),
    Case(
        "upper-case-hex",
        f"alpha==1.1 --hash=sha256:<sha256-upper {A11W}>\n",
        pip_accepts=True,
        pip_says="Would install alpha-1.1",
        findings=("LC004:1",),  # a warning: pip before 24.2 refuses it
        note="pip 24.2 and later compare hex digests case-insensitively; older pip refused "
        "this, so LC004 warns (and does not fail the check)",
        pip_installs=(A11W,),
    ),
    Case(
        "truncated-digest",
        f"alpha==1.1 --hash=sha256:<sha256-truncated {A11W}>\n",
        pip_accepts=False,
        pip_says=MISMATCH,
        findings=("LC004:1",),
    ),
    Case(
        "range-with-hashes",
        f"alpha>=1.0 --hash=sha256:<sha256 {A10W}> --hash=sha256:<sha256 {A11W}>\n",
        pip_accepts=True,
        pip_says="Would install alpha-1.1",
        findings=("LC001:1",),
        relation=Relation.STRICTER,
        note="pip 23.2 refused unpinned entries in hash mode; newer pip installs whichever "
        "listed file the index offers the newest version of, so lockcheck wants one version",
        pip_installs=(A11W,),
    ),
    Case(
        "editable-in-hash-mode",
        f"alpha==1.1 --hash=sha256:<sha256 {A11W}>\n-e ./localproject\n",
        pip_accepts=False,
        pip_says="cannot be installed when requiring hashes, because there is no single file",
        findings=("LC006:2",),
    ),
    Case(
        "directory-in-hash-mode",
        f"alpha==1.1 --hash=sha256:<sha256 {A11W}>\n./localproject\n",
        pip_accepts=False,
        pip_says="Can't verify hashes for these file:// requirements because they point to "
        "directories",
        findings=("LC007:2",),
    ),
    Case(
        "vcs-branch-in-hash-mode",
        # pip refuses VCS links in hash mode before cloning: example.test never resolves, and
        # the message is the hash refusal, not a failed clone.
        "--require-hashes\nalpha @ git+https://git.example.test/alpha@main\n",
        pip_accepts=False,
        pip_says="we don't have a way to hash version control repositories",
        findings=("LC007:2", "LC008:2"),
    ),
    Case(
        "conflicting-pins",
        f"alpha==1.0 --hash=sha256:<sha256 {A10W}>\nalpha==1.1 --hash=sha256:<sha256 {A11W}>\n",
        pip_accepts=False,
        pip_says="Cannot install alpha==1.0 and alpha==1.1",
        findings=("LC005:2",),
    ),
    Case(
        "no-hashes-at-all",
        "alpha==1.1\nbeta==2.0\n",
        pip_accepts=True,
        pip_says="Would install alpha-1.1 beta-2.0",
        findings=("LC002:1", "LC002:2"),
        relation=Relation.STRICTER,
        note="pip installs a file without any hash unchecked; that is the hole LC002 exists for",
        pip_installs=(A11W, B20W),
    ),
    Case(
        "wildcard-with-hashes",
        f"alpha==1.* --hash=sha256:<sha256 {A10W}> --hash=sha256:<sha256 {A11W}>\n",
        pip_accepts=True,
        pip_says="Would install alpha-1.1",
        findings=("LC001:1",),
        relation=Relation.STRICTER,
        note="pip counts any == as pinned, wildcard included; which listed file gets installed "
        "then depends on what the index offers, so lockcheck wants one version",
        pip_installs=(A11W,),
    ),
    Case(
        "editable-without-hash-mode",
        "-e ./localproject\n",
        pip_accepts=True,
        pip_says="Would install localproject-0.1",
        findings=("LC006:1",),
        relation=Relation.STRICTER,
        note="design: LC006 always fires in requirements files, since adding any hash to the "
        "file makes pip refuse the editable (see editable-in-hash-mode)",
        pip_installs=("localproject",),
    ),
    Case(
        "directory-without-hash-mode",
        "./localproject\n",
        pip_accepts=True,
        pip_says="Would install localproject-0.1",
        findings=("LC007:1",),
        relation=Relation.STRICTER,
        note="pip builds whatever the directory holds at install time; no hash can cover it",
        pip_installs=("localproject",),
    ),
    Case(
        "vcs-commit-without-hash-mode",
        # The local form needs a host: pip 23.2 rejects `name @ git+file:///path` as invalid.
        "vcspkg @ git+file://localhost<root>/vcsrepo@<commit>\n",
        pip_accepts=True,
        pip_says="Would install vcspkg-0.5",
        findings=("LC007:1",),  # a full commit id: no LC008
        relation=Relation.STRICTER,
        note="a checkout is built from source and no hash covers it, even at a fixed commit",
        pip_installs=("vcsrepo",),
    ),
    Case(
        "wrong-wheel-hash",
        f"alpha==1.1 --hash=sha256:<sha256-wrong {A11W}>\n",
        pip_accepts=False,
        pip_says=MISMATCH,
        findings=(),
        relation=Relation.OFFLINE_GAP,
        note="a well-formed hash of some other file: only --verify (LC301) can tell",
    ),
    Case(
        "wrong-wheel-hash-sdist-fallback",
        f"alpha==1.1 \\\n    --hash=sha256:<sha256-wrong {A11W}> \\\n"
        f"    --hash=sha256:<sha256 {A11S}>\n",
        pip_accepts=True,
        pip_says="Would install alpha-1.1",
        findings=(),
        relation=Relation.OFFLINE_GAP,
        note="the design's fallback: with an index that publishes hashes pip drops the wheel "
        "whose hash is not listed and quietly builds the sdist; only --verify (LC301) can tell",
        pip_installs=(A11S,),
        links="page",
    ),
    # --- the file as pip reads it: encodings and options (issue 8, item 12) ----------------
    Case(
        "utf16-with-bom",
        # What `pip freeze > requirements.txt` writes in Windows PowerShell.
        f"alpha==1.1 --hash=sha256:<sha256 {A11W}>\nbeta==2.0 --hash=sha256:<sha256 {B20W}>\n",
        pip_accepts=True,
        pip_says="Would install alpha-1.1 beta-2.0",
        findings=(),
        pip_installs=(A11W, B20W),
        encoding="utf-16",
    ),
    Case(
        "utf32-with-bom",
        f"alpha==1.1 --hash=sha256:<sha256 {A11W}>\n",
        pip_accepts=True,
        pip_says="Would install alpha-1.1",
        findings=(),
        pip_installs=(A11W,),
        encoding="utf-32",
    ),
    Case(
        "pep263-latin-1",
        f"# -*- coding: latin-1 -*-\n# Café\nalpha==1.1 --hash=sha256:<sha256 {A11W}>\n",
        pip_accepts=True,
        pip_says="Would install alpha-1.1",
        findings=(),
        pip_installs=(A11W,),
        encoding="latin-1",
    ),
    Case(
        "pip-26-release-options",
        f"--only-final :all:\n--all-releases beta\nalpha==1.1 --hash=sha256:<sha256 {A11W}>\n",
        pip_accepts=True,
        pip_says="Would install alpha-1.1",
        findings=(),
        pip_installs=(A11W,),
    ),
    Case(
        "ignored-trailing-argument",
        f"--prefer-binary stray-word\nalpha==1.1 --hash=sha256:<sha256 {A11W}> stray\n",
        pip_accepts=True,
        pip_says="Would install alpha-1.1",
        findings=(),
        pip_installs=(A11W,),
        notes=("pip ignores 'stray-word'", "pip ignores 'stray'"),
    ),
    Case(
        "removed-install-option",
        f"alpha==1.1 --hash=sha256:<sha256 {A11W}> --install-option=--prefix=/x\n",
        pip_accepts=False,
        pip_says="no such option: --install-option",
        findings=(),
        lockcheck_error="no such option: --install-option",
    ),
    # --- VCS and URL lines (item 13) ------------------------------------------------------
    Case(
        "editable-git-scheme",
        # pip reads `-e git://` as `git+git://` (the message shows it) and refuses it in hash
        # mode before any clone.
        "--require-hashes\n-e git://git.example.test/x.git@master#egg=x\n",
        pip_accepts=False,
        pip_says="The editable requirement x from git+git://git.example.test/x.git@master#egg=x",
        findings=("LC006:2", "LC008:2", "LC101:2"),
    ),
    Case(
        "editable-unknown-vcs",
        "-e novcs+http://git.example.test/x#egg=x\n",
        pip_accepts=False,
        pip_says="is not a valid editable requirement",
        findings=(),
        lockcheck_error="is not a valid editable requirement",
    ),
    Case(
        "unknown-vcs-url",
        "novcs+http://git.example.test/x\n",
        pip_accepts=False,
        pip_says="Invalid requirement: 'novcs+http://git.example.test/x'",
        findings=(),
        lockcheck_error="novcs+http:// is not a URL scheme pip fetches",
    ),
    Case(
        "bare-git-url",
        "git://git.example.test/x.git@v1\n",
        pip_accepts=False,
        pip_says="Invalid requirement: 'git://git.example.test/x.git@v1'",
        findings=(),
        lockcheck_error="write git+git://git.example.test/x.git@v1",
    ),
    Case(
        "egg-fragment-with-extras",
        "--require-hashes\nx @ git+https://git.example.test/x.git@v1#egg=x[extra]\n",
        pip_accepts=False,
        pip_says="invalid-egg-fragment",
        findings=(),
        lockcheck_error="invalid #egg=x[extra]",
    ),
    # --- credentials (item 14): pip ignores a file's index under --no-index -------------------
    Case(
        "account-name-in-url",
        f"--index-url https://git@index.example.test/simple\n"
        f"alpha==1.1 --hash=sha256:<sha256 {A11W}>\n",
        pip_accepts=True,
        pip_says="Would install alpha-1.1",
        findings=(),
        pip_installs=(A11W,),
    ),
    Case(
        "variable-token-with-placeholder-password",
        "--index-url https://${TOKEN}:x-oauth-basic@index.example.test/simple\n"
        f"alpha==1.1 --hash=sha256:<sha256 {A11W}>\n",
        pip_accepts=True,
        pip_says="Would install alpha-1.1",
        findings=(),
        pip_installs=(A11W,),
    ),
    Case(
        "token-as-user-name",
        "--index-url https://ghp_0123456789abcdefABCDEF0123456789abcd@index.example.test/simple\n"
        f"alpha==1.1 --hash=sha256:<sha256 {A11W}>\n",
        pip_accepts=True,
        pip_says="Would install alpha-1.1",
        findings=("LC104:1",),
        relation=Relation.STRICTER,
        note="pip installs with a leaked token; the token in a committed file is the problem",
        pip_installs=(A11W,),
    ),
    Case(
        "unpinned-transitive-dependency",
        f"delta==0.1 --hash=sha256:<sha256 {D01W}>\n",
        pip_accepts=False,
        pip_says=f"{UNPINNED}. These do not:\n    alpha from",
        findings=(),
        relation=Relation.OFFLINE_GAP,
        note="delta needs alpha, which the lock lacks; lockcheck does not resolve dependencies, "
        "so an incomplete lock looks clean (no rule covers this, with or without --verify)",
    ),
]


@dataclass(frozen=True)
class World:
    root: Path  # requirements files are written here; both tools run with it as cwd
    commit: str | None  # HEAD of <root>/vcsrepo, None without git


def locked_pip() -> str | None:
    lock = Path(__file__).resolve().parent.parent / "requirements" / "dev.txt"
    found = re.search(r"^pip==(\S+)", lock.read_text(), re.M)
    return found.group(1) if found else None


@pytest.fixture(scope="session", autouse=True)
def _the_locked_pip() -> None:
    from importlib.metadata import version

    expected, running = locked_pip(), version("pip")
    if expected is not None and running != expected:
        pytest.skip(
            f"the table is pip {expected}'s verdict (requirements/dev.txt); this is pip {running}"
        )


@pytest.fixture(scope="session")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    root = tmp_path_factory.mktemp("pip-oracle")
    dists = root / "dists"
    dists.mkdir()
    for name, version in [("alpha", "1.0"), ("alpha", "1.1"), ("beta", "2.0")]:
        write_wheel(str(dists), pkg_info(name, version), {f"{name}/__init__.py": ""})
        write_sdist(dists, name, version)
    write_sdist(dists, "gamma", "3.0")  # sdist only: pip must build it
    write_wheel(str(dists), pkg_info("delta", "0.1", ("alpha",)), {"delta/__init__.py": ""})
    # A find-links page that publishes each file's sha256, as an index does.
    anchors = (
        f'<a href="{f.as_uri()}#sha256={hashlib.sha256(f.read_bytes()).hexdigest()}">{f.name}</a>'
        for f in sorted(dists.iterdir())
    )
    (root / "page.html").write_text("<html><body>\n" + "\n".join(anchors) + "\n</body></html>\n")
    write_project(root / "localproject", "localproject", "0.1")
    return World(root, _git_repo(write_project(root / "vcsrepo", "vcspkg", "0.5")))


def _git_repo(path: Path) -> str | None:
    if shutil.which("git") is None:
        return None
    git = ["git", "-c", "user.name=oracle", "-c", "user.email=oracle@example.test"]
    git += ["-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main", "-C", str(path)]
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "init"]):
        subprocess.run([*git, *args], check=True, capture_output=True)
    head = subprocess.run([*git, "rev-parse", "HEAD"], check=True, capture_output=True, text=True)
    return head.stdout.strip()


_PLACEHOLDER = re.compile(r"<(?P<form>[a-z0-9-]+)(?: (?P<file>[^>]+))?>")


def _render(text: str, world: World) -> str:
    def replace(match: re.Match[str]) -> str:
        form, filename = match.group("form"), match.group("file")
        if form == "root":
            return str(world.root)
        if form == "commit":
            assert world.commit is not None
            return world.commit
        data = (world.root / "dists" / filename).read_bytes()
        if form == "sha256-upper":
            return hashlib.sha256(data).hexdigest().upper()
        if form == "sha256-truncated":
            return hashlib.sha256(data).hexdigest()[:60]
        if form == "sha256-wrong":
            return hashlib.sha256(data + b"tampered").hexdigest()
        return hashlib.new(form, data).hexdigest()

    return _PLACEHOLDER.sub(replace, text)


@dataclass(frozen=True)
class PipVerdict:
    accepted: bool
    output: str
    installs: tuple[str, ...]  # file (or directory, repository) names from --report


# Any proxy-aware request goes nowhere: the test must never use the network.
_NO_NETWORK = "http://127.0.0.1:9"


def _pip_env() -> dict[str, str]:
    # Drop this machine's pip settings (extra indexes, find-links) and proxy exemptions.
    drop = ("PIP_", "NO_PROXY", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY")
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith(drop)}
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        env[name] = env[name.lower()] = _NO_NETWORK
    env |= {"PIP_CONFIG_FILE": os.devnull, "PIP_NO_INPUT": "1", "GIT_TERMINAL_PROMPT": "0"}
    return env


def run_pip(world: World, requirements: str, links: str, scratch: Path) -> PipVerdict:
    report = scratch / "report.json"
    find_links = world.root / ("page.html" if links == "page" else "dists")
    command = [sys.executable, "-m", "pip", "install", "--isolated", "--dry-run", "--no-index"]
    command += ["--no-cache-dir", "--disable-pip-version-check", "--find-links", str(find_links)]
    command += ["--ignore-installed", "--target", str(scratch / "target")]
    command += ["--report", str(report), "-r", requirements]
    proc = subprocess.run(
        command, cwd=world.root, env=_pip_env(), capture_output=True, text=True, timeout=120
    )
    installs: tuple[str, ...] = ()
    if proc.returncode == 0:
        items = json.loads(report.read_text())["install"]
        urls = (urlsplit(item["download_info"]["url"]).path for item in items)
        installs = tuple(sorted(unquote(url.rstrip("/")).rsplit("/", 1)[-1] for url in urls))
    return PipVerdict(proc.returncode == 0, proc.stdout + proc.stderr, installs)


def run_lockcheck(world: World, requirements: str) -> tuple[int, dict[str, Any]]:
    proc = subprocess.run(
        [sys.executable, "-m", "lockcheck", "check", "--format", "json", requirements],
        cwd=world.root,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return proc.returncode, json.loads(proc.stdout)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_lockcheck_against_pip(case: Case, world: World, tmp_path: Path) -> None:
    if "<commit>" in case.text and world.commit is None:
        pytest.skip("git is not installed")
    requirements = f"{case.name}.txt"
    (world.root / requirements).write_bytes(_render(case.text, world).encode(case.encoding))

    pip = run_pip(world, requirements, case.links, tmp_path)
    assert pip.accepted is case.pip_accepts, pip.output
    assert case.pip_says in pip.output, pip.output
    assert pip.installs == tuple(sorted(case.pip_installs))

    exit_code, report = run_lockcheck(world, requirements)
    errors = [e["message"] for e in report["errors"]]
    if case.lockcheck_error:
        assert len(errors) == 1 and case.lockcheck_error in errors[0], errors
    else:
        assert errors == []
    findings = report["findings"]
    got = sorted(f"{f['code']}:{f['line']}" for f in findings)
    assert got == sorted(case.findings), json.dumps(findings, indent=2)
    notes = [n["message"] for n in report["notes"]]
    assert len(notes) == len(case.notes), notes
    assert all(phrase in note for phrase, note in zip(case.notes, notes, strict=True)), notes
    # Only errors fail the check (warnings, such as LC004 on upper-case hex, do not).
    failing = [f for f in findings if f["severity"] == "error"]
    assert exit_code == (2 if errors else 1 if failing else 0)

    # The table's relation must hold against pip's actual verdict, not just be asserted.
    refused = bool(errors or failing)
    if case.relation is Relation.AGREES:
        assert refused is not pip.accepted
    elif case.relation is Relation.STRICTER:
        assert pip.accepted and refused and case.note
    else:
        assert not refused and case.note
