"""Developer and CI sessions. `nox` runs tests, lint and typecheck (what CI runs)."""

from __future__ import annotations

import nox

nox.options.sessions = ["tests", "lint", "typecheck", "docs"]
nox.options.default_venv_backend = "venv"
nox.options.reuse_existing_virtualenvs = True


@nox.session
def tests(session: nox.Session) -> None:
    """The test suite. It never leaves the machine (the index is a server on 127.0.0.1)."""
    session.install("-e", ".[test]")
    session.run("pytest", "-m", "not network", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """ruff: lint rules and formatting."""
    session.install("ruff")
    session.run("ruff", "check", "src", "tests", "bench", "noxfile.py")
    session.run("ruff", "format", "--check", "src", "tests", "bench", "noxfile.py")


@nox.session
def typecheck(session: nox.Session) -> None:
    """mypy --strict over the package."""
    session.install("-e", ".", "mypy")
    session.run("mypy", "--strict")


@nox.session
def bench(session: nox.Session) -> None:
    """Whole-process timings, side by side with pinlint. Prints figures; asserts nothing."""
    session.install("-e", ".", "pinlint")
    session.run("python", "bench/bench.py", *session.posargs)


@nox.session
def bench_verify(session: nox.Session) -> None:
    """lockcheck --verify, cold and warm, on the default index and a local one, beside
    pip-audit: wall time, index requests, peak memory. Prints figures and goals (MET or
    MISSED); fails only when a run fails."""
    session.install("-e", ".", "pip-audit")
    session.run("python", "bench/verify_bench.py", *session.posargs)


@nox.session
def network(session: nox.Session) -> None:
    """The only test that talks to the real package index (skips, saying why, offline)."""
    session.install("-e", ".[test]")
    session.run("pytest", "-m", "network", "-rs", *session.posargs)


@nox.session
def docs(session: nox.Session) -> None:
    """The documentation site, built strictly (MkDocs), after checking that the rule pages
    in docs/rules/ match the rule docstrings."""
    session.install("-e", ".[docs]")
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
