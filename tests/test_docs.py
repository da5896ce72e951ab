"""The documentation: generated rule pages in step with the rule docstrings, one page per
rule, every page in the site's nav, and the generator's own behaviour."""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path
from types import ModuleType

import pytest

from lockcheck.rules import ALL_RULES
from lockcheck.rules.base import DOC_SECTIONS, Rule

REPO = Path(__file__).resolve().parent.parent
DOCS = REPO / "docs"
MKDOCS_YML = REPO / "mkdocs.yml"


def _load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_rule_docs", DOCS / "gen_rule_docs.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


gen = _load_generator()


def _rule_pages() -> dict[str, Path]:
    return {p.stem: p for p in (DOCS / "rules").glob("*.md") if p.name != "index.md"}


def test_generated_pages_are_up_to_date() -> None:
    problems = gen.check(DOCS, ALL_RULES)
    assert not problems, (
        "docs/rules/ does not match the rule docstrings; run `nox -s rule_docs` "
        "(python docs/gen_rule_docs.py):\n" + "\n".join(problems)
    )


def test_every_rule_has_a_page_and_every_page_a_rule() -> None:
    codes = {rule.code for rule in ALL_RULES}
    pages = set(_rule_pages())
    assert sorted(codes - pages) == [], "rules without a page"
    assert sorted(pages - codes) == [], "pages without a rule"


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda rule: rule.code)
def test_each_rule_page_has_its_title_facts_and_four_sections(rule: Rule) -> None:
    text = (DOCS / "rules" / f"{rule.code}.md").read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[0] == f"# {rule.code} {rule.name}"
    assert f"**Default severity:** {rule.severity.value}" in text
    assert "**Needs `--verify`:** " + ("yes" if rule.needs_index else "no") in text
    positions = [lines.index(section) for section in DOC_SECTIONS]  # ValueError if one lacks
    assert positions == sorted(positions), "the sections are out of order"


def test_rules_index_links_every_rule() -> None:
    index = (DOCS / "rules" / "index.md").read_text(encoding="utf-8")
    for rule in ALL_RULES:
        assert f"| [{rule.code}]({rule.code}.md) | [{rule.name}]({rule.code}.md) |" in index


def test_the_nav_has_every_page() -> None:
    """mkdocs --strict fails on a page left out of the nav; this says which, sooner."""
    nav = MKDOCS_YML.read_text(encoding="utf-8")
    for page in sorted(DOCS.rglob("*.md")):
        relative = page.relative_to(DOCS).as_posix()
        assert f": {relative}\n" in nav, f"{relative} is not in mkdocs.yml's nav"


def test_no_package_index_host_is_named() -> None:
    """The public index's address is never written in this repository."""
    hosts = ("pypi" + ".org", "python" + "hosted" + ".org")
    files = [MKDOCS_YML, *sorted(DOCS.rglob("*.md")), DOCS / "gen_rule_docs.py"]
    for path in files:
        text = path.read_text(encoding="utf-8").lower()
        for host in hosts:
            assert host not in text, f"{path.relative_to(REPO)} names {host}"


@pytest.fixture
def docs_copy(tmp_path: Path) -> Path:
    """A throwaway docs/ with the real mkdocs.yml beside it."""
    docs = tmp_path / "docs"
    shutil.copytree(DOCS / "rules", docs / "rules")
    shutil.copy(MKDOCS_YML, tmp_path / "mkdocs.yml")
    return docs


def test_check_lists_out_of_date_missing_and_extra_pages(docs_copy: Path) -> None:
    assert gen.check(docs_copy, ALL_RULES) == []
    (docs_copy / "rules" / "LC002.md").write_text("# LC002 missing-hash\n", encoding="utf-8")
    (docs_copy / "rules" / "LC101.md").unlink()
    (docs_copy / "rules" / "LC999.md").write_text("# LC999\n", encoding="utf-8")
    mkdocs_yml = docs_copy.parent / "mkdocs.yml"
    nav = mkdocs_yml.read_text(encoding="utf-8")
    mkdocs_yml.write_text(nav.replace("      - LC008 ", "      - LC008x "), encoding="utf-8")

    assert gen.check(docs_copy, ALL_RULES) == [
        "out of date: docs/rules/LC002.md",
        "missing: docs/rules/LC101.md",
        "extra: docs/rules/LC999.md (no rule has this page)",
        "out of date: the rule pages in mkdocs.yml's nav",
    ]
    assert gen.check(docs_copy, ALL_RULES[:1]) != []  # a rule fewer: its pages are extra

    changed = gen.write(docs_copy, ALL_RULES)
    assert "removed docs/rules/LC999.md" in changed
    assert gen.check(docs_copy, ALL_RULES) == []
    assert mkdocs_yml.read_text(encoding="utf-8") == MKDOCS_YML.read_text(encoding="utf-8")


def test_writing_is_deterministic(docs_copy: Path) -> None:
    shutil.rmtree(docs_copy / "rules")
    gen.write(docs_copy, ALL_RULES)
    first = {p.name: p.read_bytes() for p in (docs_copy / "rules").iterdir()}
    assert gen.write(docs_copy, ALL_RULES) == []  # nothing left to change
    second = {p.name: p.read_bytes() for p in (docs_copy / "rules").iterdir()}
    assert first == second
    assert first == {p.name: p.read_bytes() for p in (DOCS / "rules").glob("*.md")}


def test_main_check_exits_non_zero_listing_problems(
    docs_copy: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(gen, "DOCS_DIR", docs_copy)
    assert gen.main(["--check"]) == 0
    (docs_copy / "rules" / "LC003.md").unlink()
    assert gen.main(["--check"]) == 1
    assert "missing: docs/rules/LC003.md" in capsys.readouterr().out
    assert not (docs_copy / "rules" / "LC003.md").exists()  # --check writes nothing
    assert gen.main([]) == 0
    assert gen.check(docs_copy, ALL_RULES) == []


def test_docstring_markdown_gets_the_blank_lines_python_markdown_needs() -> None:
    doc = "Summary.\n\n## Example\nflags:\n- one\n- two\n```\nx\n- not a list\n```\nafter\n"
    assert gen.markdown_body(doc) == (
        "Summary.\n\n## Example\nflags:\n\n- one\n- two\n\n```\nx\n- not a list\n```\n\nafter\n"
    )
