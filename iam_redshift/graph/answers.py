"""Answers from a built graph: who can reach the grants (or a role), by which shortest chain.

One breadth-first search backwards from every holder at once: linear in nodes and edges. Among
chains of equal length the one with fewer conditional edges is not searched for; an allowed
edge is simply tried before a conditional one, so a chain is conditional only when its first
found shortest route is.
"""

from __future__ import annotations

from collections import deque

from iam_redshift.graph.model import AccountGraph, Chain, Edge, Grant, Risk

__all__ = ["chain_risks", "find_chains", "matches_node"]

_ENTRY_KINDS = ("service", "federated", "anyone", "account", "external")


def matches_node(graph: AccountGraph, node_id: str, query: str) -> bool:
    """Whether ``--from QUERY`` names this node: its ARN or id, or its name (case-insensitive for
    service principals)."""
    node = graph.nodes.get(node_id)
    if query == node_id or (node is not None and query == node.name):
        return True
    return node is not None and node.kind == "service" and query.lower() == node_id.lower()


def _best_grants(graph: AccountGraph) -> dict[str, Grant]:
    # Allowed before conditional, then in the order the question lists the actions.
    order = {action: index for index, action in enumerate(graph.actions)}
    best: dict[str, Grant] = {}
    for grant in sorted(
        graph.grants,
        key=lambda g: (g.verdict != "allowed", order.get(g.action, len(order)), g.resource),
    ):
        best.setdefault(grant.principal, grant)
    return best


def find_chains(graph: AccountGraph, start: str | None = None) -> list[Chain]:
    """For every node that can reach a grant (or ``graph.target_role``), its shortest chain;
    only the chains from nodes ``start`` names when given. Sorted by first node."""
    if graph.target_role is not None:
        target = graph.target_role
        goals = {target: Grant(target, "sts:AssumeRole", target, "allowed")}
    else:
        goals = _best_grants(graph)
    into: dict[str, list[Edge]] = {}
    for edge in sorted(graph.edges, key=lambda e: (e.verdict != "allowed", e.source, e.target)):
        into.setdefault(edge.target, []).append(edge)
    toward: dict[str, Edge | None] = dict.fromkeys(goals)
    queue = deque(sorted(goals))
    while queue:
        node = queue.popleft()
        for edge in into.get(node, ()):
            if edge.source not in toward:
                toward[edge.source] = edge
                queue.append(edge.source)
    chains = []
    for node in sorted(toward):
        if start is not None and not matches_node(graph, node, start):
            continue
        if graph.target_role is not None and node == graph.target_role:
            continue
        path, verdict = [node], "allowed"
        keys: list[str] = []
        step = toward[node]
        while step is not None:
            path.append(step.target)
            keys.extend(step.keys)
            if step.verdict == "conditional":
                verdict = "conditional"
            step = toward[step.target]
        grant = goals[path[-1]]
        keys.extend(grant.keys)
        if grant.verdict == "conditional":
            verdict = "conditional"
        unique = tuple(sorted(set(keys), key=str.lower))
        chains.append(Chain(tuple(path), grant, verdict, unique))  # type: ignore[arg-type]
    return chains


def chain_risks(graph: AccountGraph, chains: list[Chain]) -> list[Risk]:
    """Chains longer than the pattern's one role-to-role hop, and access roles (holders)
    assumable by a principal that is not an EC2 instance role."""
    risks = []
    kinds = {node_id: node.kind for node_id, node in graph.nodes.items()}
    for chain in chains:
        hops = sum(1 for node in chain.nodes[:-1] if kinds.get(node) not in _ENTRY_KINDS)
        if hops > 1:
            risks.append(
                Risk(
                    "long-chain",
                    f"{chain.nodes[0]} reaches {chain.grant.action} through {hops} role "
                    f"assumptions ({chain.text()}); the pattern needs one",
                    chain.nodes,
                )
            )
    ec2_fed = {
        e.target
        for e in graph.edges
        if kinds.get(e.source) == "service" and e.source.startswith("ec2.")
    }
    holders = {g.principal for g in graph.grants}
    for edge in graph.edges:
        if edge.target in holders and edge.source not in ec2_fed:
            risks.append(
                Risk(
                    "outside-pattern",
                    f"access role {edge.target} can be assumed by {edge.source} "
                    f"({kinds.get(edge.source, 'principal')}), which is not an EC2 instance role "
                    f"({edge.verdict})",
                    (edge.source, edge.target),
                )
            )
    return risks
