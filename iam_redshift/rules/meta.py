"""IR9xx: about the linter's own configuration rather than a policy document.

These findings are made by the configuration step (:mod:`iam_redshift.configuration`) after
every other rule has run, so their rules have no check of their own.
"""

from __future__ import annotations

from iam_redshift.findings import Severity
from iam_redshift.rules._base import Example, Rule

CONFIGURATION = "https://iam-redshift.dev/schemas/config.schema.json"
RUFF_UNUSED_NOQA = "https://docs.astral.sh/ruff/rules/unused-noqa/"

# A policy without Version (IR103) that a team cannot change yet, and the same policy fixed.
_LEGACY = {
    "Statement": [
        {
            "Sid": "ReadRoles",
            "Effect": "Allow",
            "Action": "iam:GetRole",
            "Resource": "arn:aws:iam::123456789012:role/Redshift-Access-Role-1",
        }
    ]
}
_FIXED = {"Version": "2012-10-17", **_LEGACY}
_SUPPRESS_IR103 = """\
[[suppress]]
code = "IR103"
path = "policy.json"
reason = "written by the vendor's installer; tracked in OPS-1234"
"""

# -- IR901 --------------------------------------------------------------------------------------
UNUSED_SUPPRESSION = Rule(
    code="IR901",
    name="unused-suppression",
    severity=Severity.WARNING,
    summary="A suppression in the configuration matches no finding.",
    why="A suppression is a reasoned exception for one problem in one place. Once the problem is "
    "fixed, or the file is renamed, a suppression left behind no longer says anything true, and "
    "it would silently hide the same problem if it came back. Stale suppressions pile up unless "
    "they are reported.",
    fix="Remove the suppression from [[tool.iam-redshift.suppress]] (or [[suppress]] in "
    ".iam-redshift.toml), or correct its code, path or sid.",
    bad=Example.document(
        _FIXED,
        config=_SUPPRESS_IR103,
        note="the policy now has a Version, so the suppression of IR103 is stale",
    ),
    good=Example.document(
        _LEGACY,
        config=_SUPPRESS_IR103,
        note="the suppression still hides the IR103 finding it was written for",
    ),
    references=(CONFIGURATION, RUFF_UNUSED_NOQA),
)

RULES = (UNUSED_SUPPRESSION,)
