"""Import graph of the package's modules, checked against the chapter order of the notebooks.

Measures nothing in time: it reads the sources (AST, never imports them) and prints, for every module of the package,
its chapter, the package modules it imports at the top level, and those it imports lazily (inside a function), then
the third-party imports found inside functions. It fails (exit 1, one line per problem) on

* a cycle in the module graph (top-level and lazy imports alike: a lazy import only hides a cycle);
* a module importing a module of a LATER chapter;
* an import of a package module inside a function (package-internal lazy imports are always a problem);
* a third-party import inside a function, unless its top-level package is in LAZY_THIRD_PARTY_OK
  (optional heavy extras; listed in an informational section);
* a notebook whose `default_exp` module is missing, a module that no notebook exports, an import of a package module
  that does not exist.

Nothing is hard-coded: the package folder and notebook folder come from settings.ini (`lib_path`, `nbs_path`), the
modules from the package folder (`_modidx.py` skipped; `__init__.py` is the package itself, outside the chapters),
the chapter order from the sorted file names of the notebooks that have a `#| default_exp MODULE` cell (notebooks
without one, such as index.ipynb or course notebooks, are ignored).

usage: python benchmarks/imports.py [--repo PATH]        (plain Python standard library)
"""
from __future__ import annotations
import argparse, ast, configparser, json, re, sys
from pathlib import Path

# third-party packages that may be imported inside functions: optional or heavy extras (matched on the top-level name)
LAZY_THIRD_PARTY_OK = {'transformers', 'umap', 'numba', 'IPython', 'matplotlib', 'gradio'}

DEFAULT_EXP = re.compile(r'^\s*#\s*\|?\s*default_exp\s+([\w.]+)', re.M)
STDLIB = set(getattr(sys, 'stdlib_module_names', ())) | set(sys.builtin_module_names) | {'__future__'}


def settings(repo: Path):
    "lib_name, lib_path, nbs_path from settings.ini (nbdev defaults when absent)."
    cp = configparser.ConfigParser()
    cp.read(repo / 'settings.ini')
    d = cp['DEFAULT'] if cp.has_section('DEFAULT') or cp.defaults() else {}
    lib_name = d.get('lib_name', None) or d.get('repo', None) or repo.name
    lib_path = d.get('lib_path', None) or lib_name.replace('-', '_')
    return lib_name.replace('-', '_'), repo / lib_path, repo / (d.get('nbs_path', None) or 'nbs')


def notebook_modules(nbs: Path):
    "[(notebook path, module)] in chapter order: the sorted notebook paths that have a default_exp cell."
    out = []
    for nb in sorted(p for p in nbs.rglob('*.ipynb')
                     if '.ipynb_checkpoints' not in p.parts and not p.name.startswith('_')):
        try: cells = json.loads(nb.read_text(encoding='utf-8')).get('cells', [])
        except (OSError, ValueError) as e:
            out.append((nb, None, f'unreadable notebook: {type(e).__name__}: {e}')); continue
        for c in cells:
            if c.get('cell_type') != 'code': continue
            src = c.get('source', '')
            m = DEFAULT_EXP.search(''.join(src) if isinstance(src, list) else src)
            if m: out.append((nb, m.group(1), None)); break
    return out


def package_modules(pkg: Path, lib: str):
    "{dotted module name: path} for every .py in the package folder (recursively); __init__ files name the package."
    mods = {}
    for p in sorted(pkg.rglob('*.py')):
        rel = p.relative_to(pkg)
        if p.name == '_modidx.py' or '.ipynb_checkpoints' in rel.parts: continue
        parts = list(rel.with_suffix('').parts)
        if parts[-1] == '__init__': parts = parts[:-1]
        mods['.'.join([lib] + parts)] = p
    return mods


class Imports(ast.NodeVisitor):
    "Every import statement with its line, the function it sits in (None: runs at import time), TYPE_CHECKING-only."
    def __init__(self): self.found, self.func, self.tc = [], [], 0
    def _def(self, node):
        self.func.append(node.name); self.generic_visit(node); self.func.pop()
    visit_FunctionDef = visit_AsyncFunctionDef = _def
    def visit_Lambda(self, node):
        self.func.append('<lambda>'); self.generic_visit(node); self.func.pop()
    def visit_ClassDef(self, node):
        # a class body runs at import time; its methods are functions (reported as Class.method)
        self.func.append(node.name + '@class'); self.generic_visit(node); self.func.pop()
    def visit_If(self, node):
        t = node.test
        is_tc = ((isinstance(t, ast.Name) and t.id == 'TYPE_CHECKING')
                 or (isinstance(t, ast.Attribute) and t.attr == 'TYPE_CHECKING'))
        self.tc += is_tc
        for n in node.body: self.visit(n)
        self.tc -= is_tc
        self.visit(node.test)
        for n in node.orelse: self.visit(n)
    def _where(self):
        names = [f for f in self.func]
        if not any(not f.endswith('@class') for f in names): return None        # module level or class body
        return '.'.join(f.removesuffix('@class') for f in names)
    def visit_Import(self, node):
        for a in node.names: self.found.append((node.lineno, 0, a.name, None, self._where(), self.tc > 0))
    def visit_ImportFrom(self, node):
        self.found.append((node.lineno, node.level, node.module, [a.name for a in node.names], self._where(),
                           self.tc > 0))


