"""Stage: the numeric settings the methods appendix states, registered so every printed number is traceable."""

from __future__ import annotations

from analysis.certainty.rule_paths import numeric_rules, rule_id
from analysis.pipeline.context import BuildContext

FUNCTION = "analysis.certainty.config.load_rules"  # the project's settings/guideline.yaml


def method_settings(ctx: BuildContext) -> None:
    rules = ctx.rules
    reg, mid = ctx.registry, ctx.settings.pain_mid_cm
    for outcome, mid_entry in sorted((ctx.ds.guideline.get("mids") or {}).items()):
        if outcome != "pain" and isinstance(mid_entry, dict) and "value" in mid_entry:
            reg.add(f"settings/{outcome.replace('_', '-')}-mid", float(mid_entry["value"]),
                    unit=mid_entry.get("unit", ""), function="analysis.dataset.load_dataset", decimals=0)
    reg.add("settings/level", 100 * ctx.settings.level, unit="%", function="analysis.settings.Settings", decimals=0)
    share = rules["risk_of_bias"]["serious_share"]
    reg.add("settings/risk-of-bias-share", 100 * share, unit="%", function=FUNCTION, decimals=0)
    reg.add("settings/publication-bias-min-trials", rules["publication_bias"]["min_trials"], unit="trials",
            function=FUNCTION, decimals=0)
    reg.add("settings/publication-bias-egger-p", rules["publication_bias"]["egger_p"], unit="p", function=FUNCTION)
    reg.add("settings/incoherence-side-p", rules["incoherence"]["side_p"], unit="p", function=FUNCTION)
    reg.add("settings/incoherence-dbt-p", rules["incoherence"]["dbt_no_concerns_above"], unit="p", function=FUNCTION)
    for size in ("small", "moderate", "large"):
        reg.add(f"settings/pain-{size}-effect", rules["classification"][size] * mid, unit="cm", function=FUNCTION,
                decimals=1)
    for path, value in numeric_rules(rules):  # every number of the rules, for a letter's answer to quote
        reg.add(rule_id(path), value, unit="", function=FUNCTION, decimals=0 if isinstance(value, int) else 2)
