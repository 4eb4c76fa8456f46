"""Training input pipeline speed per CPU core at 512 px: today's (PNGs decoded every time, Telea prefill in the
loader, float items) against the new one (decoded-image cache, no prefill in the loader, uint8 items, the push-pull
fill done on the batch by the model's device), in one run.

    python benchmarks/loader_speed.py [--photos DIR] [--n 48] [--batch 16] [--work DIR]

Synthetic 512 px data: `make_demo_data` crops of the photos in DIR (default: Urban100 if present, else the bundled
photos). One process, one thread, CPU time (`time.process_time`): items/s per core. Prints the per-stage costs
(decode, damage, prefill, collate), the cache's build time per 1,000 images, the device fill per batch against Telea
per image x batch, and last: `loader Ax, prefill Bx, together Cx` (together: what a CPU-only run pays per item, the
new loader plus the fill of its batch on the CPU, against today's loader).
"""
import argparse, os, shutil, time
os.environ.setdefault("TQDM_DISABLE", "1")   # no progress bars in the figures
from pathlib import Path
import numpy as np, cv2, torch
from torch.utils.data import DataLoader, default_collate
from inpaint_nb.core import read_rgb, bundled_photos, from_bytes, scratch_dir
from inpaint_nb.damage import random_damage, telea_fill, pushpull_fill
from inpaint_nb.data import make_demo_data, read_split, RedamageDataset
from inpaint_nb.cache import open_cache

URBAN = Path(__file__).resolve().parents[2]/'shared'/'photos'/'urban100'


def cpu(fn, reps=1):
    "CPU seconds per call of `fn` (best of `reps`)."
    best = float('inf')
    for _ in range(reps):
        t0 = time.process_time(); fn(); best = min(best, time.process_time() - t0)
    return best


def per_item(ds, batch, reps=2):
    "CPU seconds per item of one pass of a DataLoader (in this process) over `ds`."
    dl = DataLoader(ds, batch_size=batch, num_workers=0)
    return cpu(lambda: [None for _ in dl], reps) / len(ds)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--photos', type=Path, default=URBAN if URBAN.is_dir() else None)
    p.add_argument('--n', type=int, default=48, help='training images (512 px) to write and read')
    p.add_argument('--batch', type=int, default=16); p.add_argument('--work', type=Path, default=None)
    a = p.parse_args()
    torch.set_num_threads(1); cv2.setNumThreads(1)
    work = a.work or scratch_dir('loader_speed')
    if a.photos:
        files = sorted(f for f in a.photos.iterdir() if f.suffix.lower() in ('.png', '.jpg', '.jpeg'))[:24]
        photos = {f.stem: read_rgb(f, None) for f in files}
    else: photos = bundled_photos()
    print(f"data: {a.n} crops at 512 px of {len(photos)} photos ({a.photos or 'bundled'}) in {work}")
    df = read_split(make_demo_data(work/'DATA', n_train=a.n, n_test=2, photos=photos, test_photos=list(photos)[:1]),
                    'train')
    t0 = time.time(); cache = open_cache(work/'cache'/'train_gt.npy', df.gt_path, progress=False)
    build = time.time() - t0
    print(f"cache build: {build / len(df) * 1000:.1f} s per 1,000 images (wall, {len(df)} images; 4 decode threads)")
    old = RedamageDataset(df, seed=0, size=512, flip=True, prefill='telea')
    new = RedamageDataset(df, seed=0, size=512, flip=True, prefill='pushpull', images=cache, uint8=True)
    t_old, t_new = per_item(old, a.batch), per_item(new, a.batch)
    # stages, per item
    gts = [read_rgb(f, None) for f in df.gt_path[:a.batch]]
    rng = np.random.default_rng(0)
    k = len(gts)
    items_old, items_new = [old[i] for i in range(k)], [new[i] for i in range(k)]
    b = default_collate(items_new)                       # both fills fill the same holes: this batch's
    dmg = [(b['damaged'][i, 0].numpy(), b['mask'][i, 0].numpy()) for i in range(k)]
    st = dict(decode=(cpu(lambda: [read_rgb(f, None) for f in df.gt_path[:k]], 2) / k,
                      cpu(lambda: [np.ascontiguousarray(cache[f][:, ::-1]) for f in df.gt_path[:k]], 2) / k),
              damage=(cpu(lambda: [random_damage(g, rng) for g in gts], 2) / k,) * 2,
              prefill=(cpu(lambda: [telea_fill(d, m) for d, m in dmg], 3) / k, 0.0))
    st['collate'] = (cpu(lambda: default_collate(items_old), 2) / k, cpu(lambda: default_collate(items_new), 2) / k)
    # the device fill, here on the CPU, per batch; a CPU-only run also pays the bytes -> float of Trainer.to_device
    d, m = from_bytes(b['damaged']), from_bytes(b['mask'])
    fill = cpu(lambda: pushpull_fill(d, m), 7)
    to_float = cpu(lambda: [from_bytes(b[key]) for key in ('damaged', 'gt', 'mask')], 3)
    telea_batch = st['prefill'][0] * k
    print(f"\n{'stage (ms/item)':18s} {'today':>8s} {'new':>8s}")
    for s, (o, n) in st.items(): print(f"{s:18s} {1000 * o:8.2f} {1000 * n:8.2f}")
    print(f"{'whole loader':18s} {1000 * t_old:8.2f} {1000 * t_new:8.2f}   "
          f"items/s per core: {1 / t_old:.0f} -> {1 / t_new:.0f}")
    print(f"prefill of a batch of {k}: Telea {1000 * telea_batch:.0f} ms (per image x{k}), "
          f"push-pull on the CPU {1000 * fill:.0f} ms")
    new_cpu = t_new + (fill + to_float) / k
    together = t_old / new_cpu
    print(f"a CPU-only run per item: today {1000 * t_old:.1f} ms, new {1000 * new_cpu:.1f} ms "
          f"(loader {1000 * t_new:.1f} + fill {1000 * fill / k:.1f} + bytes to float {1000 * to_float / k:.1f})")
    if a.work is None: shutil.rmtree(work, ignore_errors=True)
    print(f"loader {t_old / t_new:.1f}x, prefill {telea_batch / fill:.1f}x, together {together:.1f}x")


if __name__ == '__main__':
    main()
