"""Zero-shot check of the released pretrained weights, for a machine WITH the internet (and a GPU if there is one):
downloads Big LaMa (`load_lama()`: Hub smartywu/big-lama, big-lama.zip) and DDColor-L and -T (`load_ddcolor()`:
piddnad/ddcolor_modelscope, piddnad/ddcolor_paper_tiny), reports each load (tensors matched, missing, unexpected),
then restores the test inputs of demo data (`data.make_demo_data`) or of `--data DIR` (test_input/ with the answers
test_gt/ and test_mask/) zero-shot: `detect_mask` -> `lama_fill` -> `ddcolor_colorize` (the gray's luma kept), and
scores them with the official score (`metrics.score`, the true masks) against Telea (+ gray) in a table.

    python benchmarks/pretrained_check.py                          # download, 16 demo test photos at 512 px, table
    python benchmarks/pretrained_check.py --data DIR --n 100       # your answers: DIR/test_input, test_gt, test_mask
    python benchmarks/pretrained_check.py --lama big-lama/models/best.ckpt --ddcolor ddcolor_modelscope/ \
        --ddcolor-tiny ddcolor_paper_tiny/
    python benchmarks/pretrained_check.py --random-weights tiny    # smoke test: tiny seeded LaMa/DDColor-T written to
                                                                   # files and loaded from them, 4 images at 64 px
Weights that cannot be had (offline, HF_HUB_OFFLINE=1) or bad files/data: one line, exit 2.
Options: --device D --n N --size PX --tta none|flip|d4 --json PATH --keep DIR (write the restored PNGs there)
"""
from __future__ import annotations
import argparse, contextlib, io, json, os, sys, tempfile, time
from pathlib import Path
import numpy as np, torch, safetensors.torch
from inpaint_nb.core import InpaintError, read_gray, read_rgb, to_tensor, to_image, write_png, default_device
from inpaint_nb.damage import detect_mask, telea_fill, mask_iou
from inpaint_nb.data import make_demo_data
from inpaint_nb.metrics import score, score_means
from inpaint_nb.lama import LAMA_HUB, build_lama, seeded_weights, load_lama, lama_fill
from inpaint_nb.ddcolor import DDCOLOR_REPOS, build_ddcolor, seeded_state_dict, load_ddcolor, ddcolor_colorize


def write_random_weights(folder: Path) -> dict:
    """Seeded tiny weights written as a user would have them: a LaMa generator state dict, a DDColor-T Hub folder
    (64 px)."""
    lama = build_lama(2, 16)
    torch.save(seeded_weights(lama.state_dict()), folder/'lama_tiny.pt')
    dd = folder/'ddcolor_tiny'; dd.mkdir()
    safetensors.torch.save_file(seeded_state_dict(build_ddcolor('tiny', 64).state_dict()), str(dd/'model.safetensors'))
    (dd/'config.json').write_text(json.dumps(dict(encoder_name='convnext-t', decoder_name='MultiScaleColorDecoder',
                                                  input_size=[64, 64], num_output_channels=2, last_norm='Spectral',
                                                  num_queries=100, num_scales=3, dec_layers=9)))
    return dict(lama=folder/'lama_tiny.pt', colorizers={'DDColor-T (random)': (dd, 'tiny')})


def load_all(lama_src, colorizers: dict, device) -> tuple:
    """Big LaMa and each DDColor, with a one-line report of each load; every source that cannot be had, named in one
    InpaintError."""
    models, report, failed = {}, [], []
    try:
        lama = load_lama(lama_src, device)
        report.append(f"LaMa ({lama_src or f'Hub {LAMA_HUB[0]}/{LAMA_HUB[1]}'}): "
                      f"all {len(lama.state_dict())} generator tensors "
                      f"matched ({sum(p.numel() for p in lama.parameters()) / 1e6:.2f}M parameters; "
                      "load_lama refuses any missing or unexpected key)")
    except InpaintError as e: failed.append((lama_src, f'{LAMA_HUB[0]}/{LAMA_HUB[1]}', e))
    for name, (src, size) in colorizers.items():
        out = io.StringIO()
        try:
            with contextlib.redirect_stdout(out): models[name] = load_ddcolor(src, size=size, device=device)
            n = len(models[name].state_dict())
            report.append(f"{name} ({src or f'Hub {DDCOLOR_REPOS[size]}'}): " +
                          (out.getvalue().strip().removeprefix('warning: ')
                           or f"all {n} tensors matched (0 missing, 0 unexpected)"))
        except InpaintError as e: failed.append((src, DDCOLOR_REPOS[size], e))
    if bad := [e for src, _, e in failed if src is not None]: raise bad[0]     # a local file: its own one line
    if failed:
        offline = os.environ.get('HF_HUB_OFFLINE', '').lower() in ('1', 'true', 'yes', 'on')
        raise InpaintError(f"could not fetch {', '.join(hub for _, hub, _ in failed)} "
                           f"({'HF_HUB_OFFLINE is set' if offline else failed[0][2]}); "
                           "with the internet this script downloads them, or pass local copies: "
                           "--lama PATH --ddcolor PATH --ddcolor-tiny PATH")
    return lama, models, report


def test_items(data: Path, n: int):
    "(id, damaged gray, gt RGB, true mask) of the first `n` test photos that have answers."
    ids = sorted(p.stem for p in (data/'test_input').glob('*.png'))[:n]
    if not ids: raise InpaintError(f"{data}/test_input: no PNG files")
    for d in ('test_gt', 'test_mask'):
        if not (data/d).is_dir(): raise InpaintError(f"{data}/{d}: not found (the answers this check scores against)")
    for i in ids: yield (i, read_gray(data/'test_input'/f'{i}.png', None), read_rgb(data/'test_gt'/f'{i}.png', None),
                         read_gray(data/'test_mask'/f'{i}.png', None) > 0)


