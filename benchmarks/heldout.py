"""Held-out benchmark on a folder of real photos (e.g. Urban100): split BY PHOTO, train with the CLI, score officially.

    python benchmarks/heldout.py PHOTOS_DIR --minutes M [--seed S] [--work DIR] [--crops-per-photo K]
                                 [--test-frac 0.2] [--predict OPTIONS ...] [--inpainter lama] [--colorizer ddcolor]
                                 [--train-args ARG ...]

1. The photos are split by photo (seeded, 80/20 by default): no crop of a test photo is ever trained on.
2. The competition layout is written at 512 px into WORK/data: `train.csv`, `train_input/`, `train_gt/` from K random
   512x512 crops of every training photo (a photo whose short side is under 512 px is first enlarged so that it is 512;
   the training inputs get the organisers' damage, as the competition ships them), and `test.csv`, `test_input/` from
   one random crop of every test photo damaged with the competition's TEST recipe (`inpaint_nb.damage.random_damage`),
   plus the answers `test_gt/` and `test_mask/` (L, 0/255) laid out as `inpaint_nb.demo_data.make_demo_data` does.
3. `inpaint_nb train --data WORK/data --out WORK/run --minutes M --group-col source [train args]` (its
   validation split by photo too; the CLI's defaults otherwise),
   then `inpaint_nb predict` with the run's best checkpoint.
4. Everything is scored with the official scorer (`inpaint_nb.metrics.score_folder`, both SSIMs with the data range
   of the whole prediction) and one table is printed: gray copy, Telea, Telea + mean colour (the training photos'
   mean CbCr added to the Telea-filled luma, luma kept), and the model, with the training wall and CPU time.
   Each `--predict` entry is one set of `inpaint_nb predict` options scored on the same checkpoint (default: `''`, the
   defaults, i.e. the pipeline the run chose on its own validation photos when training ended, and the four fixed
   pipelines `--prefill as-trained|fsr` x `--hues model|prior`); Telea + the run's hue prior is scored too.
5. `--json` also keeps every predict entry's per-image scores; `--pool A.json B.json ...` (no training) reads such files
   of several seeds and prints, per split and pooled, the defaults minus each fixed pipeline: mean paired difference,
   its standard error and the photos the defaults win (`python benchmarks/heldout.py --pool runs/heldout_seed*/h.json`).
   A checkpoint from before hue priors gets one fitted here as training fits it (`*_prior.pt` beside it).
   `--inpainter`/`--colorizer` (and their `-weights`) go to every predict; with `--skip-train` they are scored alone,
   with no checkpoint (zero-shot pretrained models).

A smoke test: `python benchmarks/heldout.py ../shared/photos/urban100 --minutes 0.5 --crops-per-photo 2`.
Only public functions of the package and its CLI are used; imports are defensive, with plain OpenCV fallbacks.
"""
from __future__ import annotations
import argparse, json, resource, shlex, shutil, subprocess, sys, time
from pathlib import Path
import numpy as np, pandas as pd, cv2, torch
from inpaint_nb.core import read_rgb, write_png, to_tensor, to_image
from inpaint_nb.files import save_figure
from inpaint_nb.damage import random_damage, organiser_damage, detect_mask, telea_fill
from inpaint_nb.data import split_photos
from inpaint_nb.colour import rgb_to_chroma, chroma_to_rgb, apply_hue_prior
from inpaint_nb.callbacks import HuePriorCallback
from inpaint_nb.metrics import score_folder

IMG = 512


def load_photos(folder) -> dict:
    exts = ('.png', '.jpg', '.jpeg', '.bmp', '.tif', '.tiff', '.webp')
    files = sorted(p for p in Path(folder).iterdir() if p.suffix.lower() in exts)
    if len(files) < 5: raise SystemExit(f"heldout.py: {folder}: need at least 5 photos, found {len(files)}")
    return {p.stem: read_rgb(p, size=None) for p in files}


