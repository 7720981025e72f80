"""Errors a user can act on.

Every error raised for bad input or an impossible model is an :class:`AnalysisError`
(or a subclass) whose message says what is wrong and what to do next. Nothing in the
engine returns a silent NaN in place of raising one of these.
"""


class AnalysisError(ValueError):
    """Base class for errors in input data or model specification."""


class DataError(AnalysisError):
    """Input values that cannot be used (non-positive n, SD or variance, bad codes)."""


class NetworkError(AnalysisError):
    """A network that cannot be fitted as asked (disconnected, unknown treatment)."""
