"""Offline policy evaluation: would IAM allow this request, given these policies?

:func:`evaluate` takes a :class:`Request` (principal, action, resource ARN, context keys) and
:class:`Policy` documents, and returns a :class:`Decision`: allowed, denied by an explicit Deny
(which statement), implicitly denied (no statement allows it), or depends on a condition (which
statement, which keys). Context keys the request does not mention are undecidable, never false.

It follows IAM's own rules (IAM User Guide, "Policy evaluation logic", "Condition operators",
"Policy variables"): Allow and Deny, Action and NotAction (case-insensitive), Resource and
NotResource (case-sensitive), ``*`` and ``?``, Principal and NotPrincipal for trust policies,
the String, Numeric, Date, Bool, Binary, IpAddress, Arn and Null operators with ``...IfExists``
and ``ForAnyValue:``/``ForAllValues:``, and policy variables such as ``${aws:username}``,
``${redshift:DbUser}``, ``${*}``, ``${?}`` and ``${$}``.
"""

from __future__ import annotations

from iam_redshift.evaluation.conditions import Outcome, evaluate_condition, known_operator
from iam_redshift.evaluation.evaluate import (
    Decision,
    Policy,
    Request,
    StatementRef,
    Verdict,
    evaluate,
    statement_applies,
    statements,
    string_values,
)
from iam_redshift.evaluation.variables import ContextValue, Substituted, substitute

__all__ = [
    "ContextValue",
    "Decision",
    "Outcome",
    "Policy",
    "Request",
    "StatementRef",
    "Substituted",
    "Verdict",
    "evaluate",
    "evaluate_condition",
    "known_operator",
    "statement_applies",
    "statements",
    "string_values",
    "substitute",
]
