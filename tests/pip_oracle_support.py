"""Build tiny real distributions for the pip oracle test, offline and with the stdlib only.

This module is also the PEP 517 build backend of the sdists and local projects it writes
(copied into each one, ``backend-path = ["."]``). Its backend needs no build requirements, so
pip's isolated build environment installs nothing and never reaches for an index.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import shutil
import tarfile
import zipfile
from email.parser import Parser
from pathlib import Path

BACKEND = "pip_oracle_support"
_PYPROJECT = f"""\
[build-system]
requires = []
build-backend = "{BACKEND}"
backend-path = ["."]
"""


def pkg_info(name: str, version: str, requires: tuple[str, ...] = ()) -> str:
    lines = ["Metadata-Version: 2.1", f"Name: {name}", f"Version: {version}"]
    lines += [f"Requires-Dist: {r}" for r in requires]
    return "\n".join(lines) + "\n"


def _record_hash(data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"sha256={digest}"


def write_wheel(directory: str, metadata: str, files: dict[str, str]) -> str:
    """Write a py3-none-any wheel with a correct RECORD; return its file name."""
    meta = Parser().parsestr(metadata)
    stem = f"{meta['Name']}-{meta['Version']}"
    dist_info = f"{stem}.dist-info"
    members = {path: text.encode() for path, text in files.items()}
    members[f"{dist_info}/METADATA"] = metadata.encode()
    members[f"{dist_info}/WHEEL"] = (
        b"Wheel-Version: 1.0\nGenerator: pip_oracle_support\nRoot-Is-Purelib: true\n"
        b"Tag: py3-none-any\n"
    )
    record = [f"{path},{_record_hash(data)},{len(data)}" for path, data in members.items()]
    members[f"{dist_info}/RECORD"] = ("\n".join([*record, f"{dist_info}/RECORD,,"]) + "\n").encode()
    filename = f"{stem}-py3-none-any.whl"
    with zipfile.ZipFile(os.path.join(directory, filename), "w") as zf:
        for path, data in members.items():
            # A fixed timestamp keeps the archive, and so its hash, reproducible.
            zf.writestr(zipfile.ZipInfo(path, date_time=(2020, 1, 1, 0, 0, 0)), data)
    return filename


def write_project(root: Path, name: str, version: str, requires: tuple[str, ...] = ()) -> Path:
    """A source tree pip can build with this module as its backend."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "PKG-INFO").write_text(pkg_info(name, version, requires))
    (root / "pyproject.toml").write_text(_PYPROJECT)
    (root / name).mkdir(exist_ok=True)
    (root / name / "__init__.py").write_text(f"VERSION = {version!r}\n")
    shutil.copyfile(__file__, root / f"{BACKEND}.py")
    return root


def write_sdist(directory: Path, name: str, version: str, requires: tuple[str, ...] = ()) -> str:
    stem = f"{name}-{version}"
    tree = write_project(directory / f".{stem}-src", name, version, requires)
    filename = f"{stem}.tar.gz"
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz", format=tarfile.PAX_FORMAT) as tar:
        for path in sorted(tree.rglob("*")):
            info = tar.gettarinfo(path, f"{stem}/{path.relative_to(tree)}")
            info.mtime, info.uid, info.gid, info.uname, info.gname = 0, 0, 0, "", ""
            if path.is_file():
                with path.open("rb") as f:
                    tar.addfile(info, f)
            else:
                tar.addfile(info)
    shutil.rmtree(tree)
    (directory / filename).write_bytes(buffer.getvalue())
    return filename


# --- PEP 517 hooks (run by pip inside the sdists and projects written above) ---------------
# pip's dry run only asks for metadata; the build hooks exist because PEP 517 requires them
# (build_editable installs a copy, which is enough for a test that never imports it).


def _own_metadata() -> str:
    with open("PKG-INFO", encoding="utf-8") as f:
        return f.read()


def _own_wheel(directory: str) -> str:
    metadata = _own_metadata()
    name = Parser().parsestr(metadata)["Name"]
    files = {}
    for dirpath, _, filenames in os.walk(name):
        for filename in filenames:
            path = os.path.join(dirpath, filename)
            with open(path, encoding="utf-8") as f:
                files[path.replace(os.sep, "/")] = f.read()
    return write_wheel(directory, metadata, files)


def get_requires_for_build_wheel(config_settings: object = None) -> list[str]:
    return []


get_requires_for_build_editable = get_requires_for_build_sdist = get_requires_for_build_wheel


def prepare_metadata_for_build_wheel(directory: str, config_settings: object = None) -> str:
    metadata = _own_metadata()
    meta = Parser().parsestr(metadata)
    dist_info = f"{meta['Name']}-{meta['Version']}.dist-info"
    os.makedirs(os.path.join(directory, dist_info), exist_ok=True)
    with open(os.path.join(directory, dist_info, "METADATA"), "w", encoding="utf-8") as f:
        f.write(metadata)
    return dist_info


prepare_metadata_for_build_editable = prepare_metadata_for_build_wheel


def build_wheel(
    wheel_directory: str, config_settings: object = None, metadata_directory: object = None
) -> str:
    return _own_wheel(wheel_directory)


build_editable = build_wheel


def build_sdist(sdist_directory: str, config_settings: object = None) -> str:
    raise NotImplementedError("the oracle test writes its sdists directly")