def crop512(photo: np.ndarray, rng: np.random.Generator, size: int = IMG, flip: bool = True) -> np.ndarray:
    """A random size x size crop; a photo with a side under `size` is enlarged first (bicubic) so its short side is
    `size`."""
    h, w = photo.shape[:2]
    if min(h, w) < size:
        s = size / min(h, w)
        photo = cv2.resize(photo, (max(size, round(w * s)), max(size, round(h * s))), interpolation=cv2.INTER_CUBIC)
        h, w = photo.shape[:2]
    y, x = int(rng.integers(0, h - size + 1)), int(rng.integers(0, w - size + 1))
    crop = photo[y:y + size, x:x + size]
    if flip and rng.random() < 0.5: crop = crop[:, ::-1]
    return np.ascontiguousarray(crop)




def build_layout(photos: dict, train_names, test_names, out: Path, crops_per_photo: int, seed: int) -> Path:
    "The competition layout at 512 px (train from the train photos, test + answers from the test photos)."
    if out.exists(): shutil.rmtree(out)
    rng = np.random.default_rng([seed, 1])
    train_rows, test_rows = [], []
    i = 0
    for _ in range(crops_per_photo):     # crop k of every photo, then crop k+1: a capped validation fold (max_val
        for name in train_names:          # rows, split by photo) holds one crop of each of its photos, not all of two
            gt = crop512(photos[name], rng)
            id = f'TRAIN_{i:05d}'; i += 1
            damaged, _ = organiser_damage(gt, rng)
            write_png(out/'train_gt'/f'{id}.png', gt); write_png(out/'train_input'/f'{id}.png', damaged)
            train_rows.append((id, f'./train_input/{id}.png', f'./train_gt/{id}.png', name))
    rng = np.random.default_rng([seed, 2])
    for k, name in enumerate(test_names):
        gt = crop512(photos[name], rng, flip=False)
        damaged, mask = random_damage(gt, rng)
        id = f'TEST_{k:03d}'
        write_png(out/'test_input'/f'{id}.png', damaged); write_png(out/'test_gt'/f'{id}.png', gt)
        write_png(out/'test_mask'/f'{id}.png', mask.astype(np.uint8) * 255)
        test_rows.append((id, f'./test_input/{id}.png', name))
    columns = ['ID', 'input_image_path', 'gt_image_path', 'source']
    pd.DataFrame(train_rows, columns=columns).to_csv(out/'train.csv', index=False)
    pd.DataFrame(test_rows, columns=['ID', 'input_image_path', 'source']).to_csv(out/'test.csv', index=False)
    return out


# ---- baselines ---------------------------------------------------------------------------------------------------
def mean_chroma(photos: dict, names) -> torch.Tensor:
    "Mean (Cb, Cr) over all pixels of the training photos, as a 1x2x1x1 tensor."
    return torch.stack([rgb_to_chroma(to_tensor(photos[n])[None]).mean((2, 3)) for n in names]).mean(0)[..., None, None]


def write_baselines(data: Path, out: Path, chroma) -> dict:
    "PNG folders of the three baselines: gray copy, Telea, Telea + mean colour (luma kept), on the detected mask."
    dirs = {k: out/k for k in ('gray', 'telea', 'telea_mean_colour')}
    for id in pd.read_csv(data/'test.csv').ID:
        damaged = cv2.imread(str(data/'test_input'/f'{id}.png'), cv2.IMREAD_GRAYSCALE)
        telea = telea_fill(damaged, detect_mask(damaged))
        write_png(dirs['gray']/f'{id}.png', np.repeat(damaged[..., None], 3, 2))
        write_png(dirs['telea']/f'{id}.png', np.repeat(telea[..., None], 3, 2))
        y = to_tensor(telea)[None]
        mean_colour = chroma_to_rgb(y, chroma.expand(1, 2, *y.shape[-2:]))
        write_png(dirs['telea_mean_colour']/f'{id}.png', to_image(mean_colour[0]))   # CxHxW -> HxWx3
    return dirs


