"""Execute a parsed chapter's cells for real in a Jupyter kernel.

One kernel serves every chapter of a render (:class:`Kernel`, started when the
first chapter needs it; IPC transport with an absolute socket path, cwd =
project root, immediate shutdown). A hidden setup cell opens every chapter:
it clears what the previous chapter left (``%reset -f``; figures closed;
matplotlib's, pandas' and numpy's print settings restored; the working
directory, the random seed and the registry's cache reset), configures matplotlib (inline backend
even under MPLBACKEND=Agg; SVG with deterministic metadata), registers a
DataFrame -> pipe-table markdown formatter, and defines the inline-expression
helper. Inline `{python} expr` expressions are evaluated by cells injected
after their markdown block.
"""

from __future__ import annotations

import inspect
import os
import shutil
import tempfile
import time
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import nbformat
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError

from .assemble import pipe_table, traceback_text
from .errors import RenderError
from .qmd import Code, Markdown, Qmd, inline_expressions

INLINE_MIME = "application/x-rapidrec-inline+json"
EXEC_OPTIONS = ("echo", "eval", "output", "warning", "error", "include")


@dataclass
class CellRun:
    code: Code
    number: int          # 1-based among the chapter's code cells
    options: dict        # cell options merged over the defaults
    outputs: list        # nbformat outputs (empty when eval: false)


@dataclass
class ChapterRun:
    qmd: Qmd
    cells: list[CellRun]            # one per Code block, in order
    inline: dict[int, list[str]]    # block index -> inline values
    notebook: nbformat.NotebookNode
    seconds: float


def merged_defaults(defaults: dict, front: dict) -> dict:
    """Execution defaults: project `execute:` < chapter `execute:` < chapter top level."""
    out = dict(defaults)
    out.update((front.get("execute") or {}))
    out.update({k: front[k] for k in EXEC_OPTIONS if k in front})
    return out


def _setup_source(project_dir: Path, dpi: int, env: dict[str, str] | None = None) -> str:
    return "\n".join([
        "get_ipython().run_line_magic('reset', '-f')  # what an earlier chapter left in this kernel",
        "import os as _rr_os, sys as _rr_sys, warnings as _rr_warnings",
        f"_rr_os.environ.update({dict(env or {})!r})  # what the renderer tells this chapter",
        f"_rr_os.chdir({str(project_dir)!r})",
        "import numpy as _rr_np, pandas as _rr_pd",
        "_rr_np.set_printoptions(edgeitems=3, infstr='inf', linewidth=75, nanstr='nan', precision=8,",
        "                        suppress=False, threshold=1000, formatter=None, sign='-', floatmode='maxprec')",
        "with _rr_warnings.catch_warnings():",
        "    _rr_warnings.simplefilter('ignore')",
        "    _rr_pd.reset_option('all')",
        "_rr_np.random.seed(0)",
        "if 'analysis.book' in _rr_sys.modules:",
        "    _rr_sys.modules['analysis.book']._numbers.cache_clear()",
        "import matplotlib as _rr_mpl",
        "import matplotlib.pyplot as _rr_plt",
        "_rr_plt.close('all')",
        "_rr_mpl.rc_file_defaults()",
        f"if {str(project_dir)!r} not in _rr_sys.path:",
        f"    _rr_sys.path.insert(0, {str(project_dir)!r})",
        "get_ipython().run_line_magic('matplotlib', 'inline')",
        "from matplotlib_inline.backend_inline import set_matplotlib_formats as _rr_fmt",
        "_rr_fmt('svg', metadata={'Date': None})",
        "_rr_mpl.rcParams.update({'svg.hashsalt': 'rapidrec', 'svg.fonttype': 'path',",
        f"                         'figure.dpi': {dpi}, 'savefig.dpi': {dpi}}})",
        inspect.getsource(pipe_table),
        "for _rr_mod in ('pandas', 'pandas.core.frame'):  # DataFrame.__module__ varies",
        "    get_ipython().display_formatter.formatters['text/markdown'].for_type_by_name(",
        "        _rr_mod, 'DataFrame', pipe_table)",
        "_rr_figsize = tuple(_rr_mpl.rcParams['figure.figsize'])",
        "def _rr_set_figsize(w=None, h=None):",
        "    _rr_mpl.rcParams['figure.figsize'] = (w or _rr_figsize[0], h or _rr_figsize[1])",
        "def _rr_inline(exprs):",
        "    values = []",
        "    for i, expr in enumerate(exprs):",
        "        try:",
        "            value = eval(expr, get_ipython().user_ns)",
        "        except BaseException:",
        f"            display({{{INLINE_MIME!r}: {{'failed': i}}}}, raw=True)",
        "            raise",
        "        md = getattr(value, '_repr_markdown_', None)",
        "        values.append(md() if callable(md) else str(value))",
        f"    display({{{INLINE_MIME!r}: {{'values': values}}}}, raw=True)",
    ])


