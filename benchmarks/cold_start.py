"""Cold start: ``iam-redshift lint`` of the rendered example bundle vs ``import parliament``.

    python benchmarks/cold_start.py [--repeat N]

Renders examples/matillion.toml into a temporary directory, then runs, alternately and each
in a fresh interpreter, ``python -m iam_redshift lint BUNDLE`` and ``python -c "import
parliament"`` (parliament comes with the knowledge-build extra), N times each (default 9), and
prints the median wall time of each and their ratio. pre-commit pays the first on every commit.

Both run in the scratch directory, as in a project without iam-redshift configuration (from
the repository, the lint would also read this repository's pyproject.toml).
Both sides run from bytecode, as installed packages do (pip compiles a wheel's modules when it
installs it): the package's modules are compiled first, since an editable install under
PYTHONDONTWRITEBYTECODE would otherwise recompile every module on every run.
"""

from __future__ import annotations

import argparse
import compileall
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _time(command: list[str], cwd: str) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=False, capture_output=True, cwd=cwd)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.partition("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=9)
    options = parser.parse_args()
    compileall.compile_dir(str(REPO / "iam_redshift"), quiet=1)
    with tempfile.TemporaryDirectory() as scratch:
        bundle = Path(scratch) / "bundle"
        subprocess.run(
            [
                sys.executable,
                "-m",
                "iam_redshift",
                "render",
                str(REPO / "examples" / "matillion.toml"),
                "-o",
                str(bundle),
            ],
            check=True,
            capture_output=True,
        )
        lint = [sys.executable, "-m", "iam_redshift", "lint", str(bundle)]
        parliament = [sys.executable, "-W", "ignore", "-c", "import parliament"]
        ours, theirs = [], []
        for _ in range(options.repeat):
            ours.append(_time(lint, scratch))
            theirs.append(_time(parliament, scratch))
    lint_median, parliament_median = statistics.median(ours), statistics.median(theirs)
    print(f"cold lint of the rendered bundle: {lint_median:.3f} s (median of {options.repeat})")
    print(f"cold 'import parliament':         {parliament_median:.3f} s")
    print(f"ratio: {lint_median / parliament_median:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
