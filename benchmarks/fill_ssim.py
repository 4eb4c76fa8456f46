"""Masked SSIM of the hole fills (`inpaint_nb.damage.FILLS`) on real photos, with the official score.

    python benchmarks/fill_ssim.py /work/shared/photos/urban100 [--n 100] [--skip fsr] [--seed 0]

Each photo: a random 512x512 crop (a photo under 512 px is first enlarged), damaged with the competition's test
recipe (`damage.random_damage`); each fill fills the gray, and `metrics.score` scores it as a gray RGB prediction
against the colour photo: the table gives the masked SSIM term (and the whole score) per fill, and ms per image.
"""
import argparse, time
from pathlib import Path
import numpy as np, cv2, torch
from inpaint_nb.core import read_rgb
from inpaint_nb.damage import FILLS, random_damage
from inpaint_nb.metrics import score
from heldout import crop512   # the held-out benchmark's crops (benchmarks/ is on the path when run as a script)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('photos', type=Path); p.add_argument('--n', type=int, default=100)
    p.add_argument('--skip', nargs='*', default=[]); p.add_argument('--seed', type=int, default=0)
    a = p.parse_args()
    torch.set_num_threads(1); cv2.setNumThreads(1)   # per-core times
    files = sorted(f for f in a.photos.iterdir() if f.suffix.lower() in ('.png', '.jpg', '.jpeg'))[:a.n]
    rng = np.random.default_rng(a.seed)
    fills = {'flat': lambda d, m: d, **{k: f for k, f in FILLS.items() if k not in a.skip}}
    rows = {k: [] for k in fills}; secs = dict.fromkeys(fills, 0.)
    for f in files:
        gt = crop512(read_rgb(f, None), rng)
        damaged, mask = random_damage(gt, rng)
        for k, fill in fills.items():
            t0 = time.process_time(); out = fill(damaged, mask); secs[k] += time.process_time() - t0
            assert (out[~mask] == damaged[~mask]).all(), f"{k} changed known pixels"
            rows[k].append(score(gt, np.repeat(out[..., None], 3, 2), mask))
    print(f"{len(files)} photos of {a.photos}, seed {a.seed}")
    print(f"{'fill':10s} {'masked SSIM':>12s} {'score':>7s} {'ms/image':>9s}")
    for k in fills:
        ms_ = np.nanmean([r['masked_ssim'] for r in rows[k]]); sc = np.nanmean([r['score'] for r in rows[k]])
        print(f"{k:10s} {ms_:12.4f} {sc:7.4f} {1000 * secs[k] / len(files):9.1f}")


if __name__ == '__main__':
    main()
