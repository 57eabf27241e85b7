"""``iam-redshift lint``: lint files, directories, globs, bundles or stdin, as configured."""

from __future__ import annotations

import argparse
import os
from typing import TYPE_CHECKING, Any

from iam_redshift.cli._base import add_command
from iam_redshift.errors import UsageError
from iam_redshift.findings import Finding, Severity

if TYPE_CHECKING:
    from iam_redshift.cli._base import Streams

#: What ``--input-type`` forces (kept here: the command line imports no reader at start-up).
INPUT_TYPES = ("policy", "cloudformation", "terraform-plan", "terraform-configuration")
FAIL_ON = ("error", "security-warning", "warning", "suggestion", "never")
DEFAULT_FAIL_ON = "security-warning"


#: ``lint`` in the command list (the first line) and its ``--help``.
LINT_HELP = """
lint policy files, directories and bundles

Lint IAM policy documents offline. PATH is a policy file, a directory (searched for policy
documents, CloudFormation templates in JSON or YAML and Terraform plans and *.tf.json
configurations; hidden folders are skipped, and so are files that are none of these, with a note; a
directory with an iam-redshift.json manifest is linted as one bundle, with every cross-document
rule, and so is a file that belongs to one), a glob, or - for stdin. Configuration comes from
--config, or from the nearest .iam-redshift.toml or pyproject.toml [tool.iam-redshift] table above
the current directory. Exit status: 0 nothing at or above the failing severity, 1 findings at or
above it, 2 usage error, missing path, nothing to lint (see --allow-empty) or bad configuration.
"""


def register(commands: Any) -> None:
    """Add ``lint`` to the subcommands."""
    from iam_redshift.formats import FORMATS

    lint = add_command(commands, "lint", run_lint, LINT_HELP)
    lint.add_argument(
        "paths", metavar="PATH", nargs="+", help="file, directory, glob, or - for stdin"
    )
    lint.add_argument(
        "--format",
        choices=sorted(FORMATS),
        default="text",
        help="output format (default: %(default)s)",
    )
    lint.add_argument(
        "--instance-role",
        metavar="ARN",
        help="the instance role's ARN: loose trust policies must name exactly this principal "
        "(wins over the configuration's instance-role)",
    )
    lint.add_argument(
        "--kind",
        choices=("trust", "permissions"),
        help="treat loose documents as this kind instead of detecting it from their content",
    )
    lint.add_argument(
        "--input-type",
        choices=INPUT_TYPES,
        help="read every file as this instead of recognising what each is (a policy document, "
        "a CloudFormation template in JSON or YAML, a Terraform plan from terraform show -json, "
        "a Terraform JSON configuration)",
    )
    lint.add_argument(
        "--verbose",
        action="store_true",
        help="also name the files a directory search skipped (not policies, bundles, "
        "templates or plans)",
    )
    lint.add_argument(
        "--fail-on",
        choices=FAIL_ON,
        default=None,
        help="lowest severity that makes the exit status 1 (default: the configuration's "
        f"fail-on, else {DEFAULT_FAIL_ON})",
    )
    lint.add_argument(
        "--stdin-filename",
        metavar="NAME",
        help="the file name to report for a document read from stdin (configuration globs "
        "match it too)",
    )
    source = lint.add_mutually_exclusive_group()
    source.add_argument(
        "--config",
        metavar="PATH",
        help="the configuration file to use (a pyproject.toml or .iam-redshift.toml) instead "
        "of searching for one",
    )
    source.add_argument("--isolated", action="store_true", help="ignore every configuration file")
    lint.add_argument(
        "--show-suppressed",
        action="store_true",
        help="also list the findings that the configuration's suppressions hid, with the "
        "reason of each",
    )
    lint.add_argument(
        "--force-exclude",
        action="store_true",
        help="apply the configuration's exclude to paths given on the command line too (as "
        "pre-commit passes them); otherwise it applies to what directories and globs find",
    )
    lint.add_argument(
        "--knowledge",
        metavar="DIR",
        help="use the action-knowledge index in DIR (see 'iam-redshift knowledge')",
    )
    lint.add_argument(
        "--allow-empty",
        action="store_true",
        help="let a run pass when a path finds nothing to lint (an empty directory or stdin, a "
        "glob whose matches are all excluded); without it that is an error (exit status 2), "
        "since a mistyped path must not pass as 'no findings'",
    )


def fails(findings: list[Finding], fail_on: str) -> bool:
    """Whether any finding is at or above ``fail_on``."""
    if fail_on == "never":
        return False
    threshold = Severity(fail_on).rank
    return any(f.severity.rank >= threshold for f in findings)


def run_lint(arguments: argparse.Namespace, streams: Streams) -> int:
    """Lint the paths and print the findings; the exit status says whether any fails."""
    from iam_redshift.configuration import LintRequest, repository_root, resolve_config
    from iam_redshift.configuration import run_lint as run
    from iam_redshift.formats import render_findings

    if arguments.instance_role is not None:
        _check_instance_role(arguments.instance_role)
    config = resolve_config(config=arguments.config, isolated=arguments.isolated)
    for warning in config.warnings:
        streams.stderr.write(f"iam-redshift: warning: {warning}\n")
    request = LintRequest(
        paths=arguments.paths,
        instance_role_arn=arguments.instance_role,
        kind=arguments.kind,
        stdin_name=arguments.stdin_filename,
        force_exclude=arguments.force_exclude,
        input_type=arguments.input_type,
        knowledge=arguments.knowledge,
        allow_empty=arguments.allow_empty,
    )
    result = run(request, config, read_stdin=streams.stdin.read)
    for note in result.notes:
        streams.stderr.write(f"iam-redshift: {note}\n")
    if arguments.verbose:
        for skipped in result.skipped:
            streams.stderr.write(f"iam-redshift: skipped {skipped.file}: {skipped.reason}\n")
    # Machine formats always write a whole document, so a CI step can rely on the file.
    if result.anything or arguments.format != "text":
        streams.stdout.write(
            render_findings(
                arguments.format,
                result.findings,
                suppressed=result.suppressed if arguments.show_suppressed else None,
                # Code scanning and workflow annotations name files from the repository root,
                # whichever folder CI runs in; people read paths from where they are.
                base=repository_root(config)
                if arguments.format in ("sarif", "github")
                else os.getcwd(),
            )
        )
    fail_on = arguments.fail_on or config.fail_on or DEFAULT_FAIL_ON
    return 1 if fails(result.findings, fail_on) else 0


def _check_instance_role(arn: str) -> None:
    from iam_redshift.arn import arn_fields

    fields = arn_fields(arn)
    if fields is None or fields[1] != "iam" or not fields[4].startswith("role/"):
        raise UsageError(
            "--instance-role",
            f"{arn!r} is not a role ARN (arn:<partition>:iam::<account>:role/<path><name>)",
        )