def build_notebook(qmd: Qmd, defaults: dict, project_dir: Path, dpi: int, env: dict[str, str] | None = None):
    """The chapter as a notebook, plus (kind, block index) for each notebook cell; ``env``: environment
    variables its setup cell sets in the kernel."""
    v4 = nbformat.v4
    nb = v4.new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                  "language": "python"}})
    plan: list[tuple[str, int]] = [("setup", -1)]
    nb.cells.append(v4.new_code_cell(_setup_source(project_dir, dpi, env),
                                     metadata={"tags": ["rapidrec-setup"]}))
    for b, block in enumerate(qmd.blocks):
        if isinstance(block, Markdown):
            nb.cells.append(v4.new_markdown_cell(block.text))
            plan.append(("markdown", b))
            exprs = inline_expressions(block.text)
            if exprs:
                nb.cells.append(v4.new_code_cell(f"_rr_inline({exprs!r})",
                                                 metadata={"tags": ["rapidrec-inline"]}))
                plan.append(("inline", b))
        else:
            opts = {**defaults, **block.options}
            size = [opts.get("fig-width"), opts.get("fig-height")]
            if any(size):  # fig-width / fig-height in inches, as in Quarto
                nb.cells.append(v4.new_code_cell(f"_rr_set_figsize({size[0]!r}, {size[1]!r})"))
                plan.append(("hidden", b))
            nb.cells.append(v4.new_code_cell(block.source, metadata={"rapidrec": opts}))
            plan.append(("code", b))
            if any(size):
                nb.cells.append(v4.new_code_cell("_rr_set_figsize()"))
                plan.append(("hidden", b))
    return nb, plan


