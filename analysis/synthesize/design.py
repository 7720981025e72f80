"""The synthetic trials' designs: which nodes each trial compares, and in which population.

``DESIGNS`` lists, per population, (arms, number of trials, group). The group
names the calibration group whose effect and spread a trial shares; joint
radiofrequency versus sham is split by provider blinding (4 unblinded, 7
blinded) as in the published subgroup analysis. Sizes: a smaller ``size``
rank gets a smaller trial (the unblinded joint radiofrequency trials are the
smallest, which produces the small-study effects the guideline reports).
"""

from __future__ import annotations

from dataclasses import dataclass

# (arms, trials, group, size rank 0 = smallest .. 3 = largest)
AXIAL = [
    (("joint-rf", "sham"), 4, "joint-rf-unblinded", 0),
    (("joint-rf", "sham"), 7, "joint-rf-blinded", 2),
    (("joint-rf", "usual-care"), 2, "joint-rf", 2),
    (("joint-rf", "joint-la-steroid"), 2, "joint-rf", 1),
    (("joint-rf-joint-la-steroid", "joint-rf"), 1, "joint-rf-joint-la-steroid", 1),
    (("joint-rf-joint-la-steroid", "sham"), 1, "joint-rf-joint-la-steroid", 1),
    (("joint-la-steroid", "sham"), 8, "joint-la-steroid", 2),
    (("joint-la-steroid", "usual-care"), 2, "joint-la-steroid", 2),
    (("joint-la", "sham"), 3, "joint-la", 0),
    (("joint-la", "joint-la-steroid"), 1, "joint-la", 1),
    (("joint-la", "usual-care"), 1, "joint-la", 1),
    (("joint-steroid", "sham"), 3, "joint-steroid", 1),
    (("joint-steroid", "joint-la-steroid"), 1, "joint-steroid", 1),
    (("joint-steroid", "usual-care"), 1, "joint-steroid", 1),
    (("epidural-la", "sham"), 1, "epidural-la", 1),
    (("epidural-la", "epidural-la-steroid", "sham"), 1, "epidural-la", 2),
    (("epidural-la-steroid", "sham"), 2, "epidural-la-steroid", 1),
    (("epidural-steroid", "sham"), 2, "epidural-steroid", 1),
    (("im-la", "sham"), 1, "im-la", 1),
    (("im-la-steroid", "im-la", "sham"), 1, "im-la-steroid", 0),
]
RADICULAR = [
    (("epidural-la-steroid", "sham"), 12, "epidural-la-steroid", 3),
    (("epidural-la-steroid", "usual-care"), 3, "epidural-la-steroid", 3),
    (("epidural-steroid", "sham"), 3, "epidural-steroid", 0),
    (("epidural-steroid", "epidural-la-steroid"), 1, "epidural-steroid", 1),
    (("epidural-la", "sham"), 2, "epidural-la", 0),
    (("epidural-la", "epidural-la-steroid"), 2, "epidural-la", 0),
    (("drg-rf", "sham"), 4, "drg-rf", 2),
    (("drg-rf", "usual-care"), 1, "drg-rf", 1),
    (("drg-rf", "epidural-la-steroid"), 1, "drg-rf", 1),
    (("drg-rf-epidural-la", "epidural-la"), 2, "drg-rf-epidural-la", 3),
    (("drg-rf-epidural-la-steroid", "epidural-la-steroid"), 2, "drg-rf-epidural-la-steroid", 2),
    (("sham", "usual-care"), 1, "usual-care", 2),
]
MIXED = [
    (("epidural-la-steroid", "sham"), 1, "epidural-la-steroid", 2),
    (("epidural-steroid", "usual-care"), 1, "epidural-steroid", 1),
]
EXCLUDED_REASONS = {"no_pain_outcome": 14, "responder_outcome_only": 11, "no_measure_of_variability": 9,
                    "figures_only": 8, "ineligible_comparator": 5, "crossover_without_first_period": 4}
EXCLUDED_DESIGNS = [  # (arms, population) cycled over the trials without usable data
    (("joint-rf", "sham"), "axial"), (("epidural-la-steroid", "sham"), "radicular"),
    (("joint-la-steroid", "joint-rf"), "axial"), (("epidural-steroid", "usual-care"), "radicular"),
    (("joint-la-steroid", "sham"), "axial"), (("epidural-la", "epidural-la-steroid"), "radicular"),
    (("im-la", "usual-care"), "axial"), (("drg-rf", "sham"), "radicular"),
    (("epidural-la-steroid", "sham"), "axial"), (("joint-steroid", "joint-la"), "axial"),
]


@dataclass
class Trial:
    key: int  # position in the design; ids are assigned later
    population: str
    nodes: tuple[str, ...]
    group: str
    size_rank: int
    has_data: bool = True
    exclusion_reason: str | None = None

    @property
    def active(self) -> str:
        return self.nodes[0]

    @property
    def is_ablation(self) -> bool:
        return any(n.startswith(("joint-rf", "drg-rf")) for n in self.nodes)


def usable_trials() -> list[Trial]:
    out = []
    for population, designs in (("axial", AXIAL), ("radicular", RADICULAR), ("mixed", MIXED)):
        for nodes, count, group, size in designs:
            out += [Trial(0, population, nodes, group, size) for _ in range(count)]
    for key, trial in enumerate(out):
        trial.key = key
    return out


def excluded_trials(start: int) -> list[Trial]:
    reasons = [r for r, k in EXCLUDED_REASONS.items() for _ in range(k)]
    out = []
    for i, reason in enumerate(reasons):
        nodes, population = EXCLUDED_DESIGNS[i % len(EXCLUDED_DESIGNS)]
        out.append(Trial(start + i, population, nodes, nodes[0], 1, has_data=False, exclusion_reason=reason))
    return out


def all_trials() -> list[Trial]:
    usable = usable_trials()
    return usable + excluded_trials(len(usable))
