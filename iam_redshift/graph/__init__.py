"""Account-wide reachability: who can end up holding Redshift credentials, through which chain
of roles, from ``aws iam get-account-authorization-details`` dumps.

:func:`analyse` reads dumps (see :mod:`iam_redshift.sources.account_dump`), builds the graph
(:mod:`iam_redshift.graph.build`: edges from an index keyed by trust principal, each decided by
the offline evaluator), checks the instance-role/access-role pairs like a bundle
(:mod:`iam_redshift.graph.checks`) and finds the shortest chains
(:mod:`iam_redshift.graph.answers`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import field

from iam_redshift._record import record
from iam_redshift.engine.dump import dangling_policy_findings
from iam_redshift.findings import Finding
from iam_redshift.graph.answers import chain_risks, find_chains, matches_node
from iam_redshift.graph.build import Builder, Progress
from iam_redshift.graph.checks import check_pairs
from iam_redshift.graph.model import (
    CREDENTIAL_ACTIONS,
    AccountGraph,
    Chain,
    Edge,
    Evidence,
    Grant,
    Node,
    Risk,
)
from iam_redshift.rules.grammar import UNREADABLE
from iam_redshift.sources.account_dump import AccountDump, paused_collection

__all__ = [
    "CREDENTIAL_ACTIONS",
    "AccountGraph",
    "Analysis",
    "Chain",
    "Edge",
    "Evidence",
    "Grant",
    "Node",
    "Progress",
    "Risk",
    "analyse",
    "build_graph",
    "find_chains",
    "matches_node",
]


@record
class Analysis:
    """A graph with its answers: the chains (from ``start`` when given) and every finding and
    risk, sorted."""

    graph: AccountGraph
    chains: tuple[Chain, ...]
    findings: tuple[Finding, ...]
    risks: tuple[Risk, ...]
    start: str | None = None
    extra: dict[str, str] = field(default_factory=dict)


def build_graph(
    dumps: Sequence[AccountDump],
    *,
    actions: Sequence[str] = CREDENTIAL_ACTIONS,
    resource: str | None = None,
    target_role: str | None = None,
    progress: Progress | None = None,
) -> AccountGraph:
    """The graph of who may assume whom in ``dumps`` (joined by account id), which principals
    hold ``actions`` (on ``resource`` when given), the instance-role/access-role pairs checked
    like a bundle, and the risky trust shapes."""
    builder = Builder(dumps, progress)
    builder.read()
    builder.edges()
    builder.grants(actions, resource)
    builder.graph.target_role = target_role
    builder.graph.edges.sort(key=lambda e: (e.source, e.target))
    builder.graph.grants.sort(key=lambda g: (g.principal, g.action, g.resource))
    check_pairs(builder)
    held = {arn for dump in dumps for arn in dump.policies}
    for dump in dumps:
        builder.graph.findings.extend(dangling_policy_findings(dump, held))
        for pointer, message in dump.problems:
            line, column = dump.positions(pointer)
            builder.graph.findings.append(
                UNREADABLE.finding(
                    f"cannot read this part of the dump: {message}",
                    dump.file,
                    pointer=pointer,
                    line=line,
                    column=column,
                )
            )
    return builder.graph


def analyse(
    dumps: Sequence[AccountDump],
    *,
    to: str | None = None,
    start: str | None = None,
    progress: Progress | None = None,
) -> Analysis:
    """Answer ``iam-redshift graph``'s question: who can reach ``to`` (an action, possibly with
    wildcards; a role ARN; another resource ARN, for the credential actions on it; by default
    the Redshift credential actions), by which shortest chain, from ``start`` if given."""
    actions: Sequence[str] = CREDENTIAL_ACTIONS
    resource = target_role = None
    if to is not None:
        if to.startswith("arn:") and ":role/" in to and ":iam:" in to:
            target_role = to
        elif to.startswith("arn:"):
            resource = to
        else:
            actions = (to,)
    with paused_collection():
        graph = build_graph(
            dumps, actions=actions, resource=resource, target_role=target_role, progress=progress
        )
        chains = find_chains(graph, start)
    risks = sorted(
        [*graph.risks, *chain_risks(graph, chains)], key=lambda r: (r.kind, r.nodes, r.message)
    )
    findings = tuple(sorted(graph.findings, key=Finding.sort_key))
    return Analysis(graph, tuple(chains), findings, tuple(risks), start)
