"""What a rule is: a stable code, its documentation, examples that are tests, and a check.

A rule's document check takes one :class:`~iam_redshift.document.policy.PolicyDocument` and the
:class:`LintContext`; its bundle check takes the whole :class:`BundleContext`; its manifest check
a :class:`~iam_redshift.document.manifest.ManifestView`. All yield :class:`Hit` records; the
engine turns hits into :class:`~iam_redshift.findings.Finding` objects (through
:meth:`Rule.finding`) with line and column, severity and configuration applied.

Examples are data here: running them is the engine's job (:mod:`iam_redshift.engine.examples`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import field
from typing import TYPE_CHECKING, Any, NamedTuple

from iam_redshift._record import cached_view, record
from iam_redshift.findings import Finding, Location, Severity
from iam_redshift.model import TRUST_POLICY_DEFAULT_MAX

if TYPE_CHECKING:
    from iam_redshift.document.manifest import ManifestView
    from iam_redshift.document.policy import DocumentKind, PolicyDocument
    from iam_redshift.model import Setup
    from iam_redshift.sources.embedded import RoleIdentity
    from iam_redshift.sources.json_text import ParsedText
    from iam_redshift.sources.roles import RoleIndex

__all__ = [
    "BundleContext",
    "Example",
    "Hit",
    "LintContext",
    "Related",
    "Rule",
]


class Related(NamedTuple):
    """Another place a finding involves, in this or another file."""

    file: str
    pointer: str
    message: str


class Hit(NamedTuple):
    """What a check yields: where (a pointer, in ``file`` or else the checked document), what,
    and optionally a severity other than the rule's default.

    ``key`` = (name, occurrence) points at the ``occurrence``-th (from 0) appearance of a member
    name in the object at ``pointer`` instead of at a value: where a duplicate key is.

    Named tuples, as :class:`~iam_redshift.document.policy.Value` is: checks make many.
    """

    pointer: str
    message: str
    file: str | None = None
    related: tuple[Related, ...] = ()
    severity: Severity | None = None
    key: tuple[str, int] | None = None


@record
class LintContext:
    """What the linter knows beyond one document: the setup (from a bundle's manifest) and the
    intended instance role (from the setup or ``--instance-role``)."""

    setup: Setup | None = None
    instance_role_arn: str | None = None
    trust_policy_max_chars: int = TRUST_POLICY_DEFAULT_MAX


@record
class BundleContext:
    """A bundle: its manifest, its setup and its readable documents.

    A bundle read from a CloudFormation template or a Terraform plan has no manifest and no
    setup (``given_setup`` None): its roles are ``references``, known by what names them, as
    their ARNs may be unknown until deploy. Rules that compare documents ask the bundle whether
    a text names the instance role or an access role (:meth:`names_instance_role`,
    :meth:`access_role_named`), so they work on both; :attr:`setup` is only for rules that
    need the whole setup (the engine runs only the rules whose ``bundle_needs_setup`` is false
    without one).
    """

    manifest_file: str
    manifest: ParsedText | None = field(hash=False)
    given_setup: Setup | None
    documents: tuple[PolicyDocument, ...]
    #: Manifest entries whose file could not be read: (manifest pointer, file).
    unreadable: tuple[tuple[str, str], ...] = ()
    references: tuple[RoleIdentity, ...] = ()

    @property
    def setup(self) -> Setup:
        """The bundle's setup (a bundle read from a template or plan has none)."""
        if self.given_setup is None:
            raise LookupError(f"{self.manifest_file} has no setup: its roles are references")
        return self.given_setup

    def of_role(self, role_kind: str, kind: str) -> list[PolicyDocument]:
        """The documents of one role kind (``instance``/``access``) and kind
        (``trust``/``permissions``), in manifest order."""
        return [d for d in self.documents if d.role_kind == role_kind and d.kind == kind]

    def _referenced(self, role_kind: str) -> list[RoleIdentity]:
        return self._by_kind.get(role_kind, [])

    @cached_view
    def _by_kind(self) -> dict[str, list[RoleIdentity]]:
        by_kind: dict[str, list[RoleIdentity]] = {}
        for role in self.references:
            by_kind.setdefault(role.role_kind or "", []).append(role)
        return by_kind

    @property
    def instance_role_arn(self) -> str:
        """The instance role's ARN, or how the template or plan refers to it."""
        if self.given_setup is not None:
            return self.given_setup.instance_role_arn
        instance = self._referenced("instance")
        return (instance[0].written or instance[0].reference) if instance else "?"

    def names_instance_role(self, text: str) -> bool:
        """Whether a principal or Resource value names the instance role."""
        if self.given_setup is not None:
            return text == self.given_setup.instance_role_arn
        return any(r.names(text) for r in self._referenced("instance"))

    @property
    def access_role_arns(self) -> tuple[str, ...]:
        """The access roles' ARNs (or the references that stand for them)."""
        if self.given_setup is not None:
            return self.given_setup.access_role_arns
        return tuple(r.reference for r in self._referenced("access"))

    @cached_view
    def _access_arns(self) -> frozenset[str]:
        # A set: bundles of thousands of roles look every Resource up here.
        return frozenset(self.given_setup.access_role_arns if self.given_setup else ())

    def access_role_named(self, text: str) -> str | None:
        """The access role (its ARN or reference, as documents' ``role_arn``) that a Resource
        or principal value names exactly, if any."""
        if self.given_setup is not None:
            return text if text in self._access_arns else None
        role = self._role_index.named(text)
        return role.reference if role is not None and role.role_kind == "access" else None

    @cached_view
    def _role_index(self) -> RoleIndex:
        from iam_redshift.sources.roles import RoleIndex

        return RoleIndex(self.references)

    def covers_access_role(self, pattern: str, role_arn: str) -> bool:
        """Whether a Resource pattern covers the access role ``role_arn``."""
        if pattern == role_arn:
            return True
        if "*" not in pattern and "?" not in pattern and "${" not in pattern:
            # Not a pattern: it covers only what it names.
            return self.given_setup is None and self.access_role_named(pattern) == role_arn
        if self.given_setup is not None:
            from iam_redshift.matching import resource_matches

            return resource_matches(pattern, role_arn)
        role = self._role_index.by_reference.get(role_arn)
        return role is not None and role.role_kind == "access" and role.covered_by(pattern)

    @property
    def ec2_principal(self) -> str:
        """The EC2 service principal the instance role must trust."""
        if self.given_setup is not None:
            return self.given_setup.ec2_principal
        cn = any("ec2.amazonaws.com.cn" in d.text for d in self.of_role("instance", "trust"))
        return "ec2.amazonaws.com.cn" if cn else "ec2.amazonaws.com"

    @property
    def partition(self) -> str:
        """The bundle's partition (for a template or plan: as its EC2 principal suggests)."""
        if self.given_setup is not None:
            return self.given_setup.partition
        return "aws-cn" if self.ec2_principal.endswith(".cn") else "aws"


DocumentCheck = Callable[["PolicyDocument", LintContext], Iterable[Hit]]
BundleCheck = Callable[[BundleContext], Iterable[Hit]]
ManifestCheck = Callable[["ManifestView"], Iterable[Hit]]


@record
class Example:
    """An example for a rule's documentation, run as a test.

    ``files`` maps relative paths to JSON values (or raw text, for unreadable examples). A file
    named ``iam-redshift.json`` makes it a bundle: :func:`Example.bundle` starts from the rendered
    one-access-role example and replaces the documents given. ``kind`` forces the kind of a
    loose document, ``instance_role`` is the ``--instance-role`` option. ``config`` is the text of
    a ``.iam-redshift.toml`` to lint with (suppressions, per-file ignores), for rules about the
    configuration itself. ``setup`` replaces :func:`example_setup` as the setup a bundle example
    is rendered from (for rules about what a least-privilege setup promises).
    """

    files: Mapping[str, Any]
    note: str = ""
    kind: DocumentKind | None = None
    instance_role: str | None = None
    config: str = ""
    setup: Setup | None = None

    @classmethod
    def document(
        cls,
        value: Any,
        *,
        note: str = "",
        kind: DocumentKind | None = None,
        instance_role: str | None = None,
        config: str = "",
    ) -> Example:
        """A single loose document, ``policy.json``."""
        return cls({"policy.json": value}, note, kind, instance_role, config)

    @classmethod
    def bundle(
        cls, changes: Mapping[str, Any], *, note: str = "", setup: Setup | None = None
    ) -> Example:
        """The bundle rendered from :data:`EXAMPLE_SETUP` (or ``setup``), with ``changes``
        applied: a path to a new JSON value, or to None to leave that file out."""
        return cls({"iam-redshift.json": "(rendered)", **changes}, note, setup=setup)

    @property
    def is_bundle(self) -> bool:
        """Whether this example is a bundle (has a manifest)."""
        return "iam-redshift.json" in self.files

    def materialize(self) -> dict[str, str | bytes]:
        """The example's files as text (bytes for a raw-bytes example), bundles rendered."""
        import json

        files: dict[str, str | bytes] = {}
        if self.is_bundle:
            from iam_redshift.render import render_bundle

            files.update(render_bundle(self.setup or example_setup()).files())
        for path, value in self.files.items():
            if path == "iam-redshift.json" and value == "(rendered)":
                continue
            if value is None:
                files.pop(path, None)
            elif isinstance(value, str | bytes):
                files[path] = value
            else:
                files[path] = json.dumps(value, indent=2) + "\n"
        return files


def example_setup() -> Setup:
    """The setup bundle examples start from: the source page's names, one access role, and the
    least-privilege profile (its rendered bundle has no finding at all, so an example shows
    exactly the one mistake it makes)."""
    from iam_redshift.model import AccessRole, InstanceRole, RedshiftCluster, Setup

    cluster = RedshiftCluster(
        region="us-east-1", cluster="analytics", db_name="dev", db_users=("etl_user",)
    )
    return Setup(
        account_id="123456789012",
        instance_role=InstanceRole("EC2-Redshift-Initiator-Role"),
        access_roles=(AccessRole("Redshift-Access-Role-1", target=cluster),),
        profile="least-privilege",
    )


@record
class Rule:
    """One lint rule: a stable code (never reused), its documentation and its checks.

    ``why`` says why it matters, ``fix`` what to do instead. ``bad`` must yield exactly this
    code (plus the codes in ``bad_also``, declared where one mistake cannot be shown alone) and
    ``good`` no finding at all: a parametrised test runs them. A rule has up to three checks:
    ``check_document`` reads one document of the ``kinds`` it applies to, ``check_bundle`` a
    whole bundle, ``check_manifest`` a bundle's manifest. A rule without any (IR000, IR100,
    IR901) is reported by the engine or the configuration step, through :meth:`finding`.
    ``aliases`` are codes it was known by before (accepted wherever a code is).

    Rule modules declare rules with :meth:`declare`, whose text reads as ``explain`` prints it.
    """

    code: str
    name: str
    severity: Severity
    summary: str
    why: str
    fix: str
    bad: Example | None
    good: Example | None
    references: tuple[str, ...]
    kinds: frozenset[str] = frozenset({"trust", "permissions"})
    check_document: DocumentCheck | None = None
    check_bundle: BundleCheck | None = None
    check_manifest: ManifestCheck | None = None
    aliases: tuple[str, ...] = ()
    bad_also: frozenset[str] = frozenset()
    #: Whether ``check_bundle`` needs the bundle's setup; a bundle read from a template or a
    #: plan has none (its roles are known by reference), and only the others run on it.
    bundle_needs_setup: bool = True

    @classmethod
    def declare(
        cls,
        text: str,
        *,
        bad: Example | None,
        good: Example | None,
        references: tuple[str, ...] = (),
        kinds: frozenset[str] = frozenset({"trust", "permissions"}),
        check_document: DocumentCheck | None = None,
        check_bundle: BundleCheck | None = None,
        check_manifest: ManifestCheck | None = None,
        bundle_needs_setup: bool = True,
        bad_also: frozenset[str] = frozenset(),
        aliases: tuple[str, ...] = (),
    ) -> Rule:
        """A rule whose documentation is written as one text, in the order ``explain`` shows
        it: four paragraphs (lines of a paragraph are joined with single spaces)::

            IR302 wildcard-principal (security-warning)

            The summary, one sentence.

            Why: why it matters.

            Fix: what to do instead.

        The other fields are the dataclass's own. A text of another form is a ValueError.
        """
        code, name, severity, summary, why, fix = _read_rule_text(text)
        return cls(
            code=code,
            name=name,
            severity=severity,
            summary=summary,
            why=why,
            fix=fix,
            bad=bad,
            good=good,
            references=references,
            kinds=kinds,
            check_document=check_document,
            check_bundle=check_bundle,
            check_manifest=check_manifest,
            aliases=aliases,
            bad_also=bad_also,
            bundle_needs_setup=bundle_needs_setup,
        )

    def finding(
        self,
        message: str,
        file: str,
        *,
        pointer: str = "",
        line: int = 1,
        column: int = 1,
        related: tuple[Location, ...] = (),
        severity: Severity | None = None,
    ) -> Finding:
        """A finding of this rule (at its own severity unless ``severity`` says otherwise)."""
        return Finding(
            self.code,
            severity or self.severity,
            message,
            file,
            pointer,
            line,
            column,
            related,
        )


#: The severities a rule's heading may name (worked out once: every rule's text is read on
#: every cold start, and iterating an Enum is slow).
_SEVERITIES = frozenset(severity.value for severity in Severity)
_HEADING = re.compile(r"(IR\d{3}) ([a-z0-9]+(?:-[a-z0-9]+)*) \(([a-z-]+)\)")


def _read_rule_text(text: str) -> tuple[str, str, Severity, str, str, str]:
    """Code, name, severity, summary, why and fix from a :meth:`Rule.declare` text."""
    paragraphs: list[list[str]] = [[]]
    for line in text.strip().splitlines():
        if line.strip():
            paragraphs[-1].append(line.strip())
        elif paragraphs[-1]:
            paragraphs.append([])
    if len(paragraphs) != 4:
        raise ValueError(f"a rule's text has 4 paragraphs, not {len(paragraphs)}: {text!r}")
    heading, summary, why, fix = (" ".join(lines) for lines in paragraphs)
    matched = _HEADING.fullmatch(heading)
    if (
        matched is None
        or matched.group(3) not in _SEVERITIES
        or not why.startswith("Why: ")
        or not fix.startswith("Fix: ")
    ):
        raise ValueError(
            f"a rule's text is not 'CODE name (severity)', summary, Why:, Fix: {text!r}"
        )
    code, name, severity = matched.groups()
    return (
        code,
        name,
        Severity(severity),
        summary,
        why.removeprefix("Why: "),
        fix.removeprefix("Fix: "),
    )
