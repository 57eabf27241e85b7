"""How lint time grows with the number of access roles: a 5,000-role bundle against a
1,000-role one, measured in the same run.

    python benchmarks/big_bundles.py [--sizes 1000 5000] [--repeat 3]

Each size is rendered (seed profile) into a temporary directory, then linted by the command line
in a fresh child process (``iam-redshift lint --isolated DIR``), the way CI runs it. It prints the
fastest of ``--repeat`` runs for each size and the ratio of each to the smallest: linear growth is
the ratio of the sizes (5 for 5,000 against 1,000); the target is at most 8.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _render(size: int, directory: Path) -> None:
    from iam_redshift import AccessRole, InstanceRole, Setup, render_bundle
    from iam_redshift.bundle_io import write_files

    setup = Setup(
        account_id="123456789012",
        instance_role=InstanceRole("EC2-Redshift-Initiator-Role"),
        access_roles=tuple(AccessRole(f"Redshift-Access-Role-{i}") for i in range(size)),
    )
    write_files(render_bundle(setup).files(), directory)


def _lint_seconds(directory: Path) -> float:
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "iam_redshift", "lint", "--isolated", "--format", "json", "."],
        cwd=directory,
        capture_output=True,
        check=False,
    )
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise SystemExit(f"lint failed on {directory}: {done.stderr.decode()[:500]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000])
    parser.add_argument("--repeat", type=int, default=3)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        folders = {}
        for size in arguments.sizes:
            folders[size] = Path(temporary) / f"roles-{size}"
            _render(size, folders[size])
        best = {
            size: min(_lint_seconds(folder) for _ in range(arguments.repeat))
            for size, folder in folders.items()
        }
    smallest = min(best)
    for size, seconds in best.items():
        ratio = seconds / best[smallest]
        print(f"{size:>6} access roles: {seconds:7.2f} s  ({ratio:.2f}x the {smallest}-role one)")


if __name__ == "__main__":
    main()
