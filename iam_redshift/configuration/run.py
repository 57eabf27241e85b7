"""One configured lint run: what the command line does between parsing its arguments and
printing the findings.

The configuration is resolved once (:func:`resolve_config`) into a :class:`Config`; the paths are
planned by :func:`~iam_redshift.sources.discover.plan_paths`; the engine lints; the configuration
is applied to what it found. The command line only turns arguments into a :class:`LintRequest`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from iam_redshift._record import record
from iam_redshift.configuration.apply import Outcome, RunScope, Suppressed, apply_config
from iam_redshift.configuration.file import (
    Config,
    find_config,
    find_config_warnings,
    load_config,
)
from iam_redshift.engine.contents import Skipped, lint_document, lint_file_data
from iam_redshift.engine.paths import iter_lint_paths
from iam_redshift.errors import InputError
from iam_redshift.sources.discover import Plan, below_named, plan_paths, walk
from iam_redshift.sources.files import ReadProblem, read_limited

if TYPE_CHECKING:
    from iam_redshift.document.policy import DocumentKind
    from iam_redshift.engine import LintOptions
    from iam_redshift.findings import Finding

__all__ = ["LintRequest", "LintRun", "repository_root", "resolve_config", "run_lint"]


def resolve_config(
    *, config: str | Path | None = None, isolated: bool = False, start: str | None = None
) -> Config:
    """The configuration a run uses: none with ``isolated``, the file ``config`` names, or the
    nearest one above ``start`` (the current directory); the defaults when there is none."""
    if isolated:
        return Config(root=os.getcwd())
    if config is not None:
        return load_config(config)
    found = find_config(start)
    loaded = load_config(found) if found is not None else Config(root=os.getcwd())
    # A [tool.iam_redshift] table passed over on the way up is said, not silently ignored.
    return replace(loaded, warnings=find_config_warnings(start))


def repository_root(config: Config, start: str | None = None) -> str:
    """The directory that code-scanning paths are relative to: the repository root (the
    nearest folder holding ``.git`` above the configuration's directory, or above ``start``,
    the current directory, when there is no configuration file); else the configuration's
    directory; else ``start``. Not the current directory: a CI step may run from any folder,
    and the paths and fingerprints must name the same files whichever it is."""
    here = os.path.abspath(start if start is not None else os.getcwd())
    origin = config.root if config.file is not None and config.root is not None else here
    for folder in (Path(origin), *Path(origin).parents):
        if (folder / ".git").exists():  # a directory, or a file in a worktree or submodule
            return str(folder)
    return origin


@record
class LintRequest:
    """What to lint and how, as the command line's arguments say."""

    paths: Sequence[str]
    instance_role_arn: str | None = None
    kind: DocumentKind | None = None
    stdin_name: str | None = None
    force_exclude: bool = False
    #: Read every file as this (``cloudformation``...) instead of recognising what it is.
    input_type: str | None = None
    #: An action-knowledge index to use for this run instead of the newest one (``--knowledge``).
    knowledge: str | None = None
    #: Let a path that finds nothing to lint (an empty directory or stdin, a glob whose matches
    #: are all excluded) pass with a note; otherwise it is an :class:`InputError`.
    allow_empty: bool = False


@record
class LintRun:
    """What a run found: the findings to report, those suppressions hid, the notes about paths
    that were given but not linted, whether anything was linted at all, and the files a
    directory search skipped because they are none of what iam-redshift lints."""

    findings: list[Finding]
    suppressed: list[Suppressed]
    notes: list[str]
    anything: bool
    skipped: list[Skipped] = field(default_factory=list)


def run_lint(
    request: LintRequest,
    config: Config,
    *,
    read_stdin: Callable[[], bytes] = lambda: b"",
) -> LintRun:
    """Lint what ``request`` names, as ``config`` says. Raises
    :class:`~iam_redshift.errors.InputError` for a path that names nothing, or that finds
    nothing to lint unless ``request.allow_empty``."""
    from iam_redshift import knowledge

    wanted = request.knowledge or config.knowledge
    if wanted is not None or knowledge.index_pinned():  # a pin lasts one run
        knowledge.use_index(wanted)
    options = replace(config.options(kind=request.kind), input_type=request.input_type)
    if request.instance_role_arn is not None:  # the command line wins over the configuration
        options = replace(options, instance_role_arn=request.instance_role_arn)
    plan = plan_paths(
        request.paths,
        excluded=config.excluded,
        force_exclude=request.force_exclude,
        read_stdin=read_stdin,
        stdin_name=request.stdin_name or "<stdin>",
    )
    if plan.empty and not request.allow_empty:
        # eslint's rule: a path that finds nothing is most likely a mistyped CI path, and a
        # run that lints nothing must not pass as "no findings".
        path, why = plan.empty[0]
        raise InputError(path, f"nothing to lint: {why} (pass --allow-empty to accept that)")
    plan.notes.extend(f"nothing to lint: {path}: {why}" for path, why in plan.empty)
    skipped: list[Skipped] = []
    findings = _lint_plan(plan, options, config, skipped)
    notes = list(plan.notes)
    if skipped:
        count = len(skipped)
        notes.append(
            f"skipped {count} file{'s' if count != 1 else ''} that "
            f"{'are' if count != 1 else 'is'} not an IAM policy, bundle, account dump, "
            "CloudFormation template or Terraform plan (--verbose lists them)"
        )
    if not plan.anything:
        return LintRun(findings, [], notes, anything=False, skipped=skipped)
    # A file given twice (itself and through its folder) is reported once.
    outcome: Outcome = apply_config(
        dict.fromkeys(findings),
        config,
        options=options,
        read=_reader(plan),
        scope=_scope(plan, config),
    )
    return LintRun(outcome.findings, outcome.suppressed, notes, anything=True, skipped=skipped)


def _lint_plan(
    plan: Plan, options: LintOptions, config: Config, skipped: list[Skipped]
) -> list[Finding]:
    findings: list[Finding] = []
    if plan.stdin is not None:
        name, data = plan.stdin
        linted = lint_file_data(name, data, options=options, input_type=options.input_type)
        if isinstance(linted, Skipped):
            if options.input_type is not None:
                raise InputError(name, f"cannot be read as {options.input_type}: {linted.reason}")
            # stdin has no name to recognise it by: what no reader claims is one document.
            linted = lint_document(data, file=name, options=options)
        findings.extend(linted)
    for target in plan.targets:
        findings.extend(
            iter_lint_paths(
                [target],
                options=options,
                exclude=below_named(target, config.excluded),
                skipped=skipped,
            )
        )
    return findings


def _scope(plan: Plan, config: Config) -> RunScope:
    """What the run covered, relative to the configuration's root."""
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
        for path in walk(root, config.excluded):
            yield config.relative(path)

    return RunScope(covers=covers, everything=everything, existing=existing)


def _reader(plan: Plan) -> Callable[[str], bytes | None]:
    def read(file: str) -> bytes | None:
        if plan.stdin is not None and file == plan.stdin[0]:
            return plan.stdin[1]
        data = read_limited(file)
        return None if isinstance(data, ReadProblem) else data

    return read
