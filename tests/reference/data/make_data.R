## Writes the arm-level input CSVs shared by the metafor and netmeta fixtures.
## Run from the repository root:  Rscript tests/reference/data/make_data.R
## Source: R package metadat (datasets shipped with metafor); zero_cells.csv is made up.
suppressPackageStartupMessages(library(metadat))
out <- "tests/reference/data"
stopifnot(dir.exists(out))
wcsv <- function(d, name) {
  stopifnot(!any(grepl(",", d$study)), !any(grepl(",", d$treatment)))
  write.csv(d, file.path(out, paste0(name, ".csv")), row.names = FALSE, quote = FALSE)
}

## dat.bcg: arm 1 = vaccinated (tpos/tneg), arm 2 = control (cpos/cneg)
b <- dat.bcg
s <- paste(b$author, b$year)
bcg <- data.frame(study = rep(s, each = 2),
                  treatment = rep(c("BCG", "control"), nrow(b)),
                  n = as.vector(rbind(b$tpos + b$tneg, b$cpos + b$cneg)),
                  events = as.vector(rbind(b$tpos, b$cpos)))
wcsv(bcg, "bcg")

## dat.normand1999: group 1 = specialist stroke unit care, group 2 = routine care; outcome = length of stay (days)
d <- dat.normand1999
normand <- data.frame(study = rep(d$source, each = 2),
                      treatment = rep(c("specialist", "routine"), nrow(d)),
                      n = as.vector(rbind(d$n1i, d$n2i)),
                      mean = as.vector(rbind(d$m1i, d$m2i)),
                      sd = as.vector(rbind(d$sd1i, d$sd2i)))
wcsv(normand, "normand1999")

## made-up binary data exercising zero-cell handling
zero <- data.frame(study = rep(c("Z1", "Z2", "Z3", "Z4"), each = 2),
                   treatment = rep(c("treat", "control"), 4),
                   n = c(10, 12, 12, 15, 25, 30, 10, 12),
                   events = c(0, 3, 0, 0, 5, 8, 10, 6))
## Z1: one zero event cell; Z2: zero events in both arms (double zero);
## Z3: no zero cell; Z4: all treated had the event (zero non-event cell)
wcsv(zero, "zero_cells")

## dat.senn2013 (HbA1c change / raw value, mean difference NMA; arm level)
d <- dat.senn2013
wcsv(data.frame(study = d$study, treatment = d$treatment, n = d$ni, mean = d$mi, sd = d$sdi), "senn2013")

## dat.hasselblad1998 (smoking cessation, log OR NMA)
d <- dat.hasselblad1998
wcsv(data.frame(study = paste(d$authors, d$year), treatment = d$trt, n = d$ni, events = d$xi), "hasselblad1998")

## dat.dogliotti2014 (stroke in atrial fibrillation, log OR NMA); the comma in "WASPO, 2007" is removed
d <- dat.dogliotti2014
wcsv(data.frame(study = sub(",", "", d$study, fixed = TRUE), treatment = d$treatment, n = d$total, events = d$stroke),
     "dogliotti2014")

## made-up network of 320 studies (10 treatments, about 20 % three-arm studies; MD) so that the study-by-study
## fit is checked at the size of the largest published networks. Fixed seed; rounded so the CSV is stable.
set.seed(20261205)
trts <- sprintf("T%02d", 1:10)
effect <- c(0, round(rnorm(9, -0.5, 0.4), 3)); names(effect) <- trts
designs <- c(lapply(2:10, function(i) trts[c(1, i)]),  # a star around T01 keeps the network connected
             lapply(10:320, function(i) sample(trts, if (runif(1) < 0.2) 3 else 2)))
large <- do.call(rbind, lapply(seq_along(designs), function(i) {
  a <- designs[[i]]; k <- length(a)
  n <- sample(20:200, k, replace = TRUE); sd <- round(runif(k, 0.8, 1.6), 3)
  delta <- c(0, rnorm(k - 1, 0, 0.3))
  mu <- rnorm(1) + effect[a] + delta + rnorm(k) * sd / sqrt(n)
  data.frame(study = sprintf("S%03d", i), treatment = a, n = n, mean = round(mu, 4), sd = sd)
}))
wcsv(large, "large_network")
