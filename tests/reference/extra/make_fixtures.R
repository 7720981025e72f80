## Extra reference fixtures from R metafor for rapidrec's network meta-regression and
## small-study-effect tests (see README.md in this folder).
## Run from the repository root:  Rscript tests/reference/extra/make_fixtures.R
## Reads tests/reference/data/*.csv and sources tests/reference/common.R (network contrasts,
## exact REML tau2, JSON writer); writes tests/reference/extra/covariates.csv and
## tests/reference/extra/fixtures.json (byte-stable on rerun).
suppressPackageStartupMessages(library(metafor))
source("tests/reference/common.R")

num <- function(x) arr(unname(as.vector(x)))
cases <- list()

## ------------------------------------------------------------------ made-up covariate
## 'blinded' is NOT real data: studies sorted in C-locale order get 1, 0, 1, 0, ...
nw_sets <- list(list(ds = "senn2013", sm = "MD", ref = "placebo"),
                list(ds = "hasselblad1998", sm = "OR", ref = "no_contact"))
cov_rows <- list()
for (s in nw_sets) {
  st <- csort(unique(read_arms(s$ds)$study))
  cov_rows[[s$ds]] <- data.frame(dataset = s$ds, study = st, blinded = as.integer(seq_along(st) %% 2 == 1),
                                 stringsAsFactors = FALSE)
}
covs <- do.call(rbind, cov_rows); rownames(covs) <- NULL
con <- file("tests/reference/extra/covariates.csv", open = "wb")
write.csv(covs, con, row.names = FALSE, eol = "\n"); close(con)

## ------------------------------------------------------------------ network meta-regression
for (s in nw_sets) {
  arms <- read_arms(s$ds)
  net <- build_network(arms, s$sm, s$ref)
  dat <- net$dat
  x <- covs$blinded[covs$dataset == s$ds][match(dat$study, covs$study[covs$dataset == s$ds])]
  for (inter in c("shared", "treatment")) {
    Z <- if (inter == "shared") matrix(rowSums(net$X) * x, ncol = 1, dimnames = list(NULL, "covariate"))
         else { z <- net$X * x; colnames(z) <- paste0("covariate:", colnames(net$X)); z }
    XZ <- cbind(net$X, Z)
    if (qr(XZ)$rank < ncol(XZ)) next
    tau2 <- reml_tau2_exact(dat$yi, net$V, XZ, dat)
    call <- paste0("rma.mv(yi, V, mods = XZ, intercept = FALSE, random = ~ comp | study, struct = \"CS\", ",
                   "rho = 1/2, tau2 = ", sprintf("%.17g", tau2), ", method = \"REML\", data = dat)")
    fit <- rma.mv(yi, net$V, mods = XZ, intercept = FALSE, random = ~ comp | study, struct = "CS",
                  rho = 1/2, tau2 = tau2, method = "REML", data = dat)
    free <- rma.mv(yi, net$V, mods = XZ, intercept = FALSE, random = ~ comp | study, struct = "CS",
                   rho = 1/2, method = "REML", data = dat)
    stopifnot(abs(free$tau2 - tau2) < 1e-5)
    p <- ncol(net$X); b <- coef(fit); se <- sqrt(diag(vcov(fit)))
    idx <- (p + 1):ncol(XZ)
    qm <- drop(t(b[idx]) %*% solve(vcov(fit)[idx, idx, drop = FALSE]) %*% b[idx])
    cases[[length(cases) + 1]] <- list(
      id = paste("nmr", s$ds, inter, sep = "-"), kind = "metaregression", dataset = s$ds,
      call = call,
      settings = list(measure = s$sm, reference = s$ref, interaction = inter, method = "REML",
                      covariate = "blinded (made up; covariates.csv)", dropped_studies = arr(net$dropped),
                      tau2_source = "root of the analytic REML score (common.R reml_tau2_exact), then fixed",
                      tau2_rma_mv_free = free$tau2),
      results = list(tau2 = fit$tau2, k = fit$k,
                     effects = list(treatment = arr(colnames(net$X)), estimate = num(b[1:p]), se = num(se[1:p])),
                     interaction = list(term = arr(colnames(Z)), estimate = num(b[idx]), se = num(se[idx]),
                                        z = num(fit$zval[idx]), p = num(fit$pval[idx]),
                                        ci_low = num(fit$ci.lb[idx]), ci_high = num(fit$ci.ub[idx])),
                     qm = qm, qm_df = length(idx))
    )
  }
}

