"""Run notebooks top to bottom and save them WITH their outputs (the pictures and tables readers see on GitHub).

    python .ci/execute_notebooks.py nbs/04_colour.ipynb [more.ipynb ...]   # then: nbdev_clean

Cells flagged `#| slow`, `#| gpu`, `#| weights`, `#| browser` or `#| app` are skipped, as `nbdev_test` skips them, and their old outputs are dropped; add
`--flags slow gpu` to run them too. Each notebook runs in its own folder, like `nbdev_test`. Stops at the first
failing cell of a notebook (that notebook is not written)."""
import argparse, os, re, subprocess, sys, time
from pathlib import Path
from execnb.nbio import read_nb, write_nb
from execnb.shell import CaptureShell

def flags_of(source: str) -> set:
    return {f for line in source.splitlines() if (m := re.match(r'\s*#\|\s*(.*)', line)) for f in m.group(1).split()}

def execute(path: Path, run_flags: set) -> float:
    nb, t0 = read_nb(path), time.time()
    skip = lambda cell: cell.cell_type != 'code' or bool(flags_of(cell.source) & ({'slow', 'gpu', 'weights', 'browser', 'app'} - run_flags))
    for c in nb.cells:
        if c.cell_type == 'code' and skip(c): c.outputs = []
    cwd = os.getcwd(); os.chdir(path.parent)
    try:
        sh = CaptureShell(path)
        sh.run("import matplotlib as _mpl; _mpl.rcParams['figure.dpi'] = 56\n"     # small committed pictures:
               "get_ipython().run_line_magic('config', \"InlineBackend.figure_formats = ['jpeg']\")")   # JPEG, 56 dpi
        sh.run_all(nb, exc_stop=True, preproc=skip)
    finally: os.chdir(cwd)
    write_nb(nb, path)
    return time.time() - t0

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('notebooks', nargs='+', type=Path); p.add_argument('--flags', nargs='*', default=[])
    a = p.parse_args()
    os.environ.setdefault('MPLBACKEND', 'module://matplotlib_inline.backend_inline')
    if len(a.notebooks) > 1:   # one process per notebook: IPython's inline-figure settings are per process
        for nb in a.notebooks:
            r = subprocess.run([sys.executable, __file__, str(nb), '--flags', *a.flags])
            if r.returncode: sys.exit(f"{nb}: failed")
    else: print(f"{a.notebooks[0]}: {execute(a.notebooks[0].resolve(), set(a.flags)):.0f} s", flush=True)
