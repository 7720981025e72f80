## Reference fixtures from R netmeta (meta 8.2-1, netmeta 3.3-1) for the rapidrec NMA engine.
## Run from the repository root:  Rscript tests/reference/netmeta/make_fixtures.R
## Reads tests/reference/data/*.csv, writes tests/reference/netmeta/fixtures.json (byte-stable).
suppressPackageStartupMessages({ library(metafor); library(netmeta) })
source("tests/reference/common.R")
settings.meta(print = FALSE)

cases <- list()
run <- function(code, env) eval(parse(text = code), envir = env)
num <- function(x) arr(unname(as.vector(x)))

nw_sets <- list(
  list(ds = "senn2013", sm = "MD", ref = "placebo", small = "desirable",
       pw = "pairwise(treat = treatment, n = n, mean = mean, sd = sd, studlab = study, data = arms, sm = \"MD\")"),
  list(ds = "hasselblad1998", sm = "OR", ref = "no_contact", small = "undesirable",
       pw = "pairwise(treat = treatment, event = events, n = n, studlab = study, data = arms, sm = \"OR\")"),
  list(ds = "dogliotti2014", sm = "OR", ref = "Placebo/Control", small = "desirable",
       pw = "pairwise(treat = treatment, event = events, n = n, studlab = study, data = arms, sm = \"OR\")"),
  ## 320 studies: netmeta's SIDDE node-splitting refits the network per comparison and netcontrib() takes over
  ## 20 minutes, so this network checks the fit, decomp.design, back-calculated netsplit and netrank only
  list(ds = "large_network", sm = "MD", ref = "T01", small = "desirable", full = FALSE,
       pw = "pairwise(treat = treatment, n = n, mean = mean, sd = sd, studlab = study, data = arms, sm = \"MD\")"))

split_out <- function(ns, x) {
  ## sign check: netsplit's "A:B" estimate is A minus B, as is TE.common["A", "B"]
  tt <- do.call(rbind, strsplit(ns$comparison, ":", fixed = TRUE))
  stopifnot(all(abs(ns$common$TE - x$TE.common[tt]) < 1e-12),
            all(abs(ns$random$TE - x$TE.random[tt]) < 1e-12))
  one <- function(nw, dir, ind, cmp) list(
    network_te = num(nw$TE), network_se = num(nw$seTE),
    direct_te = num(dir$TE), direct_se = num(dir$seTE),
    indirect_te = num(ind$TE), indirect_se = num(ind$seTE),
    diff_te = num(cmp$TE), diff_se = num(cmp$seTE), z = num(cmp$z), p = num(cmp$p))
  list(method = ns$method,
       comparison = arr(ns$comparison), treat1 = arr(tt[, 1]), treat2 = arr(tt[, 2]), k = num(ns$k),
       prop_common = num(ns$prop.common), prop_random = num(ns$prop.random),
       common = one(ns$common, ns$direct.common, ns$indirect.common, ns$compare.common),
       random = one(ns$random, ns$direct.random, ns$indirect.random, ns$compare.random))
}
long_matrix <- function(m, colname) {
  g <- expand.grid(r = rownames(m), c = colnames(m), stringsAsFactors = FALSE)
  out <- list(comparison = arr(g$r), col = arr(g$c), contribution_percent = num(100 * as.vector(m)))
  names(out)[2] <- colname
  out
}

