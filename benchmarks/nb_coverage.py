"""Line coverage of the package over the notebooks' own cells, per module, and the functions no notebook enters.

A chapter's exported functions are defined by running its own cells, not by importing its module, so plain file
coverage of `inpaint_nb/*.py` misses them. Here every notebook runs as `nbdev_test` runs it (execnb's CaptureShell,
nbdev's own `test_nb`: cells flagged `slow`, `gpu`, `weights` or `eval: false` skipped), under `coverage run`, and each
exported cell is compiled under its module's file name at its module's line numbers (the module's
`# %% ../nbs/X.ipynb #cellid` block is the cell with its directive lines dropped, line for line; a cell whose block
does not match, e.g. a notebook edited and not exported, runs as a plain cell and is named). Code a notebook imports
from the package counts as well. The notebooks run 2 at a time, one process each; the data are then combined.

    python benchmarks/nb_coverage.py                       # every notebook nbdev_test runs; prints the table
    python benchmarks/nb_coverage.py nbs/03_metrics.ipynb  # run some notebooks again (the others' last data kept)
    python benchmarks/nb_coverage.py --report-only         # the table again, from the last run's data
    python benchmarks/nb_coverage.py --who metrics:score   # which notebooks ran the lines of one function
    python benchmarks/nb_coverage.py --root /other/clone   # measure another checkout (its package is the one imported)

The table: per module, statements, missed, the missed lines that the exclusion list explains, % covered. Excluded code
(benchmarks/coverage_exclusions.txt: code that only runs on a GPU or with downloaded weights, a reason for each) stays
in the denominator: it counts as missed and is only reported apart. Then every public function or method (no part of
its name with a leading underscore; dunders count as public; closures do not) that no notebook entered, with its
chapter (nbdev's generated `__all__` lines are not counted: no cell holds them). "Entered" is read from coverage's
arc data: an arc out of the function's code-object start line, so a one-line `def f(x): return x` is not counted as
entered by its own definition.

Exit status: 1 when a notebook failed (the table is printed all the same), 1 with --strict when the target is not met
(--target, default 90% of lines, and every public function entered), else 0. Needs `coverage` (PyPI, >= 7.10).
"""
from __future__ import annotations
import argparse, ast, functools, hashlib, json, os, re, shutil, signal, subprocess, sys, tempfile, threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HEADER = re.compile(r'^# %% (\S+\.ipynb) #(\S+)\s*$')
EXCLUSIONS = Path(__file__).with_name('coverage_exclusions.txt')
TIMES = Path(__file__).with_name('nb_times.json')     # CPU-s per notebook of a full run: the longest start first
FROM_IMPORT = re.compile(r'^(\s*from\s+)\S+(\s+import\b)')

# ---------------------------------------------------------------- the modules: cell blocks, functions

def lib_dir(root: Path) -> Path:
    import configparser
    cfg = configparser.ConfigParser(); cfg.read(root / 'settings.ini')
    return root / cfg['DEFAULT'].get('lib_path', 'inpaint_nb')

def modules(root: Path) -> list[Path]:
    return sorted(p.resolve() for p in lib_dir(root).glob('*.py') if p.name != '_modidx.py')

def module_blocks(root: Path) -> dict:
    """{(notebook path, cell id): (module path, header line, block lines)} for every `# %% nb #id` block."""
    out = {}
    for mod in modules(root):
        lines = mod.read_text(encoding='utf-8').splitlines()
        heads = [(i, HEADER.match(l)) for i, l in enumerate(lines) if l.startswith('# %%')] + [(len(lines), None)]
        for (i, m), (j, _) in zip(heads, heads[1:]):
            if m is None: continue                                    # `# %% auto #0`: nbdev's __all__
            nb = (mod.parent / m.group(1)).resolve()
            out[(str(nb), m.group(2))] = (str(mod), i + 1, lines[i + 1:j])   # header at 1-based line i+1
    return out

def auto_lines(mod: Path) -> set:
    "The lines of nbdev's own `# %% auto` block (the generated `__all__`): no cell holds them, so they are not counted."
    lines, out, inside = mod.read_text(encoding='utf-8').splitlines(), set(), False
    for i, l in enumerate(lines, 1):
        if l.startswith('# %%'): inside = l.startswith('# %% auto')
        elif inside: out.add(i)
    return out

