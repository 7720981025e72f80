"""A synthetic guideline dataset N times the size of the embedded one, to benchmark the whole pipeline at the
size of the largest published network meta-analyses.

Replica ``r`` (1 to N) is the package the seed ``seed + r - 1`` gives (replica 1 is the embedded package): the
same trial designs, drawn and calibrated to the same published targets by the same rules. Each replica on its
own reproduces the published aggregates, so all N together give about the same estimates with confidence
intervals about 1/sqrt(N) as wide, and N times Table 2's counts. Study ids carry the replica's number
(``SYN-017-3``); the tables that do not describe trials (nodes, panel judgements, other guidance) are the same in
every replica and appear once.
"""

from __future__ import annotations

from typing import Callable

from analysis.synthesize.package import build_rows

SHARED_TABLES = ("nodes", "judgements", "other_guidance")


def replica_rows(rows: dict[str, list[dict]], replica: int) -> dict[str, list[dict]]:
    """``rows`` with every study id suffixed by ``-<replica>`` (ids in ``studies.id`` and every ``study`` column)."""
    out = {}
    for table, table_rows in rows.items():
        key = "id" if table == "studies" else "study"
        out[table] = [dict(row, **{key: f"{row[key]}-{replica}"}) if key in row else row for row in table_rows]
    return out


def merge_replicas(packages) -> dict[str, list[dict]]:
    """One package from several (an iterable of rows per table): replica ``r`` (from 1) gets its study ids
    suffixed by ``-r``; the shared tables are taken from the first."""
    merged: dict[str, list[dict]] = {}
    for replica, rows in enumerate(packages, 1):
        for table, table_rows in replica_rows(rows, replica).items():
            if table in SHARED_TABLES and table in merged:
                continue
            merged.setdefault(table, []).extend(table_rows)
    return merged


def scaled_rows(seed: int, scale: int, report: Callable[[str], None] = lambda m: None) -> dict[str, list[dict]]:
    """Every row of a package ``scale`` times the size of the one ``seed`` gives (``scale`` = 1: that package)."""
    if scale < 1:
        raise ValueError(f"scale must be a whole number >= 1, got {scale}")
    if scale == 1:
        return build_rows(seed)

    def replicas():
        for replica in range(1, scale + 1):
            report(f"replica {replica} of {scale}: drawing and calibrating its trials")
            yield build_rows(seed + replica - 1)

    return merge_replicas(replicas())


__all__ = ["SHARED_TABLES", "merge_replicas", "replica_rows", "scaled_rows"]
