"""pip's settings, read the way pip reads them: its configuration files, then ``PIP_*``.

lockcheck's ``--verify`` should work wherever ``pip install`` works, so it takes the index,
the certificates to trust, the client certificate, the proxy and the retry count from the
same places pip does. Files, lowest priority first: the global ones (``/etc/xdg/pip``,
``/etc``), the user's (skipped when ``PIP_CONFIG_FILE`` names an existing file, as pip
does), the site one (``$VIRTUAL_ENV/pip.conf``), the file ``PIP_CONFIG_FILE`` names; then
``PIP_<KEY>`` variables. ``PIP_CONFIG_FILE=/dev/null`` switches the files off. In a file,
the ``install`` section wins over ``global``.
"""

from __future__ import annotations

import configparser
import os
import sys
from collections.abc import Mapping
from pathlib import Path

# The keys lockcheck reads; pip spells them the same in files and as PIP_<KEY>.
KEYS = (
    "index-url",
    "extra-index-url",
    "cert",
    "client-cert",
    "proxy",
    "retries",
    "keyring-provider",
)


def pip_settings(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The value pip would use for each of ``KEYS`` that is set anywhere."""
    env = os.environ if environ is None else environ
    found: dict[str, str] = {}
    for path in _config_files(env):
        found.update(_read(path))
    for key in KEYS:
        value = env.get("PIP_" + key.upper().replace("-", "_"), "").strip()
        if value:
            found[key] = value
    return found


def _config_files(env: Mapping[str, str]) -> list[Path]:
    explicit = env.get("PIP_CONFIG_FILE")
    if explicit == os.devnull:
        return []
    try:
        home: Path | None = Path.home()
    except RuntimeError:  # no home directory
        home = None
    files: list[Path] = []
    if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
        program_data = env.get("PROGRAMDATA", "")
        if program_data:
            files.append(Path(program_data) / "pip" / "pip.ini")
        user = []
        if env.get("APPDATA"):
            user.append(Path(env["APPDATA"]) / "pip" / "pip.ini")
        if home is not None:
            user.insert(0, home / "pip" / "pip.ini")
    else:
        dirs = env.get("XDG_CONFIG_DIRS") or "/etc/xdg"
        files += [Path(d) / "pip" / "pip.conf" for d in dirs.split(os.pathsep) if d]
        files.append(Path("/etc/pip.conf"))
        user = []
        if home is not None:
            config_home = Path(env.get("XDG_CONFIG_HOME") or home / ".config")
            user = [home / ".pip" / "pip.conf", config_home / "pip" / "pip.conf"]
    if not (explicit and os.path.exists(explicit)):
        files += user
    if env.get("VIRTUAL_ENV"):
        files.append(Path(env["VIRTUAL_ENV"]) / ("pip.ini" if os.name == "nt" else "pip.conf"))
    if explicit:
        files.append(Path(explicit))
    return files


def _read(path: Path) -> dict[str, str]:
    parser = configparser.ConfigParser(interpolation=None)
    try:
        if not parser.read(path, encoding="utf-8"):
            return {}
    except (configparser.Error, OSError, UnicodeDecodeError):
        return {}  # pip would refuse to run; lockcheck carries on without it
    found: dict[str, str] = {}
    for section in ("global", "install"):
        for key in KEYS:
            value = parser.get(section, key, fallback="").strip()
            if value:
                found[key] = value
    return found
