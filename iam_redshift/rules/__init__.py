"""The rule catalogue: every rule, by code. Codes are stable and never reused.

The registry is an explicit mapping built from each family's ``RULES`` tuple:

- IR1xx (:mod:`~iam_redshift.rules.grammar`): reading and IAM's policy grammar;
  IR11x (:mod:`~iam_redshift.rules.account`): account-authorization-details dumps.
- IR2xx: wildcard scope (:mod:`~iam_redshift.rules.wildcards`), and wildcards over roles in
  sts:AssumeRole and iam:PassRole (:mod:`~iam_redshift.rules.roles`).
- IR3xx: principals, one document at a time (:mod:`~iam_redshift.rules.trust`) and the
  documents of a bundle against each other (:mod:`~iam_redshift.rules.cross_document`).
- IR4xx (:mod:`~iam_redshift.rules.quotas`): IAM's size and naming quotas.
- IR5xx: action knowledge: typos, resource fit and regions (:mod:`~iam_redshift.rules.actions`),
  condition fit (:mod:`~iam_redshift.rules.conditions`).
- IR6xx (:mod:`~iam_redshift.rules.redshift`): Redshift IAM authentication.
- IR000 and IR9xx (:mod:`~iam_redshift.rules.meta`): a rule's own failure, and the linter's
  configuration (unused suppressions).
"""

from __future__ import annotations

import functools
import importlib
from types import MappingProxyType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping

    from iam_redshift.rules._base import Rule

__all__ = ["FAMILIES", "all_rules", "find_rules", "get_rule"]

#: The modules that hold rules, in code order.
FAMILIES = (
    "grammar",
    "account",
    "wildcards",
    "roles",
    "trust",
    "cross_document",
    "quotas",
    "actions",
    "conditions",
    "redshift",
    "meta",
)


@functools.cache
def all_rules() -> Mapping[str, Rule]:
    """Every rule, by code, in code order."""
    rules: dict[str, Rule] = {}
    for family in FAMILIES:
        module = importlib.import_module(f"iam_redshift.rules.{family}")
        for rule in module.RULES:
            if rule.code in rules:
                raise RuntimeError(f"rule code {rule.code} is defined twice")
            rules[rule.code] = rule
    return MappingProxyType(dict(sorted(rules.items())))


@functools.cache
def _by_alias() -> Mapping[str, Rule]:
    return MappingProxyType(
        {alias: rule for rule in all_rules().values() for alias in rule.aliases}
    )


def get_rule(code: str) -> Rule | None:
    """The rule with ``code`` or a former code of it (case-insensitive), or with the name
    ``code`` (``instance-role-not-trusted``); None when there is none."""
    key = code.strip()
    rule = all_rules().get(key.upper()) or _by_alias().get(key.upper())
    if rule is not None:
        return rule
    return next((r for r in all_rules().values() if r.name == key.lower()), None)


def find_rules(query: str) -> list[Rule]:
    """The rules that ``query`` names: one by code, former code or name, else every rule whose
    code starts with it (``IR3``), in code order."""
    rule = get_rule(query)
    if rule is not None:
        return [rule]
    prefix = query.strip().upper()
    if not prefix:
        return []
    return [r for code, r in all_rules().items() if code.startswith(prefix)]
