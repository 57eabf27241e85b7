"""Strategies for IAM policy documents beyond the two-role shapes: permissions (identity-based)
policies and role trust policies, drawn from IAM's policy grammar (grammatical, not safe).
"""

from __future__ import annotations

import string
from typing import Any, Final

from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from iam_redshift.strategies.values import (
    _CLUSTER_IDS,
    _DB_USERS,
    ROLE_NAME_CHARACTERS,
    _regions,
    account_ids,
    partitions,
    role_arns,
)

_POLICY_VERSION: Final = "2012-10-17"
_ACTIONS: Final = (
    "sts:AssumeRole",
    "iam:GetRole",
    "iam:ListRoles",
    "iam:GetRolePolicy",
    "redshift:GetClusterCredentials",
    "redshift:DescribeClusters",
    "redshift:JoinGroup",
    "redshift-serverless:GetCredentials",
    "s3:GetObject",
    "s3:ListBucket",
    "ec2:DescribeInstances",
    "logs:PutLogEvents",
)
_ACTION_WILDCARDS: Final = (
    "*",
    "redshift:*",
    "iam:*",
    "iam:Get*",
    "redshift:Describe*",
    "s3:Get*",
    "sts:Assume*",
    "iam:List?oles",
)
_SERVICE_CHARACTERS: Final = string.ascii_lowercase + string.digits + "-"
_ACTION_NAME_CHARACTERS: Final = string.ascii_letters + string.digits + "*?_-"
# Service-prefix:ActionName as the policy grammar allows it, for services we do not list.
_OTHER_ACTIONS = st.builds(
    "{}:{}".format,
    st.text(_SERVICE_CHARACTERS, min_size=1, max_size=20),
    st.text(_ACTION_NAME_CHARACTERS, min_size=1, max_size=30),
)
_ANY_ACTION = st.sampled_from(_ACTIONS) | st.sampled_from(_ACTION_WILDCARDS) | _OTHER_ACTIONS
_NAME_TEXT = st.text(ROLE_NAME_CHARACTERS, min_size=1, max_size=20)
_RESOURCES = st.one_of(
    role_arns(),
    st.just("*"),
    st.builds(
        "arn:{}:redshift:{}:{}:dbuser:{}/{}".format,
        st.just("aws"),
        _regions("aws"),
        account_ids(),
        _CLUSTER_IDS,
        _DB_USERS,
    ),
    st.builds("arn:aws:s3:::{}/{}".format, _CLUSTER_IDS, st.sampled_from(["*", "data/*", "a.csv"])),
    st.builds("arn:aws:iam::{}:role/{}*".format, account_ids(), _NAME_TEXT),
)
_CONDITION_OPERATORS: Final = (
    "StringEquals",
    "StringNotEquals",
    "StringEqualsIgnoreCase",
    "StringLike",
    "StringNotLike",
    "NumericLessThanEquals",
    "NumericGreaterThan",
    "DateGreaterThan",
    "Bool",
    "IpAddress",
    "NotIpAddress",
    "ArnEquals",
    "ArnLike",
)
_CONDITION_KEYS: Final = (
    "aws:SourceIp",
    "aws:PrincipalTag/team",
    "aws:RequestedRegion",
    "aws:SourceAccount",
    "aws:PrincipalArn",
    "aws:MultiFactorAuthPresent",
    "aws:CurrentTime",
    "sts:ExternalId",
    "redshift:DurationSeconds",
    "redshift:DbUser",
)
_OPERATORS = st.one_of(
    st.sampled_from(_CONDITION_OPERATORS),
    st.builds(
        "{}{}{}".format,
        st.sampled_from(["", "ForAnyValue:", "ForAllValues:"]),
        st.sampled_from(_CONDITION_OPERATORS),
        st.sampled_from(["", "IfExists"]),
    ),
    st.just("Null"),
)
# Condition values are printable ASCII: the policy grammar allows more, IAM does not.
_PRINTABLE = st.characters(min_codepoint=0x20, max_codepoint=0x7E)
_CONDITION_VALUE = st.one_of(
    st.text(_PRINTABLE, max_size=30),
    st.integers(0, 10**6),
    st.booleans(),
)
_CONDITIONS = st.dictionaries(
    _OPERATORS,
    st.dictionaries(
        st.sampled_from(_CONDITION_KEYS),
        _CONDITION_VALUE | st.lists(_CONDITION_VALUE, min_size=1, max_size=3),
        min_size=1,
        max_size=3,
    ),
    max_size=2,
)
_SIDS = st.text(string.ascii_letters + string.digits, min_size=1, max_size=24)


def _one_or_list(elements: SearchStrategy[Any]) -> SearchStrategy[Any]:
    """IAM's two forms of a value: a single string, or a list of them."""
    return elements | st.lists(elements, min_size=1, max_size=4)


