"""Documents inside a larger file (a template, a plan, a dump) are linted like loose documents,
and every finding points at the file's own line, column and pointer."""

from __future__ import annotations

import json

from iam_redshift.engine.contents import lint_document, lint_source_file
from iam_redshift.sources.embedded import EmbeddedDocument, Placeholder, SourceFile
from iam_redshift.sources.json_text import ParsedText, parse_json, resolve_pointer

WILDCARD = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}],
}
TRUST = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}],
}
TEMPLATE = {
    "Resources": {
        "Role": {
            "Type": "AWS::IAM::Role",
            "Properties": {
                "AssumeRolePolicyDocument": TRUST,
                "Policies": [{"PolicyName": "p", "PolicyDocument": WILDCARD}],
            },
        }
    }
}


def _source(text: str) -> tuple[SourceFile, ParsedText]:
    parsed = parse_json(text)
    assert isinstance(parsed, ParsedText)
    documents = (
        EmbeddedDocument(
            "/Resources/Role/Properties/AssumeRolePolicyDocument",
            TRUST,
            "AWS::IAM::Role Role, AssumeRolePolicyDocument",
            kind="trust",
        ),
        EmbeddedDocument(
            "/Resources/Role/Properties/Policies/0/PolicyDocument",
            WILDCARD,
            "AWS::IAM::Role Role, Policies[0]",
            kind="permissions",
        ),
    )
    return SourceFile("template.json", "cloudformation", documents, parsed.position), parsed


def test_findings_point_into_the_file_that_holds_the_documents() -> None:
    text = json.dumps(TEMPLATE, indent=2)
    source, parsed = _source(text)
    findings = lint_source_file(source)
    assert findings
    decoder = json.JSONDecoder()
    for finding in findings:
        assert finding.file == "template.json"
        assert finding.pointer.startswith("/Resources/Role/Properties/")
        # The line and column are where the element the pointer names is written.
        lines = text.split("\n")
        offset = sum(len(line) + 1 for line in lines[: finding.line - 1]) + finding.column - 1
        assert decoder.raw_decode(text, offset)[0] == resolve_pointer(parsed.value, finding.pointer)


def test_embedded_documents_get_the_same_findings_as_loose_ones() -> None:
    source, _ = _source(json.dumps(TEMPLATE, indent=2))
    embedded = {(f.code, f.message) for f in lint_source_file(source)}
    loose = {(f.code, f.message) for f in lint_document(TRUST)} | {
        (f.code, f.message) for f in lint_document(WILDCARD)
    }
    # Loose documents detect their kind; these two are detected as what the reader says.
    assert {code for code, _ in embedded} == {code for code, _ in loose}
    assert {"IR302", "IR207"} <= {code for code, _ in embedded}


def test_a_document_that_is_not_an_object_is_ir100_at_its_place() -> None:
    text = json.dumps({"Resources": {"Policy": {"PolicyDocument": ["not", "an", "object"]}}})
    parsed = parse_json(text)
    assert isinstance(parsed, ParsedText)
    document = EmbeddedDocument("/Resources/Policy/PolicyDocument", ["not", "an", "object"], "x")
    source = SourceFile("t.json", "cloudformation", (document,), parsed.position)
    (finding,) = lint_source_file(source)
    assert finding.code == "IR100"
    assert finding.pointer == "/Resources/Policy/PolicyDocument"
    assert (finding.line, finding.column) == parsed.position("/Resources/Policy/PolicyDocument")


def test_a_placeholder_is_neither_a_wildcard_nor_an_arn() -> None:
    instance = Placeholder("InstanceRole.Arn", "ref").text()
    assert "*" not in instance
    assert not instance.startswith("arn:")
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": instance}, "Action": "sts:AssumeRole"}
        ],
    }
    source = SourceFile(
        "t.json",
        "cloudformation",
        (EmbeddedDocument("", trust, "x", kind="trust"),),
        lambda _pointer: (1, 1),
    )
    assert lint_source_file(source) == []
    # Placeholders stand for one value each: a document of them is judged on what is known.
    assume = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "sts:AssumeRole",
                "Resource": Placeholder("AccessRole.Arn", "ref").text(),
            }
        ],
    }
    assert lint_document(assume) == []
