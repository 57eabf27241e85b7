"""IR000 and IR9xx: about iam-redshift itself rather than a policy document.

IR000 is made by the engine when a rule fails on some input; IR9xx by the configuration step
(:mod:`iam_redshift.configuration`) after every other rule has run. Neither has a check of its
own.
"""

from __future__ import annotations

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

# -- IR000 --------------------------------------------------------------------------------------
INTERNAL_ERROR = Rule.declare(
    """
    IR000 internal-error (error)

    A rule failed on this document: a bug in iam-redshift, not in the document.

    Why: A rule that raises an exception on some input must not stop the lint or hide the other
    findings, and it must not pass silently either: the document was not fully checked.

    Fix: Report it at the project's issue tracker with the document (or a reduced copy of it). Until
    it is fixed, the other rules' findings for the document still hold.
    """,
    references=(),
    # No document shows it: a rule that fails on a known input is fixed, not documented.
    bad=None,
    good=None,
)

# -- IR901 --------------------------------------------------------------------------------------
UNUSED_SUPPRESSION = Rule.declare(
    """
    IR901 unused-suppression (warning)

    A suppression in the configuration matches no finding.

    Why: A suppression is a reasoned exception for one problem in one place. Once the problem is
    fixed, or the file is renamed, a suppression left behind no longer says anything true, and it
    would silently hide the same problem if it came back. Stale suppressions pile up unless they are
    reported.

    Fix: Remove the suppression from [[tool.iam-redshift.suppress]] (or [[suppress]] in
    .iam-redshift.toml), or correct its code, path or sid.
    """,
    references=(CONFIGURATION, RUFF_UNUSED_NOQA),
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
)

RULES = (INTERNAL_ERROR, UNUSED_SUPPRESSION)
