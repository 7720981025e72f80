"""The extraction data package: schema, validation and loading.

    from analysis.dataset import load_dataset, validate_dataset, Dataset, ValidationIssue, DatasetInvalid
    issues = validate_dataset("data")       # every problem, all at once
    ds = load_dataset("data")               # validates first; raises DatasetInvalid
    ds.analysis_arms(outcome="pain", population="axial")
"""

from analysis.dataset.issues import DatasetInvalid, ValidationIssue
from analysis.dataset.loader import Dataset, data_hash, load_dataset
from analysis.dataset.validate import validate_dataset

__all__ = ["Dataset", "DatasetInvalid", "ValidationIssue", "data_hash", "load_dataset", "validate_dataset"]
