## Reference fixtures from R metafor for the rapidrec meta-analysis engine.
## Run from the repository root:  Rscript tests/reference/metafor/make_fixtures.R
## Reads tests/reference/data/*.csv, writes tests/reference/metafor/fixtures.json (byte-stable).
suppressPackageStartupMessages(library(metafor))
source("tests/reference/common.R")

## tight convergence so that the fixtures are the exact optimum
CTRL_UNI <- "control = list(threshold = 1e-12, tol = 1e-15, maxiter = 10000)"

cases <- list()
add_case <- function(x) cases[[length(cases) + 1]] <<- x
run <- function(code, env) eval(parse(text = code), envir = env)

## one row per study: arm 1 = `treatment`, arm 2 = `control`
## columns: study, n1, n2 and e1, e2 (binary) or m1, m2, sd1, sd2 (continuous)
to_wide <- function(d, trt, ctl) {
  a <- d[d$treatment == trt, ]; b <- d[d$treatment == ctl, ]
  stopifnot(identical(a$study, b$study), identical(a$study, unique(d$study)))
  w <- data.frame(study = a$study, n1 = a$n, n2 = b$n, stringsAsFactors = FALSE)
  if (!is.null(d$events)) { w$e1 <- a$events; w$e2 <- b$events }
  else { w$m1 <- a$mean; w$m2 <- b$mean; w$sd1 <- a$sd; w$sd2 <- b$sd }
  w
}
ES_CALL <- list(
  OR  = "escalc(measure = \"OR\", ai = e1, n1i = n1, ci = e2, n2i = n2, data = wide)",
  RR  = "escalc(measure = \"RR\", ai = e1, n1i = n1, ci = e2, n2i = n2, data = wide)",
  RD  = "escalc(measure = \"RD\", ai = e1, n1i = n1, ci = e2, n2i = n2, data = wide)",
  MD  = "escalc(measure = \"MD\", m1i = m1, sd1i = sd1, n1i = n1, m2i = m2, sd2i = sd2, n2i = n2, data = wide)",
  SMD = "escalc(measure = \"SMD\", m1i = m1, sd1i = sd1, n1i = n1, m2i = m2, sd2i = sd2, n2i = n2, data = wide)")

## ------------------------------------------------------------------ 1. escalc
esc_sets <- list(
  list(ds = "bcg", trt = "BCG", ctl = "control", measures = c("OR", "RR", "RD")),
  list(ds = "zero_cells", trt = "treat", ctl = "control", measures = c("OR", "RR", "RD")),
  list(ds = "normand1999", trt = "specialist", ctl = "routine", measures = c("MD", "SMD")))
for (s in esc_sets) {
  env <- new.env()
  env$wide <- to_wide(read_arms(s$ds), s$trt, s$ctl)
  for (m in s$measures) {
    es <- run(ES_CALL[[m]], env)
    add_case(list(
      id = paste("escalc", s$ds, m, sep = "-"), dataset = s$ds, kind = "escalc",
      call = ES_CALL[[m]],
      settings = list(measure = m, treatment = s$trt, control = s$ctl),
      results = list(study = arr(env$wide$study), yi = arr(as.vector(es$yi)), vi = arr(as.vector(es$vi)))))
  }
}

## ------------------------------------------------------------------ 2. pairwise rma.uni
pw_sets <- list(list(ds = "bcg", trt = "BCG", ctl = "control", measure = "RR"),
                list(ds = "normand1999", trt = "specialist", ctl = "routine", measure = "MD"))
for (s in pw_sets) {
  env <- new.env()
  env$wide <- to_wide(read_arms(s$ds), s$trt, s$ctl)
  for (method in c("DL", "REML", "PM", "FE")) for (test in c("z", "knha")) {
    if (method == "FE" && test == "knha") next
    code <- paste0("dat <- ", ES_CALL[[s$measure]], "; ",
                   "res <- rma.uni(yi, vi, data = dat, method = \"", method, "\", test = \"", test, "\"",
                   if (method %in% c("REML", "PM")) paste0(", ", CTRL_UNI) else "", "); ",
                   "pred <- predict(res)")
    run(code, env)
    res <- env$res; pred <- env$pred
    r <- list(estimate = res$beta[1, 1], se = res$se, ci_low = res$ci.lb, ci_high = res$ci.ub)
    if (test == "z") r$zval <- res$zval else { r$tval <- res$zval; r$df <- res$ddf }
    r <- c(r, list(pval = res$pval, tau2 = res$tau2, i2 = res$I2, h2 = res$H2,
                   q = res$QE, q_df = res$k - res$p, q_p = res$QEp,
                   pi_low = pred$pi.lb, pi_high = pred$pi.ub, k = res$k))
    add_case(list(
      id = paste("pairwise", s$ds, s$measure, method, test, sep = "-"), dataset = s$ds, kind = "pairwise",
      call = code,
      settings = list(measure = s$measure, method = method, test = test,
                      treatment = s$trt, control = s$ctl),
      results = r))
  }
}

## ------------------------------------------------------------------ 3. network rma.mv
## build_network(), reml_tau2_exact() and helpers are in tests/reference/common.R

