"""``iam-redshift lint``: lint files, directories, globs, bundles or stdin, as configured."""

from __future__ import annotations

import argparse
import glob
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from iam_redshift.errors import UsageError
from iam_redshift.findings import Finding, Severity

if TYPE_CHECKING:
    from iam_redshift.cli import Streams
    from iam_redshift.config import Config, RunScope

FAIL_ON = ("error", "security-warning", "warning", "suggestion", "never")
DEFAULT_FAIL_ON = "security-warning"
_GLOB_CHARACTERS = frozenset("*?[")


def register(commands: Any) -> None:
    """Add ``lint`` to the subcommands."""
    from iam_redshift.formats import FORMATS

    lint = commands.add_parser(
        "lint",
        help="lint policy files, directories and bundles",
        description="Lint IAM policy documents offline. PATH is a policy file, a directory "
        "(searched for *.json; a directory with an iam-redshift.json manifest is linted as one "
        "bundle, with every cross-document rule, and so is a file that belongs to one), a glob, "
        "or - for stdin. Configuration comes from --config, or from the nearest "
        ".iam-redshift.toml or pyproject.toml [tool.iam-redshift] table above the current "
        "directory. Exit status: 0 nothing at or above the failing severity, 1 findings at or "
        "above it, 2 usage error, missing path or bad configuration.",
    )
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
    lint.set_defaults(handler=run_lint)


def fails(findings: list[Finding], fail_on: str) -> bool:
    """Whether any finding is at or above ``fail_on``."""
    if fail_on == "never":
        return False
    threshold = Severity(fail_on).rank
    return any(f.severity.rank >= threshold for f in findings)


def _configuration(arguments: argparse.Namespace) -> Config:
    from iam_redshift.config import Config, find_config, load_config

    if arguments.isolated:
        return Config(root=os.getcwd())
    if arguments.config is not None:
        return load_config(arguments.config)
    found = find_config()
    return load_config(found) if found is not None else Config(root=os.getcwd())


@dataclass
class _Plan:
    """What to lint: stdin (name and bytes) and paths on disk (files and directories)."""

    stdin: tuple[str, bytes] | None = None
    targets: list[str] = field(default_factory=list)

    @property
    def anything(self) -> bool:
        return self.stdin is not None or bool(self.targets)


def _is_glob(path: str) -> bool:
    return any(c in _GLOB_CHARACTERS for c in path)


def _listed_in(manifest: Path) -> tuple[str, ...]:
    """The document paths a bundle's manifest lists, or none if it is unusable."""
    from iam_redshift.bundle_io import listed_paths

    try:
        return listed_paths(manifest.read_bytes()) or ()
    except OSError:
        return ()


def _bundle_of(file: str) -> str | None:
    """The bundle directory ``file`` belongs to: the nearest folder above it holding a manifest
    that is this file, lies beside it, or lists it. None for a loose file."""
    from iam_redshift.render.bundle import MANIFEST_NAME

    path = Path(file)
    for folder in path.parents:
        manifest = folder / MANIFEST_NAME
        if not manifest.is_file():
            continue
        inside = path.relative_to(folder).as_posix()
        if path.parent == folder or inside in _listed_in(manifest):
            return str(folder)
        return None
    return None


def _walk(directory: str, config: Config) -> Iterator[str]:
    """Every file below ``directory``, skipping what ``exclude`` names."""
    for here, subdirectories, names in os.walk(directory):
        subdirectories[:] = sorted(
            d for d in subdirectories if not config.excluded(os.path.join(here, d))
        )
        for name in sorted(names):
            path = os.path.join(here, name)
            if not config.excluded(path):
                yield path


def _has_policy_files(directory: str, config: Config) -> bool:
    return any(path.endswith(".json") for path in _walk(directory, config))


