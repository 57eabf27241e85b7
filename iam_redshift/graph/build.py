"""Building the reachability graph from dumps, with the offline evaluator deciding every edge.

Edges come from an index of trust policies keyed by the principal they name (an ARN, an account,
``*``, a service, an identity provider), never from comparing every pair of principals: a
principal is tried only against the roles whose trust policy could cover it, and against roles
that trust its whole account only when its own policies allow ``sts:AssumeRole`` on them. Each
candidate edge is then decided by :func:`iam_redshift.evaluation.evaluate` with the source's
identity policies, the target's trust policy and an empty request context: explicit Deny,
``NotPrincipal``, ``NotAction`` and permissions boundaries count, and a Condition makes the edge
"conditional" with its keys, never drops it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from iam_redshift.evaluation import (
    Decision,
    Policy,
    Request,
    Verdict,
    evaluate,
    statements,
    string_values,
)
from iam_redshift.graph.model import (
    AccountGraph,
    Edge,
    Evidence,
    Grant,
    Node,
)
from iam_redshift.matching import action_matches, glob_match
from iam_redshift.sources.account_dump import AccountDump, DumpPolicy, Principal

if TYPE_CHECKING:
    from iam_redshift.evaluation import StatementRef

__all__ = [
    "ASSUME_ROLE",
    "Actor",
    "Builder",
    "Progress",
    "Trust",
    "action_covers",
    "may_assume",
    "statements",
]

#: Called now and then on long runs with (what, done, total).
Progress = Callable[[str, int, int], None]

ASSUME_ROLE = "sts:AssumeRole"
_EC2 = ("ec2.amazonaws.com", "ec2.amazonaws.com.cn")
#: What an identity policy of a principal outside every dump is taken to be: its own account
#: decides, and the graph shows what the trust policy lets it do.
_OUTSIDE = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
}


def action_covers(statement: Mapping[str, Any], action: str) -> bool:
    """Whether a statement's Action (or NotAction) covers ``action`` (case-insensitive)."""
    if "Action" in statement:
        return any(action_matches(p, action) for p in string_values(statement["Action"]))
    if "NotAction" in statement:
        return not any(action_matches(p, action) for p in string_values(statement["NotAction"]))
    return False


def _account(arn: str) -> str | None:
    fields = arn.split(":", 5)
    return fields[4] if len(fields) == 6 and fields[0] == "arn" and fields[4] else None


@dataclass
class _Source:
    """Where each policy the evaluator sees came from, so its verdicts point into dumps."""

    places: dict[str, tuple[AccountDump, str]] = field(default_factory=dict)

    def policy(self, dump: AccountDump, read: DumpPolicy, kind: str, owner: str | None) -> Policy:
        key = f"{dump.file}#{read.pointer}"
        self.places[key] = (dump, read.pointer)
        return Policy(key, read.document, "resource" if kind == "resource" else "identity", owner)

    def evidence(self, ref: StatementRef) -> Evidence:
        place = self.places.get(ref.file)
        if place is None:
            return Evidence(ref.file, ref.pointer, sid=ref.sid)
        dump, pointer = place
        line, column = dump.positions(pointer + ref.pointer)
        return Evidence(dump.file, pointer + ref.pointer, line, column, ref.sid)


@dataclass
class Actor:
    """A user or role with its identity policies, boundary, and what it may assume."""

    principal: Principal
    dump: AccountDump
    identity: list[Policy]
    boundary: Policy | None
    #: Resource patterns of its Allow statements that cover sts:AssumeRole.
    assume: list[str]

    @property
    def arn(self) -> str:
        """The principal's ARN."""
        return self.principal.arn


@dataclass
class Trust:
    """A role's trust policy, ready for the evaluator."""

    role: Principal
    dump: AccountDump
    policy: Policy


def _assume_patterns(policy: Policy) -> list[str]:
    found: list[str] = []
    for _, statement in statements(policy.document):
        if statement.get("Effect") != "Allow" or not action_covers(statement, ASSUME_ROLE):
            continue
        found.extend(
            ["*"] if "NotResource" in statement else string_values(statement.get("Resource"))
        )
    return found


def may_assume(patterns: Sequence[str], arn: str) -> bool:
    """Whether any of a principal's sts:AssumeRole resource patterns covers ``arn``."""
    return any(p == arn or glob_match(p, arn) for p in patterns)


