"""Edits that break a least-privilege bundle's Redshift IAM authentication (IR6xx)."""

from __future__ import annotations

from hypothesis import strategies as st

from iam_redshift.render import Bundle
from iam_redshift.strategies._edits import (
    CREDENTIALS_ARN,
    LEAST_PRIVILEGE_SETUPS,
    Change,
    Mutation,
    drawn_copy,
    mutation,
    other_account,
    places_in,
)

__all__ = ["MUTATIONS"]

MUTATIONS: list[Mutation] = []


@mutation(MUTATIONS, "IR601", "credentials-dropped", LEAST_PRIVILEGE_SETUPS)
def credentials_dropped(draw: st.DrawFn, bundle: Bundle) -> Change:
    # An access role loses its credentials statement (GetClusterCredentials or the serverless
    # GetCredentials): the connection its setup promises is no longer allowed.
    document, value = drawn_copy(draw, bundle, "access", "permissions")
    dropped = value["Statement"].pop(0)
    return Change(
        {document.path: value}, f"{document.path}: statement {dropped.get('Sid')} left out"
    )


@mutation(MUTATIONS, "IR603", "credentials-other-account", LEAST_PRIVILEGE_SETUPS)
def credentials_elsewhere(draw: st.DrawFn, bundle: Bundle) -> Change:
    # A credentials ARN (dbuser, dbname, dbgroup or workgroup) moved to another account.
    places = [
        place
        for place in places_in(bundle, "permissions", "Resource")
        if CREDENTIALS_ARN.fullmatch(place.text)
    ]
    place = draw(st.sampled_from(places))
    parts = place.text.split(":", 5)
    parts[4] = other_account(draw, bundle.setup.account_id)
    changed = ":".join(parts)
    return place.replaced(
        changed, f"statement {place.sid} names {changed!r}, outside the setup's account"
    )


@mutation(MUTATIONS, "IR607", "credentials-on-every-resource", LEAST_PRIVILEGE_SETUPS)
def credentials_wildcard(draw: st.DrawFn, bundle: Bundle) -> Change:
    # An access role's first statement: the credentials action of its cluster or workgroup,
    # which takes the dbuser or workgroup ARN (some optional ones, DescribeClusters among them,
    # take only "*" and are not IR607's to report).
    document, value = drawn_copy(draw, bundle, "access", "permissions")
    statement = value["Statement"][0]
    statement["Resource"] = draw(st.sampled_from(["*", ["*"]]))
    return Change(
        {document.path: value},
        f"{document.path}: statement {statement.get('Sid')} applies to every resource ('*')",
    )
