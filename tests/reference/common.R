## Shared helpers for the reference-fixture scripts (sourced by metafor/ and netmeta/ scripts).
## Must be run with the repository root as working directory.

data_dir <- "tests/reference/data"

read_arms <- function(name) {
  d <- read.csv(file.path(data_dir, paste0(name, ".csv")), stringsAsFactors = FALSE,
                colClasses = c(study = "character", treatment = "character"))
  d
}

## Sort strings in C-locale (byte) order, independent of the machine's locale.
csort <- function(x) sort(x, method = "radix")

## Treatment order used for the network: reference first, then the others in C-locale order.
trt_order <- function(trts, ref) c(ref, csort(setdiff(unique(trts), ref)))

## Studies in which every arm has zero events (or every arm has events == n) carry no
## information on the odds ratio: netmeta drops them (pairwise(allstudies = FALSE)), so the
## metafor network fixtures drop them too.
all_zero_studies <- function(d) {
  if (is.null(d$events)) return(character(0))
  s <- unique(d$study)
  s[vapply(s, function(x) {
    a <- d[d$study == x, ]
    all(a$events == 0) || all(a$events == a$n)
  }, logical(1))]
}

## ---------------------------------------------------------------- network contrasts (needs metafor)
## Contrast-based data: per study the baseline arm is the network reference if the study has
## it, else the study's treatment that sorts first (C locale); every other arm j gives one contrast
## y_j - y_base with variance v_j + v_base; two contrasts of a study share covariance v_base.
## Arm level: MD: y = mean, v = sd^2/n;  OR: y = log(e/(n-e)), v = 1/e + 1/(n-e), where every arm of a
## study with any zero cell (e == 0 or e == n) gets 1/2 added to e and to n-e.
build_network <- function(d, measure, ref) {
  dropped <- all_zero_studies(d)
  d <- d[!d$study %in% dropped, ]
  rows <- list(); Vb <- list()
  for (s in unique(d$study)) {
    a <- d[d$study == s, ]
    if (measure == "MD") { y <- a$mean; v <- a$sd^2 / a$n }
    else {
      inc <- if (any(a$events == 0 | a$events == a$n)) 0.5 else 0
      e <- a$events + inc; f <- a$n - a$events + inc
      y <- log(e / f); v <- 1 / e + 1 / f
    }
    names(y) <- names(v) <- a$treatment
    ord <- trt_order(a$treatment, if (ref %in% a$treatment) ref else csort(a$treatment)[1])
    base <- ord[1]; oth <- ord[-1]
    rows[[s]] <- data.frame(study = s, treat1 = oth, treat2 = base, comp = paste(oth, base, sep = " vs "),
                            yi = unname(y[oth] - y[base]), vi = unname(v[oth] + v[base]),
                            stringsAsFactors = FALSE)
    m <- matrix(v[base], length(oth), length(oth)); diag(m) <- v[oth] + v[base]
    Vb[[s]] <- m
  }
  dd <- do.call(rbind, rows); rownames(dd) <- NULL
  trts <- trt_order(d$treatment, ref)
  X <- sapply(trts[-1], function(t) (dd$treat1 == t) - (dd$treat2 == t))
  X <- matrix(X, nrow = nrow(dd), dimnames = list(NULL, trts[-1]))
  list(dat = dd, V = bldiag(Vb), X = X, trts = trts, dropped = dropped)
}

## within-study structure of the random effects: tau2 on the diagonal, tau2/2 between two contrasts of one study
K_matrix <- function(dat) {
  bldiag(lapply(split(dat$study, factor(dat$study, levels = unique(dat$study))),
                function(s) { m <- length(s); matrix(0.5, m, m) + diag(0.5, m) }))
}
## d/dtau2 of the REML log-likelihood for y ~ N(X b, V + tau2 K)
reml_score <- function(t2, y, X, V, K) {
  S <- V + t2 * K; Si <- chol2inv(chol(S)); SiX <- Si %*% X
  P <- Si - SiX %*% solve(crossprod(X, SiX), t(SiX))
  Py <- P %*% y
  -0.5 * (sum(P * K) - drop(crossprod(Py, K %*% Py)))
}
## exact REML tau2: root of the score (0 if the score is negative at 0), bracketed around rma.mv's own fit
reml_tau2_exact <- function(yi, V, X, dat) {
  K <- K_matrix(dat)
  if (reml_score(0, yi, X, V, K) <= 0) return(0)
  t0 <- rma.mv(yi, V, mods = X, intercept = FALSE, random = ~ comp | study, struct = "CS", rho = 1/2,
               method = "REML", data = dat)$tau2
  lo <- t0 / 2; hi <- t0 * 2
  while (reml_score(lo, yi, X, V, K) < 0) lo <- lo / 2
  while (reml_score(hi, yi, X, V, K) > 0) hi <- hi * 2
  uniroot(reml_score, c(lo, hi), y = yi, X = X, V = V, K = K, tol = 1e-300, maxiter = 10000)$root
}

## rma.mv's optimizers work on the likelihood value and stop ~1e-7 (relative) short of the
## REML optimum of tau2; the network fixtures therefore solve the analytic REML score equation
## for tau2 (reml_tau2_exact below) and then fit rma.mv with that tau2 fixed.

## ---------------------------------------------------------------- JSON writer
## Numbers are printed with 17 significant digits ("%.17g"), NA/NaN -> null.
## Atomic vectors of length 1 are written as scalars unless wrapped in I(); longer ones as arrays.
json_str <- function(s) {
  s <- gsub("\\", "\\\\", s, fixed = TRUE)
  s <- gsub("\"", "\\\"", s, fixed = TRUE)
  s <- gsub("\n", "\\n", s, fixed = TRUE)
  s <- gsub("\t", "\\t", s, fixed = TRUE)
  paste0("\"", s, "\"")
}
json_atom <- function(x) {
  if (is.character(x)) return(ifelse(is.na(x), "null", json_str(x)))
  if (is.logical(x)) return(ifelse(is.na(x), "null", ifelse(x, "true", "false")))
  if (is.numeric(x)) {
    if (any(is.infinite(x))) stop("infinite value in JSON output")
    return(ifelse(is.na(x), "null", sprintf("%.17g", as.double(x))))
  }
  stop("unsupported type: ", class(x))
}
to_json <- function(x, indent = 0) {
  pad <- strrep("  ", indent + 1); pad0 <- strrep("  ", indent)
  if (is.list(x)) {
    if (length(x) == 0) return(if (is.null(names(x))) "[]" else "{}")
    items <- vapply(x, to_json, character(1), indent = indent + 1)
    if (!is.null(names(x))) {
      items <- paste0(json_str(names(x)), ": ", items)
      return(paste0("{\n", paste0(pad, items, collapse = ",\n"), "\n", pad0, "}"))
    }
    return(paste0("[\n", paste0(pad, items, collapse = ",\n"), "\n", pad0, "]"))
  }
  if (is.null(x)) return("null")
  force_array <- inherits(x, "AsIs") || isTRUE(attr(x, "array"))
  v <- json_atom(as.vector(unclass(x)))
  if (length(v) == 1 && !force_array) return(v)
  paste0("[", paste(v, collapse = ", "), "]")
}
arr <- function(x) { x <- as.vector(x); attr(x, "array") <- TRUE; x }
write_json_file <- function(x, path) {
  con <- file(path, open = "wb")
  writeLines(to_json(x), con, sep = "\n")
  close(con)
}
