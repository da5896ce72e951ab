"""Which rules a configuration runs, and at what severity: beside the registry they read."""

from __future__ import annotations

from collections.abc import Iterable

from lockcheck.config import Settings
from lockcheck.errors import ConfigError
from lockcheck.findings import Finding
from lockcheck.rules import ALL_RULES, BY_CODE, lookup
from lockcheck.rules.base import Rule


def select_rules(settings: Settings) -> tuple[Rule, ...]:
    """The rules ``select`` minus ``ignore`` name; unknown selectors are a ConfigError."""
    chosen = _expand(settings.select, "select", settings)
    dropped = _expand(settings.ignore, "ignore", settings)
    return tuple(rule for rule in ALL_RULES if rule.code in chosen and rule.code not in dropped)


def _expand(selectors: Iterable[str], key: str, settings: Settings) -> set[str]:
    codes: set[str] = set()
    for raw in selectors:
        selector = raw.strip()
        if not selector:
            continue
        if selector.upper() == "ALL":
            codes.update(BY_CODE)
            continue
        matched = matching_codes(selector)
        if not matched:
            raise ConfigError(
                f"unknown rule {selector!r} in '{key}' (see 'lockcheck rules')",
                settings.config_path,
            )
        codes |= matched
    return codes


def matching_codes(selector: str) -> set[str]:
    """The codes a selector (a code, a name, a code prefix, or ALL) names."""
    selector = selector.strip()
    if selector.upper() == "ALL":
        return set(BY_CODE)
    return {
        rule.code
        for rule in ALL_RULES
        if rule.code == selector.upper()
        or rule.name == selector.lower()
        or (len(selector) >= 2 and rule.code.startswith(selector.upper()))
    }


def validate(settings: Settings) -> None:
    """Reject settings that name rules lockcheck does not have."""
    select_rules(settings)
    for key in settings.severity:
        if lookup(key) is None:
            raise ConfigError(f"unknown rule {key!r} in 'severity'", settings.config_path)
    for waiver in settings.waivers:
        if lookup(waiver.code) is None:
            raise ConfigError(
                f"waiver names unknown rule {waiver.code!r}", waiver.config_path, waiver.line
            )


def wants_index(settings: Settings) -> bool:
    """Whether any rule this configuration runs reads the index snapshot."""
    return any(rule.needs_index or rule.reads_index for rule in select_rules(settings))


def with_severity(finding: Finding, settings: Settings) -> Finding:
    """The finding at the severity the configuration gives its rule, if it gives one."""
    override = settings.severity.get(finding.code) or settings.severity.get(finding.name)
    return finding.with_severity(override) if override else finding
