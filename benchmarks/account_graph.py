"""How ``iam-redshift graph`` grows with the size of an account: dumps of 1,000 and 10,000
roles (realistic policy counts, from :func:`iam_redshift.strategies.synthetic_dump`), each
analysed by the command line in a fresh child process.

    python benchmarks/account_graph.py [--sizes 1000 10000] [--repeat 1] [--keep DIR]

It prints, for each size, the dump's size on disk, the wall time and the child's peak memory
(maximum resident set size) of ``iam-redshift graph --format json``, and the ratio of each
time to the smallest size's. Linear growth is the ratio of the sizes (10); the target is at
most 12, and under a minute for 10,000 roles.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _write(size: int, path: Path) -> None:
    from iam_redshift.strategies import synthetic_dump

    path.write_text(json.dumps(synthetic_dump(size, seed=size), indent=2) + "\n", encoding="utf-8")


def _run(path: Path) -> tuple[float, float]:
    """(seconds, peak resident MiB) of one child run."""
    script = (
        "import resource, sys\n"
        "from iam_redshift.cli import main\n"
        "with open(sys.argv[2], 'w') as out:\n"
        "    code = main(['graph', sys.argv[1], '--format', 'json'], stdout=out)\n"
        "peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "print(peak, file=sys.stderr)\n"
        "sys.exit(0 if code in (0, 1) else code)\n"
    )
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", script, str(path), os.devnull],
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"graph failed on {path}: {done.stderr[-2000:]}")
    peak_kib = int(done.stderr.strip().splitlines()[-1])
    return seconds, peak_kib / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="write the dumps here and keep them")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        folder = arguments.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        results = []
        for size in arguments.sizes:
            path = folder / f"dump-{size}.json"
            _write(size, path)
            runs = [_run(path) for _ in range(arguments.repeat)]
            seconds = min(r[0] for r in runs)
            peak = max(r[1] for r in runs)
            results.append((size, path.stat().st_size, seconds, peak))
        smallest = results[0][2]
        for size, nbytes, seconds, peak in results:
            print(
                f"{size:>6} roles  dump {nbytes / 1e6:6.1f} MB  {seconds:6.1f} s  "
                f"peak {peak:6.0f} MiB  ratio {seconds / smallest:5.1f}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