@functools.lru_cache(maxsize=None)
def chapter_of(mod: Path, line: int) -> str:
    "The notebook whose `# %%` block holds `line` of `mod` ('' when none does)."
    name = ''
    for i, l in enumerate(mod.read_text(encoding='utf-8').splitlines(), 1):
        if i > line: break
        if m := HEADER.match(l): name = Path(m.group(1)).stem
    return name

class Func:
    def __init__(self, mod, qual, node, public, patched_on=None):
        self.mod, self.qual, self.public, self.node = mod, qual, public, node
        self.first = min([node.lineno] + [d.lineno for d in node.decorator_list])   # the code object's first line
        self.lines = range(self.first, node.end_lineno + 1)
        self.name = f"{patched_on}.{qual} (patched)" if patched_on else qual

def functions(mod: Path) -> list[Func]:
    "Every function and method of `mod`: qualified name, public or not, line range."
    tree, out = ast.parse(mod.read_text(encoding='utf-8')), []
    pub = lambda n: not n.startswith('_') or (n.startswith('__') and n.endswith('__'))
    def walk(node, prefix, public, in_func):
        for field in ('body', 'orelse', 'finalbody', 'handlers', 'cases'):
            for child in getattr(node, field, ()) or ():
                if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    patched = None
                    is_patch = any(isinstance(d, ast.Name) and d.id == 'patch' for d in child.decorator_list)
                    if is_patch and child.args.args:
                        a = child.args.args[0].annotation     # fastcore's @patch: def meth(self: Class, ...)
                        patched = ast.unparse(a) if a is not None else None
                    f = Func(mod, prefix + child.name, child, public and pub(child.name) and not in_func, patched)
                    out.append(f); walk(child, f.qual + '.', f.public, True)
                elif isinstance(child, ast.ClassDef):
                    walk(child, prefix + child.name + '.', public and pub(child.name), in_func)
                else: walk(child, prefix, public, in_func)
    walk(tree, '', True, False)
    return out

# ---------------------------------------------------------------- the exclusion list

def read_exclusions(root: Path) -> list[dict]:
    """`module:Qualified.name  reason` per line ('#' comments); `module:Qualified.name@regex  reason` excludes only the
    statement of that function whose first line matches `regex` (an `if` keeps its `else`)."""
    out = []
    for n, line in enumerate(EXCLUSIONS.read_text(encoding='utf-8').splitlines(), 1):
        if not line.strip() or line.lstrip().startswith('#'): continue
        target, _, reason = line.strip().partition(' ')
        if not reason.strip(): sys.exit(f"{EXCLUSIONS.name}:{n}: an exclusion needs a reason after the name")
        mod, _, rest = target.partition(':'); qual, _, rx = rest.partition('@')
        out.append(dict(mod=mod, qual=qual, regex=rx or None, reason=reason.strip(), where=f"{EXCLUSIONS.name}:{n}"))
    return out

def excluded_lines(ex: dict, root: Path, funcs: dict) -> set | None:
    "The lines an exclusion covers (None when it names nothing: a stale entry)."
    mod = (lib_dir(root) / f"{ex['mod']}.py").resolve()
    f = next((f for f in funcs.get(mod, []) if f.qual == ex['qual'] or f.name == ex['qual']), None)
    if f is None: return None
    if not ex['regex']: return set(f.lines)
    src = mod.read_text(encoding='utf-8').splitlines()
    for st in ast.walk(f.node):
        if isinstance(st, ast.stmt) and st is not f.node and re.search(ex['regex'], src[st.lineno - 1]):
            end = st.body[-1].end_lineno if isinstance(st, ast.If) else st.end_lineno
            return set(range(st.lineno, end + 1))
    return None

# ---------------------------------------------------------------- one notebook, under coverage (child process)

def same_code(cell_lines, block_lines) -> bool:
    "The cell (directives dropped) is its module block, line for line (`from pkg.x import` made relative by nbdev)."
    if len(block_lines) < len(cell_lines) or any(l.strip() for l in block_lines[len(cell_lines):]): return False
    norm = lambda l: FROM_IMPORT.sub(r'\1M\2', l.rstrip())
    return all(a.rstrip() == b.rstrip() or norm(a) == norm(b) for a, b in zip(cell_lines, block_lines))

