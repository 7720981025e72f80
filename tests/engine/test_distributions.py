"""analysis.models.distributions gives exactly what scipy.stats gives, and the nma command does not import it."""

import subprocess
import sys

import numpy as np
from scipy import stats

from analysis.models import distributions as d

X = np.concatenate([np.linspace(-8, 8, 161), [0.0, 1.959963984540054, 37.5]])
P = np.array([1e-12, 0.001, 0.025, 0.05, 0.5, 0.8, 0.95, 0.975, 0.995, 1 - 1e-12])
DF = [1, 2, 3, 7.5, 30, 1000]


def test_bit_for_bit_equal_to_scipy_stats():
    np.testing.assert_array_equal(d.normal_cdf(X), stats.norm.cdf(X))
    np.testing.assert_array_equal(d.normal_sf(X), stats.norm.sf(X))
    np.testing.assert_array_equal(d.normal_quantile(P), stats.norm.ppf(P))
    for df in DF:
        np.testing.assert_array_equal(d.t_sf(X, df), stats.t.sf(X, df))
        np.testing.assert_array_equal(d.t_quantile(P, df), stats.t.ppf(P, df))
        np.testing.assert_array_equal(d.chi2_sf(np.abs(X) * 3, df), stats.chi2.sf(np.abs(X) * 3, df))
        np.testing.assert_array_equal(d.chi2_quantile(P, df), stats.chi2.ppf(P, df))
    assert d.two_sided_critical(0.95) == stats.norm.ppf(0.975)
    assert d.two_sided_critical(0.9, 4) == stats.t.ppf(0.95, 4)


def test_the_nma_command_does_not_import_scipy_stats():
    """scipy.stats takes about 0.4 s to import, more than a whole fit: the nma path leaves it out."""
    code = "import sys, analysis.commands.nma, analysis.nma_files; print('scipy.stats' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
