"""How each chapter reads: cell sizes, back-to-back exports, markdown, pictures (issue 30).

Measures nothing in time: it reads the notebooks (JSON, never runs them) and prints one row per chapter
(`nbs/*.ipynb`, sorted by name) and a total row:

* code: code cells; exp: exported code cells (a `#| export`, `#| exports` or `#| exporti` directive);
* med exp / max exp: median and largest exported cell, in lines (non-blank lines, `#|` directives not counted);
* b2b: back-to-back exports, an exported code cell directly followed by another exported code cell (nothing between
  them shows the first one working);
* med md words: median words of a markdown cell;
* pics: outputs that carry an image/png or image/jpeg; pics/code: pictures per code cell, and "1 per N" its inverse;
  pic cells: code cells that show at least one picture.

The total row pools the cells of every chapter (medians over all cells, largest of all, sums, pooled ratio); the
"01-13" row pools the chapters numbered 01 to 13, the range issue 30's picture target speaks of (at least one
picture per eight code cells, none below one per sixteen).

usage: python benchmarks/chapter_stats.py [NBS_DIR] [--json PATH]      (plain Python standard library)
    python benchmarks/chapter_stats.py nbs > stats.md
"""
from __future__ import annotations
import argparse, json, re, statistics, sys
from pathlib import Path

EXPORT = re.compile(r'^\s*#\s*\|\s*export[si]?\b')
DIRECTIVE = re.compile(r'^\s*#\s*\|')
IMAGE_TYPES = ('image/png', 'image/jpeg')
COLUMNS = ['chapter', 'code', 'exp', 'med exp', 'max exp', 'b2b', 'med md words', 'pics', 'pics/code', '1 per N',
           'pic cells']


def source_lines(cell: dict) -> list[str]:
    "The cell's source as a list of lines (nbformat stores a string or a list of strings)."
    src = cell.get('source', '')
    return (''.join(src) if isinstance(src, list) else src).splitlines()


def is_export(cell: dict) -> bool:
    return cell.get('cell_type') == 'code' and any(EXPORT.match(l) for l in source_lines(cell))


def code_size(cell: dict) -> int:
    "Non-blank lines that are not `#|` directives."
    return sum(1 for l in source_lines(cell) if l.strip() and not DIRECTIVE.match(l))


def pictures(cell: dict) -> int:
    "Outputs of a code cell that carry an image."
    return sum(1 for o in cell.get('outputs', []) if any(t in o.get('data', {}) for t in IMAGE_TYPES))


def notebook_cells(path: Path) -> dict:
    "The raw counts of one notebook, kept per cell so that several notebooks can be pooled."
    cells = json.loads(path.read_text(encoding='utf-8'))['cells']
    code = [c for c in cells if c.get('cell_type') == 'code']
    pairs = zip(cells, cells[1:])
    return dict(code=len(code), exp_sizes=[code_size(c) for c in code if is_export(c)],
                b2b=sum(1 for a, b in pairs if is_export(a) and is_export(b)),
                md_words=[len(' '.join(source_lines(c)).split()) for c in cells if c.get('cell_type') == 'markdown'],
                pics=sum(pictures(c) for c in code), pic_cells=sum(1 for c in code if pictures(c)))


def pool(counts: list[dict]) -> dict:
    "Several notebooks' raw counts as one."
    return dict(code=sum(c['code'] for c in counts), exp_sizes=[s for c in counts for s in c['exp_sizes']],
                b2b=sum(c['b2b'] for c in counts), md_words=[w for c in counts for w in c['md_words']],
                pics=sum(c['pics'] for c in counts), pic_cells=sum(c['pic_cells'] for c in counts))


def row(name: str, c: dict) -> dict:
    "One table row from raw counts."
    med = lambda xs: statistics.median(xs) if xs else 0
    ratio = c['pics'] / c['code'] if c['code'] else 0.0
    return {'chapter': name, 'code': c['code'], 'exp': len(c['exp_sizes']), 'med exp': med(c['exp_sizes']),
            'max exp': max(c['exp_sizes'], default=0), 'b2b': c['b2b'], 'med md words': med(c['md_words']),
            'pics': c['pics'], 'pics/code': round(ratio, 3), '1 per N': round(1 / ratio, 1) if ratio else '-',
            'pic cells': c['pic_cells']}


def in_range(name: str, lo: int = 1, hi: int = 13) -> bool:
    "A chapter numbered lo..hi (the leading digits of its file name)."
    m = re.match(r'(\d+)', name)
    return bool(m) and lo <= int(m.group(1)) <= hi


def chapter_stats(nbs: Path) -> list[dict]:
    "One row per notebook of `nbs`, then the total row and the chapters 01-13 row."
    paths = sorted(nbs.glob('*.ipynb'))
    if not paths: raise FileNotFoundError(f'chapter_stats: no notebooks (*.ipynb) in {nbs}')
    counts = {p.stem: notebook_cells(p) for p in paths}
    rows = [row(k, c) for k, c in counts.items()]
    rows.append(row('total', pool(list(counts.values()))))
    rows.append(row('01-13', pool([c for k, c in counts.items() if in_range(k)])))
    return rows


def markdown(rows: list[dict]) -> str:
    "The rows as a markdown table (numbers right-aligned)."
    fmt = lambda v: f'{v:g}' if isinstance(v, float) else str(v)
    lines = ['| ' + ' | '.join(COLUMNS) + ' |', '|' + '|'.join(['---'] + ['---:'] * (len(COLUMNS) - 1)) + '|']
    lines += ['| ' + ' | '.join(fmt(r[k]) for k in COLUMNS) + ' |' for r in rows]
    return '\n'.join(lines)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('nbs', nargs='?', type=Path, default=Path('nbs'), help='folder of the notebooks (default: nbs)')
    p.add_argument('--json', type=Path, default=None, help='also write the rows here as JSON')
    a = p.parse_args(argv)
    try: rows = chapter_stats(a.nbs)
    except FileNotFoundError as e:                  # the user's folder: one line, exit 2
        print(e, file=sys.stderr); return 2
    print(f'chapter statistics of {a.nbs} ({len(rows) - 2} notebooks; sizes in non-blank lines, directives aside)\n')
    print(markdown(rows))
    if a.json: a.json.write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == '__main__':
    sys.exit(main())