def ensure_hue_prior(ckpt: Path, data: Path) -> Path:
    """`ckpt` if it carries a hue prior (runs trained since priors exist); else a copy `ckpt_prior.pt` with one fitted
    here by `HuePriorCallback`, as training fits it (on all of data/train_gt: training leaves its validation fold
    out)."""
    sd = torch.load(ckpt, map_location='cpu', weights_only=True)
    if (sd.get('cbs') or {}).get('hueprior'): return ckpt
    cb = HuePriorCallback(sorted((data/'train_gt').glob('*.png')), seed=(sd.get('config') or {}).get('seed', 0))
    cb.fit()
    sd.setdefault('cbs', {})[cb.name] = cb.state_dict()
    out = ckpt.with_name(ckpt.stem + '_prior.pt'); torch.save(sd, out)
    return out


def write_telea_prior(data: Path, telea_dir: Path, ckpt: Path, out: Path) -> Path:
    "Telea + the run's hue prior, no network: what the prior alone earns."
    prior = torch.load(ckpt, map_location='cpu', weights_only=True)['cbs']['hueprior']['prior'].numpy()
    for f in sorted(telea_dir.glob('*.png')): write_png(out/f.name, apply_hue_prior(read_rgb(f, None), prior))
    return out


# ---- scoring -----------------------------------------------------------------------------------------------------
def score(data: Path, pred) -> dict:
    "Official means over the test images (`score_folder`: both SSIMs with the data range of the whole prediction)."
    return score_folder(data/'test_gt', pred, data/'test_mask')[1]


def write_picture(data: Path, telea_dir: Path, model_zip: Path, path: Path, n: int = 4):
    "damaged | Telea | model | truth for the first `n` test images, as a JPEG (a picture of held-out restorations)."
    import zipfile, matplotlib; matplotlib.use('Agg')
    from inpaint_nb.core import show_images
    ids = list(pd.read_csv(data/'test.csv').ID[:n]); imgs, titles = [], []
    with zipfile.ZipFile(model_zip) as z:
        for id in ids:
            png = np.frombuffer(z.read(f'{id}.png'), np.uint8)
            model = cv2.cvtColor(cv2.imdecode(png, cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)
            imgs += [cv2.imread(str(data/'test_input'/f'{id}.png'), cv2.IMREAD_GRAYSCALE),
                     read_rgb(telea_dir/f'{id}.png', None), model, read_rgb(data/'test_gt'/f'{id}.png', None)]
            titles += [f'{id} damaged', 'Telea', 'model', 'truth']
    fig = show_images(imgs, titles, ncols=4, size=2.2)
    return save_figure(fig, path, dpi=70, pil_kwargs=dict(quality=85))


FIXED = tuple(f'--prefill {f} --hues {h}' for f in ('as-trained', 'fsr') for h in ('model', 'prior'))


def paired(a: dict, b: dict) -> dict:
    "Mean, standard error and wins of the per-image differences a - b over the images both scored."
    d = np.array([a[k] - b[k] for k in a if k in b])
    se = d.std(ddof=1) / np.sqrt(len(d)) if len(d) > 1 else np.nan
    return dict(n=len(d), diff=d.mean(), se=se, wins=int((d > 0).sum()))


def pool(files) -> pd.DataFrame:
    "The defaults ('') minus each fixed pipeline, per split (one --json file each) and pooled over the splits."
    runs = {}
    for f in files:                   # one split per file, named by its seed (files in one folder kept apart)
        d = json.loads(Path(f).read_text())
        runs[f"seed {d['seed']}" if 'seed' in d and f"seed {d['seed']}" not in runs else str(f)] = d['per_image']
    rows = []
    for opts in sorted({o for r in runs.values() for o in r if o}):
        for name, r in runs.items():
            if opts in r and '' in r: rows.append(dict(fixed=opts, split=name, **paired(r[''], r[opts])))
        both = [(r[''], r[opts]) for r in runs.values() if opts in r and '' in r]
        allp = {f'{i}/{k}': v for i, (d, _) in enumerate(both) for k, v in d.items()}
        allq = {f'{i}/{k}': v for i, (_, f) in enumerate(both) for k, v in f.items()}
        rows.append(dict(fixed=opts, split='pooled', **paired(allp, allq)))
    table = pd.DataFrame(rows).set_index(['fixed', 'split'])
    print("the defaults (the run's choice) minus each fixed pipeline, "
          "per-image paired differences of the official score:")
    print(table.to_string(float_format=lambda v: f'{v:+.4f}'))
    return table


def _cli():
    exe = shutil.which('inpaint_nb')
    return [exe] if exe else [sys.executable, '-m', 'inpaint_nb.cli']


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN); return r.ru_utime + r.ru_stime


