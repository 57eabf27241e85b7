"""``iam-redshift lint``: lint files, directories, bundles or stdin."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from iam_redshift.errors import UsageError
from iam_redshift.findings import Finding, Severity

if TYPE_CHECKING:
    from iam_redshift.cli import Streams

FAIL_ON = ("error", "security-warning", "warning", "suggestion", "never")


def register(commands: Any) -> None:
    """Add ``lint`` to the subcommands."""
    from iam_redshift.formats import FORMATS

    lint = commands.add_parser(
        "lint",
        help="lint policy files, directories and bundles",
        description="Lint IAM policy documents offline. PATH is a policy file, a directory "
        "(searched for *.json; a directory with an iam-redshift.json manifest is linted as one "
        "bundle, with every cross-document rule), or - for stdin. Exit status: 0 nothing at or "
        "above the failing severity, 1 findings at or above it, 2 usage or input error.",
    )
    lint.add_argument("paths", metavar="PATH", nargs="+", help="file, directory, or - for stdin")
    lint.add_argument(
        "--format",
        choices=sorted(FORMATS),
        default="text",
        help="output format (default: %(default)s)",
    )
    lint.add_argument(
        "--instance-role",
        metavar="ARN",
        help="the instance role's ARN: loose trust policies must name exactly this principal",
    )
    lint.add_argument(
        "--kind",
        choices=("trust", "permissions"),
        help="treat loose documents as this kind instead of detecting it from their content",
    )
    lint.add_argument(
        "--fail-on",
        choices=FAIL_ON,
        default=None,
        help="lowest severity that makes the exit status 1 (default: security-warning)",
    )
    lint.add_argument(
        "--stdin-filename",
        metavar="NAME",
        help="the file name to report for a document read from stdin",
    )
    lint.set_defaults(handler=run_lint)


def fails(findings: list[Finding], fail_on: str) -> bool:
    """Whether any finding is at or above ``fail_on``."""
    if fail_on == "never":
        return False
    threshold = Severity(fail_on).rank
    return any(f.severity.rank >= threshold for f in findings)


def run_lint(arguments: argparse.Namespace, streams: Streams) -> int:
    """Lint the paths and print the findings; the exit status says whether any fails."""
    from iam_redshift.formats import render_findings
    from iam_redshift.lint.engine import LintOptions, iter_lint_paths, lint_document

    if arguments.instance_role is not None:
        _check_instance_role(arguments.instance_role)
    options = LintOptions(instance_role_arn=arguments.instance_role, kind=arguments.kind)
    findings: list[Finding] = []
    disk_paths = []
    linted_any = False
    for path in arguments.paths:
        if path == "-":
            data = streams.stdin.read()
            if not data.strip():
                streams.stderr.write("iam-redshift: nothing to lint: stdin is empty\n")
                continue
            name = arguments.stdin_filename or "<stdin>"
            findings.extend(lint_document(data, file=name, options=options))
            linted_any = True
        elif not Path(path).exists():
            raise UsageError(path, "no such file or directory")
        else:
            disk_paths.append(path)
    for path in disk_paths:
        if Path(path).is_dir() and not _has_policy_files(Path(path)):
            streams.stderr.write(f"iam-redshift: nothing to lint: {path} holds no *.json files\n")
            continue
        findings.extend(iter_lint_paths([path], options=options))
        linted_any = True
    findings.sort(key=Finding.sort_key)
    if linted_any or findings:
        streams.stdout.write(render_findings(arguments.format, findings))
    fail_on = arguments.fail_on or "security-warning"
    return 1 if fails(findings, fail_on) else 0


def _has_policy_files(directory: Path) -> bool:
    return any(directory.rglob("*.json"))


def _check_instance_role(arn: str) -> None:
    parts = arn.split(":", 5)
    if (
        len(parts) != 6
        or parts[0] != "arn"
        or parts[2] != "iam"
        or not parts[5].startswith("role/")
    ):
        raise UsageError(
            "--instance-role",
            f"{arn!r} is not a role ARN (arn:<partition>:iam::<account>:role/<path><name>)",
        )
