"""The compiled yes/no schema check agrees with jsonschema, the oracle, on every document."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
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


# -- the common shape of a policy (a yes in C calls before the compiled check) -----------------


@pytest.mark.parametrize("name", POLICY_SCHEMAS)
def test_the_shape_was_reviewed_against_the_schema_as_it_is(name: str) -> None:
    import hashlib

    from iam_redshift._quick_schema import _SHAPE_SCHEMAS
    from iam_redshift._schemas import load_schema

    canonical = json.dumps(load_schema(name), sort_keys=True, separators=(",", ":"))
    assert hashlib.sha256(canonical.encode("ascii")).hexdigest() == _SHAPE_SCHEMAS[name][1], (
        f"{name} changed: check that _policy_shape still accepts only what it allows, then "
        "update its digest in _SHAPE_SCHEMAS"
    )


def _shape(name: str) -> Any:
    from iam_redshift._quick_schema import _policy_shape
    from iam_redshift._schemas import load_schema

    shape = _policy_shape(name, load_schema(name))
    assert shape is not None
    return shape


# Documents of the common shape and just outside it: each element drawn mostly from valid
# values, sometimes from values one step off the grammar (the wrong type, an empty list or
# string, a string the pattern refuses, a list with one bad item); elements too many or too few.
def _mostly(valid: st.SearchStrategy[Any], *off: Any) -> Any:
    # A sample, not one_of: Hypothesis draws one_of's branches far from evenly.
    return st.sampled_from(range(8)).flatmap(lambda i: st.sampled_from(off) if i == 7 else valid)


_OFF = (None, 1.5, True, {}, [], "", [1])
_ACTION = st.sampled_from(["*", "s3:GetObject", "redshift:Get*", "ec2:Describe?nstances"])
_RESOURCE = st.sampled_from(["*", "arn:aws:s3:::b/*", "arn:aws:iam::123456789012:role/R"])


def _block(text: st.SearchStrategy[str], *off: Any) -> Any:
    return _mostly(st.one_of(text, st.lists(text, min_size=1, max_size=4)), *_OFF, *off)


_ACTIONS = _block(_ACTION, "bad action", "s3:Get\n", "*\n", "a:b:c", ["s3:GetObject", "s3 Get"])
_RESOURCES = _block(_RESOURCE, ["*", ""], ["*", 2])
_SCALAR = st.one_of(_RESOURCE, st.integers(0, 3), st.booleans(), st.floats(0, 1))
_CONDITION = _mostly(
    st.dictionaries(
        _mostly(
            st.sampled_from(["StringEquals", "ForAnyValue:StringLike", "Bool", "Null"]),
            "",
            "StringEqual",
            "NullIfExists",
            "StringEquals\n",
        ),
        _mostly(
            st.dictionaries(
                _mostly(st.sampled_from(["aws:SourceIp", "s3:prefix"]), ""),
                _mostly(st.one_of(_SCALAR, st.lists(_SCALAR, min_size=1, max_size=3)), *_OFF),
                min_size=1,
                max_size=2,
            ),
            *_OFF,
        ),
        max_size=2,
    ),
    *_OFF,
)
_PRINCIPAL = _mostly(
    st.one_of(
        st.just("*"),
        st.dictionaries(
            st.sampled_from(["AWS", "Service", "Federated", "CanonicalUser"]),
            _RESOURCES,
            min_size=1,
            max_size=2,
        ),
    ),
    *_OFF,
    "**",
    {"Other": "*"},
)


def _one_of_pair(element: str, value: st.SearchStrategy[Any]) -> Any:
    """``element`` or ``NotElement`` (mostly), both, or neither."""
    names = [[element]] * 4 + [[f"Not{element}"]] * 3 + [[element, f"Not{element}"], []]
    return st.sampled_from(names).flatmap(
        lambda names: st.fixed_dictionaries(dict.fromkeys(names, value))
    )


_OPTIONAL = st.sampled_from(
    [
        (),
        ("Sid",),
        ("Principal",),
        ("NotPrincipal",),
        ("Condition",),
        ("Principal", "Condition"),
        ("Principal", "NotPrincipal"),
    ]
).flatmap(
    lambda names: st.fixed_dictionaries(
        {
            name: {
                "Sid": _mostly(st.just("S1"), *_OFF),
                "Principal": _PRINCIPAL,
                "NotPrincipal": _PRINCIPAL,
                "Condition": _CONDITION,
            }[name]
            for name in names
        }
    )
)
_SHAPED_STATEMENTS = st.builds(
    lambda effect, actions, resources, optional, other: {
        **effect,
        **actions,
        **resources,
        **optional,
        **other,
    },
    st.fixed_dictionaries({"Effect": _mostly(st.sampled_from(["Allow", "Deny"]), "allow", 1)}),
    _one_of_pair("Action", _ACTIONS),
    _one_of_pair("Resource", _RESOURCES),
    _OPTIONAL,
    _mostly(st.just({}), {"Other": "x"}),
)
_SHAPED = st.fixed_dictionaries(
    {
        "Statement": _mostly(
            st.one_of(_SHAPED_STATEMENTS, st.lists(_SHAPED_STATEMENTS, min_size=1, max_size=3)),
            *_OFF,
        )
    },
    optional={"Version": _mostly(st.just("2012-10-17"), *_OFF), "Id": _mostly(st.just("P1"), 1)},
).flatmap(lambda policy: _mostly(st.just(policy), {**policy, "Other": 1}, []))


@pytest.mark.parametrize("name", POLICY_SCHEMAS)
@settings(max_examples=500)  # about three seconds, nearly all jsonschema's
@given(value=_SHAPED)
def test_the_shape_accepts_only_valid_documents(name: str, value: Any) -> None:
    if _shape(name)(value):
        assert validator(name).is_valid(value), value
    agree(name, value)


@pytest.mark.parametrize("name", POLICY_SCHEMAS)
def test_the_shape_accepts_the_aws_managed_policies(name: str) -> None:
    # Its point: the compiled check (a Python call a member) is left for the rare document.
    shape = _shape(name)
    documents = sorted((need(CORPUS) / "aws-managed-policies").rglob("*.json"))[::7]
    assert documents
    assert all(shape(json.loads(path.read_bytes())) for path in documents)


_BASE_STATEMENT = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}


@pytest.mark.parametrize(
    "change",
    [
        {"Effect": "allow"},
        {"Sid": 1},
        {"Action": "bad action"},
        {"Action": []},
        {"Action": ["s3:GetObject", "s3 Get"]},
        {"Action": ["s3:GetObject", 1]},
        # Joined by line feeds, these would read as three good actions: one item holds two.
        {"Action": ["s3:GetObject\ns3:PutObject", "s3:ListBucket"]},
        {"NotAction": "*"},
        {"Resource": ""},
        {"Resource": ["*", ""]},
        {"Resource": None},
        {"NotResource": "*"},
        {"Principal": "**"},
        {"Principal": {}},
        {"Principal": {"Other": "*"}},
        {"Principal": {"AWS": []}},
        {"Principal": "*", "NotPrincipal": "*"},
        {"Condition": []},
        {"Condition": {"StringEqual": {"s3:prefix": "a"}}},
        {"Condition": {"NullIfExists": {"s3:prefix": "true"}}},
        {"Condition": {"StringEquals": {}}},
        {"Condition": {"StringEquals": {"": "a"}}},
        {"Condition": {"StringEquals": {"s3:prefix": []}}},
        {"Condition": {"StringEquals": {"s3:prefix": [None]}}},
        {"Condition": {"StringEquals": {"s3:prefix": {"a": "b"}}}},
        {"Other": "x"},
        {"Resource": "DROP"},
    ],
)
def test_the_shape_refuses_each_way_out_of_the_grammar(change: dict[str, Any]) -> None:
    statement = {**_BASE_STATEMENT, **change}
    if change == {"Resource": "DROP"}:
        del statement["Resource"]
    name = "identity-policy.schema.json"
    document = {"Version": "2012-10-17", "Statement": [statement]}
    assert _shape(name)({"Version": "2012-10-17", "Statement": [_BASE_STATEMENT]})
    assert not validator(name).is_valid(document)
    assert not _shape(name)(document)


@pytest.mark.parametrize(
    "document",
    [
        [],
        {"Statement": []},
        {"Statement": "x"},
        {"Version": 1, "Statement": [_BASE_STATEMENT]},
        {"Id": None, "Statement": [_BASE_STATEMENT]},
        {"Other": 1, "Statement": [_BASE_STATEMENT]},
        {"Version": "2012-10-17"},
    ],
)
def test_the_shape_refuses_a_top_level_out_of_the_grammar(document: Any) -> None:
    for name in POLICY_SCHEMAS:
        assert not validator(name).is_valid(document)
        assert not _shape(name)(document)


def test_actions_seen_fitting_are_remembered_within_bounds(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from iam_redshift import _quick_schema

    monkeypatch.setattr(_quick_schema, "_REMEMBERED_VALUES", 10)
    fitting: set[str] = set()
    for start in range(0, 60, 4):
        _quick_schema._remember(fitting, [f"s3:Get{n}" for n in range(start, start + 4)])
        assert len(fitting) <= 10
        assert f"s3:Get{start + 3}" in fitting  # the newest are kept
    _quick_schema._remember(fitting, ["s3:" + "A" * 200, "s3:Short"])
    assert "s3:Short" in fitting
    assert not any(len(value) > _quick_schema._REMEMBERED_LENGTH for value in fitting)
    _quick_schema._remember(fitting, [f"s3:Put{n}" for n in range(11)])  # more than the bound
    assert len(fitting) <= 10