## sanity check of the by-hand contrasts against escalc on the two-arm studies
check_escalc <- function(net, d, measure) {
  dd <- net$dat
  for (i in seq_len(nrow(dd))) {
    a <- d[d$study == dd$study[i], ]
    if (nrow(a) != 2) next
    t1 <- a[a$treatment == dd$treat1[i], ]; t2 <- a[a$treatment == dd$treat2[i], ]
    es <- if (measure == "MD")
      escalc("MD", m1i = t1$mean, sd1i = t1$sd, n1i = t1$n, m2i = t2$mean, sd2i = t2$sd, n2i = t2$n)
    else escalc("OR", ai = t1$events, n1i = t1$n, ci = t2$events, n2i = t2$n)
    stopifnot(isTRUE(all.equal(as.vector(es$yi), dd$yi[i], tolerance = 1e-14)),
              isTRUE(all.equal(as.vector(es$vi), dd$vi[i], tolerance = 1e-14)))
  }
}

nw_sets <- list(list(ds = "senn2013", measure = "MD", ref = "placebo"),
                list(ds = "hasselblad1998", measure = "OR", ref = "no_contact"),
                list(ds = "dogliotti2014", measure = "OR", ref = "Placebo/Control"),
                list(ds = "large_network", measure = "MD", ref = "T01"))
for (s in nw_sets) {
  d <- read_arms(s$ds)
  net <- build_network(d, s$measure, s$ref)
  check_escalc(net, d, s$measure)
  env <- new.env(); env$dat <- net$dat; env$V <- net$V; env$X <- net$X
  for (model in c("random", "common")) {
    code <- if (model == "random")
      paste0("tau2 <- reml_tau2_exact(dat$yi, V, X, dat); ",
             "res <- rma.mv(yi, V, mods = X, intercept = FALSE, random = ~ comp | study, struct = \"CS\", ",
             "rho = 1/2, tau2 = tau2, method = \"REML\", data = dat)")
    else
      "res <- rma.mv(yi, V, mods = X, intercept = FALSE, method = \"REML\", data = dat)"
    run(code, env)
    res <- env$res
    if (model == "random") {
      ## the exact root must beat rma.mv's free fit and be a local maximum of metafor's own REML log-likelihood
      free <- rma.mv(yi, net$V, mods = net$X, intercept = FALSE, random = ~ comp | study, struct = "CS", rho = 1/2,
                     method = "REML", data = net$dat)
      llat <- function(t2) rma.mv(yi, net$V, mods = net$X, intercept = FALSE, random = ~ comp | study, struct = "CS",
                                  rho = 1/2, tau2 = t2, method = "REML", data = net$dat)$fit.stats["ll", "REML"]
      ll <- res$fit.stats["ll", "REML"]
      stopifnot(ll >= free$fit.stats["ll", "REML"] - 1e-12, ll > llat(res$tau2 * (1 + 1e-4)),
                ll > llat(res$tau2 * (1 - 1e-4)), abs(free$tau2 / res$tau2 - 1) < 1e-5)
      free_tau2 <- free$tau2
    }
    b <- c(0, as.vector(coef(res))); vb <- bldiag(0, vcov(res))
    names(b) <- net$trts
    tr <- net$trts; L <- list(treat1 = character(0), treat2 = character(0), estimate = numeric(0), se = numeric(0))
    for (i in seq_along(tr)) for (j in seq_along(tr)) if (i != j) {
      cc <- numeric(length(tr)); cc[i] <- 1; cc[j] <- -1
      L$treat1 <- c(L$treat1, tr[i]); L$treat2 <- c(L$treat2, tr[j])
      L$estimate <- c(L$estimate, b[i] - b[j]); L$se <- c(L$se, sqrt(drop(t(cc) %*% vb %*% cc)))
    }
    L <- lapply(L, function(x) arr(unname(x)))
    add_case(list(
      id = paste("network", s$ds, s$measure, if (model == "random") "REML" else "common", sep = "-"),
      dataset = s$ds, kind = "network",
      call = code,
      settings = list(measure = s$measure, reference = s$ref,
                      method = if (model == "random") "REML" else "common",
                      rho = 0.5, struct = "CS",
                      baseline_rule = "reference if in study, else first treatment of the study in C-locale order",
                      zero_cell_increment = 0.5,
                      tau2_solver = if (model == "random") "root of the analytic REML score (uniroot), then rma.mv with tau2 fixed" else "none (no random effects)",
                      tau2_rma_mv_free_fit = if (model == "random") free_tau2 else NULL,
                      dropped_studies = arr(net$dropped),
                      treatments = arr(net$trts),
                      contrasts = list(study = arr(net$dat$study), treat1 = arr(net$dat$treat1),
                                       treat2 = arr(net$dat$treat2), yi = arr(net$dat$yi),
                                       vi = arr(net$dat$vi))),
      results = list(
        reference = s$ref,
        tau2 = if (model == "random") res$tau2 else 0,
        effects = list(treatment = arr(net$trts[-1]), estimate = arr(as.vector(coef(res))),
                       se = arr(as.vector(res$se))),
        league = L,
        q = res$QE, q_df = res$k - res$p, q_p = res$QEp,
        loglik_reml = unname(res$fit.stats["ll", "REML"]),
        loglik_ml = unname(res$fit.stats["ll", "ML"]),
        k = res$k, n_studies = length(unique(net$dat$study)))))
  }
}

out <- list(
  engine = "metafor",
  r_version = R.version.string,
  package_versions = list(metafor = as.character(packageVersion("metafor")),
                          metadat = as.character(packageVersion("metadat"))),
  regenerate = "Rscript tests/reference/metafor/make_fixtures.R",
  cases = cases)
write_json_file(out, "tests/reference/metafor/fixtures.json")
cat("wrote", length(cases), "cases\n")
