"""LaMa's time per 512 px image: `inpaint_nb.lama.lama_fill` with Big LaMa (random weights: the network and its size
are what we measure, not its output), against a reference measured in the same run on the same damaged image: OpenCV
Telea inpainting (`damage.telea_fill`, the project's default prefill). The figure is the ratio LaMa / Telea in time
per image; absolute seconds are printed too. With `--ddcolor large|tiny`, DDColor (random weights, input size = --size)
colouring the LaMa-filled gray (`ddcolor.ddcolor_colorize`, luma kept) is timed the same way.

    python benchmarks/lama_speed.py                              # CPU, 512 px, Big LaMa (18 blocks, ngf 64)
    python benchmarks/lama_speed.py --device cuda --batch 8      # on the GPU, 8 images per call
    python benchmarks/lama_speed.py --size 128 --blocks 2 --repeats 2   # a quick look
    python benchmarks/lama_speed.py --device cuda --batch 8 --ddcolor large   # + DDColor-L per 512 px image

Options: --device D --size PX --batch N --blocks N --ngf N --ddcolor SIZE --repeats N --threads N --json PATH
"""
from __future__ import annotations
import argparse, json, statistics, time
import numpy as np, torch
from inpaint_nb.core import bundled_photos, resize, to_tensor
from inpaint_nb.damage import random_damage, telea_fill
from inpaint_nb.lama import build_lama, lama_fill
from inpaint_nb.ddcolor import build_ddcolor, ddcolor_colorize


def median_time(fn, repeats: int, sync=lambda: None) -> float:
    "Median seconds of `fn()` over `repeats` calls, after one warm-up call."
    fn(); sync()
    times = []
    for _ in range(repeats):
        t = time.perf_counter(); fn(); sync(); times.append(time.perf_counter() - t)
    return statistics.median(times)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--device', default='cpu', help='cpu, cuda, cuda:1')
    p.add_argument('--size', type=int, default=512, help='side of the square test image')
    p.add_argument('--batch', type=int, default=1, help='images per lama_fill call (time is reported per image)')
    p.add_argument('--blocks', type=int, default=18); p.add_argument('--ngf', type=int, default=64)
    p.add_argument('--ddcolor', choices=('large', 'tiny'), default=None,
                   help='also time DDColor of this size (random weights)')
    p.add_argument('--repeats', type=int, default=3)
    p.add_argument('--threads', type=int, default=None, help='torch CPU threads (default: torch\'s)')
    p.add_argument('--json', default=None, help='write the results here')
    a = p.parse_args(argv)
    if a.threads: torch.set_num_threads(a.threads)
    device = torch.device(a.device)
    sync = (lambda: torch.cuda.synchronize(device)) if device.type == 'cuda' else (lambda: None)

    rgb = resize(bundled_photos(('astronaut',))['astronaut'], a.size)
    damaged, hole = random_damage(rgb, rng=0)
    t_telea = median_time(lambda: telea_fill(damaged, hole), a.repeats)

    torch.manual_seed(0)
    model = build_lama(a.blocks, a.ngf).to(device).eval()
    gray = to_tensor(damaged)[None].repeat(a.batch, 1, 1, 1).to(device)
    mask = torch.from_numpy(hole)[None, None].float().repeat(a.batch, 1, 1, 1).to(device)
    t_lama = median_time(lambda: lama_fill(model, gray, mask), a.repeats, sync) / a.batch

    n_par = sum(q.numel() for q in model.parameters()) / 1e6
    rows = [('Telea (cv2, reference)', t_telea, 1.0),
            (f'LaMa {a.blocks} blocks, ngf {a.ngf} ({n_par:.1f}M), {device}, batch {a.batch}', t_lama,
             t_lama / t_telea)]
    if a.ddcolor:
        dd = build_ddcolor(a.ddcolor, a.size).to(device).eval()
        filled = lama_fill(model, gray, mask)
        with torch.no_grad(): t_dd = median_time(lambda: ddcolor_colorize(dd, filled), a.repeats, sync) / a.batch
        n_dd = sum(q.numel() for q in dd.parameters()) / 1e6
        rows.append((f'DDColor-{a.ddcolor[0].upper()} ({n_dd:.1f}M, input {a.size}), {device}, batch {a.batch}',
                     t_dd, t_dd / t_telea))
    print(f"{a.size} px image, hole {hole.mean():.1%} of it, median of {a.repeats} (after a warm-up), "
          f"{torch.get_num_threads()} torch thread(s)")
    print(f"{'method':<56} {'s/image':>9} {'x Telea':>9}")
    for name, t, r in rows: print(f"{name:<56} {t:9.3f} {r:9.1f}")
    if a.json:
        res = dict(size=a.size, batch=a.batch, device=str(device), threads=torch.get_num_threads(), telea_s=t_telea,
                   lama_s=t_lama, ratio=t_lama / t_telea, blocks=a.blocks, ngf=a.ngf)
        if a.ddcolor: res.update(ddcolor=a.ddcolor, ddcolor_s=t_dd, ddcolor_ratio=t_dd / t_telea)
        with open(a.json, 'w') as f: json.dump(res, f, indent=2)


if __name__ == '__main__':
    main()