def _statement(
    *,
    sid: str | None,
    effect: str,
    principal: tuple[str, Any] | None,
    action: tuple[str, Any],
    resource: tuple[str, Any] | None,
    condition: dict[str, Any] | None,
) -> dict[str, Any]:
    """A statement with its elements in IAM's usual order, optional ones left out."""
    statement: dict[str, Any] = {} if sid is None else {"Sid": sid}
    statement["Effect"] = effect
    for element in (principal, action, resource):
        if element is not None:
            statement[element[0]] = element[1]
    if condition is not None:
        statement["Condition"] = condition
    return statement


def _statement_key(statement: dict[str, Any]) -> object:
    # Sids are unique within a policy; statements without one never clash.
    return statement.get("Sid") or id(statement)


def _policies(statements: SearchStrategy[dict[str, Any]]) -> SearchStrategy[dict[str, Any]]:
    block = statements | st.lists(statements, min_size=1, max_size=4, unique_by=_statement_key)
    return st.fixed_dictionaries(
        {"Version": st.just(_POLICY_VERSION), "Statement": block},
        optional={"Id": _SIDS},
    )


def permissions_policies() -> SearchStrategy[dict[str, Any]]:
    """Permissions (identity-based) policies that follow IAM's policy grammar
    (``schemas/identity-policy.schema.json``), beyond the two-role shapes.

    Statements come alone or in a list; Allow and Deny; Action or NotAction and Resource or
    NotResource, each a string or a list; known actions, wildcards (``*``, ``redshift:*``,
    ``iam:Get*``) and other services' actions; role, Redshift, S3 and wildcard resources;
    conditions with set operators and ``IfExists``; Sids of letters and digits, unique. The
    documents are grammatical, not safe: lint findings about wildcards are expected.
    """
    statement = st.builds(
        _statement,
        sid=st.none() | _SIDS,
        effect=st.sampled_from(["Allow", "Deny"]),
        principal=st.none(),
        action=st.tuples(st.sampled_from(["Action", "NotAction"]), _one_or_list(_ANY_ACTION)),
        resource=st.tuples(st.sampled_from(["Resource", "NotResource"]), _one_or_list(_RESOURCES)),
        condition=st.none() | _CONDITIONS,
    )
    return _policies(statement)


_SERVICES: Final = (
    "ec2.amazonaws.com",
    "ec2.amazonaws.com.cn",
    "redshift.amazonaws.com",
    "lambda.amazonaws.com",
    "ecs-tasks.amazonaws.com",
)
_AWS_PRINCIPALS = st.one_of(
    role_arns(),
    st.builds("arn:{}:iam::{}:user/{}".format, partitions(), account_ids(), _NAME_TEXT),
    st.builds("arn:{}:iam::{}:root".format, partitions(), account_ids()),
    account_ids(),
)
_FEDERATED = st.one_of(
    st.sampled_from(["cognito-identity.amazonaws.com", "accounts.google.com"]),
    st.builds("arn:aws:iam::{}:saml-provider/{}".format, account_ids(), _NAME_TEXT),
)
_PRINCIPALS = st.one_of(
    st.fixed_dictionaries({"AWS": _one_or_list(_AWS_PRINCIPALS)}),
    st.fixed_dictionaries(
        {"Service": _one_or_list(st.sampled_from(_SERVICES))},
        optional={"AWS": _one_or_list(_AWS_PRINCIPALS)},
    ),
    st.fixed_dictionaries({"Federated": _one_or_list(_FEDERATED)}),
    st.just("*"),
    st.fixed_dictionaries({"AWS": st.just("*")}),
)
_TRUST_ACTIONS: Final = (
    "sts:AssumeRole",
    "sts:TagSession",
    "sts:SetSourceIdentity",
    "sts:AssumeRoleWithWebIdentity",
    "sts:AssumeRoleWithSAML",
    "sts:*",
)


def trust_policies() -> SearchStrategy[dict[str, Any]]:
    """Role trust policies that follow IAM's policy grammar
    (``schemas/trust-policy.schema.json``), beyond the two-role shapes.

    Principals of every type (roles, users, accounts, ``:root``, services, federated
    providers, ``*``) as strings or lists; the STS actions, alone or in lists; conditions;
    several statements. Grammatical, not safe: a ``*`` principal is drawn too.
    """
    statement = st.builds(
        _statement,
        sid=st.none() | _SIDS,
        effect=st.sampled_from(["Allow", "Deny"]),
        principal=st.tuples(st.just("Principal"), _PRINCIPALS),
        action=st.tuples(
            st.sampled_from(["Action", "NotAction"]),
            _one_or_list(st.sampled_from(_TRUST_ACTIONS)),
        ),
        resource=st.none(),
        condition=st.none() | _CONDITIONS,
    )
    return _policies(statement)