def run_one(nb: Path, root: Path, files_only: bool = False) -> int:
    import inpaint_nb   # the checkout measured must be the one imported (PYTHONPATH is set by the parent)
    if Path(inpaint_nb.__file__).resolve().parent != lib_dir(root).resolve():
        print(f"{nb.name}: imports {inpaint_nb.__file__}, not the package of {root}", file=sys.stderr); return 1
    # the processes this notebook starts are measured by HOOK (sitecustomize); this one by `coverage run`
    os.environ['INPAINT_NB_COVERAGE_RC'] = os.environ.pop('INPAINT_NB_COVERAGE_CHILD_RC', '')
    from nbdev.config import get_config
    from nbdev import test as nbtest
    import execnb.shell
    blocks, nb_key = module_blocks(root), str(nb.resolve())
    lead = lambda s: len(s) - len(s.lstrip('\n'))      # leading empty lines (IPython drops them before compiling)

    class CaptureShell(execnb.shell.CaptureShell):   # the name code checks (core.in_notebook)
        "execnb's CaptureShell, compiling an exported cell under its module's file name, at its module's line numbers."
        def __init__(self, *a, **k):
            super().__init__(*a, **k)
            self._target, self._shift, cache = None, 0, self.compile.cache
            def cache_as_module(code, number=0, raw_code=None):
                name = cache(code, number, raw_code=raw_code); self._shift = 0
                if self._target is None: return name
                mod, head, raw = self._target
                drop = lead(raw) - lead(code)
                if code.splitlines() != raw.splitlines()[drop:]:    # a magic or other rewrite: keep the cell's own name
                    print(f"coverage: {nb.name}: a cell IPython rewrote runs as a plain cell", file=sys.stderr)
                    return name
                self._shift = head + drop
                return mod
            self.compile.cache = cache_as_module
            shell = self
            class Shift(ast.NodeTransformer):
                def visit(self, node):
                    if shell._shift: ast.increment_lineno(node, shell._shift)
                    return node
            self.ast_transformers.append(Shift())

        def run_all(self, nb_, exc_stop=False, preproc=lambda c: False, **kw):
            targets, stale = {}, []
            for c in nb_.cells:
                b = blocks.get((nb_key, c.get('id')))
                if c.cell_type != 'code' or b is None: continue
                if files_only: continue
                if same_code(c.source.splitlines(), b[2]): targets[c.get('id')] = (b[0], b[1], c.source)
                else: stale.append(c.get('id'))
            if stale: print(f"coverage: {nb.name}: cells {', '.join(stale)} differ from their module blocks"
                            " (not exported?): they run as plain cells, their module lines count as missed",
                            file=sys.stderr)
            def pre(cell):
                skip = preproc(cell)
                self._target = None if skip else targets.get(cell.get('id'))
                return skip
            try: return super().run_all(nb_, exc_stop=exc_stop, preproc=pre, **kw)
            finally: self._target = None

    nbtest.CaptureShell = CaptureShell
    cfg = get_config()
    ok, secs = nbtest.test_nb(nb.resolve(), skip_flags=cfg.tst_flags.split(), force_flags=[], basepath=cfg.config_path)
    return 0 if ok else 1

# ---------------------------------------------------------------- all notebooks (parent process)

def notebooks(root: Path, names) -> list[Path]:
    from nbdev.config import get_config
    from nbdev.doclinks import nbglob
    from nbdev.test import _keep_file
    if names: return [Path(n).resolve() for n in names]
    cwd = os.getcwd(); os.chdir(root)
    try:
        get_config.cache_clear() if hasattr(get_config, 'cache_clear') else None
        return [Path(f).resolve() for f in sorted(nbglob(None, as_path=True)) if _keep_file(Path(f), '.notest')]
    finally: os.chdir(cwd)

def rc_file(part: Path, root: Path, label: str) -> Path:
    rc = part / 'coveragerc'
    rc.write_text(f"""[run]
branch = True
parallel = True
data_file = {part / '.coverage'}
source = {lib_dir(root).resolve()}
concurrency = multiprocessing, thread
context = {label}
disable_warnings = no-data-collected, module-not-measured, module-not-imported
""")
    return rc

HOOK = '''"""Written by benchmarks/nb_coverage.py: measures each Python process a notebook starts (a CLI run, say), and
never shows: a process that cannot write its data (under a small file-size limit, as a full-disk test sets) drops them
silently, so that the test sees only its own output."""
import os
if os.environ.get('INPAINT_NB_COVERAGE_RC'):
    try:
        import atexit, glob, coverage
        _cov = coverage.Coverage(config_file=os.environ['INPAINT_NB_COVERAGE_RC'], data_suffix=True, auto_data=False)
        _cov.start()
        def _save():
            try: _cov.stop(); _cov.save()
            except BaseException:
                for f in glob.glob(f"{_cov.config.data_file}.*pid{os.getpid()}.*"):
                    try: os.remove(f)
                    except OSError: pass
        atexit.register(_save)
    except Exception: pass
'''

