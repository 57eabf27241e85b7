"""What the rule families share: the AWS pages their documentation cites, the policy documents
their examples are made of, and how a message names the action data it relied on."""

from __future__ import annotations

import re
from typing import Any

from iam_redshift import knowledge

__all__ = [
    "ACTION",
    "ACTIONS_TABLE",
    "ACTION_SYNTAX",
    "CONDITION",
    "DBUSER_ARN",
    "GLOBAL_KEYS",
    "LEAST_PRIVILEGE",
    "MULTIVALUED",
    "NOT_ACTION",
    "NOT_RESOURCE",
    "OPERATORS",
    "POLICY_CHECKS",
    "QUOTAS",
    "REDSHIFT_ACTIONS",
    "RESOURCE",
    "data_note",
    "example_policy",
]

# -- IAM User Guide and Service Authorization Reference pages ------------------------------------

ACTION = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html"
NOT_ACTION = (
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html"
)
RESOURCE = (
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html"
)
NOT_RESOURCE = (
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notresource.html"
)
CONDITION = (
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html"
)
OPERATORS = (
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
    "reference_policies_elements_condition_operators.html"
)
GLOBAL_KEYS = (
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html"
)
MULTIVALUED = (
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
    "reference_policies_condition-single-vs-multi-valued-context-keys.html"
)
POLICY_CHECKS = (
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html"
)
LEAST_PRIVILEGE = (
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege"
)
QUOTAS = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html"
ACTIONS_TABLE = (
    "https://docs.aws.amazon.com/service-authorization/latest/reference/"
    "reference_policies_actions-resources-contextkeys.html"
)
REDSHIFT_ACTIONS = (
    "https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonredshift.html"
)

# -- examples and messages ------------------------------------------------------------------------

#: The dbuser ARN examples use: cluster ``analytics`` in us-east-1, database user ``etl_user``.
DBUSER_ARN = "arn:aws:redshift:us-east-1:123456789012:dbuser:analytics/etl_user"

#: The shape of an action (``service:Name``, wildcards allowed); IR101 reports any other shape.
ACTION_SYNTAX = re.compile(r"[A-Za-z0-9-]+:[A-Za-z0-9*?_-]+")

#: The rules' caches are keyed on text from the documents: bounded in entries, and only text
#: this short is remembered (a 4 MB action name is looked at once and forgotten).
CACHED_TEXT = 256


def example_policy(*statements: dict[str, Any]) -> dict[str, Any]:
    """A policy document of the current language version holding ``statements``."""
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(action: Any, resource: Any, **more: Any) -> dict[str, Any]:
    """An Allow statement of ``action`` on ``resource`` (and ``more`` elements), for examples."""
    return {"Effect": "Allow", "Action": action, "Resource": resource, **more}


def data_note(prefix: str = "") -> str:
    """How a message names the action data it relied on (for service ``prefix``)."""
    return knowledge.service_data_note(prefix)