for (s in nw_sets) {
  full <- is.null(s$full) || s$full
  arms <- read_arms(s$ds)
  net <- build_network(arms, s$sm, s$ref)
  for (mt in c("DL", "REML")) {
    env <- new.env(); env$arms <- arms
    nm_args <- paste0("sm = \"", s$sm, "\", reference.group = \"", s$ref, "\", common = TRUE, random = TRUE, ",
                      "small.values = \"", s$small, "\", method.tau = \"", mt, "\"")
    code <- paste0("p <- ", s$pw, "; ",
                   if (mt == "REML") "tau2 <- reml_tau2_exact(net$dat$yi, net$V, net$X, net$dat); " else "",
                   "x <- netmeta(p, ", nm_args,
                   if (mt == "REML") ", tau.preset = sqrt(tau2)" else "", "); ",
                   "dd <- decomp.design(x); ",
                   "ns <- netsplit(x); ",
                   if (full) "ns2 <- netsplit(x, method = \"SIDDE\"); " else "",
                   "nr <- netrank(x, small.values = \"", s$small, "\")",
                   if (full) paste0("; nc <- netcontrib(x, method = \"shortestpath\", study = TRUE); ",
                                    "nc2 <- netcontrib(x, method = \"randomwalk\")") else "")
    env$net <- net
    suppressWarnings(run(code, env))
    x <- env$x
    trts <- trt_order(x$trts, s$ref)
    oth <- trts[-1]

    ## cross-checks against metafor on the same contrasts (see common.R)
    fe <- rma.mv(yi, net$V, mods = net$X, intercept = FALSE, data = net$dat)
    stopifnot(max(abs(coef(fe) - x$TE.common[oth, s$ref])) < 1e-10,
              abs(fe$QE - x$Q) < 1e-9)
    diag_free <- NULL
    if (mt == "REML") {
      free <- suppressWarnings(netmeta(env$p, sm = s$sm, reference.group = s$ref, method.tau = "REML"))
      stopifnot(abs(free$tau2 / x$tau2 - 1) < 1e-5)
      diag_free <- free$tau2
    }

    dq <- env$dd$Q.decomp; qi <- env$dd$Q.inc.random
    decomp <- list(
      total = list(q = dq["Total", "Q"], df = dq["Total", "df"], p = dq["Total", "pval"]),
      within_designs = list(q = dq["Within designs", "Q"], df = dq["Within designs", "df"],
                            p = dq["Within designs", "pval"]),
      between_designs = list(q = dq["Between designs", "Q"], df = dq["Between designs", "df"],
                             p = dq["Between designs", "pval"]),
      inc_random = list(q = qi$Q, df = qi$df, p = qi$pval, tau_within = qi$tau.within,
                        tau2_within = qi$tau.within^2))
    nr <- env$nr
    contrib_study <- NULL
    if (full) {
      st <- env$nc$study.random
      contrib_study <- list(method = "shortestpath", comparison = arr(st$comparison), study = arr(st$study),
                            contribution_percent = num(100 * st$contribution))
    }
    ## sign check of the reported effects
    stopifnot(all(abs(x$TE.common[oth, s$ref] + x$TE.common[s$ref, oth]) < 1e-12))

    cases[[length(cases) + 1]] <- list(
      id = paste("netmeta", s$ds, s$sm, mt, sep = "-"), dataset = s$ds, kind = "network",
      call = code,
      settings = list(sm = s$sm, method_tau = mt, reference_group = s$ref, small_values = s$small,
                      pairwise_incr = 0.5, pairwise_method_incr = "only", pairwise_allstudies = FALSE,
                      tau2_source = if (mt == "REML") "tau.preset = sqrt(root of the analytic REML score), as in the metafor fixtures" else "netmeta DerSimonian-Laird (generalised, Q-based)",
                      tau2_netmeta_free_reml_fit = diag_free,
                      studies_used = arr(csort(unique(x$studlab))),
                      treatments = arr(trts)),
      results = list(
        reference = s$ref,
        tau2 = x$tau2, tau = x$tau, i2 = x$I2, i2_ci_low = x$lower.I2, i2_ci_high = x$upper.I2,
        q = x$Q, q_df = x$df.Q, q_p = x$pval.Q,
        k = x$k, m = x$m, n = x$n,
        effects = list(treatment = arr(oth),
                       estimate_common = num(x$TE.common[oth, s$ref]), se_common = num(x$seTE.common[oth, s$ref]),
                       estimate_random = num(x$TE.random[oth, s$ref]), se_random = num(x$seTE.random[oth, s$ref])),
        decomp_design = decomp,
        netsplit = list(back_calculation = split_out(env$ns, x), sidde = if (full) split_out(env$ns2, x)),
        netrank = list(small_values = nr$small.values, treatment = arr(names(nr$ranking.common)),
                       pscore_common = num(nr$ranking.common),
                       pscore_random = num(nr$ranking.random[names(nr$ranking.common)])),
        netcontrib_study_random = contrib_study,
        netcontrib_random = if (full) list(shortestpath = long_matrix(env$nc$random, "direct_comparison"),
                                           randomwalk = long_matrix(env$nc2$random, "direct_comparison"))))
  }
}

out <- list(
  engine = "netmeta",
  r_version = R.version.string,
  package_versions = list(netmeta = as.character(packageVersion("netmeta")),
                          meta = as.character(packageVersion("meta")),
                          metafor = as.character(packageVersion("metafor")),
                          CompQuadForm = as.character(packageVersion("CompQuadForm"))),
  regenerate = "Rscript tests/reference/netmeta/make_fixtures.R",
  cases = cases)
write_json_file(out, "tests/reference/netmeta/fixtures.json")
cat("wrote", length(cases), "cases\n")
