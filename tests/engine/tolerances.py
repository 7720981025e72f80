"""Tolerances for comparisons with reference implementations, named per kind of quantity.

- ESTIMATE, SE: 1e-6 absolute -- both sides solve the same closed-form GLS at the
  same tau^2; the difference is floating-point noise plus tau^2's residual error.
- TAU2: 1e-5 absolute for the REML, PM and DL heterogeneity variance -- iterative
  solvers on both sides; the references are fitted with tight convergence settings.
- STAT: 1e-6 absolute for Q, test statistics and I^2 (in percent, 1e-5).
- PVALUE: 1e-6 absolute -- p-values are smooth functions of the statistics above.
"""

ESTIMATE = 1e-6
SE = 1e-6
TAU2 = 1e-5
STAT = 1e-6
I2 = 1e-5
PVALUE = 1e-6
# Percentage contribution of a study or a direct comparison to a network estimate (0-100 scale):
# both sides run the same deterministic path algorithm on the same hat matrix; 1e-8 percentage points.
CONTRIBUTION = 1e-8
# Proportion of direct evidence in node-splitting (0-1): closed form from the same variances.
PROPORTION = 1e-8
