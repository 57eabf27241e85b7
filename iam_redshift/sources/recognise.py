"""Recognising what a file is before linting it: an IAM policy document, a bundle's manifest, a
CloudFormation template (JSON or YAML), a Terraform plan (``terraform show -json``), a Terraform
JSON configuration (``*.tf.json``), or something else (``package.json``, ``tsconfig.json``,
editor settings...), which a directory walk skips.

Pure: bytes in, a :class:`Recognised` out. A ``*.json`` file that is not valid JSON is still a
policy document (the linter reports it as IR100, as it always has): a broken policy must not
vanish from the run.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Literal

from iam_redshift._record import record
from iam_redshift.sources.json_text import ParsedText, Unreadable, parse_json

if TYPE_CHECKING:
    from iam_redshift.sources.embedded import Positions, SourceFile

__all__ = [
    "INPUT_TYPES",
    "InputType",
    "Recognised",
    "is_candidate",
    "is_policy",
    "read_source",
    "recognise",
]

InputType = Literal[
    "policy", "manifest", "cloudformation", "terraform-plan", "terraform-configuration", "other"
]

#: What ``--input-type`` can force.
INPUT_TYPES = ("policy", "cloudformation", "terraform-plan", "terraform-configuration")

#: File names a directory walk looks at (others are not even read).
_CANDIDATE_SUFFIXES = (".json", ".yaml", ".yml", ".template")
_YAML_SUFFIXES = (".yaml", ".yml", ".template")
_POLICY_KEYS = frozenset({"Version", "Statement", "Id"})
_STATEMENT_KEYS = frozenset(
    {"Effect", "Action", "NotAction", "Resource", "NotResource", "Principal", "NotPrincipal"}
)
_MANIFEST_NAME = "iam-redshift.json"


@record
class Recognised:
    """What a file is, its value once parsed, and its positions; ``problem`` says why a file
    that looked like a template could not be read."""

    kind: InputType
    value: Any = None
    positions: Positions | None = None
    problem: Unreadable | None = None

    @property
    def what(self) -> str:
        """The kind in words, for messages."""
        return {
            "policy": "an IAM policy document",
            "manifest": "a bundle manifest",
            "cloudformation": "a CloudFormation template",
            "terraform-plan": "a Terraform plan",
            "terraform-configuration": "a Terraform JSON configuration",
            "other": "none of what iam-redshift lints",
        }[self.kind]


def is_candidate(name: str) -> bool:
    """Whether a directory walk reads a file of this name to recognise it."""
    return name.lower().endswith(_CANDIDATE_SUFFIXES)


def is_policy(value: Any) -> bool:
    """Whether a JSON value looks like an IAM policy document (or one statement of one), even a
    broken one: it has ``Version``, ``Statement`` or ``Id``, in any case for ``Statement``, or
    the elements of a statement. ``package.json``'s lower-case ``version`` does not count."""
    if not isinstance(value, dict):
        return False
    keys = set(value)
    return bool(
        keys & _POLICY_KEYS
        or any(k.lower() in ("statement", "statements") for k in keys)
        or keys & _STATEMENT_KEYS
    )


def _kind_of(name: str, value: Any) -> InputType:
    from iam_redshift.sources.cloudformation import is_template
    from iam_redshift.sources.terraform import is_configuration, is_plan

    if is_plan(value):
        return "terraform-plan"
    if is_template(value):
        return "cloudformation"
    if name.lower().endswith(".tf.json") or is_configuration(value):
        return "terraform-configuration"
    if is_policy(value):
        return "policy"
    return "other"


def recognise(name: str, data: bytes | str, forced: str | None = None) -> Recognised:
    """What the file ``name`` holding ``data`` is. ``forced`` (an :data:`INPUT_TYPES` value)
    skips the recognising: the file is read as that."""
    lower = name.replace("\\", "/").lower()
    if forced is None and lower.rsplit("/", 1)[-1] == _MANIFEST_NAME:
        return Recognised("manifest")
    yaml_like = lower.endswith(_YAML_SUFFIXES)
    if forced in (None, "policy"):
        # Most files are policy documents, which the linter parses again (with positions and
        # duplicate keys): the standard decoder alone says what they are, at C speed.
        try:
            quick = json.loads(data)
        except (ValueError, RecursionError):
            quick = None
        else:
            if forced == "policy" or _kind_of(name, quick) == "policy":
                return Recognised("policy", quick)
    parsed = parse_json(data)
    if isinstance(parsed, ParsedText):
        value, positions = parsed.value, parsed.position
    elif yaml_like or forced == "cloudformation":
        from iam_redshift.sources.yaml_text import parse_yaml

        parsed_yaml = parse_yaml(data)
        if isinstance(parsed_yaml, Unreadable):
            return Recognised("other", problem=parsed_yaml)
        value, positions = parsed_yaml.value, parsed_yaml.position
    else:
        # Not JSON: a policy document that is broken, which IR100 reports.
        return Recognised("policy" if forced in (None, "policy") else "other", problem=parsed)
    if forced is not None:
        return Recognised(forced, value, positions)  # type: ignore[arg-type]
    kind = _kind_of(name, value)
    if yaml_like and kind == "policy" and not isinstance(parsed, ParsedText):
        kind = "other"  # a YAML policy is not something IAM reads
    return Recognised(kind, value, positions)


def read_source(name: str, recognised: Recognised) -> SourceFile | None:
    """The policy documents a template, plan or configuration holds; None for other kinds, or
    when the file's top level is not an object."""
    value, positions = recognised.value, recognised.positions
    if not isinstance(value, dict) or positions is None:
        return None
    if recognised.kind == "cloudformation":
        from iam_redshift.sources.cloudformation import read_template

        return read_template(name, value, positions)
    if recognised.kind == "terraform-plan":
        from iam_redshift.sources.terraform import read_plan

        return read_plan(name, value, positions)
    if recognised.kind == "terraform-configuration":
        from iam_redshift.sources.terraform_config import read_configuration

        return read_configuration(name, value, positions)
    return None