## ------------------------------------------------------------------ Egger's test, pairwise
egger <- function(yi, vi) {
  r <- regtest(yi, vi, model = "lm", predictor = "sei")
  cf <- coef(summary(r$fit))
  list(t = r$zval, p = r$pval, df = r$dfs, intercept = cf["Xsei", "Estimate"], intercept_se = cf["Xsei", "Std. Error"],
       slope = cf["X", "Estimate"], slope_se = cf["X", "Std. Error"])
}
pw <- list(list(ds = "bcg", measure = "OR", trt = "BCG", ctl = "control"),
           list(ds = "normand1999", measure = "MD", trt = "specialist", ctl = "routine"))
for (s in pw) {
  d <- read_arms(s$ds)
  a <- d[d$treatment == s$trt, ]; b <- d[d$treatment == s$ctl, ][match(a$study, d$study[d$treatment == s$ctl]), ]
  es <- if (s$measure == "OR") escalc("OR", ai = a$events, n1i = a$n, ci = b$events, n2i = b$n)
        else escalc("MD", m1i = a$mean, sd1i = a$sd, n1i = a$n, m2i = b$mean, sd2i = b$sd, n2i = b$n)
  cases[[length(cases) + 1]] <- list(
    id = paste("egger", s$ds, sep = "-"), kind = "egger", dataset = s$ds,
    call = "regtest(yi, vi, model = \"lm\", predictor = \"sei\")",
    settings = list(measure = s$measure, treatment = s$trt, control = s$ctl),
    results = c(list(study = arr(a$study), yi = num(es$yi), vi = num(es$vi)), egger(es$yi, es$vi)))
}

## ------------------------------------------------------------------ comparison-adjusted funnel (network)
## Every pair of arms of every study, oriented so that treat1 comes first in 'order' (the reference
## last), centred at the REML network estimate of treat1 - treat2; Egger's test on the centred data.
for (s in nw_sets) {
  arms <- read_arms(s$ds)
  net <- build_network(arms, s$sm, s$ref)
  dat <- net$dat
  tau2 <- reml_tau2_exact(dat$yi, net$V, net$X, dat)
  fit <- rma.mv(yi, net$V, mods = net$X, intercept = FALSE, random = ~ comp | study, struct = "CS",
                rho = 1/2, tau2 = tau2, method = "REML", data = dat)
  d <- c(0, unname(coef(fit))); names(d) <- net$trts
  ord <- c(csort(setdiff(net$trts, s$ref)), s$ref)
  arms <- arms[!arms$study %in% net$dropped, ]
  rows <- list()
  for (st in csort(unique(arms$study))) {
    a <- arms[arms$study == st, ]
    if (s$sm == "MD") { y <- a$mean; v <- a$sd^2 / a$n } else {
      inc <- if (any(a$events == 0 | a$events == a$n)) 0.5 else 0
      e <- a$events + inc; f <- a$n - a$events + inc; y <- log(e / f); v <- 1 / e + 1 / f
    }
    names(y) <- names(v) <- a$treatment
    tr <- a$treatment[order(match(a$treatment, ord))]
    for (i in 1:(length(tr) - 1)) for (j in (i + 1):length(tr)) {
      t1 <- tr[i]; t2 <- tr[j]
      rows[[length(rows) + 1]] <- data.frame(study = st, treat1 = t1, treat2 = t2, estimate = y[[t1]] - y[[t2]],
                                             se = sqrt(v[[t1]] + v[[t2]]), centre = d[[t1]] - d[[t2]],
                                             stringsAsFactors = FALSE)
    }
  }
  cad <- do.call(rbind, rows)
  cad$adjusted <- cad$estimate - cad$centre
  cad <- cad[order(match(cad$treat1, ord), match(cad$treat2, ord), cad$study, method = "radix"), ]
  cases[[length(cases) + 1]] <- list(
    id = paste("funnel", s$ds, sep = "-"), kind = "funnel", dataset = s$ds,
    call = paste0("regtest(adjusted, se^2, model = \"lm\", predictor = \"sei\") after rma.mv REML network fit, tau2 = ",
                  sprintf("%.17g", tau2)),
    settings = list(measure = s$sm, reference = s$ref, order = arr(ord), centre = "network", method = "REML"),
    results = c(list(tau2 = tau2, study = arr(cad$study), treat1 = arr(cad$treat1), treat2 = arr(cad$treat2),
                     estimate = num(cad$estimate), se = num(cad$se), centre = num(cad$centre),
                     adjusted = num(cad$adjusted)),
                egger(cad$adjusted, cad$se^2)))
}

