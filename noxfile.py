"""Developer and CI sessions. `nox` runs tests, lint, typecheck and docs (what CI runs).

Those sessions install the development dependencies from requirements/dev.txt with
--require-hashes (lockcheck checks that lock like any other); regenerate it with the
command in its header after changing the extras in pyproject.toml.
"""

from __future__ import annotations

import nox

LOCK = "requirements/dev.txt"


def install_locked(session: nox.Session) -> None:
    """Everything from the hashed lock, then the project itself (its build backend,
    hatchling, is in the lock too: no unhashed build-isolation downloads)."""
    session.install("--require-hashes", "-r", LOCK)
    session.install("--no-deps", "--no-build-isolation", "-e", ".")


nox.options.sessions = ["tests", "lint", "typecheck", "docs"]
nox.options.default_venv_backend = "venv"
nox.options.reuse_existing_virtualenvs = True
# tests_pythons runs only the interpreters this machine has; the others are skipped.
nox.options.error_on_missing_interpreters = False


@nox.session
def tests(session: nox.Session) -> None:
    """The test suite. It never leaves the machine (the index is a server on 127.0.0.1)."""
    install_locked(session)
    session.run("pytest", "-m", "not network", *session.posargs)


@nox.session(python=["3.10", "3.11", "3.12", "3.13", "3.14"])
def tests_pythons(session: nox.Session) -> None:
    """The test suite on every supported Python found here (not a default session)."""
    install_locked(session)
    session.run("pytest", "-m", "not network", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """ruff: lint rules and formatting."""
    install_locked(session)
    paths = ("src", "tests", "bench", "docs", "noxfile.py")
    session.run("ruff", "check", *paths)
    session.run("ruff", "format", "--check", *paths)


@nox.session
def typecheck(session: nox.Session) -> None:
    """mypy --strict over the package."""
    install_locked(session)
    session.run("mypy", "--strict")


def bench_env(session: nox.Session) -> list[str]:
    """lockcheck from the hashed lock (the bench uses the tests' fake index), and the
    peers, pinlint and pip-audit, in a venv of their own from bench/requirements.txt
    (hash-checked), so neither side's dependencies change the other's."""
    install_locked(session)
    peers = f"{session.create_tmp()}/peers"
    session.run("python", "-m", "venv", "--clear", peers)
    pip = (f"{peers}/bin/python", "-m", "pip", "install", "-q", "--require-hashes")
    session.run(*pip, "-r", "bench/requirements.txt", external=True)
    return ["--peers", f"{peers}/bin"]


@nox.session
def bench(session: nox.Session) -> None:
    """Every goal of the speed issue side by side with pinlint and pip-audit, in one run:
    each figure beside its goal, MET or MISSED by how much. Asserts nothing."""
    session.run("python", "bench/bench.py", *bench_env(session), *session.posargs)


@nox.session
def bench_verify(session: nox.Session) -> None:
    """The --verify section only: cold beside pip-audit, cold and warm on the tests' fake
    index in every mode (requests, peak memory), warm against the offline check."""
    argv = ("bench/bench.py", "--only", "verify", *bench_env(session), *session.posargs)
    session.run("python", *argv)


@nox.session
def fuzz(session: nox.Session) -> None:
    """Hypothesis with a large budget over every parser, the configuration reader, the
    index response reducers and the body decoder: only lockcheck's own errors may come
    out, each input in bounded time (not a default session; takes several minutes).
    `nox -s fuzz -- N` runs N examples per target instead of 3000."""
    install_locked(session)
    examples = session.posargs[0] if session.posargs else "3000"
    session.run(
        "pytest",
        "-p",
        "no:cacheprovider",
        "tests/fuzz",
        env={"LOCKCHECK_FUZZ": "1", "LOCKCHECK_FUZZ_EXAMPLES": examples},
    )


@nox.session
def network(session: nox.Session) -> None:
    """The only test that talks to the real package index (skips, saying why, offline)."""
    install_locked(session)
    session.run("pytest", "-m", "network", "-rs", *session.posargs)


@nox.session
def docs(session: nox.Session) -> None:
    """The documentation site, built strictly (MkDocs), after checking that the rule pages
    in docs/rules/ match the rule docstrings."""
    install_locked(session)
    session.run("python", "docs/gen_rule_docs.py", "--check")
    site = f"{session.create_tmp()}/site"
    session.run("mkdocs", "build", "--strict", "--clean", "--site-dir", site)
    session.log(f"The site is in {site}")


@nox.session
def rule_docs(session: nox.Session) -> None:
    """Regenerate docs/rules/ (and the rule entries of mkdocs.yml's nav) from the rule
    docstrings."""
    session.install("-e", ".")
    session.run("python", "docs/gen_rule_docs.py")
