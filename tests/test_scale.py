"""Linting grows linearly with the number of access roles: counted in function calls (which do
not depend on how busy the machine is), not in seconds. A quadratic step, such as comparing
every Resource with every role, or rebuilding the list of role ARNs for every document, shows
as a ratio far above the ratio of the sizes."""

from __future__ import annotations

import cProfile
import pstats

from iam_redshift.engine import iter_lint_contents
from iam_redshift.model import AccessRole, InstanceRole, Setup
from iam_redshift.render import render_bundle


def _bundle(size: int, profile: str = "seed") -> dict[str, str]:
    setup = Setup(
        account_id="123456789012",
        instance_role=InstanceRole("EC2-Redshift-Initiator-Role"),
        access_roles=tuple(AccessRole(f"Redshift-Access-Role-{i}") for i in range(size)),
        profile=profile,  # type: ignore[arg-type]
    )
    return render_bundle(setup).files()


def _calls(files: dict[str, str]) -> int:
    profiler = cProfile.Profile()
    profiler.enable()
    list(iter_lint_contents(files))
    profiler.disable()
    return int(pstats.Stats(profiler).total_calls)  # type: ignore[attr-defined]


def test_lint_work_grows_linearly_with_the_access_roles() -> None:
    small, large = _bundle(60), _bundle(300)
    _calls(_bundle(3))  # rules, schemas and action data are loaded once, before counting
    ratio = _calls(large) / _calls(small)
    # Five times the roles: about five times the work (a quadratic step would give ~25).
    assert ratio < 6.5, ratio


def test_a_broken_big_bundle_is_linear_too() -> None:
    # Every access role's trust policy names another principal: the IR301 path, with related
    # locations looked up for each role, must not compare every role with every other.
    def broken(size: int) -> dict[str, str]:
        files = _bundle(size)
        for path in files:
            if path.endswith("trust-policy.json") and not path.startswith("EC2-"):
                files[path] = files[path].replace("EC2-Redshift-Initiator-Role", "Someone-Else")
        return files

    _calls(broken(3))
    ratio = _calls(broken(300)) / _calls(broken(60))
    assert ratio < 6.5, ratio
