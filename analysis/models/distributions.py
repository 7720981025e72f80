"""The distribution functions the engine needs, taken from ``scipy.special``.

These are the functions ``scipy.stats`` itself evaluates for the normal, t and chi-squared distributions (same
values, bit for bit), without importing ``scipy.stats``, which takes about 0.4 s: longer than reading and fitting
a network of 2,000 studies, and paid by every command and every chapter's kernel.
"""

from __future__ import annotations

from scipy import special


def normal_cdf(z):
    return special.ndtr(z)


def normal_sf(z):
    """P(Z > z)."""
    return special.ndtr(-z)


def normal_quantile(p):
    return special.ndtri(p)


def t_sf(x, df):
    """P(T > x) for t on ``df`` degrees of freedom."""
    return special.stdtr(df, -x)


def t_quantile(p, df):
    return special.stdtrit(df, p)


def chi2_sf(q, df):
    """P(X > q) for chi-squared on ``df`` degrees of freedom."""
    return special.chdtrc(df, q)


def chi2_quantile(p, df):
    return 2 * special.gammaincinv(df / 2, p)


def two_sided_critical(level: float, df: float | None = None) -> float:
    """The quantile for a two-sided interval at ``level``: normal, or t on ``df`` degrees of freedom."""
    p = 1 - (1 - level) / 2
    return float(normal_quantile(p) if df is None else t_quantile(p, df))


__all__ = ["chi2_quantile", "chi2_sf", "normal_cdf", "normal_quantile", "normal_sf", "t_quantile", "t_sf", "two_sided_critical"]
