"""The account's instance-role/access-role pairs checked like a bundle, and risky trust shapes.

An *instance role* is a role whose trust policy names the EC2 service; an *access role* one
whose own policies hand out Redshift credentials. For each instance role, every access role its
``sts:AssumeRole`` statements name (exactly or by a pattern other than ``*``) must trust it
(IR301), every exact role ARN it names in a dumped account must exist (IR305), and every access
role that trusts it must be assumable under its own policies (IR306): the same mistakes the
bundle rules find before deploy, found after.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from iam_redshift.evaluation import statements, string_values
from iam_redshift.findings import Finding
from iam_redshift.graph.build import (
    ASSUME_ROLE,
    Actor,
    Builder,
    action_covers,
    may_assume,
)
from iam_redshift.graph.model import Risk
from iam_redshift.matching import glob_match
from iam_redshift.rules import all_rules
from iam_redshift.sources.account_dump import AccountDump

__all__ = ["check_pairs"]

_EC2 = ("ec2.amazonaws.com", "ec2.amazonaws.com.cn")


def _trusts_ec2(document: Any) -> bool:
    for _, statement in statements(document):
        principal = statement.get("Principal")
        if (
            statement.get("Effect") == "Allow"
            and isinstance(principal, dict)
            and any(v.lower() in _EC2 for v in string_values(principal.get("Service")))
        ):
            return True
    return False


def _named(document: Any) -> tuple[str, list[str]]:
    """The pointer of the first Allow Principal that may grant sts:AssumeRole, and the AWS
    principals the trust policy names."""
    pointer, names = "", []
    for where, statement in statements(document):
        if statement.get("Effect") != "Allow" or not action_covers(statement, ASSUME_ROLE):
            continue
        principal = statement.get("Principal")
        if not pointer:
            pointer = f"{where}/Principal" if "Principal" in statement else where
            if isinstance(principal, dict) and isinstance(principal.get("AWS"), str):
                pointer += "/AWS"  # the name that is wrong, when there is one
            elif isinstance(principal, dict) and isinstance(principal.get("AWS"), list):
                pointer += "/AWS/0"
        if isinstance(principal, dict):
            names.extend(string_values(principal.get("AWS")))
        elif isinstance(principal, str):
            names.append(principal)
    return pointer, names


def _assume_resources(builder: Builder, actor: Actor) -> Iterator[tuple[str, AccountDump, str]]:
    """(resource as written, dump, pointer) of each Resource of the actor's Allow statements
    that cover sts:AssumeRole."""
    for policy in actor.identity:
        place = builder.source.places.get(policy.file)
        if place is None:
            continue
        dump, base = place
        for where, statement in statements(policy.document):
            if statement.get("Effect") != "Allow" or not action_covers(statement, ASSUME_ROLE):
                continue
            value = statement.get("Resource")
            if isinstance(value, str):
                yield value, dump, f"{base}{where}/Resource"
            elif isinstance(value, list):
                for index, item in enumerate(value):
                    if isinstance(item, str):
                        yield item, dump, f"{base}{where}/Resource/{index}"


def _finding(code: str, message: str, dump: AccountDump, pointer: str) -> Finding:
    line, column = dump.positions(pointer)
    return all_rules()[code].finding(message, dump.file, pointer=pointer, line=line, column=column)


def check_pairs(builder: Builder) -> None:
    """Add the pair findings (IR301, IR305, IR306) and the trust risks to the graph."""
    graph = builder.graph
    edges = {(e.source, e.target) for e in graph.edges}
    holders = {g.principal for g in graph.grants}
    instance_roles = sorted(
        arn for arn, trust in builder.trusts.items() if _trusts_ec2(trust.policy.document)
    )
    access_roles = sorted(h for h in holders if h in builder.trusts)
    dumped = set(graph.accounts)
    found: list[Finding] = []
    for instance in instance_roles:
        actor = builder.actors[instance]
        named_targets: set[str] = set()
        for resource, dump, pointer in _assume_resources(builder, actor):
            if resource == "*":
                continue
            account = resource.split(":", 5)[4] if resource.count(":") >= 5 else None
            exact = "*" not in resource and "?" not in resource
            if (
                exact
                and ":role/" in resource
                and account in dumped
                and resource not in builder.actors
            ):
                found.append(
                    _finding(
                        "IR305",
                        f"instance role {actor.principal.name} may sts:AssumeRole {resource}, "
                        "but no role with that ARN is in the dump (a typo, or a deleted role): "
                        "the ETL tool's assume call fails. Name an existing access role's ARN",
                        dump,
                        pointer,
                    )
                )
            for access in access_roles:
                if resource == access or (not exact and glob_match(resource, access)):
                    named_targets.add(access)
        for access in sorted(named_targets):
            if (instance, access) in edges:
                continue
            trust = builder.trusts[access]
            pointer, names = _named(trust.policy.document)
            if instance in names:
                continue  # it names the instance role: a Deny or a condition is at work
            listed = ", ".join(repr(n) for n in names) if names else "no AWS principal"
            found.append(
                _finding(
                    "IR301",
                    f"the trust policy of access role {trust.role.name} does not let instance "
                    f"role {actor.principal.name} assume it, though the instance role's policy "
                    f"allows sts:AssumeRole on it: it names {listed}. IAM matches principals "
                    f"exactly; set the principal to {instance!r}",
                    trust.dump,
                    trust.role.trust.pointer + pointer if trust.role.trust else pointer,
                )
            )
        for access in access_roles:
            trust = builder.trusts[access]
            pointer, names = _named(trust.policy.document)
            if instance not in names or may_assume(actor.assume, access):
                continue
            reachable = (instance, access) in edges
            consequence = (
                "within one account a trust policy that names the instance role is enough on "
                "its own, so the instance role reaches it anyway, though its policy does not "
                "say so"
                if reachable
                else "so the ETL tool cannot use it"
            )
            found.append(
                _finding(
                    "IR306",
                    f"access role {trust.role.name} trusts instance role "
                    f"{actor.principal.name}, but the instance role's policies do not allow "
                    f"sts:AssumeRole on {access}: {consequence}. Add it to the Resource of the "
                    "instance role's sts:AssumeRole statement, or stop trusting the instance role",
                    trust.dump,
                    trust.role.trust.pointer + pointer if trust.role.trust else pointer,
                )
            )
    graph.findings.extend(found)
    _trust_risks(builder, instance_roles)


def _trust_risks(builder: Builder, instance_roles: list[str]) -> None:
    graph = builder.graph
    risks: list[Risk] = []
    for role in sorted(builder.anyone):
        risks.append(
            Risk(
                "trusted-by-anyone",
                f"role {builder.trusts[role].role.name} trusts every principal ('*'): anyone "
                "in any account whose own policies allow it may assume it, unless a condition "
                "stops them",
                (role,),
            )
        )
    for account in sorted(builder.by_account):
        for role in sorted(builder.by_account[account]):
            risks.append(
                Risk(
                    "trusted-by-account",
                    f"role {builder.trusts[role].role.name} trusts the whole account {account}: "
                    "every user and role there whose policies allow sts:AssumeRole on it may "
                    "assume it",
                    (role, f"arn:aws:iam::{account}:root"),
                )
            )
    for role in instance_roles:
        if role not in builder.instance_profiled:
            risks.append(
                Risk(
                    "ec2-without-instance-profile",
                    f"role {builder.trusts[role].role.name} trusts EC2 but no instance profile "
                    "holds it, so no instance can use it",
                    (role,),
                )
            )
    graph.risks.extend(risks)
