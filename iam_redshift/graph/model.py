"""What the reachability graph is made of: nodes, edges with their verdicts and the statements
that justify them, credential grants, chains, and the risky shapes found."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from iam_redshift._record import record
from iam_redshift.findings import Finding

__all__ = [
    "CREDENTIAL_ACTIONS",
    "AccountGraph",
    "Chain",
    "Edge",
    "Evidence",
    "Grant",
    "Node",
    "NodeKind",
    "Risk",
    "Verdict",
]

#: The actions that hand out Redshift database credentials (Service Authorization Reference).
CREDENTIAL_ACTIONS = (
    "redshift:GetClusterCredentials",
    "redshift:GetClusterCredentialsWithIAM",
    "redshift-serverless:GetCredentials",
)

#: ``allowed``: IAM allows it whatever the request carries; ``conditional``: a Condition decides
#: (its keys are named).
Verdict = Literal["allowed", "conditional"]
#: role and user: in a dump; service, federated: a principal AWS or an identity provider
#: speaks for; anyone: ``"*"``; account: a whole account named by a trust policy; external: a
#: principal ARN of an account no dump covers.
NodeKind = Literal["role", "user", "service", "federated", "anyone", "account", "external"]


@dataclass(frozen=True, order=True)
class Evidence:
    """A statement (or element) that justifies an edge or a grant: the file, the JSON pointer in
    it, its line and column, and the statement's Sid."""

    file: str
    pointer: str
    line: int = 1
    column: int = 1
    sid: str | None = None


@record
class Node:
    """A principal: ``id`` is its ARN (or the service principal, ``*``, the provider ARN)."""

    id: str
    kind: NodeKind
    name: str
    account: str | None = None
    file: str | None = None
    pointer: str | None = None


@record
class Edge:
    """``source`` may ``sts:AssumeRole`` (or AssumeRoleWithSAML/WebIdentity) ``target``.

    ``via`` says how the trust policy covers the source (``arn``, ``account``, ``anyone``,
    ``service``, ``federated``, ``not-principal``); ``keys`` the condition keys a conditional
    edge depends on.
    """

    source: str
    target: str
    verdict: Verdict
    via: str
    keys: tuple[str, ...] = ()
    statements: tuple[Evidence, ...] = ()


@record
class Grant:
    """A principal's identity policies allow ``action`` on ``resource`` (a pattern as written)."""

    principal: str
    action: str
    resource: str
    verdict: Verdict
    keys: tuple[str, ...] = ()
    statements: tuple[Evidence, ...] = ()


@record
class Chain:
    """The shortest way from ``nodes[0]`` to a grant: each node assumes the next, the last
    holds ``grant``. Conditional when an edge or the grant is."""

    nodes: tuple[str, ...]
    grant: Grant
    verdict: Verdict
    keys: tuple[str, ...] = ()

    def text(self) -> str:
        """``A -> B -> C -> action`` (the final grant by its action)."""
        return " -> ".join((*self.nodes, self.grant.action))


@record
class Risk:
    """A risky shape: ``kind`` (``trusted-by-anyone``, ``trusted-by-account``, ``long-chain``,
    ``outside-pattern``, ``ec2-without-instance-profile``), what it is, and the nodes."""

    kind: str
    message: str
    nodes: tuple[str, ...]


@dataclass
class AccountGraph:
    """Everything found in one or more dumps (joined by account id)."""

    nodes: dict[str, Node] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)
    grants: list[Grant] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    risks: list[Risk] = field(default_factory=list)
    #: The accounts the dumps cover.
    accounts: tuple[str, ...] = ()
    #: The question the grants answer: actions and, with ``--to ARN``, the resource.
    actions: tuple[str, ...] = CREDENTIAL_ACTIONS
    resource: str | None = None
    #: A role ARN (``--to ROLE_ARN``): chains end by assuming it, not at a grant.
    target_role: str | None = None