def resolve(mod: str, is_pkg: bool, level: int, name: str | None, names, mods: dict, lib: str):
    "Package modules an import statement loads (targets), or the third-party/stdlib top-level name (other)."
    if level:
        base = mod.split('.') if is_pkg else mod.split('.')[:-1]
        base = base[:len(base) - (level - 1)] if level > 1 else base
        full = '.'.join(base + ([name] if name else []))
    else: full = name
    top = full.split('.')[0]
    if top != lib: return [], top
    if full not in mods: return None, full                # no such module of the package (renamed? not exported?)
    targets = []
    parts = full.split('.')
    for i in range(len(parts), 0, -1):                    # the deepest existing module (import a.b.c loads a.b.c)
        cand = '.'.join(parts[:i])
        if cand in mods: targets.append(cand); break
    for n in names or []:                                 # from pkg import submodule
        if n != '*' and f'{full}.{n}' in mods: targets.append(f'{full}.{n}')
    if len(targets) > 1: targets = targets[1:]         # `from . import X`, `from .sub import X`: the edge is to X
    return targets, None


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--repo', type=Path, default=Path(__file__).resolve().parent.parent,
                    help='repository root (default: this one)')
    a = ap.parse_args(argv)
    repo = a.repo.resolve()
    lib, pkg, nbs = settings(repo)
    problems, info = [], []
    if not pkg.is_dir(): print(f'no package folder {pkg}'); return 1
    mods = package_modules(pkg, lib)
    chapter, chapter_nb = {}, {}                           # module -> chapter index, notebook stem
    for i, (nb, m, err) in enumerate(notebook_modules(nbs) if nbs.is_dir() else []):
        if err: problems.append(f'{nb.relative_to(repo)}: {err}'); continue
        full = f'{lib}.{m}'
        if full in chapter:
            info.append(f'{nb.relative_to(repo)} also exports to {m} (chapter {chapter_nb[full]})'); continue
        chapter[full], chapter_nb[full] = len(chapter), nb.stem
        if full not in mods:
            problems.append(f'notebook {nb.relative_to(repo)} exports {m}, but '
                            f'{pkg.relative_to(repo)}/{m.replace(".", "/")}.py is missing (not exported?)')
    packages = {m for m, p in mods.items() if p.name == '__init__.py'}   # handled specially: no chapter of their own
    for m in mods:
        if m not in packages and m not in chapter:
            problems.append(f'module {m} ({mods[m].relative_to(repo)}) is exported by no notebook '
                            '(stale file? its notebook renamed?)')

    edges = {m: [] for m in mods}                          # module -> [(target, line, where)]
    lazy_3p = []
    for m, path in mods.items():
        try: tree = ast.parse(path.read_text(encoding='utf-8'), filename=str(path))
        except SyntaxError as e:
            problems.append(f'{path.relative_to(repo)}:{e.lineno}: syntax error: {e.msg}'); continue
        v = Imports(); v.visit(tree)
        rel = path.relative_to(repo)
        for line, level, name, names, where, tc in v.found:
            targets, other = resolve(m, path.name == '__init__.py', level, name, names, mods, lib)
            if targets is None:
                problems.append(f'{rel}:{line}: imports {other}, which is no module of the package '
                                '(renamed? not exported?)' + (f' inside function {where}' if where else '')); continue
            if tc:
                if targets:
                    info.append(f'{rel}:{line}: TYPE_CHECKING-only import of {", ".join(targets)} (not an edge)')
                continue
            for t in targets:
                if t == m: continue
                edges[m].append((t, line, where))
                if where: problems.append(f'{rel}:{line}: lazy import of package module {t} inside function {where}')
            if other and where and other not in STDLIB:
                ok = other in LAZY_THIRD_PARTY_OK
                lazy_3p.append((rel, line, name if not level else other, where, ok))
                if not ok: problems.append(f'{rel}:{line}: third-party import of {name} inside function {where} '
                                           '(not in LAZY_THIRD_PARTY_OK: import it at the top, '
                                           'or whitelist it as an optional extra)')
        # importlib.import_module('pkg.x') / __import__('pkg.x'): dynamic
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)):
                f = node.func
                fname = f.attr if isinstance(f, ast.Attribute) else getattr(f, 'id', '')
                if fname in ('import_module', '__import__') and node.args[0].value.split('.')[0] in (lib, ''):
                    info.append(f'{rel}:{node.lineno}: dynamic import {fname}({node.args[0].value!r}) (not checked)')

    # later-chapter imports
    for m, es in edges.items():
        if m not in chapter: continue
        for t, line, where in es:
            if t in chapter and chapter[t] > chapter[m]:
                problems.append(f'{mods[m].relative_to(repo)}:{line}: {short(m, lib)} (chapter {chapter_nb[m]}) '
                                f'imports {short(t, lib)} of a LATER chapter ({chapter_nb[t]}), '
                                + (f'inside function {where}' if where else 'at top level'))

    # cycles: strongly connected components (Tarjan), then one concrete cycle through each
    for comp in sccs({m: sorted({t for t, *_ in es}) for m, es in edges.items()}):
        cyc = find_cycle(comp, edges, chapter)
        hops = []
        for x, y in zip(cyc, cyc[1:]):
            line, where = next((l, w) for t, l, w in edges[x] if t == y)
            hops.append(f'{short(x, lib)}->{short(y, lib)} {mods[x].relative_to(repo)}:{line} '
                        + (f'inside function {where}' if where else 'top-level'))
        members = ', '.join(short(c, lib) for c in sorted(comp, key=lambda c: chapter.get(c, -1)))
        problems.append(f'import cycle {" -> ".join(short(c, lib) for c in cyc)} '
                        f'(component: {members}; {"; ".join(hops)})')

    # table
    order = sorted(mods, key=lambda m: (m not in chapter, chapter.get(m, 0), m))
    print(f'{"module":20s} {"chapter":16s} {"imports (top-level)":44s} lazy imports (inside functions)')
    for m in order:
        top = sorted({short(t, lib) for t, _, w in edges[m] if not w})
        lazy = sorted({f'{short(t, lib)} ({w})' for t, _, w in edges[m] if w})
        ch = chapter_nb.get(m, '(package)' if m in packages else '(no notebook)')
        print(f'{short(m, lib):20s} {ch:16s} {", ".join(top) or "-":44s} {", ".join(lazy) or "-"}')
    if lazy_3p:
        print(f'\nthird-party imports inside functions (allowed: {", ".join(sorted(LAZY_THIRD_PARTY_OK))}):')
        for rel, line, name, where, ok in lazy_3p:
            print(f'  {"ok " if ok else "BAD"} {rel}:{line}: {name} inside {where}')
    if info:
        print('\nnotes:'); [print('  ' + i) for i in info]
    if problems:
        print(f'\n{len(problems)} problem(s):')
        for p in problems: print(p)
        return 1
    print(f'\nOK: {len(mods)} modules, no cycle, no import of a later chapter, no package-internal lazy import')
    return 0