def run_cli(args, log: Path) -> tuple:
    "Run `inpaint_nb ARGS`, output to `log`: (wall s, CPU s of the child)."
    cpu0, t0 = _children_cpu(), time.perf_counter()
    with open(log, 'w') as f:
        r = subprocess.run([*_cli(), *args], stdout=f, stderr=subprocess.STDOUT)
    wall, cpu = time.perf_counter() - t0, _children_cpu() - cpu0
    if r.returncode != 0:
        tail = log.read_text()[-3000:]
        raise SystemExit(f"heldout.py: `inpaint_nb {' '.join(map(str, args))}` failed (exit {r.returncode}); "
                         f"log {log}:\n{tail}")
    return wall, cpu


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('photos', type=Path, nargs='?', help='folder of colour photos (e.g. Urban100 HR PNGs)')
    p.add_argument('--minutes', type=float, default=None, help='training budget passed to `inpaint_nb train --minutes`')
    p.add_argument('--pool', type=Path, nargs='+', default=None, metavar='JSON',
                   help="no training: pool the per-image scores of these --json files (one per seed) and print the "
                        "defaults' paired differences to each fixed pipeline")
    p.add_argument('--seed', type=int, default=0, help='seed of the photo split, the crops and the damage')
    p.add_argument('--work', type=Path, default=None, help='work folder (default: runs/heldout_seedS)')
    p.add_argument('--test-frac', type=float, default=0.2)
    p.add_argument('--crops-per-photo', type=int, default=8, help='random 512 px training crops per training photo')
    p.add_argument('--skip-train', action='store_true', help='baselines only (no training)')
    p.add_argument('--reuse-run', action='store_true',
                   help="keep WORK/run's checkpoint if there is one (score other --tta)")
    p.add_argument('--predict', nargs='*', default=['', *FIXED], metavar='OPTIONS',
                   help="sets of `inpaint_nb predict` options to score the model with, one quoted string each "
                        "('' = the defaults; e.g. '--tta d4' '--prefill fsr --hues prior')")
    p.add_argument('--inpainter', default=None, help='`predict --inpainter` for every prediction (e.g. lama)')
    p.add_argument('--inpainter-weights', default=None, help='`predict --inpainter-weights` (a local LaMa checkpoint)')
    p.add_argument('--colorizer', default=None, help='`predict --colorizer` for every prediction (e.g. ddcolor)')
    p.add_argument('--colorizer-weights', default=None, help='`predict --colorizer-weights` (local DDColor weights)')
    p.add_argument('--json', type=Path, default=None, help='also write the table as JSON here')
    p.add_argument('--train-args', nargs=argparse.REMAINDER, default=[],
                   help='everything after this goes to `inpaint_nb train` (e.g. --train-args --set ema=0.99)')
    a = p.parse_args(argv)
    if a.pool: return pool(a.pool)
    if a.photos is None or a.minutes is None:
        raise SystemExit("heldout.py: give PHOTOS and --minutes (or --pool JSON ...)")
    if not a.photos.is_dir(): raise SystemExit(f"heldout.py: {a.photos}: folder not found")
    work = a.work or Path('runs')/f'heldout_seed{a.seed}'
    work.mkdir(parents=True, exist_ok=True)
    data, run, preds = work/'data', work/'run', work/'preds'

    photos = load_photos(a.photos)
    train_names, test_names = split_photos(photos, a.test_frac, a.seed)
    print(f"{len(photos)} photos: {len(train_names)} train, {len(test_names)} held out (seed {a.seed})", flush=True)
    build_layout(photos, train_names, test_names, data, a.crops_per_photo, a.seed)
    (work/'split.json').write_text(json.dumps(dict(train=train_names, test=test_names), indent=1))
    chroma = mean_chroma(photos, train_names)
    dirs = write_baselines(data, preds, chroma)

    pretrained = [x for k in ('inpainter', 'inpainter_weights', 'colorizer', 'colorizer_weights') if getattr(a, k)
                  for x in (f"--{k.replace('_', '-')}", str(getattr(a, k)))]
    rows = {'gray copy': score(data, dirs['gray']), 'Telea': score(data, dirs['telea']),
            'Telea + mean colour': score(data, dirs['telea_mean_colour'])}
    times, per_image = {}, {}
    if not a.skip_train:
        if not (a.reuse_run and (run/'best.pt').is_file()):
            if run.exists(): shutil.rmtree(run)
            # the run validates (and chooses its pipeline) on photos it never trained on, as the test: its K crops
            # of one photo stay on one side of its split (train.csv's `source`), unless --train-args say otherwise
            by_photo = [] if any('group' in x for x in a.train_args) else ['--group-col', 'source']
            wall, cpu = run_cli(['train', '--data', str(data), '--out', str(run), '--minutes', str(a.minutes),
                                 *by_photo, *a.train_args], work/'train.log')
            times = dict(train_wall_s=wall, train_cpu_s=cpu)
        ckpt = next((run/n for n in ('best.pt', 'last.pt') if (run/n).is_file()), None)
        if ckpt is None: raise SystemExit(f"heldout.py: no best.pt or last.pt in {run}; see {work/'train.log'}")
        prior_ckpt = ensure_hue_prior(ckpt, data)
        rows['Telea + hue prior'] = score(data, write_telea_prior(data, dirs['telea'], prior_ckpt, preds/'telea_prior'))
        for k, opts in enumerate(a.predict):
            zp = preds/f'model_{k}.zip'
            pw, _ = run_cli(['predict', '--data', str(data), '--ckpt', str(prior_ckpt), '--out', str(zp),
                             *shlex.split(opts), *pretrained], work/'predict.log')
            times[f'predict_{k}_wall_s'] = pw
            pi = score_folder(data/'test_gt', zp, data/'test_mask')[0]
            per_image[opts] = {str(n): float(v) for n, v in zip(pi['name'], pi['score'])}
            with_pretrained = ' ' + ' '.join(pretrained) if pretrained else ''
            rows[f"model ({ckpt.name}, predict {opts or 'defaults'}{with_pretrained})"] = score(data, zp)
    elif pretrained:
        zp = preds/'pretrained.zip'
        pw, _ = run_cli(['predict', '--data', str(data), '--out', str(zp), *pretrained], work/'predict.log')
        times['predict_pretrained_wall_s'] = pw
        rows[f"pretrained, no checkpoint ({' '.join(pretrained)})"] = score(data, zp)

    table = pd.DataFrame(rows).T[['score', 'ssim', 'masked_ssim', 'hist']]
    if not a.skip_train and a.predict:
        pic = write_picture(data, dirs['telea'], preds/'model_0.zip', work/'heldout.jpg')
        print(f"picture: {pic}")
    print(f"\nheld-out official score, {len(test_names)} photos never trained on ({data}):")
    print(table.to_string(float_format=lambda v: f'{v:.4f}'))
    if times: print('; '.join(f"{k} {v:.0f}" for k, v in times.items()) + f" (budget --minutes {a.minutes})")
    if a.json:
        a.json.parent.mkdir(parents=True, exist_ok=True)
        a.json.write_text(json.dumps(dict(seed=a.seed, minutes=a.minutes, n_test=len(test_names), **times,
                                          rows={k: {t: float(v) for t, v in r.items()} for k, r in rows.items()},
                                          per_image=per_image), indent=1))
    return table


if __name__ == '__main__':
    main()
