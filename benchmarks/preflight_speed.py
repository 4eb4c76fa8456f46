"""Pre-flight speed: `inpaint_nb.data.preflight` on a 30,000-file training folder (links to demo files), against
decoding the same files fully with the package's readers (what a loader would do), measured in the same run.

    python benchmarks/preflight_speed.py [--files 30000] [--workers 8] [--decode-sample 600]

Prints the time per 1,000 files of each way and the ratio. The links point to 40 demo PNGs, so the OS cache holds
them: this measures the check itself, not a cold disk."""
import argparse, os, tempfile, time
from pathlib import Path
import pandas as pd
from inpaint_nb.core import read_gray, read_rgb
from inpaint_nb.data import make_demo_data, preflight, read_split

def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--files', type=int, default=30000); p.add_argument('--workers', type=int, default=8)
    p.add_argument('--decode-sample', type=int, default=600)
    a = p.parse_args()
    with tempfile.TemporaryDirectory() as d:
        src = make_demo_data(Path(d)/'src', n_train=20, n_test=1)
        tr = read_split(src, 'train')
        big = Path(d)/'big'; (big/'train_input').mkdir(parents=True); (big/'train_gt').mkdir()
        rows = []
        for i in range(a.files // 2):
            r = tr.iloc[i % len(tr)]; name = f'TRAIN_{i:05d}.png'
            os.symlink(r.input_path, big/'train_input'/name); os.symlink(r.gt_path, big/'train_gt'/name)
            rows.append((f'TRAIN_{i:05d}', f'./train_input/{name}', f'./train_gt/{name}'))
        pd.DataFrame(rows, columns=['ID', 'input_image_path', 'gt_image_path']).to_csv(big/'train.csv', index=False)
        preflight(src, 'train')                                               # warm up
        t = time.perf_counter(); df, problems = preflight(big, 'train', workers=a.workers, progress=False)
        t_pre = time.perf_counter() - t
        assert not problems, problems[:3]
        n = min(a.decode_sample, len(df))
        t = time.perf_counter()
        for r in df.head(n).itertuples(): read_gray(r.input_path); read_rgb(r.gt_path)
        t_dec = (time.perf_counter() - t) * len(df) / n
    per_k = lambda s: s / (2 * len(df)) * 1000
    print("| way | files | s per 1,000 files | vs full decode |\n|---|---|---|---|")
    print(f"| preflight (headers, {a.workers} threads) | {2 * len(df)} | {per_k(t_pre):.3f} | "
          f"{t_dec / t_pre:.0f}x faster |")
    print(f"| full decode (read_gray + read_rgb, 1 thread, {2 * n} sampled) | {2 * len(df)} | "
          f"{per_k(t_dec):.3f} | 1x |")

if __name__ == '__main__': main()
