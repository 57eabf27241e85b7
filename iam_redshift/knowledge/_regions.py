"""Partitions and their regions: is a region real, and which real one did a typo mean."""

from __future__ import annotations

import functools

from iam_redshift.knowledge._base import _index, sources

# --- partitions and regions -------------------------------------------------------------------


def region_data_note() -> str:
    """How a message names the data the regions come from: ``"the regions of botocore
    1.44.8 (2026-11)"``."""
    found = [source for source in sources() if "region" in source.supplies]
    return f"the regions of {found[0].label()}" if found else "the regions of the action data"


def known_regions(partition: str) -> tuple[str, ...]:
    """The regions of ``partition`` (``"aws"``, ``"aws-cn"``...) the index knows, sorted."""
    index = _index()
    if index is None or not isinstance(partition, str):
        return ()
    return tuple(sorted(index.partitions.get(partition, ())))


def region_known(region: str) -> bool:
    """Whether ``region`` (``"us-east-1"``) is a region of some partition in the index."""
    index = _index()
    if index is None or not isinstance(region, str):
        return True  # no claim
    return any(region in regions for regions in index.partitions.values())


def _edits(first: str, second: str) -> int:
    """Optimal-string-alignment distance: insertions, deletions, substitutions and swaps of
    two neighbours each count one (``us-esat-1`` is one swap from ``us-east-1``)."""
    rows = [list(range(len(second) + 1))]
    for i, a in enumerate(first, 1):
        row = [i]
        for j, b in enumerate(second, 1):
            cost = min(rows[-1][j] + 1, row[j - 1] + 1, rows[-1][j - 1] + (a != b))
            if i > 1 and j > 1 and a == second[j - 2] and first[i - 2] == b:
                cost = min(cost, rows[-2][j - 2] + 1)
            row.append(cost)
        rows.append(row)
    return rows[-1][-1]


@functools.lru_cache(maxsize=256)
def _closest_region(region: str) -> str | None:
    index = _index()
    if index is None:
        return None
    every = sorted({r for regions in index.partitions.values() for r in regions})
    scored = sorted((_edits(region, known), known) for known in every)
    return scored[0][1] if scored and scored[0][0] <= 2 else None


def closest_region(region: str) -> str | None:
    """The known region closest in spelling to ``region`` (``"us-east-1"`` for
    ``"us-esat-1"``), or ``None``."""
    if not isinstance(region, str) or len(region) > 64:
        return None
    return _closest_region(region)
