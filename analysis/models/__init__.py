"""Meta-analysis models: pairwise (:mod:`.pairwise`) and network (:mod:`.network`)."""