class Builder:
    """Reads dumps into principals and an index of trust policies, then decides edges and
    grants (see the module's documentation)."""

    def __init__(self, dumps: Sequence[AccountDump], progress: Progress | None) -> None:
        self.dumps = dumps
        self.progress = progress
        self.graph = AccountGraph()
        self.source = _Source()
        self.managed: dict[str, tuple[AccountDump, DumpPolicy]] = {}
        for dump in dumps:
            for arn, policy in dump.policies.items():
                if policy.default is not None and policy.default.document is not None:
                    self.managed.setdefault(arn, (dump, policy.default))
        self.actors: dict[str, Actor] = {}
        self.trusts: dict[str, Trust] = {}
        # The index: what a trust policy names -> the roles whose trust policy names it.
        self.by_arn: dict[str, set[str]] = {}
        self.by_account: dict[str, set[str]] = {}
        self.by_service: dict[str, set[str]] = {}
        self.by_federated: dict[str, set[str]] = {}
        self.anyone: set[str] = set()
        self.not_principal: set[str] = set()
        self.instance_profiled: set[str] = set()
        self.assume_cache: dict[str, list[str]] = {}
        self.grant_cache: dict[str, list[tuple[str, str]]] = {}

    # -- reading ------------------------------------------------------------------------------

    def _assume(self, policy: Policy) -> list[str]:
        # Managed policies are attached to many principals: read each once.
        found = self.assume_cache.get(policy.file)
        if found is None:
            found = self.assume_cache[policy.file] = _assume_patterns(policy)
        return found

    def _wanted(self, policy: Policy, actions: Sequence[str]) -> list[tuple[str, str]]:
        found = self.grant_cache.get(policy.file)
        if found is None:
            found = []
            for _, statement in statements(policy.document):
                if statement.get("Effect") != "Allow":
                    continue
                for action in actions:
                    if not action_covers(statement, action):
                        continue
                    if "NotResource" in statement:
                        found.append((action, "*"))
                    else:
                        found.extend((action, r) for r in string_values(statement.get("Resource")))
            self.grant_cache[policy.file] = found
        return found

    def _policies(self, dump: AccountDump, principal: Principal) -> list[Policy]:
        found = [
            self.source.policy(dump, p, "identity", None)
            for p in principal.inline
            if p.document is not None
        ]
        for arn, _ in principal.managed:
            held = self.managed.get(arn)
            if held is not None:
                found.append(self.source.policy(held[0], held[1], "identity", None))
        return found

    def read(self) -> None:
        """Principals, their policies, and the trust index."""
        accounts: set[str] = set()
        for dump in self.dumps:
            for held in dump.instance_profiles.values():
                self.instance_profiled.update(held)
            groups = {g.name: g for g in dump.groups}
            for principal in (*dump.roles, *dump.users):
                identity = self._policies(dump, principal)
                for name in principal.groups:
                    group = groups.get(name)
                    if group is not None:
                        identity.extend(self._policies(dump, group))
                boundary = None
                bound = self.managed.get(principal.boundary[0]) if principal.boundary else None
                if bound is not None:
                    boundary = self.source.policy(bound[0], bound[1], "identity", None)
                assume = [p for policy in identity for p in self._assume(policy)]
                self.actors[principal.arn] = Actor(principal, dump, identity, boundary, assume)
                account = principal.account
                if account:
                    accounts.add(account)
                self.graph.nodes[principal.arn] = Node(
                    principal.arn,
                    "role" if principal.kind == "role" else "user",
                    principal.name,
                    account,
                    dump.file,
                    principal.pointer,
                )
                trust = principal.trust
                if principal.kind == "role" and trust is not None and trust.document is not None:
                    policy = self.source.policy(dump, trust, "resource", principal.arn)
                    self.trusts[principal.arn] = Trust(principal, dump, policy)
                    self._index(principal.arn, trust.document)
                if principal.kind == "role" and principal.instance_profiles:
                    self.instance_profiled.add(principal.arn)
        self.graph.accounts = tuple(sorted(accounts))

    def _index(self, role: str, document: Any) -> None:
        for _, statement in statements(document):
            if statement.get("Effect") != "Allow":
                continue
            if "NotPrincipal" in statement:
                self.not_principal.add(role)
                continue
            principal = statement.get("Principal")
            if principal == "*":
                self.anyone.add(role)
                continue
            if not isinstance(principal, dict):
                continue
            for kind, values in principal.items():
                for value in string_values(values):
                    if kind == "AWS":
                        if value == "*":
                            self.anyone.add(role)
                        elif value.isdigit():
                            self.by_account.setdefault(value, set()).add(role)
                        elif value.endswith(":root") and _account(value):
                            self.by_account.setdefault(str(_account(value)), set()).add(role)
                        else:
                            self.by_arn.setdefault(value, set()).add(role)
                    elif kind == "Service":
                        self.by_service.setdefault(value.lower(), set()).add(role)
                    elif kind == "Federated":
                        self.by_federated.setdefault(value, set()).add(role)

    # -- deciding -----------------------------------------------------------------------------

    def _edge(self, source: str, target: str, via: str, decision: Decision) -> None:
        if decision.verdict is Verdict.ALLOWED:
            verdict = "allowed"
        elif decision.verdict is Verdict.DEPENDS:
            verdict = "conditional"
        else:
            return
        evidence = tuple(
            sorted(
                {
                    self.source.evidence(r)
                    for r in decision.statements
                    if r.file in self.source.places
                }
            )
        )
        self.graph.edges.append(
            Edge(source, target, verdict, via, decision.keys, evidence)  # type: ignore[arg-type]
        )

    def _decide(self, actor: Actor, trust: Trust, via: str, action: str = ASSUME_ROLE) -> Decision:
        request = Request(actor.arn, action, trust.role.arn)
        decision = evaluate(request, [*actor.identity, trust.policy])
        if (
            decision.verdict is Verdict.IMPLICITLY_DENIED
            and via in ("arn", "anyone")
            and _account(trust.role.arn) == actor.principal.account
        ):
            # Within one account a trust policy that names the caller is enough on its own, with
            # or without a condition; the evaluator needs the identity side for a conditional
            # one, so give it one that leaves the decision to the trust policy (Denies stay).
            open_identity = Policy("(trust policy alone)", _OUTSIDE)
            alone = evaluate(request, [*actor.identity, open_identity, trust.policy])
            if alone.verdict is Verdict.DEPENDS:
                decision = Decision(
                    alone.verdict,
                    alone.reason,
                    tuple(r for r in alone.statements if r.file != open_identity.file),
                    alone.keys,
                )
        if decision.verdict in (Verdict.ALLOWED, Verdict.DEPENDS) and actor.boundary is not None:
            bounded = evaluate(request, [actor.boundary])
            if bounded.verdict in (Verdict.EXPLICITLY_DENIED, Verdict.IMPLICITLY_DENIED):
                return bounded
            if bounded.verdict is Verdict.DEPENDS:
                keys = tuple(sorted({*decision.keys, *bounded.keys}, key=str.lower))
                return Decision(
                    Verdict.DEPENDS,
                    decision.reason,
                    decision.statements + bounded.statements,
                    keys,
                )
        return decision

    @staticmethod
    def _assumable(actor: Actor, pool: set[str]) -> set[str]:
        """The roles of ``pool`` the actor's own policies may allow it to assume: exact ARNs by
        set intersection, so only wildcard patterns cost a match per role."""
        exact = {p for p in actor.assume if "*" not in p and "?" not in p}
        wild = [p for p in actor.assume if p not in exact]
        found = exact & pool
        if wild:
            found.update(role for role in pool if any(glob_match(p, role) for p in wild))
        return found

    def _candidates(self, actor: Actor) -> Iterator[tuple[str, str]]:
        """(role ARN, how its trust policy may cover the actor), each role once."""
        seen: set[str] = set()
        for role in sorted(self.by_arn.get(actor.arn, ())):
            seen.add(role)
            yield role, "arn"
        account = actor.principal.account
        if actor.assume:
            pool = self.by_account.get(account or "", set())
            for role in sorted(self._assumable(actor, pool) - seen):
                seen.add(role)
                yield role, "account"
        if self.anyone:
            # Within its account a role that trusts "*" needs nothing from the caller's
            # policies; from another account the caller's policies must allow it too.
            same = {role for role in self.anyone if _account(role) == account}
            others = self._assumable(actor, self.anyone - same) if actor.assume else set()
            for role in sorted((same | others) - seen):
                seen.add(role)
                yield role, "anyone"
        for role in sorted(self.not_principal - seen):
            seen.add(role)
            yield role, "not-principal"

    def edges(self) -> None:
        """Every edge, from the index."""
        actors = sorted(self.actors)
        total = len(actors)
        for done, arn in enumerate(actors):
            if self.progress is not None and done % 1000 == 0:
                self.progress("principals", done, total)
            actor = self.actors[arn]
            for role, via in self._candidates(actor):
                trust = self.trusts.get(role)
                if trust is not None and role != arn:
                    self._edge(arn, role, via, self._decide(actor, trust, via))
        if self.progress is not None:
            self.progress("principals", total, total)
        self._outside_edges()

    def _outside_edges(self) -> None:
        """Edges from what no dump holds: services, identity providers, anyone, other accounts."""
        dumped = set(self.graph.accounts)
        outside: list[tuple[str, str, str, str]] = []  # (node id, kind, roles' key, via)
        for service in sorted(self.by_service):
            outside.extend(
                (service, "service", role, "service") for role in self.by_service[service]
            )
        for provider in sorted(self.by_federated):
            outside.extend(
                (provider, "federated", role, "federated") for role in self.by_federated[provider]
            )
        outside.extend(("*", "anyone", role, "anyone") for role in self.anyone)
        for account in sorted(self.by_account):
            if account not in dumped:
                root = f"arn:aws:iam::{account}:root"
                outside.extend(
                    (root, "account", role, "account") for role in self.by_account[account]
                )
        for arn in sorted(self.by_arn):
            owner = _account(arn)
            if owner is not None and owner not in dumped and arn not in self.actors:
                outside.extend((arn, "external", role, "arn") for role in self.by_arn[arn])
        for node_id, kind, role, via in sorted(outside):
            trust = self.trusts.get(role)
            if trust is None:
                continue
            if node_id not in self.graph.nodes:
                self.graph.nodes[node_id] = Node(
                    node_id,
                    kind,  # type: ignore[arg-type]
                    node_id,
                    _account(node_id),
                )
            action = ASSUME_ROLE
            # No dump holds its policies (a service, a provider, another account): the trust
            # policy decides, as if its own side allowed it.
            identity = [Policy("(its own account's policies)", _OUTSIDE)]
            if kind == "federated":
                saml = ":saml-provider/" in node_id
                action = "sts:AssumeRoleWithSAML" if saml else "sts:AssumeRoleWithWebIdentity"
            if kind == "service" and node_id in _EC2 and role not in self.instance_profiled:
                continue  # EC2 delivers a role only through an instance profile
            decision = evaluate(Request(node_id, action, role), [*identity, trust.policy])
            self._edge(node_id, role, via, decision)

    # -- grants -------------------------------------------------------------------------------

    def grants(self, actions: Sequence[str], resource: str | None) -> None:
        """Which principals' own policies allow ``actions`` (on ``resource``), on what."""
        self.graph.actions = tuple(actions)
        self.graph.resource = resource
        for arn in sorted(self.actors):
            actor = self.actors[arn]
            wanted: set[tuple[str, str]] = set()
            for policy in actor.identity:
                for action, written in self._wanted(policy, actions):
                    wanted.add((action, resource if resource is not None else written))
            for action, target in sorted(wanted):
                request = Request(arn, action, target)
                decision = evaluate(request, actor.identity)
                if decision.verdict in (Verdict.ALLOWED, Verdict.DEPENDS) and actor.boundary:
                    bounded = evaluate(request, [actor.boundary])
                    if bounded.verdict not in (Verdict.ALLOWED, Verdict.DEPENDS):
                        continue
                    if bounded.verdict is Verdict.DEPENDS:
                        decision = Decision(
                            Verdict.DEPENDS,
                            decision.reason,
                            decision.statements + bounded.statements,
                            tuple(sorted({*decision.keys, *bounded.keys}, key=str.lower)),
                        )
                if decision.verdict not in (Verdict.ALLOWED, Verdict.DEPENDS):
                    continue
                verdict = "allowed" if decision.verdict is Verdict.ALLOWED else "conditional"
                evidence = tuple(sorted({self.source.evidence(r) for r in decision.statements}))
                self.graph.grants.append(
                    Grant(arn, action, target, verdict, decision.keys, evidence)  # type: ignore[arg-type]
                )
