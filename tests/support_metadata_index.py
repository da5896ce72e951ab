"""A fake index on 127.0.0.1 that also serves core metadata (LC203 with --verify).

``MetadataIndex`` is ``fake_index.FakeIndex`` plus, per release, a METADATA text: the JSON
API's `info.requires_dist`, and on the Simple API a PEP 658 `<wheel URL>.metadata` file
announced with its sha256 (`core-metadata` in PEP 691 JSON, `data-core-metadata` in HTML).
"""

from __future__ import annotations

import hashlib
import html
import re
from email.parser import Parser
from pathlib import Path
from typing import Any

from werkzeug import Request, Response

from fake_index import FakeIndex, IndexFile, _Route
from lockcheck.model import normalize_name
from lockcheck.tomlcompat import toml_module


class MetadataIndex(FakeIndex):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.metadata: dict[tuple[str, str], str] = {}  # (name, version) -> METADATA
        self.served: dict[str, bytes] = {}  # wheel filename -> the .metadata body served
        self.announced: dict[str, str] = {}  # wheel filename -> the sha256 announced

    def set_metadata(
        self, name: str, version: str, text: str, *, announce: str | None = None
    ) -> None:
        """``announce``: the sha256 the Simple API publishes (default: the true one)."""
        key = normalize_name(name)
        self.metadata[(key, version)] = text
        for entry in self.projects.get(key, {}).get(version, []):
            if entry.filename.endswith(".whl"):
                self.served[entry.filename] = text.encode()
                self.announced[entry.filename] = (
                    announce or hashlib.sha256(text.encode()).hexdigest()
                )

    def _info(self, key: str, version: str, files: list[IndexFile]) -> dict[str, Any]:
        info = super()._info(key, version, files)
        text = self.metadata.get((key, version))
        if text is not None:
            info["requires_dist"] = Parser().parsestr(text).get_all("Requires-Dist") or None
        return info

    def _simple_json_file(self, entry: IndexFile) -> dict[str, Any]:
        data = super()._simple_json_file(entry)
        if entry.filename in self.announced:
            data["core-metadata"] = {"sha256": self.announced[entry.filename]}
        return data

    def _simple_page(
        self, request: Request, key: str, releases: dict[str, list[IndexFile]]
    ) -> Response:
        response = super()._simple_page(request, key, releases)
        if response.content_type.startswith("text/html"):
            body = response.get_data(as_text=True)
            for filename, digest in self.announced.items():
                needle = f'<a href="{html.escape("../../packages/" + filename)}'
                body = re.sub(
                    re.escape(needle) + r'([^"]*")',
                    lambda m, d=digest, n=needle: (
                        f'{n}{m.group(1)} data-core-metadata="sha256={d}"'
                    ),
                    body,
                )
            response.set_data(body)
        return response

    def _serve(self, request: Request, route: _Route) -> Response:
        path = request.path[len(self.root) :]
        if route.kind == "file" and path.endswith(".metadata"):
            filename = path.rsplit("/", 1)[-1][: -len(".metadata")]
            body = self.served.get(filename)
            if body is None:
                return Response(b"", 404)
            return Response(body, 200, content_type="application/octet-stream")
        return super()._serve(request, route)


def metadata_text(name: str, version: str, requires: list[str]) -> str:
    lines = ["Metadata-Version: 2.1", f"Name: {name}", f"Version: {version}"]
    extras = sorted({m for r in requires for m in re.findall(r'extra == "([^"]+)"', r)})
    lines += [f"Provides-Extra: {extra}" for extra in extras]
    return "\n".join([*lines, *(f"Requires-Dist: {r}" for r in requires)]) + "\n"


def metadata_from_uv_lock(path: Path) -> dict[tuple[str, str], str]:
    """METADATA texts for the registry packages of a uv.lock, from the dependency edges uv
    recorded (a name and a marker each: what the release's Requires-Dist said)."""
    data = toml_module().loads(path.read_text(encoding="utf-8"))
    texts = {}
    for package in data.get("package", []):
        if "registry" not in package.get("source", {}):
            continue
        requires = []
        for edge in package.get("dependencies", []):
            extras = f"[{','.join(edge['extra'])}]" if edge.get("extra") else ""
            marker = f"; {edge['marker']}" if edge.get("marker") else ""
            requires.append(f"{edge['name']}{extras}{marker}")
        for extra, edges in package.get("optional-dependencies", {}).items():
            for edge in edges:
                marker = f" and ({edge['marker']})" if edge.get("marker") else ""
                requires.append(f'{edge["name"]}; extra == "{extra}"{marker}')
        name, version = package["name"], package["version"]
        texts[(normalize_name(name), version)] = metadata_text(name, version, requires)
    return texts
