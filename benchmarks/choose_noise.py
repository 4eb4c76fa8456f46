"""How often `choose.switches` (the rule `choose_pipeline` decides with) switches on noise, and how often it finds a
real gain: a simulation of paired per-photo differences (issue 29: 16 photos, per-image SD 0.15 which pairing cancels;
gains to resolve 0.004-0.03).

    python benchmarks/choose_noise.py                      # the grid: photos x paired SD x true gain -> P(switch)
    python benchmarks/choose_noise.py --ckpt RUN/best.pt   # + the paired SDs a run's recorded choice measured, and
                                                           #   P(switch) at those SDs and its number of photos

A switch needs mean gain > max(0.005, 2.5 SE) and most photos won; the paired differences are drawn normal."""
import argparse
import numpy as np, pandas as pd
from inpaint_nb.choose import paired_stats, switches
from inpaint_nb.checkpoint import read_checkpoint

GAINS = (-0.01, 0.0, 0.004, 0.01, 0.02, 0.03)

def switch_rate(gain: float, n: int, sd: float, sims: int = 4000, seed: int = 0) -> float:
    "P(switch) when the challenger's true mean gain is `gain` and its per-photo paired differences have SD `sd`."
    rng = np.random.default_rng(seed)
    return float(np.mean([switches(paired_stats(gain + rng.normal(0, sd, n), np.zeros(n))) for _ in range(sims)]))

def grid(photos=(16, 32, 64), sds=(0.01, 0.02, 0.05), gains=GAINS, sims: int = 4000) -> pd.DataFrame:
    rows = [dict(photos=n, paired_sd=sd, **{f'gain {g:+.3f}': switch_rate(g, n, sd, sims) for g in gains})
            for n in photos for sd in sds]
    return pd.DataFrame(rows)

def measured(ckpt) -> pd.DataFrame:
    "Each challenger of a recorded choice: its paired SD (SE x sqrt(n)), and P(switch) at that SD for `GAINS`."
    rec = read_checkpoint(ckpt, keys=('pipeline',))['pipeline']
    rows = []
    for r in rec['table']:
        if r['against'] is None: continue
        sd = r['se'] * np.sqrt(r['n'])
        rows.append(dict(factor=r['factor'], option=r['option'], against=r['against'], diff=r['diff'], paired_sd=sd,
                         n=r['n'], **{f'gain {g:+.3f}': switch_rate(g, r['n'], sd, 2000) for g in GAINS}))
    return pd.DataFrame(rows)

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--ckpt', default=None, help="a best.pt with a recorded choice ('pipeline')")
    p.add_argument('--sims', type=int, default=4000)
    a = p.parse_args()
    print('P(switch) by photos, paired SD and true gain:')
    print(grid(sims=a.sims).round(3).to_string(index=False))
    if a.ckpt: print(f'\n{a.ckpt}: the paired SDs it measured:\n' + measured(a.ckpt).round(4).to_string(index=False))
