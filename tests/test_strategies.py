"""The public strategies in ``iam_redshift.strategies``: they draw what they promise (IAM's rules,
edges included), reject bad arguments the way Hypothesis does, and stay out of
``import iam_redshift``."""

from __future__ import annotations

import importlib.metadata
import json
import re
from pathlib import Path
from typing import Any, Literal

import pytest
from hypothesis import Phase, find, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from iam_redshift.engine import LintOptions, lint_document
from iam_redshift.model import (
    PARTITIONS,
    AccessRole,
    InstanceRole,
    RedshiftCluster,
    RedshiftServerless,
    Setup,
    partition_of_region,
)
from iam_redshift.render import MANIFEST_NAME, Bundle, render_bundle
from iam_redshift.rules import all_rules
from iam_redshift.strategies import (
    BROKEN_BUNDLE_CODES,
    ROLE_NAME_CHARACTERS,
    BrokenBundle,
    access_roles,
    account_ids,
    broken_bundles,
    bundles,
    instance_roles,
    partitions,
    permissions_policies,
    redshift_clusters,
    redshift_serverless,
    role_arns,
    role_names,
    role_paths,
    setups,
    trust_policies,
)
from tests.conftest import EXAMPLE, modules_after

# IAM's own patterns (CreateRole's RoleName and Path, an account id), written out again here so
# that the strategies are checked against the rules rather than against themselves.
ROLE_NAME = re.compile(r"[\w+=,.@-]{1,64}", re.ASCII)
ROLE_PATH = re.compile(r"/|/[\x21-\x7f]+/")
ACCOUNT_ID = re.compile(r"[0-9]{12}")
ROLE_ARN = re.compile(
    r"arn:(?P<partition>[a-z-]+):iam::(?P<account>[0-9]{12}):role(?P<path>/(?:.*/)?)(?P<name>[^/]+)",
    re.DOTALL,
)

#: The mutations the issue asks for, by the code the linter must report for them.
REQUIRED_CODES = {
    "IR201",
    "IR202",
    "IR204",
    "IR205",
    "IR301",
    "IR302",
    "IR303",
    "IR304",
    "IR305",
    "IR306",
    "IR308",
    "IR309",
    "IR401",
    "IR402",
}


# -- staying out of the way ---------------------------------------------------------------------


def test_importing_the_package_imports_neither_hypothesis_nor_the_heavy_dependencies() -> None:
    loaded = modules_after("import iam_redshift; iam_redshift.Setup; iam_redshift.render_bundle")
    assert loaded.isdisjoint({"hypothesis", "parliament", "policyuniverse"}), loaded


def test_rendering_from_the_command_line_imports_no_linter_knowledge(tmp_path: Path) -> None:
    loaded = modules_after(
        "from iam_redshift.cli import main\n"
        f"assert main(['render', {str(EXAMPLE)!r}, '-o', {str(tmp_path / 'out')!r}]) == 0"
    )
    assert loaded.isdisjoint({"hypothesis", "parliament"}), loaded


def test_the_hypothesis_entry_point_is_installed() -> None:
    hooks = {e.value for e in importlib.metadata.entry_points(group="hypothesis")}
    assert "iam_redshift._hypothesis_plugin:_hypothesis_setup_hook" in hooks


# Searching for an example that shows an edge is drawn: no need to shrink what is found.
SEARCH = settings(max_examples=2000, phases=[Phase.generate], database=None)

MODEL_TYPES = [Setup, InstanceRole, AccessRole, RedshiftCluster, RedshiftServerless, Bundle]


@pytest.mark.parametrize("model_type", MODEL_TYPES, ids=lambda t: t.__name__)
@given(data=st.data())
def test_from_type_draws_valid_model_objects(model_type: type, data: st.DataObject) -> None:
    # The model validates itself on construction: an object that exists is a valid one.
    assert isinstance(data.draw(st.from_type(model_type)), model_type)


@given(st.builds(render_bundle))
def test_builds_fills_model_typed_arguments(bundle: Bundle) -> None:
    assert bundle.setup.access_roles


# -- names, paths, accounts, ARNs ---------------------------------------------------------------


@given(role_names())
def test_role_names_follow_iam(name: str) -> None:
    assert ROLE_NAME.fullmatch(name)


@given(role_paths())
def test_role_paths_follow_iam(path: str) -> None:
    assert ROLE_PATH.fullmatch(path)
    assert len(path) <= 512


