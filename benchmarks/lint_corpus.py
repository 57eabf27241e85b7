"""Time iam-redshift's full lint against parliament alone, over the same policy documents.

    python benchmarks/lint_corpus.py [--corpus DIR] [--repeat N] [--runs N]

The default corpus is ``../shared/corpus/aws-managed-policies`` beside the repository (1,645 AWS
managed policies). Each side runs in a fresh child process, so neither profits from the other's
imports or caches (our action knowledge reads parliament's data too):

- ours: ``iam_redshift.engine.lint_document`` on each file's bytes, every rule on (IR5xx included);
  the import and the building of the indexes (schemas, action data) are timed apart, by linting
  one small document first and reading every service's action data, and added into a second
  total;
- parliament: ``parliament.analyze_policy_string`` on each file's text; its import, which reads
  all its action data, is timed apart; a document on which it raises is counted, not fatal.

So both loops run with their action data read. (Until this was changed on 2026-12-01, ours
read each service's data inside the loop, when a document first named the service, while
parliament's was read at import, outside it: the loop ratio counted our data reading and not
parliament's.)

It prints both totals, the means per document, and the ratio ours / parliament (of wall-clock
time, and of CPU time, which other processes on a busy machine disturb less). With
``--repeat N`` each side times its loop N times over (in the same process, caches warm after
the first pass) and reports the fastest pass. With ``--runs N`` the two children are started
N times over, alternately (ours, parliament, ours...), each pair giving one ratio; it prints
every pair's ratios and details the pair with the median CPU ratio. On a shared machine one
pair can be off by a quarter either way: quote the median of several.

With ``--instructions`` each side runs under valgrind's callgrind instead (twice: up to the
loop, and with one pass of it) and the script prints the instructions of each side's loop and
their ratio. That count is the same from run to run whatever the machine's load, but it is
not time: it leaves out how fast the processor runs each side's instructions (parliament's
tight loops run more instructions a cycle than ours). Parliament's pass takes about a quarter
of an hour under callgrind.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus" / "aws-managed-policies"

# A small permissions policy that touches every rule family, so that the warm-up builds every
# index the real run needs (schemas, action and resource data, condition keys).
_WARM_UP = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": ["redshift:GetClusterCredentials", "redshift:Describe*", "iam:*"],
                "Resource": ["*", "arn:aws:s3:::bucket"],
                "Condition": {"StringEquals": {"redshift:DbUser": "etl", "aws:SourceVpc": "v"}},
            }
        ],
    }
)


def _files(corpus: Path) -> list[Path]:
    return sorted(p for p in corpus.rglob("*.json") if p.is_file())


def _fastest(repeat: int, one_pass: Callable[[], dict[str, int]]) -> dict[str, object]:
    """Time ``one_pass`` ``repeat`` times: the fastest pass's wall-clock (``loop``) and CPU
    time, and the counts the pass returns."""
    best = cpu = float("inf")
    counts: dict[str, int] = {}
    for _ in range(repeat):
        loop, loop_cpu = time.perf_counter(), time.process_time()
        counts = one_pass()
        best = min(best, time.perf_counter() - loop)
        cpu = min(cpu, time.process_time() - loop_cpu)
    return {"loop": best, "cpu": cpu, **counts}


def _ours(paths: list[Path], repeat: int) -> dict[str, object]:
    datas = [p.read_bytes() for p in paths]
    start = time.perf_counter()
    from iam_redshift.engine import lint_document

    imported = time.perf_counter()
    lint_document(_WARM_UP, file="warm-up.json")
    # Parliament reads all its action data when it is imported (one JSON file, timed apart
    # with its import); iam-redshift reads a service's data when a document first names it.
    # Both loops run with their data read: ours is read here, with the indexes (expanding
    # "*:*" reads every service's file, its actions' facts and their sorted listing).
    from iam_redshift import knowledge

    knowledge.expand_action_facts("*:*")
    indexed = time.perf_counter()
    if repeat == 0:  # up to the loop only (--instructions counts the loop apart)
        return {"import": imported - start, "index": indexed - imported}

    def one_pass() -> dict[str, int]:
        findings = internal = 0
        for path, data in zip(paths, datas, strict=True):
            found = lint_document(data, file=str(path))
            findings += len(found)
            internal += sum(1 for f in found if f.code == "IR000")
        return {"findings": findings, "internal_errors": internal}

    return {"import": imported - start, "index": indexed - imported, **_fastest(repeat, one_pass)}


def _parliament(paths: list[Path], repeat: int) -> dict[str, object]:
    import warnings

    texts = [p.read_text(encoding="utf-8") for p in paths]
    warnings.simplefilter("ignore")  # parliament imports pkg_resources, which warns
    start = time.perf_counter()
    import parliament

    imported = time.perf_counter()
    if repeat == 0:  # up to the loop only (--instructions counts the loop apart)
        return {"import": imported - start}

    def one_pass() -> dict[str, int]:
        raised = findings = 0
        for text in texts:
            try:
                policy = parliament.analyze_policy_string(text)
                findings += len(policy.findings)
            except Exception:  # parliament raises on some real policies: count them
                raised += 1
        return {"findings": findings, "raised": raised}

    return {
        "import": imported - start,
        **_fastest(repeat, one_pass),
        "version": getattr(parliament, "__version__", "?"),
    }


def _child(side: str, corpus: Path, repeat: int) -> dict[str, object]:
    command = [sys.executable, __file__, "--corpus", str(corpus), "--repeat", str(repeat)]
    done = subprocess.run(
        [*command, "--side", side], capture_output=True, text=True, check=False, cwd=REPO
    )
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"the {side} run failed (exit status {done.returncode})")
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


_COLLECTED = re.compile(r"Collected : (\d+)")


def _instructions(side: str, corpus: Path, repeat: int) -> int:
    """The instructions one child runs under callgrind (``repeat`` 0: up to the loop)."""
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        raise SystemExit("--instructions needs valgrind (its callgrind tool) on PATH")
    command = [
        valgrind,
        "--tool=callgrind",
        f"--callgrind-out-file={os.devnull}",
        sys.executable,
        __file__,
        "--corpus",
        str(corpus),
        "--repeat",
        str(repeat),
        "--side",
        side,
    ]
    env = {**os.environ, "PYTHONHASHSEED": "0"}  # the same instructions from run to run
    done = subprocess.run(command, capture_output=True, text=True, check=False, cwd=REPO, env=env)
    found = _COLLECTED.search(done.stderr)
    if done.returncode != 0 or found is None:
        sys.stderr.write(done.stderr[-2000:])
        raise SystemExit(f"the {side} run under callgrind failed (exit status {done.returncode})")
    return int(found.group(1))


def _count_instructions(corpus: Path, count: int) -> int:
    """Print each side's instructions (to the loop, and of the loop) and their ratio."""
    loops: dict[str, int] = {}
    totals: dict[str, int] = {}
    for side in ("ours", "parliament"):
        setup = _instructions(side, corpus, 0)
        totals[side] = _instructions(side, corpus, 1)
        loops[side] = totals[side] - setup
        print(
            f"{side}: {loops[side] / 1e9:.3f} G instructions in the loop "
            f"({loops[side] / count / 1e6:.2f} M a document), {setup / 1e9:.3f} G before it",
            flush=True,
        )
    print(
        f"ratio ours / parliament: {loops['ours'] / loops['parliament']:.3f} (loops), "
        f"{totals['ours'] / totals['parliament']:.3f} (whole runs, imports and indexes "
        "included), in instructions"
    )
    return 0


