"""Computed once: expensive results cached under a key of everything they depend on.

    cache = Cache(project_dir)                      # <project>/_cache/ (joblib.Memory)
    value = cache.get("robustness", key, compute)   # compute() runs only when no entry has this key

``key`` is a JSON-like value naming what the result depends on -- the data it reads (a hash), the
settings and rules it reads, the scenario's text -- and the cache adds the hash of the package's own
source code and of the versions of Python and of the libraries and tools it runs
(:func:`code_fingerprint`), so that changed code or an upgraded library never reuses an old result. joblib hashes
the key and stores the value; each stored value carries the SHA-256 of its bytes, checked on every read:
an entry that is corrupted, truncated or edited is recomputed (and replaced), never served. Deleting the
cache directory changes no output, only the time a build takes. ``Cache(None)`` caches nothing.
"""

from __future__ import annotations

import hashlib
import pickle
import platform
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Callable, TypeVar

import joblib

from analysis.project import cache_dir

T = TypeVar("T")
SIZE_LIMIT = "2G"  # least recently used entries beyond this are dropped (Cache.trim)
PACKAGE_ROOT = Path(__file__).resolve().parent
CODE_SUFFIXES = (".py", ".lua", ".typ", ".css")
# the libraries and tools whose versions a result depends on (pandoc and Typst come as these wheels)
ENV_PACKAGES = ("numpy", "scipy", "statsmodels", "pandas", "matplotlib", "pyyaml", "nbclient",
                "ipykernel", "pypandoc-binary", "typst", "joblib")


def package_versions() -> dict[str, str | None]:
    versions = {}
    for name in ENV_PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """SHA-256 of the package's source files (Python and the renderer's filters and templates), the Python
    version and the versions of :data:`ENV_PACKAGES`."""
    h = hashlib.sha256(repr((platform.python_version(), sorted(package_versions().items()))).encode())
    for path in sorted(p for p in PACKAGE_ROOT.rglob("*") if p.suffix in CODE_SUFFIXES and p.is_file()):
        h.update(path.relative_to(PACKAGE_ROOT).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def tree_digest(root: Path, skip: Callable[[Path], bool] = lambda rel: False) -> str:
    """SHA-256 over the files under ``root`` (names and contents), leaving out those whose path relative to
    ``root`` satisfies ``skip``; the same for a directory that does not exist as for an empty one."""
    h = hashlib.sha256()
    root = Path(root)
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if path.is_file() and not skip(rel):
            h.update(rel.as_posix().encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


def _stored(name: str, key, compute: Callable[[], object]) -> tuple[str, bytes]:
    """What joblib stores under (name, key): the value's pickle and its SHA-256."""
    blob = pickle.dumps(compute(), protocol=pickle.HIGHEST_PROTOCOL)
    return hashlib.sha256(blob).hexdigest(), blob


class Cache:
    """Results of a project, stored in its ``_cache/`` folder (see the module docstring)."""

    def __init__(self, project_dir: Path | None):
        self.location = cache_dir(project_dir) if project_dir is not None else None
        if self.location is None:
            self._memory = self._call = None
        else:
            self._memory = joblib.Memory(self.location, verbose=0)
            self._call = self._memory.cache(_stored, ignore=["compute"])

    def get(self, name: str, key, compute: Callable[[], T]) -> T:
        if self._call is None:
            return compute()
        full_key = {"key": key, "code": code_fingerprint()}
        digest, blob = self._joblib(lambda: self._call(name, full_key, compute))
        if hashlib.sha256(blob).hexdigest() == digest:
            try:
                return pickle.loads(blob)
            except Exception:  # noqa: BLE001 - sound bytes that no longer unpickle: recompute below
                pass
        (digest, blob), _ = self._call.call(name, full_key, compute)  # damaged entry: recompute, replace
        return pickle.loads(blob)

    def contains(self, name: str, key) -> bool:
        """Whether ``get(name, key, ...)`` would reuse a stored value (its integrity is checked on reading)."""
        if self._call is None:
            return False
        return self._joblib(lambda: self._call.check_call_in_cache(name, {"key": key, "code": code_fingerprint()},
                                                                   None))

    def _joblib(self, step: Callable[[], T]) -> T:
        """``step`` (a call into joblib's store); when joblib's own files are damaged (its record of a function's
        code overwritten, its metadata not JSON) the store is emptied and ``step`` runs once more."""
        try:
            return step()
        except (UnicodeDecodeError, ValueError, EOFError, pickle.UnpicklingError, OSError):
            self._memory.clear(warn=False)
            self._call = self._memory.cache(_stored, ignore=["compute"])
            return step()

    def trim(self, limit: str = SIZE_LIMIT) -> None:
        """Drop the least recently used entries beyond ``limit`` (results of old code or data pile up)."""
        if self._memory is not None:
            self._memory.reduce_size(bytes_limit=limit)