def _plan(arguments: argparse.Namespace, config: Config, streams: Streams) -> _Plan:
    plan = _Plan()
    targets: dict[str, str] = {}
    for path in arguments.paths:
        if path == "-":
            if plan.stdin is not None:
                continue
            name = arguments.stdin_filename or "<stdin>"
            data = streams.stdin.read()
            if not data.strip():
                streams.stderr.write("iam-redshift: nothing to lint: stdin is empty\n")
            elif arguments.force_exclude and config.excluded(name):
                streams.stderr.write(
                    f"iam-redshift: nothing to lint: {name} is excluded by the configuration\n"
                )
            else:
                plan.stdin = (name, data)
            continue
        if os.path.lexists(path):
            candidates = [path] if not (arguments.force_exclude and config.excluded(path)) else []
        elif _is_glob(path):
            matches = sorted(glob.glob(path, recursive=True))
            if not matches:
                raise UsageError(path, "no file or directory matches this pattern")
            candidates = [
                m
                for m in matches
                if (os.path.isdir(m) or m.endswith(".json")) and not config.excluded(m)
            ]
        else:
            raise UsageError(path, "no such file or directory")
        if not candidates:
            streams.stderr.write(
                f"iam-redshift: nothing to lint: {path} is excluded by the configuration\n"
            )
        for candidate in candidates:
            target = candidate
            if not os.path.isdir(candidate):
                target = _bundle_of(candidate) or candidate
            targets.setdefault(os.path.normcase(os.path.abspath(target)), target)
    for target in targets.values():
        if os.path.isdir(target) and not _has_policy_files(target, config):
            streams.stderr.write(f"iam-redshift: nothing to lint: {target} holds no *.json files\n")
            continue
        plan.targets.append(target)
    return plan


def _scope(plan: _Plan, config: Config) -> RunScope:
    """What the run covered, relative to the configuration's root."""
    from iam_redshift.config import RunScope

    root = config.root or os.getcwd()
    directories = [config.relative(t) for t in plan.targets if os.path.isdir(t)]
    files = {config.relative(t) for t in plan.targets if not os.path.isdir(t)}
    if plan.stdin is not None:
        files.add(config.relative(plan.stdin[0]))
    everything = any(
        os.path.commonpath([os.path.abspath(t), root]) == os.path.abspath(t)
        for t in plan.targets
        if os.path.isdir(t)
    )

    def covers(relative: str) -> bool:
        return relative in files or any(
            d == "" or relative.startswith(d + "/") for d in directories
        )

    def existing() -> Iterator[str]:
        for path in _walk(root, config):
            yield config.relative(path)

    return RunScope(covers=covers, everything=everything, existing=existing)


def _reader(plan: _Plan) -> Any:
    from iam_redshift.linter.source import MAX_DOCUMENT_BYTES

    def read(file: str) -> bytes | None:
        if plan.stdin is not None and file == plan.stdin[0]:
            return plan.stdin[1]
        try:
            with open(file, "rb") as stream:
                return stream.read(MAX_DOCUMENT_BYTES + 1)
        except OSError:
            return None

    return read


def run_lint(arguments: argparse.Namespace, streams: Streams) -> int:
    """Lint the paths and print the findings; the exit status says whether any fails."""
    from iam_redshift.config import apply_config
    from iam_redshift.formats import render_findings
    from iam_redshift.linter.engine import iter_lint_paths, lint_document

    if arguments.instance_role is not None:
        _check_instance_role(arguments.instance_role)
    config = _configuration(arguments)
    from iam_redshift import knowledge

    wanted = arguments.knowledge or config.knowledge
    if wanted is not None or knowledge.index_pinned():  # a pin lasts one run
        knowledge.use_index(wanted)
    options = config.options(instance_role_arn=arguments.instance_role, kind=arguments.kind)
    plan = _plan(arguments, config, streams)
    findings: list[Finding] = []
    if plan.stdin is not None:
        name, data = plan.stdin
        findings.extend(lint_document(data, file=name, options=options))
    for target in plan.targets:
        findings.extend(iter_lint_paths([target], options=options, exclude=config.excluded))
    suppressed = []
    if plan.anything:
        # A file given twice (itself and through its folder) is reported once.
        outcome = apply_config(
            dict.fromkeys(findings),
            config,
            options=options,
            read=_reader(plan),
            scope=_scope(plan, config),
        )
        findings, suppressed = outcome.findings, outcome.suppressed
    # Machine formats always write a whole document, so a CI step can rely on the file.
    if plan.anything or arguments.format != "text":
        streams.stdout.write(
            render_findings(
                arguments.format,
                findings,
                suppressed=suppressed if arguments.show_suppressed else None,
                base=os.getcwd(),
            )
        )
    fail_on = arguments.fail_on or config.fail_on or DEFAULT_FAIL_ON
    return 1 if fails(findings, fail_on) else 0


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