## ------------------------------------------------------------------ network Paule-Mandel tau2
## tau2 is the root of the generalised Q, y' P(tau2) y = k - p with P = S^-1 - S^-1 X (X' S^-1 X)^-1 X' S^-1 and
## S = V + tau2 K (dense algebra, as Jackson, White & Riley 2012 define it; 0 if Q(0) <= k - p); effects and SEs
## are rma.mv's with that tau2 fixed. Neither metafor nor netmeta 3.3-1 offers PM for networks.
q_gen <- function(t2, y, X, V, K) {
  Si <- chol2inv(chol(V + t2 * K)); SiX <- Si %*% X
  drop(crossprod(y, (Si - SiX %*% solve(crossprod(X, SiX), t(SiX))) %*% y))
}
for (s in list(list(ds = "senn2013", sm = "MD", ref = "placebo"), list(ds = "hasselblad1998", sm = "OR", ref = "no_contact"),
               list(ds = "large_network", sm = "MD", ref = "T01"))) {
  net <- build_network(read_arms(s$ds), s$sm, s$ref)
  dat <- net$dat; K <- K_matrix(dat); df <- nrow(dat) - ncol(net$X)
  q_root <- function(target) {  # tau2 where the generalised Q (decreasing in tau2) equals target; 0 if Q(0) <= it
    f <- function(t2) q_gen(t2, dat$yi, net$X, net$V, K) - target
    if (f(0) <= 0) return(0)
    hi <- 1; while (f(hi) > 0) hi <- hi * 4
    uniroot(f, c(0, hi), tol = 1e-300, maxiter = 10000)$root
  }
  excess <- function(t2) q_gen(t2, dat$yi, net$X, net$V, K) - df
  tau2 <- q_root(df)
  ## Q-profile 95% CI: the tau2 at which Q equals the chi-squared quantiles on k - p df (Viechtbauer 2007)
  qp <- c(q_root(qchisq(0.975, df)), q_root(qchisq(0.025, df)))
  fit <- rma.mv(yi, net$V, mods = net$X, intercept = FALSE, random = ~ comp | study, struct = "CS",
                rho = 1/2, tau2 = tau2, method = "REML", data = dat)
  cases[[length(cases) + 1]] <- list(
    id = paste("network-pm", s$ds, sep = "-"), kind = "network_pm", dataset = s$ds,
    call = paste0("uniroot(q_gen(tau2) - (k - p)), then rma.mv(yi, V, mods = X, intercept = FALSE, ",
                  "random = ~ comp | study, struct = \"CS\", rho = 1/2, tau2 = tau2)"),
    settings = list(measure = s$sm, reference = s$ref, method = "PM", dropped_studies = arr(net$dropped)),
    results = list(tau2 = tau2, q_at_tau2 = excess(tau2) + df, df = df, treatment = arr(net$trts[-1]),
                   estimate = num(coef(fit)), se = num(fit$se), tau2_ci_low = qp[1], tau2_ci_high = qp[2]))
}

## ------------------------------------------------------------------ Knapp-Hartung for networks
## The covariance of the REML fit scaled by s2 = Q_gen(tau2) / (k - p), the generalised Q at the fitted tau2
## (r' (V + tau2 K)^-1 r), not truncated at 1 (as metafor's test = "knha" for rma.uni), and t on k - p df.
## metafor 3.8's rma.mv(test = "t") uses t without the scaling and netmeta 3.3-1 has no Hartung-Knapp option
## for networks, so the scaling is computed here (dense algebra) around rma.mv's own REML fit.
for (s in list(list(ds = "senn2013", sm = "MD", ref = "placebo"), list(ds = "hasselblad1998", sm = "OR", ref = "no_contact"))) {
  net <- build_network(read_arms(s$ds), s$sm, s$ref)
  dat <- net$dat; K <- K_matrix(dat); df <- nrow(dat) - ncol(net$X)
  tau2 <- reml_tau2_exact(dat$yi, net$V, net$X, dat)  # the exact REML root, as tests/reference/metafor
  fit <- rma.mv(yi, net$V, mods = net$X, intercept = FALSE, random = ~ comp | study, struct = "CS",
                rho = 1/2, tau2 = tau2, method = "REML", data = dat)
  s2 <- q_gen(tau2, dat$yi, net$X, net$V, K) / df
  se <- fit$se * sqrt(s2); crit <- qt(0.975, df)
  cases[[length(cases) + 1]] <- list(
    id = paste("network-knha", s$ds, sep = "-"), kind = "network_knha", dataset = s$ds,
    call = paste0("tau2 <- reml_tau2_exact(...); rma.mv(yi, V, mods = X, intercept = FALSE, random = ~ comp | study, ",
                  "struct = \"CS\", rho = 1/2, tau2 = tau2); se * sqrt(q_gen(tau2) / (k - p)); qt(0.975, k - p)"),
    settings = list(measure = s$sm, reference = s$ref, method = "REML", dropped_studies = arr(net$dropped)),
    results = list(tau2 = tau2, s2 = s2, df = df, treatment = arr(net$trts[-1]), estimate = num(coef(fit)),
                   se = num(se), ci_low = num(coef(fit) - crit * se), ci_high = num(coef(fit) + crit * se)))
}

