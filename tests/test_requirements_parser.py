"""Requirements files read as pip 26 reads them: encodings, options, editables, URLs.

pip's own verdict on the same lines is asserted in tests/test_pip_oracle.py; these tests
pin down what lockcheck's model holds and the exact error or note it gives.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from lockcheck.errors import LockfileError
from lockcheck.model import SourceKind
from lockcheck.parsers import requirements
from support_requirements import report_for

Writer = Callable[..., Path]
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "projects"
TEXT = "# pinned\nclick==8.1.8\nidna==3.10\n"


def names(path: Path) -> list[str]:
    return [p.name for p in requirements.parse(str(path)).packages]


# --- encodings (item 12) ----------------------------------------------------------------


def test_pip_freeze_from_windows_powershell_is_utf16() -> None:
    path = FIXTURES / "pip-freeze-windows" / "requirements.txt"
    assert path.read_bytes().startswith(codecs.BOM_UTF16_LE)
    lock = requirements.parse(str(path))
    assert [(p.name, p.version, p.location.line) for p in lock.packages] == [
        ("click", "8.1.8", 1),
        ("idna", "3.10", 2),
    ]


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be", "utf-8"])
def test_every_bom_pip_knows(write: Writer, codec: str) -> None:
    bom = {
        "utf-16-le": codecs.BOM_UTF16_LE,
        "utf-16-be": codecs.BOM_UTF16_BE,
        "utf-32-le": codecs.BOM_UTF32_LE,
        "utf-32-be": codecs.BOM_UTF32_BE,
        "utf-8": codecs.BOM_UTF8,
    }[codec]
    assert names(write("requirements.txt", bom + TEXT.encode(codec))) == ["click", "idna"]


def test_pep263_coding_line(write: Writer) -> None:
    text = "# -*- coding: latin-1 -*-\n# Café's pins\nclick==8.1.8\n"
    assert names(write("requirements.txt", text.encode("latin-1"))) == ["click"]
    # pip looks at the first two lines only, and only at comments.
    late = "# one\n# two\n# -*- coding: latin-1 -*-\n# Café\nclick==8.1.8\n"
    with pytest.raises(LockfileError, match=r"not valid UTF-8.*coding: latin-1"):
        requirements.parse(str(write("late.txt", late.encode("latin-1"))))


@pytest.mark.parametrize(
    ("declared", "message"),
    [("bogus", "unknown encoding 'bogus'"), ("rot13", "'rot13' is not a text encoding")],
)
def test_a_coding_line_pip_cannot_use_is_one_error(
    write: Writer, declared: str, message: str
) -> None:
    path = write("requirements.txt", f"# coding: {declared}\nclick==8.1.8\n")
    with pytest.raises(LockfileError, match=message) as caught:
        requirements.parse(str(path))
    assert caught.value.line == 1


def test_toml_locks_stay_strict_utf8(write: Writer) -> None:
    from lockcheck.parsers.text import decode

    data = codecs.BOM_UTF16_LE + "version = 1\n".encode("utf-16-le")
    with pytest.raises(LockfileError, match="binary data"):
        decode("uv.lock", data)


# --- options (item 12) ------------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "--only-final :all:",
        "--all-releases click,idna",
        "--all-releases=:none:",
        "--no-require-hashes",
        "--only-binary :all: --prefer-binary",
        "--use-feature fast-deps",
        "--extra-index https://index.example.test/simple",  # an unambiguous prefix, as in pip
    ],
)
def test_pip_26_options_are_accepted(write: Writer, line: str) -> None:
    assert names(write("requirements.txt", f"{line}\nclick==8.1.8\n")) == ["click"]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("click==8.1.8 --install-option=--prefix=/x", "no such option: --install-option"),
        ("--only-final", "--only-final option requires 1 argument"),
        ("--only-final --pre", "--only-final option requires 1 argument"),
        ("click==8.1.8 -C nokey", "must be of the form KEY=VAL"),
    ],
)
def test_options_pip_26_refuses(write: Writer, line: str, message: str) -> None:
    with pytest.raises(LockfileError, match=message):
        requirements.parse(str(write("requirements.txt", line + "\n")))


def test_an_argument_pip_ignores_is_a_note(write: Writer) -> None:
    path = write(
        "requirements.txt",
        "--index-url https://index.example.test/simple extra-word\n"
        "click==8.1.8 --hash=sha256:" + "a" * 64 + " stray\n",
    )
    report = report_for(path)
    assert report.errors == ()
    notes = sorted((n.location.line, n.message) for n in report.notes)
    assert notes == [
        (1, "pip ignores 'extra-word' after the options on this line"),
        (2, "pip ignores 'stray' after the options on this line"),
    ]


# --- VCS and URL lines (item 13) --------------------------------------------------------


def test_editable_git_scheme_is_a_vcs_requirement(write: Writer) -> None:
    path = write("requirements.txt", "-e git://git.example.test/x.git@master#egg=x\n")
    [package] = requirements.parse(str(path)).packages
    assert package.name == "x"
    assert package.source.kind is SourceKind.VCS
    assert package.source.url == "git+git://git.example.test/x.git@master"
    assert package.source.reference == "master" and package.source.commit is None
    assert package.source.editable


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("-e novcs+http://git.example.test/x#egg=x", "is not a valid editable requirement"),
        ("-e hg://git.example.test/x#egg=x", "is not a valid editable requirement"),
        ("-e git+https://git.example.test/x.git@v1", "cannot tell the name of editable"),
        ("novcs+http://git.example.test/x", "novcs+http:// is not a URL scheme pip fetches"),
        ("git://git.example.test/x.git@v1", "write git+git://git.example.test/x.git@v1"),
        ("x @ git://git.example.test/x.git@v1", "git:// is not a URL scheme pip fetches"),
        # pip 26 takes only a project name after #egg= (found in peers' test data).
        ("git+https://git.example.test/x.git#egg=x[extra]", "write `name[extra] @ URL`"),
        ("-e git+https://git.example.test/x.git#egg=x[extra]", "write `name[extra] @ URL`"),
        ("git+https://git.example.test/x.git#egg=x>=1.0", "pip ignores version specifiers"),
    ],
)
def test_urls_pip_refuses(write: Writer, line: str, message: str) -> None:
    with pytest.raises(LockfileError, match=re.escape(message)) as caught:
        requirements.parse(str(write("requirements.txt", "click==8.1.8\n" + line + "\n")))
    assert caught.value.line == 2


def test_editable_direct_reference(write: Writer) -> None:
    path = write("requirements.txt", "-e 'x[cli] @ git+https://git.example.test/x.git@v1'\n")
    [package] = requirements.parse(str(path)).packages
    assert (package.name, package.extras, package.source.reference) == ("x", ("cli",), "v1")


# --- the name of `-e .` (item 18) -------------------------------------------------------


def test_local_editable_is_named_by_its_pyproject(write: Writer, tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    write("pyproject.toml", '[project]\nname = "My_Project"\nversion = "1"\n')
    write("sub/pyproject.toml", "[build-system]\nrequires = []\n")  # no [project].name
    path = write("requirements/dev.txt", "-e ..\n-e ../sub\n")
    packages = requirements.parse(str(path)).packages
    assert [(p.name, p.display_name) for p in packages] == [
        ("my-project", "-e .."),
        ("", "-e ../sub"),
    ]


def test_local_editable_outside_the_repository_has_no_name(write: Writer, tmp_path: Path) -> None:
    write("outside/pyproject.toml", '[project]\nname = "elsewhere"\n')
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    path = write("repo/requirements.txt", "-e ../outside\n")
    [package] = requirements.parse(str(path)).packages
    assert package.name == ""


def test_windows_drive_is_a_path_not_a_scheme(write: Writer) -> None:
    path = write("requirements.txt", "-e c:/work/proj[cli]\n")
    [package] = requirements.parse(str(path)).packages
    assert package.source.kind is SourceKind.DIRECTORY
    assert (package.source.url, package.extras) == ("c:/work/proj", ("cli",))
