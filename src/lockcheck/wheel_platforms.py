"""Which platforms a wheel installs on, read from its tags (LC309).

A wheel's tags name Pythons and platforms; a *slot* is one (system, machine, Python) a
wheel serves. Slots are deliberately coarse: every manylinux version of one machine is
one slot, and so is every macOS version, so a locked wheel for any of them counts as
serving the others. That errs towards "served": LC309 must not flag a lock that installs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from packaging.tags import Tag
    from packaging.version import Version

# packaging is imported where it is used: the rules load on the offline path, which only
# runs LC309's code (and needs packaging) with --verify.

ANY = ("any", "")


class Slot(NamedTuple):
    system: str  # "linux", "musllinux", "macos", "windows"
    machine: str  # as the platform tag says: "x86_64", "aarch64", "arm64", "amd64", ...
    python: str  # the interpreter tag ("cp312", "pp310", "py3"), "t" appended if free-threaded


_LINUX_MACHINES = ("x86_64", "i686", "aarch64", "armv7l", "ppc64le", "s390x", "riscv64")
_WINDOWS = {"win32": "x86", "win_amd64": "amd64", "win_arm64": "arm64"}
_LABELS = {"linux": "Linux", "musllinux": "musl Linux", "macos": "macOS", "windows": "Windows"}


@cache
def wheel_tags(filename: str) -> frozenset[Tag] | None:
    """The wheel's tags; None for a file that is no readable wheel."""
    if not filename.lower().endswith(".whl"):
        return None
    from packaging.utils import InvalidWheelFilename, parse_wheel_filename
    from packaging.version import InvalidVersion

    try:
        return parse_wheel_filename(filename)[3]
    except (InvalidWheelFilename, InvalidVersion):
        return None


def platforms(tag_platform: str) -> tuple[tuple[str, str], ...]:
    """(system, machine) pairs a platform tag installs on; () for one this module does not
    know (iOS, Android, an old Solaris tag): such wheels are never judged."""
    if tag_platform == "any":
        return (ANY,)
    if tag_platform in _WINDOWS:
        return (("windows", _WINDOWS[tag_platform]),)
    for system, prefix in (("linux", "manylinux"), ("musllinux", "musllinux"), ("linux", "linux")):
        if tag_platform.startswith(prefix + "_"):
            machine = next((m for m in _LINUX_MACHINES if tag_platform.endswith("_" + m)), None)
            return ((system, machine),) if machine else ()
    match = re.fullmatch(r"macosx_\d+_\d+_(\w+)", tag_platform)
    if match:
        machine = match.group(1)
        if machine == "arm64":
            return (("macos", "arm64"),)
        if machine == "universal2":
            return (("macos", "arm64"), ("macos", "x86_64"))
        if machine in ("x86_64", "intel", "fat64", "fat3", "universal"):
            return (("macos", "x86_64"),)
    return ()


def _python(tag: Tag) -> str:
    return tag.interpreter + ("t" if tag.abi.endswith("t") and tag.abi != "abi3" else "")


def slots(filename: str) -> frozenset[Slot]:
    """Every slot a wheel serves; empty for no wheel, a pure wheel, or unknown platforms."""
    tags = wheel_tags(filename) or frozenset()
    return frozenset(
        Slot(system, machine, _python(tag))
        for tag in tags
        for system, machine in platforms(tag.platform)
        if (system, machine) != ANY
    )


def installs_anywhere(filename: str) -> bool:
    """A pure wheel (``py3-none-any``), or an sdist: any platform can install it."""
    tags = wheel_tags(filename)
    if tags is None:
        return not filename.lower().endswith(".whl")
    return any(tag.platform == "any" for tag in tags)


def python_version(python: str) -> Version | None:
    """``cp312`` -> 3.12, ``pp310`` -> 3.10; None for ``py3`` and what is no version."""
    match = re.fullmatch(r"(?:cp|pp|py|ip|jy)(\d)(\d+)t?", python)
    if not match:
        return None
    from packaging.version import Version

    return Version(f"{match.group(1)}.{match.group(2)}")


