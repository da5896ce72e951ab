"""LC105 disallowed-host: with `allowed-hosts` set, any URL on another host."""

from __future__ import annotations

from lockcheck.config import Settings
from rules.conftest import (
    FILES,
    H1,
    Writer,
    check,
    pylock,
    pylock_package,
    uv_lock,
    uv_package,
)
from support_requirements import codes


def test_requirements_only_with_allowed_hosts(write: Writer) -> None:
    text = (
        "--index-url https://pypi.internal.example/simple\n"
        "--extra-index-url https://mirror.elsewhere.example/simple\n"
        f"foo @ https://files.internal.example/foo-1.0.tar.gz --hash={H1}\n"
    )
    path = write("requirements.txt", text)
    assert "LC105" not in codes(check(path))
    allowed = Settings(allowed_hosts=("pypi.internal.example", "*.internal.example"))
    lc105 = [f for f in check(path, allowed) if f.code == "LC105"]
    assert [f.location.line for f in lc105] == [2]
    assert "mirror.elsewhere.example" in lc105[0].message


def test_uv_url_rules(write: Writer) -> None:
    # LC101 and LC104 on the index URL, LC105 on the artifacts' host.
    insecure = uv_package(source='{ registry = "http://index.example.test/simple" }')
    assert "LC101" in codes(check(write("uv.lock", uv_lock(insecure))))
    leaky = uv_package(source='{ registry = "https://u:hunter2@index.example.test/simple" }')
    findings = check(write("b/uv.lock", uv_lock(leaky)))
    assert "LC104" in codes(findings)
    assert all("hunter2" not in f.message for f in findings)
    allowed = Settings(allowed_hosts=("index.example.test",))
    lc105 = [
        f for f in check(write("c/uv.lock", uv_lock(uv_package())), allowed) if f.code == "LC105"
    ]
    assert sorted(f.message for f in lc105) == [
        f"artifact {FILES}/six-1.16.0-py3-none-any.whl: host files.example.test is not in "
        "allowed-hosts",
        f"artifact {FILES}/six-1.16.0.tar.gz: host files.example.test is not in allowed-hosts",
    ]


def test_pylock_artifact_host(write: Writer) -> None:
    path = write("pylock.toml", pylock(pylock_package()))
    assert "LC105" not in codes(check(path))
    lc105 = [
        f for f in check(path, Settings(allowed_hosts=("index.example.test",))) if f.code == "LC105"
    ]
    assert [f.message for f in lc105] == [
        f"artifact {FILES}/six-1.16.0-py3-none-any.whl: host files.example.test is not in "
        "allowed-hosts"
    ]