@given(account_ids())
def test_account_ids_are_twelve_digits(account: str) -> None:
    assert ACCOUNT_ID.fullmatch(account)


@given(role_arns())
def test_role_arns_are_made_of_valid_parts(arn: str) -> None:
    match = ROLE_ARN.fullmatch(arn)
    assert match is not None
    assert match["partition"] in PARTITIONS
    assert ROLE_NAME.fullmatch(match["name"])
    assert ROLE_PATH.fullmatch(match["path"])


@given(role_arns(partition=st.just("aws-us-gov"), account_id=st.just("000000000042")))
def test_role_arns_take_partition_and_account_strategies(arn: str) -> None:
    assert arn.startswith("arn:aws-us-gov:iam::000000000042:role/")


@pytest.mark.parametrize(
    ("strategy", "condition"),
    [
        pytest.param(role_names(), lambda n: len(n) == 64, id="64-character-name"),
        *(
            pytest.param(role_names(), lambda n, c=c: c in n, id=f"name-with-{c}")
            for c in "+=,.@_-"
        ),
        pytest.param(role_names(), lambda n: n in (".", ".."), id="dot-name"),
        pytest.param(role_paths(), lambda p: len(p) == 512, id="512-character-path"),
        pytest.param(role_paths(), lambda p: p.count("/") > 200, id="deep-path"),
        pytest.param(role_paths(), lambda p: "\x7f" in p, id="path-with-DEL"),
        pytest.param(account_ids(), lambda a: a.startswith("0"), id="leading-zero-account"),
        *(
            pytest.param(setups(), lambda s, p=p: s.partition == p, id=f"setup-in-{p}")
            for p in PARTITIONS
        ),
        pytest.param(setups(), lambda s: len(s.instance_role.path) == 512, id="setup-long-path"),
    ],
)
def test_the_edges_are_drawn(strategy: st.SearchStrategy[Any], condition: Any) -> None:
    assert condition(find(strategy, condition, settings=SEARCH))


# -- setups and bundles -------------------------------------------------------------------------


@given(setups(min_access_roles=3, max_access_roles=4, profile="seed"))
def test_setups_respect_their_arguments(setup: Setup) -> None:
    assert 3 <= len(setup.access_roles) <= 4
    assert setup.profile == "seed"
    names = [setup.instance_role.name, *(r.name for r in setup.access_roles)]
    assert len({n.casefold() for n in names}) == len(names)


@given(setups(partition=st.just("aws-cn"), account_id=st.just("123456789012")))
def test_setups_take_partition_and_account_strategies(setup: Setup) -> None:
    assert (setup.partition, setup.account_id) == ("aws-cn", "123456789012")


@given(setups(profile="least-privilege"))
def test_least_privilege_setups_give_every_access_role_a_target_in_the_partition(
    setup: Setup,
) -> None:
    for role in (setup.instance_role, *setup.access_roles):
        if role.target is not None:
            assert partition_of_region(role.target.region) == setup.partition
    assert all(role.target is not None for role in setup.access_roles)


@given(st.one_of(redshift_clusters(), redshift_serverless()))
def test_targets_are_valid(target: RedshiftCluster | RedshiftServerless) -> None:
    assert target.region


@given(st.one_of(instance_roles(), access_roles()))
def test_roles_are_valid(role: InstanceRole | AccessRole) -> None:
    assert ROLE_NAME.fullmatch(role.name)


@given(bundles(max_access_roles=2))
def test_bundles_hold_every_document_and_the_manifest(bundle: Bundle) -> None:
    files = bundle.files()
    assert next(iter(files)) == MANIFEST_NAME
    assert len(files) == 1 + 2 * (1 + len(bundle.setup.access_roles))


# -- policy documents ---------------------------------------------------------------------------


def _grammar_findings(document: dict[str, Any], kind: Literal["trust", "permissions"]) -> list[str]:
    findings = lint_document(document, options=LintOptions(kind=kind))
    return [f"{f.code} {f.pointer}: {f.message}" for f in findings if f.code.startswith("IR1")]


@given(permissions_policies())
def test_permissions_policies_follow_the_grammar(document: dict[str, Any]) -> None:
    from iam_redshift._schemas import validator

    assert list(validator("identity-policy.schema.json").iter_errors(document)) == []
    assert _grammar_findings(document, "permissions") == []