def serves(covered: Iterable[Tag], slot: Slot) -> bool:
    """Whether a locked wheel with one of ``covered`` installs in ``slot`` (approximately,
    and generously: an abi3 wheel serves every later CPython, a ``none`` one any Python)."""
    wanted = python_version(slot.python)
    for tag in covered:
        if (slot.system, slot.machine) not in platforms(tag.platform):
            continue
        if _python(tag) == slot.python or tag.abi == "none":
            return True
        have = python_version(tag.interpreter)
        if tag.abi == "abi3" and (wanted is None or have is None or wanted >= have):
            return True
    return False


def label(system: str, machine: str) -> str:
    return f"{_LABELS.get(system, system)} {machine}"


# --- which slots a lock targets -----------------------------------------------------------

_MARKER_VARIABLE = re.compile(
    r"\b(?:python_full_version|python_version|platform_release|"
    r"platform_version|platform_system|platform_machine|"
    r"platform_python_implementation|implementation_name|"
    r"implementation_version|sys_platform|os_name|extras?|"
    r"dependency_groups)\b"
)


def environment(slot: Slot) -> dict[str, str]:
    """The marker variables a slot fixes (the ones it cannot are left out)."""
    sys_platform, os_name, system = {
        "linux": ("linux", "posix", "Linux"),
        "musllinux": ("linux", "posix", "Linux"),
        "macos": ("darwin", "posix", "Darwin"),
        "windows": ("win32", "nt", "Windows"),
    }[slot.system]
    machine = {"amd64": "AMD64", "arm64": "ARM64" if slot.system == "windows" else "arm64"}.get(
        slot.machine, slot.machine
    )
    env = {
        "sys_platform": sys_platform,
        "os_name": os_name,
        "platform_system": system,
        "platform_machine": machine,
    }
    implementation = {"cp": ("cpython", "CPython"), "pp": ("pypy", "PyPy")}.get(slot.python[:2])
    if implementation:
        env["implementation_name"], env["platform_python_implementation"] = implementation
    version = python_version(slot.python)
    if version is not None:
        env["python_version"] = str(version)
        env["python_full_version"] = f"{version}.0"
    return env


def marker_holds(marker: str, slot: Slot) -> bool:
    """True only when the marker surely holds in the slot, for some extra it names (an
    entry installed with an extra is installed there): one naming a variable the slot
    does not fix (a kernel release, a Python version for a ``py3`` wheel) does not."""
    from packaging.markers import InvalidMarker, Marker

    env = environment(slot)
    if any(name not in (*env, "extra") for name in _MARKER_VARIABLE.findall(marker)):
        return False
    extras = re.findall(r"""\bextra\s*==\s*['"]([^'"]*)['"]""", marker) or [""]
    try:
        parsed = Marker(marker)
        return any(parsed.evaluate({**env, "extra": extra}) for extra in extras)
    except (InvalidMarker, KeyError, ValueError):
        return False


def python_allowed(specifier: str, slot: Slot) -> bool:
    """Whether the slot's Python can satisfy a requires-python (True when either is
    unknown or unreadable: then it cannot be ruled out)."""
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    version = python_version(slot.python)
    if version is None or not specifier.strip():
        return True
    try:
        return SpecifierSet(specifier).contains(version, prereleases=True)
    except InvalidSpecifier:
        return True


def pdm_target_holds(platform: str, python: str, implementation: str, slot: Slot) -> bool:
    """A pdm target (``manylinux_2_40_x86_64``, ``windows_amd64``, ``macos_14_0_arm64``;
    "" for any platform) and its requires-python and implementation, against a slot."""
    if implementation and implementation.lower() != environment(slot).get(
        "implementation_name", implementation.lower()
    ):
        return False
    if not python_allowed(python, slot):
        return False
    if not platform:
        return True
    tag = platform.replace("windows_x86", "win32").replace("windows_", "win_")
    tag = re.sub(r"^macos_", "macosx_", tag)
    if re.fullmatch(r"macosx_(arm64|x86_64|universal2)", tag):
        tag = tag.replace("macosx_", "macosx_11_0_")
    return (slot.system, slot.machine) in platforms(tag)
