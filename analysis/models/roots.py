"""A root of a function of one variable that changes sign on an interval: Brent's method (Brent 1973, ch. 4).

This is the iteration of ``scipy.optimize.brentq`` (its C code, ``brentq.c``), step for step, so that both give
the same root to the last bit; it is written here because importing ``scipy.optimize`` costs about 0.12 s of every
``rapidrec nma`` process, which needs nothing else from it. Each step takes inverse quadratic interpolation (or the
secant) when that shrinks the bracket fast enough, and bisection otherwise; the bracket always holds the root.
"""

from __future__ import annotations

import math
from typing import Callable

from analysis.errors import AnalysisError


def brent_root(f: Callable[[float], float], a: float, b: float, xtol: float = 2e-12, rtol: float = 8.9e-16,
               maxiter: int = 100) -> float:
    """x in [a, b] with f(x) = 0 to within ``xtol + rtol * |x|``; f(a) and f(b) must differ in sign."""
    xpre, xcur = float(a), float(b)
    fpre, fcur = f(xpre), f(xcur)
    if fpre == 0:
        return xpre
    if fcur == 0:
        return xcur
    if math.copysign(1, fpre) == math.copysign(1, fcur):
        raise AnalysisError(f"no sign change between {a:g} and {b:g}: f = {fpre:g} and {fcur:g}")
    xblk = fblk = spre = scur = 0.0
    for _ in range(maxiter):
        if fpre != 0 and fcur != 0 and math.copysign(1, fpre) != math.copysign(1, fcur):
            xblk, fblk = xpre, fpre
            spre = scur = xcur - xpre
        if abs(fblk) < abs(fcur):  # keep the best guess in xcur
            xpre, xcur, xblk = xcur, xblk, xcur
            fpre, fcur, fblk = fcur, fblk, fcur
        delta = (xtol + rtol * abs(xcur)) / 2
        sbis = (xblk - xcur) / 2
        if fcur == 0 or abs(sbis) < delta:
            return xcur
        if abs(spre) > delta and abs(fcur) < abs(fpre):
            if xpre == xblk:  # secant
                stry = -fcur * (xcur - xpre) / (fcur - fpre)
            else:  # inverse quadratic interpolation
                dpre = (fpre - fcur) / (xpre - xcur)
                dblk = (fblk - fcur) / (xblk - xcur)
                stry = -fcur * (fblk * dblk - fpre * dpre) / (dblk * dpre * (fblk - fpre))
            if 2 * abs(stry) < min(abs(spre), 3 * abs(sbis) - delta):
                spre, scur = scur, stry
            else:
                spre = scur = sbis
        else:
            spre = scur = sbis
        xpre, fpre = xcur, fcur
        xcur += scur if abs(scur) > delta else (delta if sbis > 0 else -delta)
        fcur = f(xcur)
    raise AnalysisError(f"no root found between {a:g} and {b:g} in {maxiter} steps")
