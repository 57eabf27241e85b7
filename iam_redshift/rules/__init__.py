"""The rule catalogue: every rule, by code. Codes are stable and never reused.

The registry is an explicit mapping built from each family's ``RULES`` tuple:

- IR1xx (:mod:`~iam_redshift.rules.grammar`): reading and IAM's policy grammar.
- IR2xx (:mod:`~iam_redshift.rules.wildcards`): wildcard scope.
- IR3xx (:mod:`~iam_redshift.rules.principals`): principals, and documents against each other.
- IR4xx (:mod:`~iam_redshift.rules.quotas`): IAM's size and naming quotas.
- IR5xx (:mod:`~iam_redshift.rules.actions`): action knowledge (typos, resource and condition fit).
- IR6xx (:mod:`~iam_redshift.rules.redshift`): Redshift IAM authentication.
- IR9xx (:mod:`~iam_redshift.rules.meta`): the linter's own configuration (unused suppressions).
"""

from __future__ import annotations

import functools
import importlib
from types import MappingProxyType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping

    from iam_redshift.rules._base import Rule

__all__ = ["FAMILIES", "all_rules", "get_rule"]

#: The modules that hold rules, in code order.
FAMILIES = ("grammar", "wildcards", "principals", "quotas", "actions", "redshift", "meta")


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


def get_rule(code: str) -> Rule | None:
    """The rule with ``code`` (case-insensitive), or None."""
    return all_rules().get(code.upper())