def run_all(root: Path, nbs: list[Path], data: Path, jobs: int, timeout: float, files_only=False,
            children=True) -> dict:
    "Run `nbs`, `jobs` at a time; each notebook's data replace its last ones (data/NOTEBOOK/), the others' are kept."
    hook = data / 'hook'; hook.mkdir(exist_ok=True); (hook / 'sitecustomize.py').write_text(HOOK)
    path = [str(hook), str(root)] + [p for p in [os.environ.get('PYTHONPATH')] if p]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(path))
    env.setdefault('MPLBACKEND', 'Agg')
    # `jobs` notebooks at a time, each with OMP_NUM_THREADS threads, can ask for more threads than there are cores:
    # OpenMP's idle threads then spin, and on 2 cores (2 jobs x 2 threads) that doubled the pass's CPU-s (10_inference
    # and 15_cli: 729 CPU-s spinning, 367 passive). Passive waiting changes no result, only how idle threads wait.
    env.setdefault('OMP_WAIT_POLICY', 'PASSIVE')
    def one(nb):
        part = data / nb.stem; shutil.rmtree(part, ignore_errors=True); part.mkdir(parents=True)
        t0, log = time.time(), part / 'log.txt'
        cmd = [sys.executable, '-m', 'coverage', 'run', f"--rcfile={rc_file(part, root, nb.stem)}", __file__,
               '--root', str(root), '--run-one', str(nb)] + ['--files-only'] * files_only
        with open(log, 'w') as f:
            env_nb = dict(env, INPAINT_NB_COVERAGE_CHILD_RC=str(part / 'coveragerc') if children else '')
            p = subprocess.Popen(cmd, cwd=root, env=env_nb, stdout=f, stderr=subprocess.STDOUT, start_new_session=True)
            timer = threading.Timer(timeout, lambda: os.killpg(p.pid, signal.SIGKILL)); timer.start()
            _, status, ru = os.wait4(p.pid, 0)         # rusage: CPU of the notebook and of the processes it waited for
            timer.cancel(); p.returncode = rc = os.waitstatus_to_exitcode(status)
        dt, cpu = time.time() - t0, ru.ru_utime + ru.ru_stime
        if rc == -signal.SIGKILL and dt >= timeout: rc = f"killed after {timeout:.0f} s (--timeout)"
        print(f"  {nb.name}: {'ok' if rc == 0 else 'FAILED'} ({dt:.0f} s, {cpu:.0f} CPU-s"
              f" of which {ru.ru_stime:.0f} system){'' if rc == 0 else ': ' + str(rc)}", flush=True)
        if rc != 0:
            print('\n'.join('    | ' + l for l in log.read_text(errors='replace').splitlines()[-25:]), flush=True)
        return nb.name, dict(ok=rc == 0, rc=str(rc), secs=round(dt, 1), cpu=round(cpu, 1), sys=round(ru.ru_stime, 1))
    # the longest first (from the last run's timings, when there are any), so that the workers finish together
    # (a fresh data folder, as in CI: the checked-in timings of the last full run, benchmarks/nb_times.json)
    tfile = data / 'timings.json'
    prev = json.loads((tfile if tfile.exists() else TIMES).read_text()) if tfile.exists() or TIMES.exists() else {}
    order = sorted(nbs, key=lambda p: -prev.get(p.name, {}).get('cpu', p.stat().st_size / 1e4))
    with ThreadPoolExecutor(jobs) as ex: res = dict(ex.map(one, order))
    tfile.write_text(json.dumps({**prev, **res}, indent=1))
    return res

# ---------------------------------------------------------------- the report

def load(data: Path):
    "The combined data of every notebook's last run (data/NOTEBOOK/.coverage.*)."
    import coverage
    shutil.rmtree(data / 'combined', ignore_errors=True); (data / 'combined').mkdir()
    cov = coverage.Coverage(data_file=str(data / 'combined' / '.coverage'), config_file=False, branch=True)
    parts, bad = [], 0
    for p in sorted(data.glob('*/.coverage.*')):
        try: coverage.CoverageData(str(p)).read(); parts.append(p)
        except Exception: bad += 1
    if bad: print(f"{bad} data files unreadable (a process killed while writing them): left out")
    if parts: cov.combine(data_paths=[str(p) for p in parts], keep=True); cov.save()
    cov.load()
    return cov

