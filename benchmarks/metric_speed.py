"""Speed of the competition score: score_reference (official skimage/OpenCV formula) vs score (fast exact NumPy/OpenCV)
vs score_batch (torch, CPU and CUDA when available), on damaged 512x512 photos.

usage: python benchmarks/metric_speed.py [--n 100] [--batch 10] [--size 512] [--seed 0] [--json PATH]

reference and fast are timed image by image, alternately, so that a busy machine slows both alike; the torch path is
timed per batch (tensors prepared beforehand, quantisation included). Wall time and CPU time (all threads of the
process) are both shown: on a shared machine the CPU-time ratio is the steadier one. Also prints the largest
|difference| from the reference on each path, as a sanity check. --json writes the table (one entry per path, keyed
reference / fast / torch_cpu / auto_cpu / torch_cuda) with each path's speed-up over the reference."""
import argparse, json, time
import numpy as np, cv2, torch

from inpaint_nb.core import bundled_photos, resize, rgb_to_gray, to_tensor
from inpaint_nb.damage import random_damage
from inpaint_nb.metrics import score, score_reference, score_batch, ignore_constant_warning, TERMS

def photos_512(size):
    "Bundled colour photos, centre-cropped square and resized; skimage.data photos if the bundle is unavailable."
    try: photos = bundled_photos()
    except Exception:
        import skimage.data
        photos = {k: getattr(skimage.data, k)() for k in ('astronaut', 'chelsea', 'coffee', 'rocket')}
    out = []
    for img in photos.values():
        h, w = img.shape[:2]; s = min(h, w); y, x = (h - s) // 2, (w - s) // 2
        out.append(resize(np.ascontiguousarray(img[y:y + s, x:x + s, :3]), size))
    return out

def make_cases(n, size, seed):
    "n (gt RGB, pred RGB, mask) triples: random_damage masks, predictions gray / noisy / tinted / blurred in turn."
    rng = np.random.default_rng(seed); photos = photos_512(size); cases = []
    for i in range(n):
        gt = photos[i % len(photos)]
        _, mask = random_damage(gt, rng)
        kind = i % 4
        if kind == 0: pred = np.repeat(rgb_to_gray(gt)[..., None], 3, -1)
        elif kind == 1: pred = np.clip(gt.astype(int) + rng.integers(-30, 31, gt.shape), 0, 255).astype(np.uint8)
        elif kind == 2: pred = np.clip(gt * rng.uniform(0.7, 1.3, 3), 0, 255).astype(np.uint8)
        else: pred = cv2.GaussianBlur(gt, (9, 9), 3)
        cases.append((gt, pred, mask))
    return cases

def time_torch(cases, batch, device, backend='torch'):
    "Seconds for score_batch over all cases in batches on `device`, and its per-image results."
    batches = []
    for i in range(0, len(cases), batch):
        c = cases[i:i + batch]
        batches.append([torch.stack([to_tensor(x[j]) for x in c]).to(device) if j < 2 else
                        torch.from_numpy(np.stack([x[2] for x in c]))[:, None].to(device) for j in range(3)])
    score_batch(*batches[0], backend=backend)        # warm-up (allocator, CUDA context/kernels)
    if device == 'cuda': torch.cuda.synchronize()
    res, t, c = [], time.perf_counter(), time.process_time()
    for g, p, m in batches: res.append(score_batch(g, p, m, backend=backend))
    if device == 'cuda': torch.cuda.synchronize()
    dt, dc = time.perf_counter() - t, time.process_time() - c
    return dt, dc, {k: torch.cat([r[k] for r in res]).cpu().numpy() for k in TERMS}

def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--n', type=int, default=100); ap.add_argument('--batch', type=int, default=10)
    ap.add_argument('--size', type=int, default=512); ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--json', default=None, help='write the results here')
    a = ap.parse_args()
    cases = make_cases(a.n, a.size, a.seed)
    score(*cases[0])                                 # warm-up: allocates the per-thread scratch buffers
    t_ref = t_fast = c_ref = c_fast = 0.0; ref, fast = [], []
    for c in cases:
        t, u = time.perf_counter(), time.process_time(); ref.append(score_reference(*c))
        t_ref += time.perf_counter() - t; c_ref += time.process_time() - u
        t, u = time.perf_counter(), time.process_time(); fast.append(score(*c))
        t_fast += time.perf_counter() - t; c_fast += time.process_time() - u
    R = {k: np.array([r[k] for r in ref]) for k in TERMS}
    F_ = {k: np.array([r[k] for r in fast]) for k in TERMS}
    rows = [('score_reference (skimage/OpenCV)', t_ref, c_ref, R), ('score (fast numpy/OpenCV)', t_fast, c_fast, F_)]
    t, c, res = time_torch(cases, a.batch, 'cpu')
    rows.append((f'score_batch torch kernels, CPU (batch {a.batch})', t, c, res))
    t, c, res = time_torch(cases, a.batch, 'cpu', 'auto')
    rows.append((f'score_batch default on CPU (-> numpy, batch {a.batch})', t, c, res))
    if torch.cuda.is_available():
        t, c, res = time_torch(cases, a.batch, 'cuda')
        rows.append((f'score_batch torch kernels, CUDA (batch {a.batch}, {torch.cuda.get_device_name()})', t, c, res))
    print(f"{a.n} damaged {a.size}x{a.size} photos; torch {torch.__version__}, threads {torch.get_num_threads()}, "
          f"cv2 threads {cv2.getNumThreads()}; mean reference score {R['score'].mean():.4f}")
    print(f"{'path':58s} {'ms/image':>9s} {'speed-up':>9s} {'CPU ms/img':>11s} {'CPU speed-up':>13s} "
          f"{'max|Δ| vs ref':>14s}")
    out = dict(n=a.n, size=a.size, batch=a.batch, mean_reference_score=float(R['score'].mean()), paths={})
    for key, (name, t, c, res) in zip(['reference', 'fast', 'torch_cpu', 'auto_cpu', 'torch_cuda'], rows):
        err = max(float(np.nanmax(np.abs(res[k] - R[k]))) for k in TERMS)
        print(f"{name:58s} {t / a.n * 1e3:9.2f} {t_ref / t:8.1f}x {c / a.n * 1e3:11.2f} {c_ref / c:12.1f}x {err:14.2e}")
        out['paths'][key] = dict(name=name, ms_per_image=t / a.n * 1e3, speedup=t_ref / t,
                                 cpu_ms_per_image=c / a.n * 1e3, cpu_speedup=c_ref / c, max_abs_diff_vs_reference=err)
    if a.json: open(a.json, 'w').write(json.dumps(out, indent=2))

if __name__ == '__main__':
    with ignore_constant_warning(): main()
