"""LC106 package-from-wrong-index: a private package resolved from another index."""

from __future__ import annotations

from lockcheck.config import Settings
from rules.conftest import (
    FILES,
    A,
    Writer,
    check,
    poetry_lock,
    poetry_package,
    pylock,
    pylock_package,
    uv_lock,
    uv_package,
)
from support_requirements import codes


def test_uv_private_package_from_public_index(write: Writer) -> None:
    private = Settings(private_packages=("acme-*",), private_index="https://pypi.acme.test/simple/")
    good = uv_package(
        "acme-billing", "1.0", source='{ registry = "https://pypi.acme.test/simple" }'
    ).replace(FILES, "https://pypi.acme.test/files")  # served by its own index (LC107)
    bad = uv_package("acme-ledger", "2.0")
    findings = check(write("uv.lock", uv_lock(good, bad)), private)
    assert [(f.code, f.package) for f in findings] == [("LC106", "acme-ledger")]


def test_poetry_private_package_from_default_index(write: Writer) -> None:
    settings = Settings(private_packages=("acme-*",), private_index="https://pypi.acme.test/simple")
    from_public = poetry_package("acme-billing", "1.0")
    findings = check(write("poetry.lock", poetry_lock(from_public)), settings)
    assert codes(findings) == ["LC106"]
    assert "default index" in findings[0].message


def test_pylock_private_package_from_public_index(write: Writer) -> None:
    private = Settings(private_packages=("acme-*",), private_index="https://pypi.acme.test/simple/")
    good = pylock_package(
        "acme-billing",
        "1.0",
        body=(
            'index = "https://pypi.acme.test/simple"\n'
            'wheels = [{ url = "https://pypi.acme.test/files/acme_billing-1.0-py3-none-any.whl", '
            f'hashes = {{ sha256 = "{A}" }} }}]'
        ),
    )
    bad = pylock_package("acme-ledger", "2.0")
    findings = check(write("pylock.toml", pylock(good, bad)), private)
    assert [(f.code, f.package) for f in findings] == [("LC106", "acme-ledger")]