def short(m, lib): return m[len(lib) + 1:] if m.startswith(lib + '.') else m


def sccs(graph):
    "Strongly connected components with a cycle (size > 1, or a self-loop), Tarjan's algorithm, iterative."
    index, low, on, stack, out, counter = {}, {}, set(), [], [], [0]
    for root in graph:
        if root in index: continue
        work = [(root, iter(graph.get(root, ())))]
        index[root] = low[root] = counter[0]; counter[0] += 1; stack.append(root); on.add(root)
        while work:
            v, it = work[-1]
            for w in it:
                if w not in index:
                    index[w] = low[w] = counter[0]; counter[0] += 1; stack.append(w); on.add(w)
                    work.append((w, iter(graph.get(w, ())))); break
                if w in on: low[v] = min(low[v], index[w])
            else:
                work.pop()
                if work: low[work[-1][0]] = min(low[work[-1][0]], low[v])
                if low[v] == index[v]:
                    comp = []
                    while True:
                        w = stack.pop(); on.discard(w); comp.append(w)
                        if w == v: break
                    if len(comp) > 1 or v in graph.get(v, ()): out.append(comp)
    return out


def find_cycle(comp, edges, chapter):
    "A shortest cycle inside one component, through its earliest-chapter member (BFS), as [a, b, ..., a]."
    comp_set, start = set(comp), min(comp, key=lambda c: (chapter.get(c, float('inf')), c))
    prev, frontier = {start: None}, [start]
    while frontier:
        nxt = []
        for v in frontier:
            for t, *_ in edges[v]:
                if t == start:
                    path = [v]
                    while prev[path[-1]] is not None: path.append(prev[path[-1]])
                    return path[::-1] + [start]           # path runs v -> ... -> start
                if t in comp_set and t not in prev: prev[t] = v; nxt.append(t)
        frontier = nxt
    return [start, start]


if __name__ == '__main__':
    sys.exit(main())
