"""The order in which recommendations are shown: the guideline's groups (``recommendation_groups`` in
data/guideline.yaml), populations in the order the groups give them.

A group is a heading and the procedures (network nodes) it covers, as the published guideline groups its
recommendations ("epidural injection of local anaesthetic, steroids, or their combination"). A procedure in no
group (a node a scenario adds by splitting one, say) forms a group of its own after the groups, under its own
name; a group whose procedures are all absent (merged away by a scenario) is left out.
"""

from __future__ import annotations

from dataclasses import dataclass

POPULATIONS = ("axial", "radicular")  # the order when the guideline names no groups


@dataclass(frozen=True)
class RecommendationGroup:
    population: str
    heading: str  # what the recommendation is about, e.g. "intramuscular injection of local anaesthetic ..."
    codes: tuple[str, ...]  # the procedures it covers that have a recommendation, in the guideline's order


def populations(guideline: dict) -> tuple[str, ...]:
    """Populations in the guideline's order (those it groups first, then the others)."""
    given = [p for p in (guideline.get("recommendation_groups") or {}) if p in POPULATIONS]
    return tuple(given + [p for p in POPULATIONS if p not in given])


def groups(guideline: dict, population: str, names: dict[str, str]) -> tuple[RecommendationGroup, ...]:
    """The groups of ``population``'s recommendations; ``names``: code -> procedure name of the procedures that
    have one, in the order they were made (the order of procedures in no group)."""
    out, placed = [], set()
    for g in (guideline.get("recommendation_groups") or {}).get(population) or []:
        codes = tuple(c for c in g["procedures"] if c in names and c not in placed)
        placed.update(codes)
        if codes:
            out.append(RecommendationGroup(population, g["heading"], codes))
    out += [RecommendationGroup(population, names[c], (c,)) for c in names if c not in placed]
    return tuple(out)