## ------------------------------------------------------------------ Q-profile CI for tau2, pairwise (metafor)
## metafor's own Q-profile interval, confint(rma.uni(...)), on two-treatment data: the network code must give it
## two-treatment data sets and their effect sizes (escalc), for the pairwise sections below
pairwise_sets <- list(list(ds = "bcg", sm = "RR", ref = "control", trt = "BCG",
                           es = "escalc(\"RR\", ai = e1, n1i = n1, ci = e2, n2i = n2, data = wide)"),
                      list(ds = "normand1999", sm = "MD", ref = "routine", trt = "specialist",
                           es = "escalc(\"MD\", m1i = m1, sd1i = sd1, n1i = n1, m2i = m2, sd2i = sd2, n2i = n2, data = wide)"))
pairwise_es <- function(s) {
  d <- read_arms(s$ds)
  a <- d[d$treatment == s$trt, ]; b <- d[d$treatment == s$ref, ]
  wide <- data.frame(study = a$study, n1 = a$n, n2 = b$n)
  if (!is.null(d$events)) { wide$e1 <- a$events; wide$e2 <- b$events }
  else { wide$m1 <- a$mean; wide$m2 <- b$mean; wide$sd1 <- a$sd; wide$sd2 <- b$sd }
  eval(parse(text = s$es))
}
for (s in pairwise_sets) {
  es <- pairwise_es(s)
  ci <- confint(rma.uni(yi, vi, data = es, method = "REML"), control = list(tol = 1e-15, maxiter = 10000))$random
  cases[[length(cases) + 1]] <- list(
    id = paste("tau2-q-profile", s$ds, sep = "-"), kind = "tau2_q_profile", dataset = s$ds,
    call = paste0("confint(rma.uni(yi, vi, method = \"REML\"), control = list(tol = 1e-15, maxiter = 10000)) on ",
                  s$es),
    settings = list(measure = s$sm, reference = s$ref, level = 0.95),
    results = list(tau2_ci_low = unname(ci["tau^2", "ci.lb"]), tau2_ci_high = unname(ci["tau^2", "ci.ub"])))
}

## ------------------------------------------------------------------ prediction interval's degrees of freedom
## k-1: metafor's predict(res, pi.type = "t"). k-2 (Higgins, Thompson & Spiegelhalter 2009; Cochrane Handbook
## 10.10.4.3): metafor 3.8 has no such option (its pi.type = "Riley" equals the default here), so it is the
## formula b +/- qt(0.975, k - 2) * sqrt(se^2 + tau2) computed from rma.uni's own estimate, SE and tau2.
for (s in pairwise_sets) {
  es <- pairwise_es(s)
  for (method in c("DL", "REML")) {
    res <- rma.uni(yi, vi, data = es, method = method, control = list(tol = 1e-15, maxiter = 10000))
    pt <- predict(res, pi.type = "t")
    half <- qt(0.975, res$k - 2) * sqrt(res$se^2 + res$tau2)
    cases[[length(cases) + 1]] <- list(
      id = paste("pi-df", s$ds, method, sep = "-"), kind = "pi_df", dataset = s$ds,
      call = paste0("res <- rma.uni(yi, vi, method = \"", method, "\"); predict(res, pi.type = \"t\"); ",
                    "coef(res) +/- qt(0.975, res$k - 2) * sqrt(res$se^2 + res$tau2); on ", s$es),
      settings = list(measure = s$sm, reference = s$ref, treatment = s$trt, method = method, level = 0.95),
      results = list(k = res$k, pi_low_k1 = pt$pi.lb, pi_high_k1 = pt$pi.ub,
                     pi_low_k2 = unname(coef(res)) - half, pi_high_k2 = unname(coef(res)) + half))
  }
}

out <- list(engine = "metafor", r_version = R.version.string,
            package_versions = list(metafor = as.character(packageVersion("metafor"))),
            regenerate = "Rscript tests/reference/extra/make_fixtures.R", cases = cases)
write_json_file(out, "tests/reference/extra/fixtures.json")
cat("wrote", length(cases), "cases\n")