def _seconds(value: object) -> float:
    return float(value) if isinstance(value, int | float) else float("nan")


def main(argv: list[str] | None = None) -> int:
    """Run both sides and print the comparison."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--repeat", type=int, default=1, help="passes per side; the fastest counts")
    parser.add_argument(
        "--runs", type=int, default=1, help="pairs of child processes; the median ratio counts"
    )
    parser.add_argument(
        "--instructions",
        action="store_true",
        help="count instructions under callgrind instead of timing (steady; slow)",
    )
    parser.add_argument("--side", choices=("ours", "parliament"), help=argparse.SUPPRESS)
    arguments = parser.parse_args(argv)
    corpus: Path = arguments.corpus
    if not corpus.is_dir():
        parser.error(f"no corpus directory at {corpus}")
    paths = _files(corpus)
    if not paths:
        parser.error(f"{corpus} holds no *.json files")
    if arguments.side is None:  # run from bytecode, as an installed package does
        compileall.compile_dir(str(REPO / "iam_redshift"), quiet=1)
    # A child may be asked for no pass (0: --instructions counts up to the loop apart).
    repeat = max(0 if arguments.side else 1, arguments.repeat)

    if arguments.side == "ours":
        print(json.dumps(_ours(paths, repeat)))
        return 0
    if arguments.side == "parliament":
        print(json.dumps(_parliament(paths, repeat)))
        return 0

    if arguments.instructions:
        return _count_instructions(corpus, len(paths))
    pairs = []
    for run in range(max(1, arguments.runs)):
        pair = _child("ours", corpus, repeat), _child("parliament", corpus, repeat)
        pairs.append(pair)
        if arguments.runs > 1:
            print(f"run {run + 1}: ratio {_ratios(*pair)}", flush=True)
    # The pair with the median CPU ratio (the upper one of an even count).
    pairs.sort(key=lambda pair: _seconds(pair[0]["cpu"]) / _seconds(pair[1]["cpu"]))
    ours, theirs = pairs[len(pairs) // 2]
    if len(pairs) > 1:
        print(f"the median run of {len(pairs)}:")
    count = len(paths)
    our_loop, our_setup = _seconds(ours["loop"]), _seconds(ours["import"]) + _seconds(ours["index"])
    their_loop, their_import = _seconds(theirs["loop"]), _seconds(theirs["import"])
    print(f"corpus: {corpus} ({count:,} documents)")
    print(
        f"iam-redshift lint: {our_loop:8.3f} s  ({1000 * our_loop / count:.2f} ms a document; "
        f"{ours['findings']:,} findings, {ours['internal_errors']} internal errors)"
    )
    print(
        f"  import {_seconds(ours['import']):.3f} s + index building and action data "
        f"{_seconds(ours['index']):.3f} s; total with them {our_loop + our_setup:.3f} s"
    )
    print(
        f"parliament {theirs['version']}: {their_loop:8.3f} s  "
        f"({1000 * their_loop / count:.2f} ms a document; {theirs['findings']:,} findings, "
        f"raised on {theirs['raised']})"
    )
    print(f"  import {their_import:.3f} s; total with it {their_loop + their_import:.3f} s")
    print(f"ratio ours / parliament: {_ratios(ours, theirs)}")
    return 0


def _ratios(ours: dict[str, object], theirs: dict[str, object]) -> str:
    our_loop, their_loop = _seconds(ours["loop"]), _seconds(theirs["loop"])
    our_setup = _seconds(ours["import"]) + _seconds(ours["index"])
    their_import = _seconds(theirs["import"])
    return (
        f"{our_loop / their_loop:.3f} (lint loops), "
        f"{(our_loop + our_setup) / (their_loop + their_import):.3f} (with imports and indexes), "
        f"{_seconds(ours['cpu']) / _seconds(theirs['cpu']):.3f} (CPU time of the loops, "
        "steadier on a busy machine)"
    )


if __name__ == "__main__":
    raise SystemExit(main())
