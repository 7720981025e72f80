"""Brent's method (analysis.models.roots) is scipy's brentq step for step: the same root to the last bit."""

import math

import numpy as np
import pytest
from scipy.optimize import brentq

from analysis.errors import AnalysisError
from analysis.models.roots import brent_root

FUNCTIONS = {
    "cubic": lambda x: x**3 - 2 * x - 5,
    "exp": lambda x: math.exp(-x) - x,
    "cos": lambda x: math.cos(x) - x,
    "flat fifth power": lambda x: (x - 0.3) ** 5,
    "hyperbola": lambda x: 1 / (1.5 + x) - 0.37,
    "steep tanh": lambda x: math.tanh(40 * (x - 1.1)),
}
BRACKETS = [(0, 3), (-1, 2), (0.01, 10), (-0.5, 7.3)]


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
@pytest.mark.parametrize("xtol", [1e-15, 2e-12, 1e-6])
def test_same_root_as_scipy_brentq_bit_for_bit(name, xtol):
    f, rtol = FUNCTIONS[name], 4 * np.finfo(float).eps
    compared = 0
    for a, b in BRACKETS:
        if f(a) * f(b) >= 0:
            continue
        assert brent_root(f, a, b, xtol=xtol, rtol=rtol, maxiter=1000) == brentq(f, a, b, xtol=xtol, rtol=rtol,
                                                                                 maxiter=1000)
        compared += 1
    assert compared >= 2


def test_no_sign_change_and_no_convergence_are_errors():
    with pytest.raises(AnalysisError, match="no sign change between 2 and 3"):
        brent_root(lambda x: x, 2, 3)
    with pytest.raises(AnalysisError, match="in 3 steps"):
        brent_root(FUNCTIONS["cubic"], 0, 3, xtol=1e-15, maxiter=3)