def restore_all(items, lama, colorizers: dict, device, tta: str, keep: Path | None) -> tuple:
    "Scores of every method on every item, seconds per image per method, mean mask IoU of the detection."
    rows, secs, ious = {}, {}, []
    def add(method, i, rgb, gt, mask, t):
        rows.setdefault(method, []).append(dict(name=i, **score(gt, rgb, mask))); secs[method] = secs.get(method, 0) + t
        if keep: write_png(keep/method.replace(' ', '_')/f'{i}.png', rgb)
    for i, gray, gt, true_mask in items:
        t = time.perf_counter(); hole = detect_mask(gray); t_detect = time.perf_counter() - t
        ious.append(mask_iou(hole, true_mask))
        t = time.perf_counter(); telea = telea_fill(gray, hole); t_telea = t_detect + time.perf_counter() - t
        add('Telea (gray)', i, np.repeat(telea[..., None], 3, 2), gt, true_mask, t_telea)
        g, m = to_tensor(gray)[None].to(device), torch.from_numpy(hole)[None, None].float().to(device)
        t = time.perf_counter()
        with torch.no_grad(): filled = lama_fill(lama, g, m)
        sync(device); t_lama = t_detect + time.perf_counter() - t
        add('LaMa (gray)', i, np.repeat(to_image(filled[0])[..., None], 3, 2), gt, true_mask, t_lama)
        for name, model in colorizers.items():
            for fill, base, t0 in (('Telea', to_tensor(telea)[None].to(device), t_telea), ('LaMa', filled, t_lama)):
                t = time.perf_counter()
                with torch.no_grad(): rgb = ddcolor_colorize(model, base, tta)
                sync(device); add(f'{fill} + {name}', i, to_image(rgb[0]), gt, true_mask, t0 + time.perf_counter() - t)
    return rows, {k: v / len(rows[k]) for k, v in secs.items()}, float(np.mean(ious))


def sync(device):
    if torch.device(device).type == 'cuda': torch.cuda.synchronize(device)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--data', type=Path, default=None,
                   help='a folder with test_input/, test_gt/, test_mask/ (default: demo data)')
    p.add_argument('--lama', default=None,
                   help="Big LaMa's best.ckpt or the unzipped big-lama/ folder (default: download)")
    p.add_argument('--ddcolor', default=None,
                   help='DDColor-L: a Hub folder or a .safetensors/.pth file (default: download)')
    p.add_argument('--ddcolor-tiny', default=None, help='DDColor-T, the same (default: download)')
    p.add_argument('--random-weights', choices=('tiny',), default=None,
                   help='smoke test: seeded tiny weights written to files, 4 images at 64 px')
    p.add_argument('--device', default=None, help='cpu, cuda (default: the GPU when there is one)')
    p.add_argument('--n', type=int, default=None, help='test photos to restore (default: 16; 4 with --random-weights)')
    p.add_argument('--size', type=int, default=None,
                   help='side of the demo photos (default 512; 64 with --random-weights)')
    p.add_argument('--tta', default='none', choices=('none', 'flip', 'd4'), help="DDColor's test-time augmentation")
    p.add_argument('--json', type=Path, default=None, help='write the table here')
    p.add_argument('--keep', type=Path, default=None, help='write the restored PNGs here, a folder per method')
    a = p.parse_args(argv)
    small = a.random_weights == 'tiny'
    n, size = a.n or (4 if small else 16), a.size or (64 if small else 512)
    device = torch.device(a.device) if a.device else default_device()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        try:
            if small: w = write_random_weights(tmp)
            else: w = dict(lama=a.lama, colorizers={'DDColor-L': (a.ddcolor, 'large'),
                                                    'DDColor-T': (a.ddcolor_tiny, 'tiny')})
            t = time.perf_counter()
            lama, colorizers, report = load_all(w['lama'], w['colorizers'], device)
            print(f"weights loaded in {time.perf_counter() - t:.1f} s on {device}:", *report, sep='\n  ')
            data = a.data or make_demo_data(tmp/'demo', n_train=1, n_test=n, size=size, seed=0)
            rows, secs, iou = restore_all(test_items(Path(data), n), lama, colorizers, device, a.tta, a.keep)
        except InpaintError as e:
            print(f"pretrained_check: {e}", file=sys.stderr); return 2
    means = {k: score_means(v) for k, v in rows.items()}
    n_done = len(next(iter(rows.values())))
    print(f"\n{n_done} test photos of {data if a.data else f'demo data ({size} px)'}, holes found by detect_mask "
          f"(mean IoU with the truth {iou:.3f}), scored on the true masks; DDColor tta={a.tta}")
    print(f"{'method':<28} {'score':>7} {'ssim':>7} {'masked':>7} {'hue':>7} {'s/image':>8}")
    for k, m in means.items():
        print(f"{k:<28} {m['score']:7.4f} {m['ssim']:7.4f} {m['masked_ssim']:7.4f} {m['hist']:7.4f} {secs[k]:8.3f}")
    if a.json: a.json.write_text(json.dumps(dict(device=str(device), n=n_done, mask_iou=iou, report=report, tta=a.tta,
                                                 methods={k: dict(means[k], s_per_image=secs[k]) for k in means}),
                                            indent=2))
    return 0


if __name__ == '__main__':
    sys.exit(main())
