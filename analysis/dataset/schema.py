"""The data package's table schemas: one source for ``datapackage.json`` and the validator.

Each table is a :class:`Table` of :class:`Field` s in the Frictionless Table
Schema vocabulary (types ``string``, ``integer``, ``number``, ``boolean``;
constraints ``required``, ``enum``, ``minimum``, ``maximum``, ``pattern``),
with a primary key and foreign keys. Booleans are written ``true``/``false``.
Empty cells are missing values.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"
ROB = ("low", "probably_low", "probably_high", "high")
BLINDED = ("yes", "no", "unclear")
# Bounds beyond which a value is a typing error, not a trial: no randomised arm or trial enrols a million
# patients; no outcome is measured within an hour (1/168 week) of a procedure or after twenty years; no
# instrument's score reaches a million in size. They also keep every sum and product far from overflow.
MAX_PATIENTS = 1_000_000
MIN_WEEKS, MAX_WEEKS = 0.005, 1040
# A spread or a difference below this share of the instrument's range (an SD of 0.01 mm on a 10 cm scale, a MID
# of 0.01 mm) is a typing error, not a measurement
SMALLEST_SPREAD = 1e-3
MAX_SCORE = 1_000_000


@dataclass(frozen=True)
class Field:
    name: str
    type: str  # string | integer | number | boolean
    description: str
    required: bool = False
    enum: tuple[str, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None
    pattern: str | None = None
    exclusive_minimum: bool = False  # minimum itself not allowed (n > 0, SD > 0)

    def expected(self) -> str:
        """What a valid value looks like, in words (used in error messages)."""
        kind = {"integer": "an integer", "number": "a number", "boolean": "true or false"}.get(self.type, "text")
        if self.enum:
            return "one of " + ", ".join(self.enum)
        parts = []
        if self.minimum is not None:
            parts.append(f"{'>' if self.exclusive_minimum else '>='} {_num(self.minimum)}")
        if self.maximum is not None:
            parts.append(f"<= {_num(self.maximum)}")
        if self.pattern == ID_PATTERN:
            return "an id of letters, digits, '_', '-' or '.'"
        return f"{kind} {' and '.join(parts)}".strip()

    def descriptor(self) -> dict:
        out: dict = {"name": self.name, "type": self.type, "description": self.description}
        if self.type == "boolean":
            out.update(trueValues=["true"], falseValues=["false"])
        c: dict = {}
        if self.required:
            c["required"] = True
        if self.enum:
            c["enum"] = list(self.enum)
        if self.minimum is not None:
            c["exclusiveMinimum" if self.exclusive_minimum else "minimum"] = self.minimum
        if self.maximum is not None:
            c["maximum"] = self.maximum
        if self.pattern:
            c["pattern"] = self.pattern
        if c:
            out["constraints"] = c
        return out


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


@dataclass(frozen=True)
class ForeignKey:
    fields: tuple[str, ...]
    resource: str
    reference: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...] = field(default=())

    @property
    def filename(self) -> str:
        return f"{self.name}.csv"

    @property
    def columns(self) -> list[str]:
        return [f.name for f in self.fields]

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)

    def descriptor(self) -> dict:
        schema: dict = {"fields": [f.descriptor() for f in self.fields], "missingValues": [""],
                        "primaryKey": list(self.primary_key)}
        if self.foreign_keys:
            schema["foreignKeys"] = [
                {"fields": list(fk.fields), "reference": {"resource": fk.resource, "fields": list(fk.reference)}}
                for fk in self.foreign_keys
            ]
        return {"name": self.name, "path": self.filename, "profile": "tabular-data-resource",
                "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
                "description": self.description, "schema": schema}


def S(name, description, **kw) -> Field:
    return Field(name, "string", description, **kw)


def I(name, description, **kw) -> Field:
    return Field(name, "integer", description, **kw)


def N(name, description, **kw) -> Field:
    return Field(name, "number", description, **kw)


def B(name, description, **kw) -> Field:
    return Field(name, "boolean", description, **kw)


REGIONS = ("north_america", "europe", "asia", "africa", "south_america", "australia")
FUNDING = ("not_reported", "unfunded", "non_industry", "industry")
POPULATIONS = ("axial", "radicular", "mixed")
CONDITIONS = (
    "facet_joint_syndrome", "sacroiliac_joint_syndrome", "intervertebral_disc_syndrome", "spondylolisthesis",
    "chronic_post_surgical_pain", "disc_herniation_or_bulge", "spinal_stenosis", "mixed", "not_reported",
)
SPINAL_REGIONS = ("cervical", "thoracic", "lumbar", "sacroiliac", "multiple")
DURATION_REPORTING = ("months_reported", "chronic_only", "at_least_80_percent_3_months")
BLOCK_THRESHOLDS = ("relief_over_50", "relief_over_75", "relief_over_80", "unclear", "positive_block_excluded")
GUIDANCE = ("fluoroscopy", "ct", "ultrasound", "none", "not_reported")
EPIDURAL_APPROACHES = ("interlaminar", "transforaminal", "caudal")
RF_TECHNIQUES = ("conventional", "pulsed", "cooled")
RF_PLACEMENTS = ("parallel", "perpendicular", "not_reported")
RF_TARGETS = ("medial_branch", "intra_articular", "lateral_branch", "dorsal_root_ganglion")
EXCLUSION_REASONS = (
    "no_pain_outcome", "responder_outcome_only", "no_measure_of_variability", "figures_only",
    "ineligible_comparator", "crossover_without_first_period",
)
NODE_KINDS = ("injection", "ablation", "control")
OUTCOMES = (
    "pain", "physical_function", "emotional_function", "role_function", "social_function", "sleep_quality",
    "opioid_use",
)
STATISTICS = ("mean_sd", "mean_se", "mean_ci95", "median_iqr",
              # a trial reported only as a difference between two arms: the treatment arm's row holds the mean
              # difference versus the arm marked "reference" (whose row holds no values), with its SE or 95% CI
              "difference_se", "difference_ci95", "reference")
DIFFERENCE_STATISTICS = ("difference_se", "difference_ci95")
MEASURE_TYPES = ("final", "change")
TARGETS = ("facet_joint", "sacroiliac_joint", "epidural_space", "dorsal_root_ganglion", "paraspinal_muscle", "none")
AGENTS = ("local_anaesthetic", "steroid", "local_anaesthetic_steroid", "saline", "none")
EVENTS = (
    "any_adverse_event", "serious_adverse_event", "post_procedural_pain", "vasovagal_reaction", "headache",
    "dural_puncture", "infection", "transient_numbness",
)
ROB_DOMAINS = ("sequence", "concealment", "blinding_patients", "blinding_providers", "blinding_assessors",
               "missing_data")

STUDIES = Table(
    "studies", "One row per eligible randomised trial: design, population and risk of bias.",
    (
        S("id", "Trial id (synthetic ids start SYN-)", required=True, pattern=ID_PATTERN),
        S("citation", "Reference; synthetic rows say [SYNTHETIC] and cite no real paper", required=True),
        B("synthetic", "true for a generated, fictional trial", required=True),
        I("year", "Year of publication (no later than the current year)", required=True, minimum=1970),
        S("region", "Trial location", required=True, enum=REGIONS),
        S("funding", "Source of funding", required=True, enum=FUNDING),
        I("enrolled_n", "Patients randomised", required=True, minimum=0, exclusive_minimum=True, maximum=MAX_PATIENTS),
        S("population", "Presenting pain", required=True, enum=POPULATIONS),
        S("condition", "Clinical condition as reported by the trial authors", required=True, enum=CONDITIONS),
        S("spinal_region", "Spinal region treated", required=True, enum=SPINAL_REGIONS),
        S("pain_duration_reporting", "How pain duration was reported", required=True, enum=DURATION_REPORTING),
        N("pain_duration_months", "Mean duration of pain (months) when reported", minimum=0,
          exclusive_minimum=True, maximum=1200),
        N("age_mean", "Mean age (years)", minimum=18, maximum=100),
        N("women_percent", "Women (%)", minimum=0, maximum=100),
        N("baseline_pain_cm", "Mean baseline pain on a 10 cm VAS", minimum=0, maximum=10),
        B("diagnostic_block", "A positive diagnostic block was required (or used to exclude)", required=True),
        S("block_threshold", "Relief threshold of the diagnostic block", enum=BLOCK_THRESHOLDS),
        S("blinding_patients", "Patients blinded", required=True, enum=BLINDED),
        S("blinding_providers", "Providers blinded", required=True, enum=BLINDED),
        S("blinding_assessors", "Outcome assessors blinded", required=True, enum=BLINDED),
        S("image_guidance", "Image guidance of the procedure", required=True, enum=GUIDANCE),
        S("epidural_approach", "Approach of epidural injections", enum=EPIDURAL_APPROACHES),
        S("rf_technique", "Radiofrequency technique", enum=RF_TECHNIQUES),
        S("rf_electrode_placement", "Electrode placement relative to the nerve", enum=RF_PLACEMENTS),
        S("rf_target", "Target of radiofrequency", enum=RF_TARGETS),
        *(S(f"rob_{d}", f"Risk of bias: {d.replace('_', ' ')}", required=True, enum=ROB) for d in ROB_DOMAINS),
        B("has_data", "The trial contributes data to a meta-analysis", required=True),
        S("exclusion_reason", "Why a trial without usable data could not be analysed", enum=EXCLUSION_REASONS),
    ),
    ("id",),
)

NODES = Table(
    "nodes", "The network nodes: each procedure code and its category name in the guideline (Box 2).",
    (
        S("code", "Node code used in arms.csv", required=True, pattern=ID_PATTERN),
        S("category", "Category name exactly as in the guideline", required=True),
        S("kind", "injection, ablation or control (decides the timepoint rule)", required=True, enum=NODE_KINDS),
    ),
    ("code",),
)

ARMS = Table(
    "arms", "One row per randomised arm.",
    (
        S("study", "Trial id", required=True),
        S("arm", "Arm id within the trial", required=True, pattern=ID_PATTERN),
        S("procedure", "Network node (a code in nodes.csv)", required=True),
        I("n_randomised", "Patients randomised to the arm", required=True, minimum=0, exclusive_minimum=True,
          maximum=MAX_PATIENTS),
        S("co_interventions", "Co-interventions given to the arm (free text; 'none')", required=True),
    ),
    ("study", "arm"),
    (ForeignKey(("study",), "studies", ("id",)), ForeignKey(("procedure",), "nodes", ("code",))),
)

PROCEDURES = Table(
    "procedures", "How each arm's reported intervention maps to its node, with attributes to regroup nodes.",
    (
        S("study", "Trial id", required=True),
        S("arm", "Arm id", required=True),
        S("reported_intervention", "The intervention as the trial reports it", required=True),
        S("target", "Anatomical target", required=True, enum=TARGETS),
        S("agent", "Injected agent", required=True, enum=AGENTS),
        S("technique", "Technique (epidural approach, radiofrequency mode, sham method)", required=True,
          pattern=r"^[a-z0-9_]+$"),
    ),
    ("study", "arm"),
    (ForeignKey(("study", "arm"), "arms", ("study", "arm")),),
)

OUTCOME_FIELDS = (
    S("study", "Trial id", required=True),
    S("arm", "Arm id", required=True),
    S("outcome", "Outcome", required=True, enum=OUTCOMES),
    N("timepoint_weeks", "Weeks after the procedure (from under an hour to twenty years)", required=True,
      minimum=MIN_WEEKS, maximum=MAX_WEEKS),
    S("instrument", "Instrument (snake_case code)", required=True, pattern=r"^[a-z0-9_]+$"),
    N("scale_min", "Lowest possible score of the instrument", required=True, minimum=-MAX_SCORE, maximum=MAX_SCORE),
    N("scale_max", "Highest possible score of the instrument", required=True, minimum=-MAX_SCORE,
      maximum=MAX_SCORE),
    B("higher_is_better", "true if higher scores mean a better state", required=True),
    S("measure_type", "final values or change from baseline", required=True, enum=MEASURE_TYPES),
    S("statistic", "What was reported: mean_sd, mean_se, mean_ci95 or median_iqr per arm; or, for a trial "
      "reported only as a difference of two arms, difference_se or difference_ci95 (mean = the difference "
      "versus the other arm) and reference (that other arm)", required=True, enum=STATISTICS),
    I("n_analysed", "Patients analysed", required=True, minimum=0, exclusive_minimum=True, maximum=MAX_PATIENTS),
    N("mean", "Mean"),
    N("sd", "Standard deviation", minimum=0, exclusive_minimum=True),
    N("se", "Standard error of the mean", minimum=0, exclusive_minimum=True),
    N("ci_low", "Lower limit of the 95% CI of the mean"),
    N("ci_high", "Upper limit of the 95% CI of the mean"),
    N("median", "Median"),
    N("q1", "First quartile"),
    N("q3", "Third quartile"),
)

OUTCOMES_TABLE = Table(
    "outcomes", "Continuous outcome summaries per arm and timepoint, as reported.",
    OUTCOME_FIELDS,
    ("study", "arm", "outcome", "timepoint_weeks"),
    (ForeignKey(("study", "arm"), "arms", ("study", "arm")),),
)

ADVERSE_EVENTS = Table(
    "adverse_events", "Adverse events per arm (trials that reported them).",
    (
        S("study", "Trial id", required=True),
        S("arm", "Arm id", required=True),
        S("event", "Adverse event", required=True, enum=EVENTS),
        I("events", "Patients with the event", required=True, minimum=0, maximum=MAX_PATIENTS),
        I("n", "Patients assessed", required=True, minimum=0, exclusive_minimum=True, maximum=MAX_PATIENTS),
    ),
    ("study", "arm", "event"),
    (ForeignKey(("study", "arm"), "arms", ("study", "arm")),),
)

TABLES: tuple[Table, ...] = (STUDIES, NODES, ARMS, PROCEDURES, OUTCOMES_TABLE, ADVERSE_EVENTS)
TABLE_BY_NAME = {t.name: t for t in TABLES}
STATISTIC_COLUMNS = {"mean_sd": ("mean", "sd"), "mean_se": ("mean", "se"),
                     "mean_ci95": ("mean", "ci_low", "ci_high"), "median_iqr": ("median", "q1", "q3"),
                     "difference_se": ("mean", "se"), "difference_ci95": ("mean", "ci_low", "ci_high"),
                     "reference": ()}
GUIDELINE_FILE = "guideline.yaml"
DESCRIPTOR_FILE = "datapackage.json"
