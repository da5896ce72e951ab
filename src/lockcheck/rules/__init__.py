"""The explicit registry of rules, in code order. Codes are never reused."""

from __future__ import annotations

from lockcheck.rules import (
    lc001_unpinned_requirement,
    lc002_missing_hash,
    lc003_weak_hash_algorithm,
    lc004_malformed_hash,
    lc005_conflicting_pins,
    lc006_editable_requirement,
    lc007_unhashable_source,
    lc008_mutable_vcs_reference,
    lc009_filename_mismatch,
    lc101_insecure_transport,
    lc102_extra_index_url,
    lc103_trusted_host,
    lc104_credentials_in_url,
    lc105_disallowed_host,
    lc106_package_from_wrong_index,
    lc107_foreign_artifact_host,
    lc201_stale_lock,
    lc202_unsupported_lock_version,
    lc203_missing_dependency,
    lc204_unreachable_package,
    lc301_hash_not_on_index,
    lc302_version_not_on_index,
    lc303_project_not_on_index,
    lc304_yanked_version,
    lc305_artifact_mismatch,
    lc306_unverified_package,
    lc307_private_name_on_public_index,
    lc308_url_not_on_index,
    lc309_incomplete_hash_set,
    lc401_typosquat_suspect,
    lc901_expired_waiver,
    lc902_unused_waiver,
)
from lockcheck.rules.base import Rule

ALL_RULES: tuple[Rule, ...] = (
    lc001_unpinned_requirement.RULE,
    lc002_missing_hash.RULE,
    lc003_weak_hash_algorithm.RULE,
    lc004_malformed_hash.RULE,
    lc005_conflicting_pins.RULE,
    lc006_editable_requirement.RULE,
    lc007_unhashable_source.RULE,
    lc008_mutable_vcs_reference.RULE,
    lc009_filename_mismatch.RULE,
    lc101_insecure_transport.RULE,
    lc102_extra_index_url.RULE,
    lc103_trusted_host.RULE,
    lc104_credentials_in_url.RULE,
    lc105_disallowed_host.RULE,
    lc106_package_from_wrong_index.RULE,
    lc107_foreign_artifact_host.RULE,
    lc201_stale_lock.RULE,
    lc202_unsupported_lock_version.RULE,
    lc203_missing_dependency.RULE,
    lc204_unreachable_package.RULE,
    lc301_hash_not_on_index.RULE,
    lc302_version_not_on_index.RULE,
    lc303_project_not_on_index.RULE,
    lc304_yanked_version.RULE,
    lc305_artifact_mismatch.RULE,
    lc306_unverified_package.RULE,
    lc307_private_name_on_public_index.RULE,
    lc308_url_not_on_index.RULE,
    lc309_incomplete_hash_set.RULE,
    lc401_typosquat_suspect.RULE,
    lc901_expired_waiver.RULE,
    lc902_unused_waiver.RULE,
)
BY_CODE = {rule.code: rule for rule in ALL_RULES}
BY_NAME = {rule.name: rule for rule in ALL_RULES}


def lookup(code_or_name: str) -> Rule | None:
    key = code_or_name.strip()
    return BY_CODE.get(key.upper()) or BY_NAME.get(key.lower())
