"""Hypothesis strategies for iam-redshift: valid setups, rendered bundles, IAM documents, and
bundles broken in one known way. Public test fixtures for your own property-based tests.

They need Hypothesis, which iam-redshift installs only on request::

    pip install 'iam-redshift[strategies]'

>>> from hypothesis import given
>>> from iam_redshift.strategies import broken_bundles
>>> @given(broken_bundles())
... def test_the_linter_reports_it(broken):
...     assert broken.code in {finding.code for finding in broken.lint()}

Every strategy here builds valid values directly (no filtering of mostly-invalid ones), so they
generate quickly and shrink to small, readable examples. Arguments follow Hypothesis's own API
style: keyword-only, strategies where a value is likely to vary and plain values otherwise, and
bad arguments raise :class:`hypothesis.errors.InvalidArgument` when the strategy is first used.

With Hypothesis installed, the model types are registered with it (through the ``hypothesis``
entry point), so ``st.from_type(Setup)`` and ``st.builds(...)`` with model-typed arguments draw
from :func:`setups` and friends.

By job: :mod:`~iam_redshift.strategies.values` (names, ARNs, targets, roles, setups, bundles),
:mod:`~iam_redshift.strategies.documents` (permissions and trust policies),
:mod:`~iam_redshift.strategies.dumps` (account-authorization-details dumps with known answers,
and large synthetic ones) and :mod:`~iam_redshift.strategies.mutations` (broken bundles, made
by the edits in ``_trust_edits`` and ``_policy_edits``). They use only the public API of
iam-redshift. This is the only package that imports Hypothesis: ``import iam_redshift`` does
not.
"""

from __future__ import annotations

try:
    import hypothesis  # noqa: F401  (only to say what to install when it is missing)
except ModuleNotFoundError as missing:
    if missing.name != "hypothesis":
        raise
    raise ModuleNotFoundError(
        "iam_redshift.strategies needs Hypothesis, which iam-redshift installs only on request: "
        "pip install 'iam-redshift[strategies]'",
        name="hypothesis",
    ) from missing

from iam_redshift.strategies.documents import permissions_policies, trust_policies
from iam_redshift.strategies.dumps import (
    CONDITIONS,
    GeneratedDump,
    account_dumps,
    bundle_dump,
)
from iam_redshift.strategies.mutations import BROKEN_BUNDLE_CODES, BrokenBundle, broken_bundles
from iam_redshift.strategies.synthetic import synthetic_dump
from iam_redshift.strategies.values import (
    ROLE_NAME_CHARACTERS,
    ROLE_PATH_CHARACTERS,
    access_roles,
    account_ids,
    bundles,
    instance_roles,
    partitions,
    redshift_clusters,
    redshift_serverless,
    role_arns,
    role_names,
    role_paths,
    setups,
)

__all__ = [
    "BROKEN_BUNDLE_CODES",
    "CONDITIONS",
    "ROLE_NAME_CHARACTERS",
    "ROLE_PATH_CHARACTERS",
    "BrokenBundle",
    "GeneratedDump",
    "access_roles",
    "account_dumps",
    "account_ids",
    "broken_bundles",
    "bundle_dump",
    "bundles",
    "instance_roles",
    "partitions",
    "permissions_policies",
    "redshift_clusters",
    "redshift_serverless",
    "role_arns",
    "role_names",
    "role_paths",
    "setups",
    "synthetic_dump",
    "trust_policies",
]
