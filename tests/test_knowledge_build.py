"""The compiled index: reproducible from its pinned sources, and right on AWS's own policies."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iam_redshift import knowledge
from iam_redshift.engine import lint_document
from iam_redshift.knowledge._compile import pack_service, unpack_service
from tests.conftest import CORPUS, REPO, need

# Why each IR501 finding on the AWS managed policies is right (the documents, as AWS wrote
# them, name something the data does not know):
#   removed  - an action AWS has removed: an older source lists it, the freshest one does not
#   newer    - a gap in every source: the names are newer than the freshest data (2026-10)
#   gone     - a gap in every source: a retired service or action no source lists any more
#   mistake  - not an IAM action at all (an API name, a typo) in AWS's own policy
MANAGED_POLICY_IR501 = [
    ("AWSCodeStarFullAccess.json", "/Statement/0/Action/5", "removed"),  # cloud9:Validate...
    (
        "AWSIAMIdentityCenterAllowListForIdentityContext.json",
        "/Statement/0/NotAction/91",
        "removed",
    ),
    ("AWSManagedSettingsAdminAccess.json", "/Statement/4/Action/6", "newer"),  # budgets
    ("AWSManagedSettingsAdminAccess.json", "/Statement/8/Action/21", "newer"),  # builderid
    ("AWSManagedSettingsAdminAccess.json", "/Statement/10/Action/8", "newer"),  # organizations
    ("AWSManagedSettingsAdminAccess.json", "/Statement/12/Action/10", "newer"),  # payments
    ("AWSManagedSettingsAdminAccess.json", "/Statement/12/Action/18", "newer"),  # payments
    ("AWSManagedSettingsAdminAccess.json", "/Statement/17/Action/0", "newer"),  # organizations
    ("AWSSupplyChainFederationAdminAccess.json", "/Statement/5/Action/0", "newer"),  # builderid
    ("AmazonApplicationWizardFullaccess.json", "/Statement/3/Action/9", "mistake"),  # ssm:...To...
    ("AmazonApplicationWizardFullaccess.json", "/Statement/8/Action/0", "gone"),
    ("AmazonEC2ReportsAccess.json", "/Statement/0/Action/0", "gone"),
    ("AmazonLaunchWizardFullaccess.json", "/Statement/3/Action/0", "mistake"),  # s3:ListBuckets
    ("AmazonLaunchWizardFullaccess.json", "/Statement/3/Action/1", "mistake"),  # s3:ListObjects
    ("AmazonMechanicalTurkCrowdFullAccess.json", "/Statement/0/Action/0", "gone"),
    ("AmazonMechanicalTurkCrowdReadOnlyAccess.json", "/Statement/0/Action/0", "gone"),
    ("AmazonRoute53RecoveryControlConfigReadOnlyAccess.json", "/Statement/0/Action/3", "removed"),
    ("AmazonSumerianFullAccess.json", "/Statement/0/Action/0", "gone"),
    ("AmazonZocaloFullAccess.json", "/Statement/0/Action/0", "gone"),
    ("AmazonZocaloReadOnlyAccess.json", "/Statement/0/Action/0", "gone"),
    ("MemoryDBServiceRolePolicy.json", "/Statement/6/Action/0", "newer"),
    ("RDSCloudHsmAuthorizationRole.json", "/Statement/0/Action/0", "removed"),  # classic HSM
    ("SecurityAgentWebAppAPIPolicy.json", "/Statement/0/Action/0", "newer"),
    ("SecurityAgentWebAppAPIPolicy.json", "/Statement/0/Action/1", "newer"),
    ("SecurityAgentWebAppAPIPolicy.json", "/Statement/1/Action/2", "newer"),
    ("SecurityAgentWebAppAPIPolicy.json", "/Statement/1/Action/7", "newer"),
    ("SecurityAgentWebAppAPIPolicy.json", "/Statement/1/Action/8", "newer"),
    ("SecurityAgentWebAppAPIPolicy.json", "/Statement/1/Action/9", "newer"),
    ("SecurityAgentWebAppAPIPolicy.json", "/Statement/1/Action/12", "newer"),
    ("SecurityAgentWebAppAPIPolicy.json", "/Statement/1/Action/14", "newer"),
    ("SecurityAgentWebAppAPIPolicy.json", "/Statement/1/Action/16", "newer"),
    ("SecurityAgentWebAppAPIPolicy.json", "/Statement/1/Action/17", "newer"),
    ("SecurityAgentWebAppAPIPolicy.json", "/Statement/1/Action/21", "newer"),
    ("SecurityAgentWebAppAPIPolicy.json", "/Statement/1/Action/22", "newer"),
    ("ServiceCatalogAdminReadOnlyAccess.json", "/Statement/0/Action/0", "gone"),  # catalog-admin
    ("ServiceCatalogAdminReadOnlyAccess.json", "/Statement/0/Action/16", "gone"),  # catalog-user
    ("ServiceCatalogAdminReadOnlyAccess.json", "/Statement/0/Action/28", "gone"),  # AccountLevel*
    ("ServiceCatalogEndUserAccess.json", "/Statement/0/Action/0", "gone"),
]

_WORDING = {
    "removed": "AWS has removed",
    "newer": "newer than",
    "gone": "newer than",  # the message cannot tell the two gaps apart: no source lists them
    "mistake": "newer than",
}


def test_ir501_on_the_aws_managed_policies_is_the_listed_few() -> None:
    corpus = need(CORPUS / "aws-managed-policies")
    found = []
    for path in sorted(corpus.glob("*.json")):
        for finding in lint_document(path.read_bytes(), file=path.name):
            if finding.code == "IR501":
                found.append((path.name, finding.pointer, finding.message))
    assert len(found) <= 40  # down from 3,128 on parliament + policyuniverse data
    assert [(name, pointer) for name, pointer, _ in found] == [
        (name, pointer) for name, pointer, _ in MANAGED_POLICY_IR501
    ]
    for (_, _, message), (_, _, why) in zip(found, MANAGED_POLICY_IR501, strict=True):
        assert _WORDING[why] in message, message
        assert "2026-10" in message  # the date of the data it relied on


def test_the_index_is_rebuilt_byte_for_byte_from_the_pinned_sources() -> None:
    completed = subprocess.run(
        [sys.executable, str(REPO / "tools" / "build_knowledge.py"), "--check"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr


def test_the_shipped_index_is_small_at_the_top_and_split_per_service() -> None:
    data = knowledge.shipped_dir()
    assert (data / "index.json").stat().st_size < 64 * 1024
    header = json.loads((data / "index.json").read_text(encoding="utf-8"))
    assert len(header["services"]) > 450
    assert {p.stem for p in (data / "services").glob("*.json")} == set(header["services"])


# --- a service's file: one string per entry -------------------------------------------------

# Names as AWS's spell them: no separator, and resource types with spaces ("function alias").
_WORD = st.text(alphabet="abcXYZ019-_/ :*${}<>.", min_size=1, max_size=12).filter(
    lambda text: not text.startswith("+")
)
_FACTS = st.one_of(
    st.fixed_dictionaries({"access": st.sampled_from(["Read", "Write", "List"])}),
    st.fixed_dictionaries(
        {
            "access": st.sampled_from(["Read", "Tagging", "Permissions management"]),
            "resources": st.lists(st.tuples(_WORD, st.booleans()).map(list), max_size=4),
            "keys": st.lists(_WORD, max_size=4),
        }
    ),
)


@st.composite
def _records(draw: st.DrawFn) -> dict[str, object]:
    # Action names and condition keys that differ only in case are one entry when stored.
    actions = draw(st.dictionaries(_WORD, _FACTS, max_size=5))
    actions = {name: actions[name] for name in {name.lower(): name for name in actions}.values()}
    conditions = draw(st.dictionaries(_WORD, st.sampled_from(["String", "Bool", "ARN"])))
    conditions = {key: conditions[key] for key in {k.lower(): k for k in conditions}.values()}
    retired = draw(st.dictionaries(_WORD, st.sampled_from(["parliament", "policyuniverse"])))
    retired = {n: retired[n] for n in {n.lower(): n for n in retired}.values()}
    return {
        "prefix": "svc",
        "name": "Some Service",
        "source": "floyd",
        "actions": actions,
        "resources": draw(
            st.dictionaries(
                _WORD,
                st.fixed_dictionaries(
                    {"arns": st.lists(_WORD, max_size=3), "keys": st.lists(_WORD, max_size=3)}
                ),
                max_size=4,
            )
        ),
        "conditions": conditions,
        "retired": {n: s for n, s in retired.items() if n.lower() not in map(str.lower, actions)},
    }


@given(record=_records())
def test_a_service_file_gives_back_the_record_it_stores(record: dict[str, object]) -> None:
    stored = pack_service(record)
    assert unpack_service(stored) == record
    # One string per entry: reading a file makes no list nor dict beyond its tables.
    for table in ("actions", "resources", "conditions", "retired"):
        assert all(isinstance(entry, str) for entry in stored[table].values())


@pytest.mark.parametrize(
    ("table", "entry"),
    [
        ("actions", {"Do|It": {"access": "Read"}}),
        ("actions", {"DoIt": {"access": "Read", "resources": [["thing,other", True]], "keys": []}}),
        ("actions", {"DoIt": {"access": "Read", "resources": [["+thing", False]], "keys": []}}),
        ("actions", {"DoIt": {"access": "Read", "resources": [], "keys": ["svc:a|b"]}}),
        ("resources", {"thing": {"arns": ["arn:aws:svc:::a,b"], "keys": []}}),
        ("conditions", {"svc:Key,Other": "String"}),
    ],
)
def test_a_service_file_refuses_what_it_cannot_store(table: str, entry: object) -> None:
    record = {key: {} for key in ("actions", "resources", "conditions", "retired")}
    record |= {"prefix": "svc", "name": "svc", "source": "floyd", table: entry}
    with pytest.raises(ValueError, match="holds"):
        pack_service(record)


def test_a_20000_star_action_is_linear(tmp_path: Path) -> None:
    # Issue 14, item 2: one pass per star over every action name took hours at 4 MB. Runs of
    # "*" are one "*"; a pattern longer than any action name matches nothing without matching.
    document = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "*" * 20_000, "Resource": "*"}],
    }
    codes = {finding.code for finding in lint_document(document)}
    assert "IR101" in codes  # not "*" nor service:name: the grammar says so
    assert "IR501" not in codes
    assert knowledge.expand_action("*" * 20_000) == knowledge.expand_action("*")
    assert knowledge.expand_action("s3:" + "*?" * 10_000) == ()
    assert knowledge.action_matches_known("s3:Get" + "*" * 20_000 + "Object")


def test_caches_keyed_on_document_text_stay_bounded() -> None:
    # Issue 14, item 12: unique long unknown actions must not be remembered.
    from iam_redshift.rules import actions

    for number in range(300):
        name = f"nosuch{number}:" + "A" * 5_000
        document = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": [name, f"s3:Get{'x' * 3000}{number}"],
                    "Resource": "*",
                }
            ],
        }
        lint_document(document)
    for cached in (
        actions._unknown_action_cached,
        actions._closest_prefix,
        actions._service_actions,
    ):
        info = cached.cache_info()
        assert info.maxsize is not None
        assert info.currsize <= info.maxsize
    # A long text is looked at, not remembered: the cache does not grow with it.
    before = actions._unknown_action_cached.cache_info().currsize
    long_action = {"Effect": "Allow", "Action": "nosuch:" + "B" * 5_000, "Resource": "*"}
    found = lint_document({"Version": "2012-10-17", "Statement": [long_action]})
    assert any(f.code == "IR501" for f in found)
    assert actions._unknown_action_cached.cache_info().currsize == before
    # So with IR503's: a statement with a condition and long action names is judged, and the
    # names are not remembered; a short one is, and the redshift key does not fit s3:GetObject.
    from iam_redshift.rules import conditions

    before = conditions._documented_cached.cache_info()
    conditional = {
        "Effect": "Allow",
        "Action": ["s3:Get" + "x" * 5_000, "s3:Put" + "y" * 5_000],
        "Resource": "*",
        "Condition": {"StringEquals": {"redshift:DbUser": "etl"}},
    }
    lint_document({"Version": "2012-10-17", "Statement": [conditional]})
    after = conditions._documented_cached.cache_info()
    assert (after.hits, after.misses, after.currsize) == (
        before.hits,
        before.misses,
        before.currsize,
    )
    conditional["Action"] = ["s3:GetObject"]
    codes = {f.code for f in lint_document({"Version": "2012-10-17", "Statement": [conditional]})}
    assert "IR503" in codes


@pytest.mark.parametrize(
    "command",
    [
        ["lint", "BUNDLE"],
        ["lint", "BUNDLE", "--format", "sarif"],
    ],
)
def test_a_command_line_lint_imports_no_source_library(command: list[str], tmp_path: Path) -> None:
    from tests.conftest import EXAMPLE

    bundle = tmp_path / "bundle"
    code = (
        "import sys\n"
        "from iam_redshift.cli import main\n"
        f"main(['render', {str(EXAMPLE)!r}, '-o', {str(bundle)!r}])\n"
        f"status = main({[str(bundle) if part == 'BUNDLE' else part for part in command]!r})\n"
        "heavy = {'parliament', 'policyuniverse', 'boto3', 'botocore', 'pkg_resources'}\n"
        "print(status, sorted(heavy & set(sys.modules)))\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=120
    )
    assert completed.returncode == 0, completed.stderr
    status, loaded = completed.stdout.strip().splitlines()[-1].split(" ", 1)
    assert status in {"0", "1"}
    assert loaded == "[]"
