"""The compiled yes/no schema check agrees with jsonschema, the oracle, on every document."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iam_redshift._quick_schema import _Compiler, quick_validator
from iam_redshift._schemas import validator
from tests.conftest import CORPUS, need
from tests.fuzz_inputs import ELEMENTS

POLICY_SCHEMAS = ["identity-policy.schema.json", "trust-policy.schema.json"]


def agree(name: str, value: Any) -> None:
    quick = quick_validator(name)
    assert quick is not None, f"{name} uses a keyword the quick check does not implement"
    assert quick(value) == validator(name).is_valid(value)


@pytest.mark.parametrize("name", POLICY_SCHEMAS)
def test_agrees_with_jsonschema_on_every_corpus_document(name: str) -> None:
    # Every document of the smaller folders and every fifth managed policy: the whole corpus
    # takes jsonschema half a minute.
    documents = sorted(need(CORPUS).rglob("*.json"))
    documents = [
        p for i, p in enumerate(documents) if "managed-policies" not in str(p) or i % 5 == 0
    ]
    checked = 0
    for path in documents:
        try:
            value = json.loads(path.read_bytes())
        except (ValueError, RecursionError):
            continue
        agree(name, value)
        checked += 1
    assert checked > 500


# Values built from the policy grammar's own vocabulary, mostly near-valid, so that every
# branch of the schemas (types, patterns, if/then, dependentSchemas, minItems...) is reached.
_WORDS = st.sampled_from(
    [
        "Allow",
        "Deny",
        "allow",
        "*",
        "",
        "redshift:GetClusterCredentials",
        "redshift:Get*",
        "bad action",
        "arn:aws:iam::123456789012:role/R",
        "StringEquals",
        "ForAllValues:StringLike",
        "NullIfExists",
        "aws:SourceIp",
        "2012-10-17",
    ]
)
_KEYS = st.sampled_from(
    [
        *ELEMENTS,
        "AWS",
        "Service",
        "Federated",
        "StringEquals",
        "Bool",
        "aws:SourceIp",
        "Other",
    ]
)
_json_values = st.recursive(
    st.one_of(_WORDS, st.integers(-2, 2), st.booleans(), st.none(), st.floats(allow_nan=False)),
    lambda children: st.one_of(
        st.lists(children, max_size=3), st.dictionaries(_KEYS, children, max_size=5)
    ),
    max_leaves=25,
)
_statements = st.dictionaries(_KEYS, _json_values, max_size=6)
_documents = st.one_of(
    _json_values,
    st.fixed_dictionaries(
        {"Statement": st.one_of(_statements, st.lists(_statements, max_size=3))},
        optional={"Version": _WORDS, "Id": _json_values},
    ),
)


@pytest.mark.parametrize("name", POLICY_SCHEMAS)
@given(value=_documents)
def test_agrees_with_jsonschema_on_generated_documents(name: str, value: Any) -> None:
    agree(name, value)


def test_an_unimplemented_keyword_means_no_quick_check() -> None:
    from iam_redshift._quick_schema import _Unsupported

    with pytest.raises(_Unsupported):
        _Compiler({}).compile({"type": "object", "unevaluatedProperties": False})


def test_recursive_references_compile_and_check() -> None:
    schema = {
        "$defs": {
            "tree": {
                "type": "object",
                "properties": {"children": {"type": "array", "items": {"$ref": "#/$defs/tree"}}},
                "additionalProperties": False,
            }
        },
        "$ref": "#/$defs/tree",
    }
    check = _Compiler(schema).compile(schema)
    assert check({"children": [{"children": []}, {}]})
    assert not check({"children": [{"children": [{"leaf": 1}]}]})


def _valid_bases() -> dict[str, Any]:
    """A valid document of each setup-side schema: the example setup, its manifest, a config."""
    from iam_redshift.render import render_bundle
    from iam_redshift.setup_file import load_setup, parse_mapping
    from tests.conftest import EXAMPLE

    setup = parse_mapping(EXAMPLE.read_bytes(), source=str(EXAMPLE))
    bundle = render_bundle(load_setup(EXAMPLE))
    manifest = next(
        json.loads(text) for path, text in bundle.files().items() if path == "iam-redshift.json"
    )
    config = {"select": ["IR"], "ignore": ["IR203"], "trust-policy-max-chars": 3000}
    return {
        "setup.schema.json": setup,
        "manifest.schema.json": manifest,
        "config.schema.json": config,
    }


def _replace(value: Any, path: list[int], new: Any) -> Any:
    """``value`` with the member reached by ``path`` (indexes into sorted keys) replaced."""
    if not path or not isinstance(value, dict | list) or not value:
        return new
    keys = sorted(value) if isinstance(value, dict) else list(range(len(value)))
    key = keys[path[0] % len(keys)]
    copy = dict(value) if isinstance(value, dict) else list(value)
    copy[key] = _replace(value[key], path[1:], new)  # type: ignore[index]
    return copy


@pytest.mark.parametrize(
    "name", ["setup.schema.json", "manifest.schema.json", "config.schema.json"]
)
@given(
    path=st.lists(st.integers(0, 50), max_size=4),
    new=st.one_of(_json_values, st.integers(), st.text(max_size=300), st.floats()),
)
def test_agrees_with_jsonschema_on_changed_setups_manifests_and_configs(
    name: str, path: list[int], new: Any
) -> None:
    base = _valid_bases()[name]
    agree(name, base)
    agree(name, _replace(base, path, new))
