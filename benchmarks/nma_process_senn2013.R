# The yardstick for a whole `rapidrec nma` process (issue 17): an Rscript doing the same REML network fit with
# metafor's rma.mv from the same CSV (start-up, reading and the fit; nothing else). Run from the repository root,
# alternating with our process, medians of the pairs:
#
#   farm-bench -n 9 --vs "Rscript benchmarks/nma_process_senn2013.R" -- \
#     .venv/bin/rapidrec nma tests/reference/data/senn2013.csv --measure MD --reference placebo --out /tmp/nma --force
#
# Our process does more (node-splitting, the Q decomposition, the Q-profile CI of tau^2, 100,000 draws for the
# rank probabilities, six output files). The estimates agree with effects.csv to 1e-10.
suppressMessages(library(metafor))
d <- read.csv("tests/reference/data/senn2013.csv")
d$arm <- ave(seq_len(nrow(d)), d$study, FUN = seq_along)
e <- do.call(rbind, lapply(split(d, d$study), function(s) {
  b <- s[s$treatment == "placebo", ]; if (nrow(b) == 0) b <- s[order(s$treatment), ][1, ]
  o <- s[s$treatment != b$treatment, ]
  data.frame(study = s$study[1], treat = o$treatment, base = b$treatment, yi = o$mean - b$mean,
             vi = o$sd^2/o$n + b$sd^2/b$n, vb = b$sd^2/b$n)
}))
V <- bldiag(lapply(split(e, e$study), function(s) { m <- matrix(s$vb[1], nrow(s), nrow(s)); diag(m) <- s$vi; m }))
trts <- setdiff(sort(unique(c(e$treat, e$base))), "placebo")
X <- sapply(trts, function(t) (e$treat == t) - (e$base == t))
e$contrast <- paste(e$study, e$treat)
fit <- rma.mv(yi, V, mods = X, intercept = FALSE, random = ~ factor(contrast) | factor(study), rho = 0.5, struct = "CS", method = "REML", data = e)
invisible(data.frame(trt = trts, est = coef(fit), se = fit$se))