@given(trust_policies())
def test_trust_policies_follow_the_grammar(document: dict[str, Any]) -> None:
    from iam_redshift._schemas import validator

    assert list(validator("trust-policy.schema.json").iter_errors(document)) == []
    assert _grammar_findings(document, "trust") == []


def _statements(document: dict[str, Any]) -> list[dict[str, Any]]:
    block = document["Statement"]
    return block if isinstance(block, list) else [block]


@pytest.mark.parametrize(
    ("strategy", "condition"),
    [
        pytest.param(
            permissions_policies(),
            lambda d: isinstance(d["Statement"], dict),
            id="statement-object",
        ),
        pytest.param(
            permissions_policies(), lambda d: len(_statements(d)) >= 3, id="several-statements"
        ),
        pytest.param(
            permissions_policies(),
            lambda d: (
                any(isinstance(s.get("Action"), list) for s in _statements(d))
                and any(isinstance(s.get("Action"), str) for s in _statements(d))
            ),
            id="string-and-list-actions",
        ),
        pytest.param(
            permissions_policies(),
            lambda d: any("NotResource" in s and "NotAction" in s for s in _statements(d)),
            id="not-elements",
        ),
        pytest.param(
            permissions_policies(),
            lambda d: any(
                any(o.startswith("ForAnyValue:") for o in s.get("Condition", {}))
                for s in _statements(d)
            ),
            id="set-operator-condition",
        ),
        pytest.param(
            trust_policies(),
            lambda d: any(
                isinstance(s["Principal"], dict) and isinstance(s["Principal"].get("AWS"), list)
                for s in _statements(d)
            ),
            id="principal-list",
        ),
        pytest.param(
            trust_policies(),
            lambda d: any(s["Principal"] == "*" for s in _statements(d)),
            id="everyone",
        ),
    ],
)
def test_policies_go_beyond_the_two_role_shapes(
    strategy: st.SearchStrategy[Any], condition: Any
) -> None:
    assert condition(find(strategy, condition, settings=SEARCH))


# -- broken bundles -----------------------------------------------------------------------------


def test_broken_bundles_cover_every_required_rule() -> None:
    assert REQUIRED_CODES <= BROKEN_BUNDLE_CODES
    for code in BROKEN_BUNDLE_CODES:
        assert code in all_rules(), code


@given(broken_bundles(codes=["ir301", "IR304"]))
def test_broken_bundles_take_codes_in_any_case(broken: BrokenBundle) -> None:
    assert broken.code in {"IR301", "IR304"}


@given(broken_bundles())
def test_a_broken_bundle_changes_documents_only(broken: BrokenBundle) -> None:
    original = broken.original.files()
    assert broken.files.keys() == original.keys()
    assert broken.files[MANIFEST_NAME] == original[MANIFEST_NAME]
    changed = [path for path in original if broken.files[path] != original[path]]
    assert len(changed) == 1, broken.mutation
    json.loads(broken.files[changed[0]])
    assert changed[0] in broken.mutation


# -- arguments ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda: setups(min_access_roles=0), id="no-access-roles"),
        pytest.param(lambda: setups(min_access_roles=True), id="bool-count"),
        pytest.param(lambda: setups(min_access_roles=1.5), id="float-count"),
        pytest.param(lambda: setups(min_access_roles=3, max_access_roles=2), id="max-below-min"),
        pytest.param(lambda: setups(profile="strict"), id="unknown-profile"),
        pytest.param(lambda: setups(partition="aws"), id="partition-not-a-strategy"),
        pytest.param(lambda: setups(account_id="123456789012"), id="account-not-a-strategy"),
        pytest.param(lambda: bundles(max_access_roles=0), id="bundles-max-zero"),
        pytest.param(lambda: role_arns(partition="aws"), id="arn-partition-not-a-strategy"),
        pytest.param(lambda: broken_bundles(codes=["IR999"]), id="unknown-code"),
        pytest.param(lambda: broken_bundles(codes=[]), id="no-codes"),
        pytest.param(lambda: broken_bundles(codes="IR301"), id="codes-a-string"),
    ],
)
def test_bad_arguments_raise_invalid_argument_lazily(make: Any) -> None:
    strategy = make()  # building the strategy does not raise: Hypothesis validates lazily
    with pytest.raises(InvalidArgument):
        strategy.validate()


def test_partitions_shrink_to_aws() -> None:
    assert find(partitions(), lambda _: True) == "aws"


def test_role_names_shrink_to_one_character() -> None:
    assert find(role_names(), lambda _: True) in ROLE_NAME_CHARACTERS
