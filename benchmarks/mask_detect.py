"""Mask detection benchmark: mean IoU of `detect_mask` over generated damages on random crops of the bundled photos,
and its speed on one core at 512x512. Prints a table.   usage: python benchmarks/mask_detect.py [--n 500] [--seed 0]"""
import argparse, time
import numpy as np, cv2
from inpaint_nb.core import bundled_photos
from inpaint_nb.damage import detection_trials, detect_mask, organiser_damage

def main():
    ap = argparse.ArgumentParser(); ap.add_argument('--n', type=int, default=500)
    ap.add_argument('--seed', type=int, default=0)
    a = ap.parse_args()
    cv2.setNumThreads(1)                                  # one core
    photos = bundled_photos()
    rows = []
    for name, fn in [('test recipe (polygons)', None), ("organisers' train damage", organiser_damage)]:
        trials = detection_trials(photos, a.n, seed=a.seed, damage_fn=fn)
        ious = np.array([t['iou'] for t in trials])
        damaged = [t['damaged'] for t in trials]
        t0 = time.perf_counter()
        for d in damaged: detect_mask(d)
        rate = len(damaged) / (time.perf_counter() - t0)
        rows.append((name, len(ious), ious.mean(), np.median(ious), (ious >= 0.9).mean(), ious.min(), rate))
    print(f"{'damage':26} {'n':>5} {'mean IoU':>9} {'median':>8} {'IoU>=0.9':>9} {'min':>7} "
          f"{'img/s (1 core, 512px)':>22}")
    for r in rows: print(f"{r[0]:26} {r[1]:5d} {r[2]:9.4f} {r[3]:8.4f} {r[4]:9.3f} {r[5]:7.3f} {r[6]:22.1f}")

if __name__ == '__main__': main()