def report(root: Path, data: Path, target: float, show_private: bool) -> bool:
    cov = load(data); cdata = cov.get_data()
    held = sorted(p.name for p in data.iterdir() if p.is_dir() and p.name not in ('combined', 'hook'))
    print(f"\ndata: the last runs of {len(held)} notebooks ({', '.join(held)})")
    mods = modules(root); funcs = {m: functions(m) for m in mods}
    exl = read_exclusions(root); ex_lines: dict = {}
    for e in exl:
        lines = excluded_lines(e, root, funcs)
        if lines is None: print(f"warning: {e['where']}: {e['mod']}:{e['qual']}{'@' + e['regex'] if e['regex'] else ''}"
                                f" names nothing in {lib_dir(root).name}/ (stale exclusion)")
        else: e['lines'] = lines; ex_lines.setdefault((lib_dir(root) / f"{e['mod']}.py").resolve(), set()).update(lines)
    rows, tot = [], [0, 0, 0]
    never, never_ex, never_priv, entered_pub = [], [], [], 0
    for m in mods:
        _, stmts, _, missing, _ = cov.analysis2(str(m))
        stmts, missing = set(stmts) - auto_lines(m), set(missing) - auto_lines(m)
        exm = len(missing & ex_lines.get(m, set()))
        rows.append((m.name, len(stmts), len(missing), exm))
        tot[0] += len(stmts); tot[1] += len(missing); tot[2] += exm
        starts = {-a for a, b in (cdata.arcs(str(m)) or []) if a < 0}
        for f in funcs[m]:
            body = (set(f.lines) & stmts) - {f.first}
            if f.first in starts: entered_pub += f.public
            elif body and body <= ex_lines.get(m, set()): never_ex.append(f)
            elif f.public: never.append(f)
            else: never_priv.append(f)
    pct = lambda s, mi: 100.0 * (s - mi) / s if s else 100.0
    w = max(len(r[0]) for r in rows)
    print(f"\n{'module':<{w}}  {'stmts':>6}  {'missed':>6}  {'of which excluded':>17}  {'cover':>6}")
    for name, s, mi, exm in rows: print(f"{name:<{w}}  {s:>6}  {mi:>6}  {exm or '':>17}  {pct(s, mi):>5.1f}%")
    print(f"{'TOTAL':<{w}}  {tot[0]:>6}  {tot[1]:>6}  {tot[2]:>17}  {pct(*tot[:2]):>5.1f}%")
    print(f"(excluded lines stay in the denominator, counted as missed; {pct(tot[0], tot[1] - tot[2]):.1f}%"
          " if they had run)")
    chap = lambda f: chapter_of(f.mod, f.first) or '(no notebook)'
    print(f"\npublic functions and methods never entered: {len(never)} (of {len(never) + entered_pub} public)")
    for f in sorted(never, key=lambda f: (chap(f), f.mod.name, f.first)):
        print(f"  {chap(f):<16} {f.mod.stem}.py:{f.first:<5} {f.name}")
    if never_ex:
        print(f"never entered, excluded ({EXCLUSIONS.name}): {len(never_ex)}")
        for f in never_ex:
            why = next((e['reason'] for e in exl if e.get('lines', set()) >= set(f.lines) - {f.first}),
                       'see the list')
            print(f"  {chap(f):<16} {f.mod.stem}.py:{f.first:<5} {f.name}: {why}")
    print(f"private functions (leading underscore) and closures never entered: {len(never_priv)}"
          + ("" if show_private else " (listed with --private)"))
    if show_private:
        for f in sorted(never_priv, key=lambda f: (chap(f), f.mod.name, f.first)):
            print(f"  {chap(f):<16} {f.mod.stem}.py:{f.first:<5} {f.name}")
    met = pct(*tot[:2]) >= target and not never
    print(f"\ncoverage target ({target:g}% of lines, every public function entered): {'MET' if met else 'NOT MET'}"
          f" ({pct(*tot[:2]):.1f}% of lines, {len(never)} public functions never entered)")
    return met

