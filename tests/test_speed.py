"""The start-up and exit choices issue 13 made for speed, checked by behaviour (nothing
here is timed: bench/bench.py prints the figures)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from hypothesis import example, given
from hypothesis import strategies as st

from lockcheck.hashes import parse_hash
from lockcheck.parsers.requirements_syntax import _physical_lines
from lockcheck.tomlcompat import toml_module

REPO = Path(__file__).resolve().parent.parent
# An atexit handler runs at interpreter teardown: the command line skips the teardown.
PROBE = (
    "import atexit, sys; atexit.register(lambda: print('teardown', flush=True));"
    "sys.argv[0] = 'lockcheck'; import lockcheck.__main__ as m; m.main()"
)


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, check=False
    )


def test_cli_exits_without_teardown_after_flushing_its_output() -> None:
    result = run_cli("--version")
    assert result.returncode == 0
    assert result.stdout.startswith("lockcheck ")
    assert "teardown" not in result.stdout


def test_cli_keeps_exit_codes_and_output(tmp_path: Path) -> None:
    lock = tmp_path / "requirements.txt"
    lock.write_text("six>=1\n", encoding="utf-8")
    findings = run_cli("check", str(lock))
    assert findings.returncode == 1
    assert "LC001" in findings.stdout
    missing = run_cli("check", str(tmp_path / "absent.txt"))
    assert missing.returncode == 2
    assert "absent.txt" in missing.stderr


def test_cli_runs_with_the_collector_off() -> None:
    code = (
        "import gc, sys; sys.argv = ['lockcheck', '--version'];"
        "import lockcheck.cli as c; c.run = lambda: print('gc', gc.isenabled());"
        "import lockcheck.__main__ as m; m.main()"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.stdout.strip() == "gc False"


def test_tomli_is_a_required_dependency_on_every_python() -> None:
    project = toml_module().loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    dependencies = project["project"]["dependencies"]
    assert "tomli>=2.2" in dependencies  # no environment marker: every Python


@given(st.text(alphabet=st.sampled_from(["\n", "\r", "\x0b", "\x85", "\u2028", "a", "\\"])))
@example("a\r\nb\n")
def test_physical_lines_are_the_lines_of_splitlines_read_in_chunks(text: str) -> None:
    for chunk in (1, 2, 5, 1 << 20):
        assert list(_physical_lines(text, chunk)) == text.splitlines()


def test_common_hash_algorithm_names_are_shared_between_hashes() -> None:
    first = parse_hash("sha256:" + "a" * 64)
    second = parse_hash("".join(["sha", "256:", "b" * 64]))
    assert first.algorithm is second.algorithm


SNIFFIO_PROBE = """
import asyncio, importlib.util, sys
if importlib.util.find_spec("sniffio") is not None:
    print("installed"); raise SystemExit
import lockcheck.index.http
from httpcore._synchronization import current_async_library
looked = []
class Spy:
    def find_spec(self, name, path=None, target=None):
        if name == "sniffio":
            looked.append(name)
        return None
sys.meta_path.insert(0, Spy())
async def main():
    return [current_async_library() for _ in range(3)]
print(asyncio.run(main()), len(looked))
"""


def test_httpcore_does_not_search_for_a_missing_sniffio_on_every_request() -> None:
    result = subprocess.run(
        [sys.executable, "-c", SNIFFIO_PROBE], capture_output=True, text=True, check=False
    )
    if result.stdout.strip() == "installed":
        return  # sniffio present: httpcore imports it once, nothing to avoid
    assert result.stdout.strip() == "['asyncio', 'asyncio', 'asyncio'] 0", result.stderr
