"""Re-wrap the `__all__` list nbdev writes into each module so that no line is over 120 characters.

    python .ci/wrap_all.py          # after nbdev_export (`.ci/export` runs both, then nbdev_clean)

nbdev 2.4 wraps the list's text at 120 characters and then puts `__all__ = ` before its first line, so that line can
reach 130. This puts the same names, in the same order, on lines of at most 120. Idempotent; touches nothing else."""
import ast, re, sys, textwrap
from pathlib import Path

WIDTH = 120
ALL = re.compile(r'^__all__ = \[.*?\]$', re.S | re.M)

def wrap_all(text: str) -> str:
    m = ALL.search(text)
    if not m or max(map(len, m.group(0).splitlines())) <= WIDTH: return text
    names = ast.literal_eval(m.group(0).split('=', 1)[1].strip())
    body = ', '.join(repr(n) for n in names)
    lines = textwrap.wrap(body, WIDTH - len('__all__ = [') - 1, break_long_words=False)
    new = '__all__ = [' + ('\n' + ' ' * len('__all__ = [')).join(lines) + ']'
    assert ast.literal_eval(new.split('=', 1)[1].strip()) == names
    return text[:m.start()] + new + text[m.end():]

if __name__ == '__main__':
    root = Path(__file__).resolve().parent.parent
    for p in sorted((root/'inpaint_nb').glob('*.py')):
        if p.name == '_modidx.py': continue
        t = p.read_text(encoding='utf-8'); w = wrap_all(t)
        if w != t: p.write_text(w, encoding='utf-8'); print(f"{p.relative_to(root)}: __all__ re-wrapped", file=sys.stderr)