def who(root: Path, data: Path, spec: str):
    "Which notebooks (coverage contexts) ran the lines of one function."
    cov = load(data); cdata = cov.get_data()
    modname, _, qual = spec.partition(':'); mod = (lib_dir(root) / f"{modname}.py").resolve()
    f = next((f for f in functions(mod) if f.qual == qual), None)
    if f is None: sys.exit(f"{spec}: no such function in {mod}")
    by_line, entered_by = cdata.contexts_by_lineno(str(mod)), []
    for ctx in sorted(cdata.measured_contexts()):
        cdata.set_query_contexts([f"^{re.escape(ctx)}$"])
        if any(a == -f.first for a, b in cdata.arcs(str(mod)) or []): entered_by.append(ctx)
    cdata.set_query_contexts(None)
    ctx = sorted({c for l in f.lines if l != f.first for c in by_line.get(l, []) if c})
    print(f"{spec} (chapter {chapter_of(mod, f.first)}, lines {f.first}-{f.lines.stop - 1}):"
          f" {'entered by ' + ', '.join(entered_by) if entered_by else 'never entered'};"
          + (f" body lines run by: {', '.join(ctx) or 'no notebook'}" if len(f.lines) > 1 else " (one line)"))

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('notebooks', nargs='*', help='notebooks to run (default: those nbdev_test runs)')
    p.add_argument('--root', type=Path, default=Path(__file__).resolve().parents[1], help='the checkout to measure')
    p.add_argument('--jobs', type=int, default=2, help='notebooks at a time (default 2)')
    p.add_argument('--data', type=Path,
                   help='folder for the coverage data (default: one per checkout in the temp folder)')
    p.add_argument('--timeout', type=float, default=3600, help='seconds per notebook')
    p.add_argument('--target', type=float, default=90.0, help='percent of lines to cover')
    p.add_argument('--strict', action='store_true', help='exit 1 when the target is not met')
    p.add_argument('--report-only', action='store_true', help="report the last run's data, run nothing")
    p.add_argument('--private', action='store_true', help='list private functions never entered too')
    p.add_argument('--who', metavar='MODULE:FUNC', help='which notebooks ran the lines of this function')
    p.add_argument('--files-only', action='store_true',
                   help="plain file coverage, for comparison: exported cells run as plain cells (imports alone)")
    p.add_argument('--no-children', action='store_true',
                   help='measure only the notebooks, not the Python processes they start (CLI runs): faster')
    p.add_argument('--save-times', action='store_true',
                   help=f"after a full run, write each notebook's CPU-s to {TIMES.name} (the order of a fresh run)")
    p.add_argument('--run-one', type=Path, help=argparse.SUPPRESS)
    a = p.parse_args(argv)
    root = a.root.resolve()
    if a.run_one: return run_one(a.run_one, root, a.files_only)
    data = (a.data or Path(tempfile.gettempdir()) / 'inpaint_nb-coverage'
            / f"{root.name}-{hashlib.sha1(str(root).encode()).hexdigest()[:8]}").resolve()
    data.mkdir(parents=True, exist_ok=True)
    if a.who: return who(root, data, a.who)
    failed = []
    if not a.report_only:
        nbs = notebooks(root, a.notebooks); t0 = time.time()
        if not a.notebooks:                  # all of them: no data of a notebook that is gone
            for d in data.iterdir(): shutil.rmtree(d) if d.is_dir() else None
        print(f"coverage: {len(nbs)} notebooks of {root}, {a.jobs} at a time; data in {data}", flush=True)
        res = run_all(root, nbs, data, a.jobs, a.timeout, a.files_only, not a.no_children)
        failed = [n for n, r in res.items() if not r['ok']]
        if a.save_times and not a.notebooks:
            TIMES.write_text(json.dumps({n: dict(cpu=r['cpu']) for n, r in sorted(res.items())}, indent=1) + '\n')
        cpu = sum(r['cpu'] for r in res.values())
        print(f"notebooks run in {time.time() - t0:.0f} s wall, {cpu:.0f} CPU-s"
              f" ({sum(r['sys'] for r in res.values()):.0f} of them system);"
              f" {len(res) - len(failed)} passed, {len(failed)} failed{': ' + ', '.join(failed) if failed else ''}")
    met = report(root, data, a.target, a.private)
    if failed: return 1
    return 1 if a.strict and not met else 0

if __name__ == '__main__': sys.exit(main())
