"""Locks of one wheel from one registry, as uv and Poetry write them, and the private package
the index tests lock: acme-billing 1.0 (its one wheel has the digest ``FakeIndex`` publishes
for it, so a lock of it verifies against a ``FakeIndex`` that has it)."""

from __future__ import annotations

from fake_index import fake_digest

ACME_WHEEL = "acme_billing-1.0-py3-none-any.whl"
ACME_REQUIREMENT = f"acme-billing==1.0 --hash=sha256:{fake_digest(ACME_WHEEL)}\n"


def one_wheel_uv_lock(name: str, version: str, registry: str, wheel_url: str, sha256: str) -> str:
    return f"""version = 1
revision = 3
requires-python = ">=3.10"

[[package]]
name = "{name}"
version = "{version}"
source = {{ registry = "{registry}" }}
wheels = [
    {{ url = "{wheel_url}", hash = "sha256:{sha256}" }},
]
"""


def acme_uv_lock(registry: str) -> str:
    """acme-billing from ``registry``; its wheel where a ``FakeIndex`` serves it."""
    wheel_url = f"{registry.rsplit('/', 1)[0]}/packages/{ACME_WHEEL}"
    return one_wheel_uv_lock("acme-billing", "1.0", registry, wheel_url, fake_digest(ACME_WHEEL))


def acme_poetry_lock(registry: str, reference: str) -> str:
    """acme-billing from the legacy source ``reference`` (its name in pyproject.toml) at
    ``registry``."""
    return f"""[[package]]
name = "acme-billing"
version = "1.0"
description = ""
optional = false
python-versions = "*"
groups = ["main"]
files = [
    {{file = "{ACME_WHEEL}", hash = "sha256:{fake_digest(ACME_WHEEL)}"}},
]

[package.source]
type = "legacy"
url = "{registry}"
reference = "{reference}"

[metadata]
lock-version = "2.1"
python-versions = "*"
content-hash = "0"
"""
