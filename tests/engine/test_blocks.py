"""The study-by-study sums of analysis.models.blocks equal the textbook dense-matrix formulas.

The dense formulas are written out here, independently of the module, on a small network with two-, three- and
four-arm studies (so blocks of sizes 1, 2 and 3 in one model), at tau^2 = 0 and at tau^2 > 0.
Tolerance: 1e-11 relative (the two orders of summation differ only by rounding).
"""

import numpy as np
import pandas as pd
import pytest

from analysis.effects import contrasts_from_arms
from analysis.models.blocks import BlockModel
from analysis.models.network import build_network

RTOL = 1e-11


def network():
    rng = np.random.default_rng(7)
    designs = [("A", "B"), ("A", "C"), ("B", "C"), ("A", "B", "C"), ("A", "D"), ("B", "D", "E"), ("A", "B", "C", "D"),
               ("C", "E"), ("A", "E"), ("D", "E"), ("A", "B"), ("B", "C", "D")]
    rows = [(f"s{i:02d}", t, int(rng.integers(20, 90)), float(rng.normal(0, 1)), float(rng.uniform(0.7, 1.5)))
            for i, design in enumerate(designs) for t in design]
    arms = pd.DataFrame(rows, columns=["study", "treatment", "n", "mean", "sd"])
    return build_network(contrasts_from_arms(arms, "MD", "A"), "A")


def dense(model: BlockModel):
    n = model.n_rows
    V, P = np.zeros((n, n)), np.zeros((n, n))
    for rows, v, p in zip(model.rows, model.V, model.P):
        k = int(np.sum(rows >= 0))
        V[np.ix_(rows[:k], rows[:k])] = v[:k, :k]
        P[np.ix_(rows[:k], rows[:k])] = p[:k, :k]
    return V, P


@pytest.mark.parametrize("tau2", [0.0, 0.37])
def test_block_sums_equal_dense_formulas(tau2):
    net = network()
    model = net.model
    assert sorted(set(np.sum(model.rows >= 0, axis=1))) == [1, 2, 3]
    y, X = model.y, model.X
    V, P = dense(model)
    W = np.linalg.inv(V + tau2 * P)
    A = X.T @ W @ X
    beta = np.linalg.solve(A, X.T @ W @ y)
    R = W - W @ X @ np.linalg.solve(A, X.T @ W)
    RP = R @ P
    score = 0.5 * (y @ RP @ R @ y - np.trace(RP))
    observed = y @ RP @ RP @ R @ y - 0.5 * np.trace(RP @ RP)

    gls = model.gls(tau2)
    np.testing.assert_allclose(gls.beta, beta, rtol=RTOL)
    np.testing.assert_allclose(gls.A_inv, np.linalg.inv(A), rtol=RTOL)
    assert gls.q == pytest.approx(y @ R @ y, rel=RTOL)
    assert gls.trace_rp() == pytest.approx(np.trace(RP), rel=RTOL)
    got = gls.reml_derivatives()
    assert got[0] == pytest.approx(score, rel=RTOL)
    assert got[1] == pytest.approx(observed, rel=RTOL)
    assert got[2] == pytest.approx(0.5 * np.trace(RP @ RP), rel=RTOL)
    np.testing.assert_allclose(gls.influence(), np.linalg.solve(A, X.T @ W), rtol=RTOL, atol=1e-14)


def test_rows_keep_their_place_in_the_stacked_model():
    """Each block's rows point back at the stacked y: the blocks partition the contrasts exactly once, and the
    padding is an identity block of V with zeros in P, y and X."""
    model = network().model
    rows = model.rows[model.rows >= 0]
    assert sorted(rows) == list(range(model.n_rows))
    pad = model.rows < 0
    np.testing.assert_array_equal(model.blocks_y[~pad], model.y[model.rows[~pad]])
    np.testing.assert_array_equal(model.blocks_X[~pad], model.X[model.rows[~pad]])
    assert pad.any() and not model.blocks_y[pad].any() and not model.blocks_X[pad].any()
    for block_rows, v, p in zip(model.rows, model.V, model.P):
        k = int(np.sum(block_rows >= 0))
        np.testing.assert_array_equal(v[k:, k:], np.eye(len(v) - k))
        assert not p[k:].any() and not p[:, k:].any() and not v[:k, k:].any()


def test_with_design_and_with_response_keep_the_blocks():
    model = network().model
    Z = np.arange(model.n_rows, dtype=float)[:, None]
    other = model.with_design(np.hstack([model.X, Z]))
    assert other.n_par == model.n_par + 1
    keep = model.rows >= 0
    np.testing.assert_array_equal(other.blocks_X[..., -1][keep], Z[model.rows[keep], 0])
    assert other.V is model.V and other.P is model.P
    shifted = model.with_response(model.y + 1)
    np.testing.assert_array_equal(shifted.blocks_y[keep], model.blocks_y[keep] + 1)
