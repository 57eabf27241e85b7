"""Helpers shared by the tests of output formats, configuration and ``iam-redshift lint``."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from iam_redshift.configuration import lint_example
from iam_redshift.rules import all_rules
from iam_redshift.rules._base import Rule
from tests.conftest import SHARED, need

SARIF_SCHEMA = SHARED / "schemas-external" / "sarif-schema-2.1.0.json"

#: A permissions policy with no finding from any rule: one scoped, read-only action.
CLEAN: dict[str, Any] = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "ReadAccessRole",
            "Effect": "Allow",
            "Action": "iam:GetRole",
            "Resource": "arn:aws:iam::123456789012:role/Redshift-Access-Role-1",
        }
    ],
}
#: The same without Version: exactly one IR103 warning, inside no statement.
NO_VERSION: dict[str, Any] = {"Statement": CLEAN["Statement"]}


def invalid_sids(*sids: str) -> dict[str, Any]:
    """A permissions policy whose statements carry these Sids: one IR104 error per Sid that is
    not alphanumeric, pointing inside its statement."""
    return {
        "Version": "2012-10-17",
        "Statement": [{**CLEAN["Statement"][0], "Sid": sid} for sid in sids],
    }


def write_tree(root: Path, files: Mapping[str, Any]) -> Path:
    """Write ``files`` (relative path to text, bytes or a JSON value) below ``root``."""
    for relative, content in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        elif isinstance(content, str):
            path.write_text(content, encoding="utf-8")
        else:
            path.write_text(json.dumps(content, indent=2) + "\n", encoding="utf-8")
    return root


def rules_with_examples() -> list[Rule]:
    """The catalogue's rules that have a bad and a good example (all but IR000)."""
    return [r for r in all_rules().values() if r.bad is not None and r.good is not None]


def cross_document_rules() -> list[Rule]:
    """The catalogue's rules whose bad example is a bundle with a finding that involves another
    document (a finding with related locations)."""
    found = []
    for rule in all_rules().values():
        bad = rule.bad
        if (
            bad is not None
            and bad.is_bundle
            and any(f.code == rule.code and f.related for f in lint_example(bad))
        ):
            found.append(rule)
    return found


def sarif_validator() -> Any:
    """A validator for the official SARIF 2.1.0 schema (JSON Schema draft-04)."""
    from jsonschema import Draft4Validator

    schema = json.loads(need(SARIF_SCHEMA).read_text(encoding="utf-8"))
    return Draft4Validator(schema, format_checker=Draft4Validator.FORMAT_CHECKER)


def assert_valid_sarif(log: Any) -> None:
    """Fail with every violation of the SARIF schema, if any."""
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in sarif_validator().iter_errors(log)]
    assert errors == []


def assert_valid_findings_json(document: Any) -> None:
    """Fail with every violation of schemas/findings.schema.json, if any."""
    from iam_redshift._schemas import validator

    errors = [
        f"{list(e.absolute_path)}: {e.message}"
        for e in validator("findings.schema.json").iter_errors(document)
    ]
    assert errors == []


def skip_without(rules: list[Rule], what: str) -> None:
    """Skip when the catalogue has no rule of a kind (families are added over time)."""
    if not rules:
        pytest.skip(f"the rule catalogue has no {what} yet")
