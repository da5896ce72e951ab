"""PEP 658 metadata links in a PEP 503 HTML Simple page: kept apart so that html.parser
is loaded only when such a page is read."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import unquote, urljoin


def metadata_anchors(base: str, text: str) -> list[tuple[str, str, dict[str, str]]]:
    """(filename, absolute URL, metadata hashes) of every anchor with core metadata."""
    parser = _Anchors(base)
    parser.feed(text)
    return parser.links


class _Anchors(HTMLParser):
    def __init__(self, base: str) -> None:
        super().__init__()
        self.base = base
        self.links: list[tuple[str, str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "a":
            return
        values = dict(attrs)
        href = values.get("href")
        meta = values.get("data-core-metadata") or values.get("data-dist-info-metadata")
        if not href or not meta or "=" not in meta:
            return
        algorithm, _, digest = meta.partition("=")
        url = urljoin(self.base, href).split("#", 1)[0]
        self.links.append((unquote(url.rsplit("/", 1)[-1]), url, {algorithm.lower(): digest}))