class Kernel:
    """One Jupyter kernel for the chapters of a render; started on first use, shut down on exit.

        with Kernel(project_dir, work_dir / "kernel.log") as kernel:
            run = execute_chapter(qmd, chapter, project_dir, defaults, work_dir, kernel=kernel)
    """

    def __init__(self, project_dir: Path, log_path: Path, timeout: int = 1800):
        self.project_dir, self.log_path, self.timeout = Path(project_dir), Path(log_path), timeout
        self.client: NotebookClient | None = None
        self._stack = ExitStack()

    def __enter__(self) -> "Kernel":
        return self

    def __exit__(self, *exc) -> None:
        self._stack.close()
        self.client = None

    def _start(self) -> NotebookClient:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = self._stack.enter_context(open(self.log_path, "wb"))
        sock_dir = Path(tempfile.mkdtemp(prefix="rr-kernel-"))  # short absolute path (<108 chars)
        self._stack.callback(shutil.rmtree, sock_dir, ignore_errors=True)
        km = AsyncKernelManager(kernel_name="python3", transport="ipc", ip=str(sock_dir / "k"))
        client = NotebookClient(nbformat.v4.new_notebook(), km=km, timeout=self.timeout, allow_errors=True,
                                shutdown_kernel="immediate", record_timing=False,
                                resources={"metadata": {"path": str(self.project_dir)}})
        env = {**os.environ, "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
        try:
            self._stack.enter_context(client.setup_kernel(cleanup_kc=True, env=env, cwd=str(self.project_dir),
                                                          stdout=log, stderr=log))
        except RuntimeError as e:  # kernel failed to start / respond
            raise RenderError("could not run the Jupyter kernel",
                              detail=f"{type(e).__name__}: {e}\n{_tail(self.log_path)}") from None
        self.client = client
        return client

    def run(self, nb, plan, qmd: Qmd, chapter: str):
        client = self.client or self._start()
        client.nb = nb
        client.reset_execution_trackers()
        try:
            return _run_plan(client, nb, plan, qmd, chapter, self.timeout)
        except DeadKernelError as e:
            self.__exit__()
            raise RenderError("the Jupyter kernel died", chapter=chapter,
                              detail=f"{e}\n{_tail(self.log_path)}") from None
        except RuntimeError as e:  # the kernel stopped responding
            raise RenderError("could not run the Jupyter kernel", chapter=chapter,
                              detail=f"{type(e).__name__}: {e}\n{_tail(self.log_path)}") from None


def execute_chapter(qmd: Qmd, chapter: str, project_dir: Path, defaults: dict,
                    work_dir: Path, *, kernel: Kernel, dpi: int = 150, env: dict[str, str] | None = None
                    ) -> ChapterRun:
    """Run every cell of ``qmd`` in ``kernel`` (with ``env`` set there); raise RenderError naming the failing
    cell."""
    t0 = time.perf_counter()
    defaults = merged_defaults(defaults, qmd.front)
    nb, plan = build_notebook(qmd, defaults, project_dir, dpi, env)
    stem = Path(chapter).stem
    work_dir.mkdir(parents=True, exist_ok=True)
    if not any(kind in ("code", "inline") for kind, _ in plan):  # nothing to run: no kernel
        nbformat.write(nb, work_dir / f"{stem}.ipynb")
        return ChapterRun(qmd, [], {}, nb, time.perf_counter() - t0)
    cells, inline = kernel.run(nb, plan, qmd, chapter)
    nbformat.write(nb, work_dir / f"{stem}.ipynb")
    return ChapterRun(qmd, cells, inline, nb, time.perf_counter() - t0)


def _run_plan(client, nb, plan, qmd: Qmd, chapter: str, timeout: int):
    """Execute the notebook cell by cell; collect code-cell outputs and inline values."""
    cells: list[CellRun] = []
    inline: dict[int, list[str]] = {}
    for index, (kind, b) in enumerate(plan):
        cell = nb.cells[index]
        if kind == "markdown":
            continue
        if kind == "code":
            run = CellRun(qmd.blocks[b], len(cells) + 1, cell.metadata["rapidrec"], [])
            cells.append(run)
            if run.options.get("eval", True) is False:
                continue
        _run_cell(client, cell, index, timeout)
        if kind in ("setup", "hidden"):
            _check(cell, chapter, None, None, f"injected {kind} cell failed")
        elif kind == "inline":
            inline[b] = _inline_values(cell, chapter, qmd.blocks[b])
        else:
            if not run.options.get("error", False):
                _check(cell, chapter, run.number, run.code.label,
                       f"cell at line {run.code.line} failed")
            run.outputs = list(cell.outputs)
    return cells, inline


def _run_cell(client: NotebookClient, cell, index: int, timeout: int) -> None:
    try:
        client.execute_cell(cell, index)
    except CellTimeoutError:
        cell.outputs.append(nbformat.v4.new_output(
            "error", ename="TimeoutError", evalue=f"cell did not finish within {timeout} s",
            traceback=[]))


def _error(cell):
    return next((o for o in cell.outputs if o.get("output_type") == "error"), None)


def _check(cell, chapter, number, label, summary) -> None:
    err = _error(cell)
    if err is None:
        return
    tb = traceback_text(err)
    detail = f"{err['ename']}: {err['evalue']}"
    if tb:
        detail += "\n\n" + tb
    raise RenderError(summary, chapter=chapter, cell=number, label=label, detail=detail)


def _inline_values(cell, chapter, block: Markdown) -> list[str]:
    exprs = inline_expressions(block.text)
    data = [o["data"][INLINE_MIME] for o in cell.outputs
            if o.get("output_type") == "display_data" and INLINE_MIME in o.get("data", {})]
    err = _error(cell)
    if err is not None:
        failed = next((d["failed"] for d in data if "failed" in d), None)
        what = f"`{{python}} {exprs[failed]}`" if failed is not None else "an inline expression"
        raise RenderError(f"inline expression {what} in the paragraph at line {block.line} failed",
                          chapter=chapter, detail=f"{err['ename']}: {err['evalue']}")
    values = next(d["values"] for d in data if "values" in d)
    return [str(v) for v in values]


def _tail(path: Path, n: int = 20) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-n:])
    except OSError:
        return ""
