"""Inference throughput: restoring N test inputs into a checked submission zip with `inpaint_nb predict`.

What is timed is the whole user-facing job, `inpaint_nb predict --data DIR --ckpt best.pt --out sub.zip` (process start,
model load, reading the inputs, mask detection, prefill, the network, writing and checking the zip), then
`inpaint_nb check-submission` is run on the zip and must say OK. The reference, measured in the same run, is the same
command on `--ref-device` (default: cpu) over the first `--ref-n` test inputs; the figure is the speed-up in images/s.

The checkpoint comes from one short epoch of `inpaint_nb train` on a few demo images (weights are not what we measure;
the network and its size are: by default the `gpu` preset on CUDA, i.e. the two-stage ResNet-34 at 512 px, with random
encoder init so nothing is downloaded; the `tiny` preset on CPU). Only the `inpaint_nb` command line is used (and the
documented competition layout: test.csv, test_input/), so the script survives re-laid-out package modules.

    python benchmarks/inference_speed.py --device cuda                  # 100 test images at 512 px
    python benchmarks/inference_speed.py --device cpu --n-test 8 --size 64 --ref-n 4
    python benchmarks/inference_speed.py --device cpu --ref-n 0 --predict '' '--prefill as-trained --hues model'

Each `--predict` entry (default: '', predict's defaults) is one set of `inpaint_nb predict` options, timed on all the
test inputs, `--repeat` times (default 3): the median is reported. `--against DIR` also times another copy of the
package (a clone of an older commit: DIR is put first on PYTHONPATH), interleaved run by run with this one so that both
see the same load, on the same checkpoint and data; give an explicit pipeline (options both versions accept):

    python benchmarks/inference_speed.py --device cpu --ref-n 0 --n-test 100 --against /tmp/base \
        --predict '--prefill telea --hues model --tta none --workers 2'

`--fills` also times each hole fill alone per 512 px test input (`damage.FILLS` on the CPU, one thread), as a ratio
against Telea measured in the same run: what `--prefill auto`'s FSR costs an image.

Options: --device D --n-test N --n-train N --size PX --config PRESET --ref-device D --ref-n N --predict OPTS ... --fills
         --repeat N --against DIR --work DIR --json PATH
"""
from __future__ import annotations
import argparse, csv, json, os, shlex, shutil, statistics, subprocess, sys, tempfile, time
from pathlib import Path


def _child_cpu() -> float:
    "User + system CPU seconds of the finished child processes so far."
    import resource
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def cli(*args, log=None, timeout=None, package=None):
    """Run `inpaint_nb ARGS...` (the console script, or `python -m inpaint_nb.cli` when it is not on PATH); raise on
    failure. `package`: a folder holding another copy of the package, put first on PYTHONPATH."""
    exe = shutil.which('inpaint_nb')
    cmd = ([exe] if exe else [sys.executable, '-m', 'inpaint_nb.cli']) + [str(x) for x in args]
    path = os.pathsep.join([str(package), os.environ.get('PYTHONPATH', '')])
    env = None if package is None else {**os.environ, 'PYTHONPATH': path}
    t, c = time.perf_counter(), _child_cpu()
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=timeout, env=env)
    dt = time.perf_counter() - t
    cli.cpu = _child_cpu() - c            # CPU seconds of that process: steadier than wall on a shared box
    if log: log.write(f"$ {' '.join(cmd)}\n{r.stdout}\n[{dt:.1f} s, rc {r.returncode}]\n"); log.flush()
    if r.returncode:
        raise SystemExit(f"`inpaint_nb {' '.join(map(str, args))}` failed (rc {r.returncode}):\n{r.stdout[-3000:]}")
    return dt, r.stdout


def subset(data: Path, out: Path, n: int) -> Path:
    "A competition-layout folder with the first `n` rows of test.csv and their inputs (linked, not copied)."
    out.mkdir(parents=True, exist_ok=True)
    with open(data / 'test.csv', newline='') as f: rows = list(csv.reader(f))
    with open(out / 'test.csv', 'w', newline='') as f: csv.writer(f).writerows(rows[:n + 1])
    for p in data.iterdir():                               # everything else (train files, answers) as is
        if p.name not in ('test.csv', 'test_input'): os.symlink(p.resolve(), out / p.name)
    (out / 'test_input').mkdir()
    col = next((i for i, c in enumerate(rows[0]) if 'input' in c.lower()), None)   # input_image_path
    if col is not None: names = [Path(r[col]).name for r in rows[1:n + 1]]
    else: names = [q.name for q in (data / 'test_input').iterdir()]
    for name in names: os.symlink((data / 'test_input' / name).resolve(), out / 'test_input' / name)
    return out


def fill_times(data: Path, n: int) -> dict:
    "Seconds per image of each per-image fill of `damage.FILLS` (and the device fills on the CPU) on `n` test inputs."
    import torch
    from inpaint_nb.core import read_gray, to_tensor
    from inpaint_nb.damage import FILLS, detect_mask
    torch.set_num_threads(1)
    grays = [read_gray(p, None) for p in sorted((data / 'test_input').glob('*.png'))[:n]]
    masks = [detect_mask(g) for g in grays]
    out = {}
    for name, f in FILLS.items():
        if f.device_fn is None: run = lambda: [f.fn(g, m) for g, m in zip(grays, masks)]
        else:
            d = torch.stack([to_tensor(g) for g in grays])
            m = torch.stack([torch.from_numpy(x)[None].float() for x in masks])
            run = lambda: f.device_fn(d, m)
        try:
            t = time.perf_counter(); run(); out[name] = (time.perf_counter() - t) / len(grays)
        except Exception as e: print(f"fill {name}: skipped ({type(e).__name__}: {str(e)[:80]})")
    ref = out.get('telea')
    print(f"\nhole fill per {grays[0].shape[0]} px image, one CPU thread ({len(grays)} test inputs):")
    print(f"{'fill':10s} {'s/image':>9s} {'x Telea':>8s}")
    for k, v in out.items(): print(f"{k:10s} {v:9.3f} {v / ref if ref else float('nan'):8.1f}")
    return out


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--device', default=None, help='cpu, cuda, cuda:1 (default: cuda when available)')
    p.add_argument('--n-test', type=int, default=100); p.add_argument('--n-train', type=int, default=4)
    p.add_argument('--size', type=int, default=512, help='side of the demo images (the test inputs)')
    p.add_argument('--config', default=None,
                   help="training preset or config JSON for the checkpoint (default: gpu on CUDA, tiny on CPU)")
    p.add_argument('--set', action='append', default=[], metavar='KEY=VALUE',
                   help='more `inpaint_nb train --set` overrides')
    p.add_argument('--ref-device', default='cpu', help='the reference: the same predict on this device ...')
    p.add_argument('--ref-n', type=int, default=8, help='... over this many test inputs (0: no reference)')
    p.add_argument('--predict', nargs='*', default=[''], metavar='OPTIONS',
                   help="sets of `inpaint_nb predict` options to time, one quoted string each ('' = the defaults)")
    p.add_argument('--fills', action='store_true', help='also time each hole fill per image, against Telea')
    p.add_argument('--repeat', type=int, default=3, help='time each predict this many times; the median is reported')
    p.add_argument('--against', type=Path, default=None, help='another copy of the package (e.g. a clone of an older '
                   'commit), timed interleaved with this one on the same checkpoint, data and options')
    p.add_argument('--work', type=Path, default=None, help='work folder (default: a temporary one, deleted afterwards)')
    p.add_argument('--json', default=None, help='write the results here')
    a = p.parse_args(argv)
    if a.device is None:
        import torch
        a.device = 'cuda' if torch.cuda.is_available() else 'cpu'
    gpu = a.device.startswith('cuda')
    config = a.config or ('gpu' if gpu else 'tiny')
    work = a.work or Path(tempfile.mkdtemp(prefix='inference_speed_'))
    work.mkdir(parents=True, exist_ok=True)
    log = open(work / 'log.txt', 'w')
    try:
        data, run = work / 'data', work / 'run'
        dt, _ = cli('make-demo', data, '--n-train', a.n_train, '--n-test', a.n_test, '--size', a.size, log=log)
        print(f"demo data: {a.n_train} train, {a.n_test} test images at {a.size} px ({dt:.1f} s)", flush=True)
        sets = ['n_folds=2', 'epochs=1', 'plots=false', 'progress=false', 'early_stop=0'] + a.set
        if config == 'gpu':                                # the default model, random encoder init: no download
            sets.append('model_kwargs={"encoder": "resnet34", "encoder_weights": null}')
        targs = ['train', '--data', data, '--out', run, '--config', config, '--epochs', 1, '--batch-size', 2,
                 '--device', a.device]
        for s in sets: targs += ['--set', s]
        dt, _ = cli(*targs, log=log)
        ckpt = next((run / n for n in ('best.pt', 'last.pt') if (run / n).exists()), None)
        if ckpt is None: raise SystemExit(f'no checkpoint in {run} after `inpaint_nb train` (see {work / "log.txt"})')
        print(f"checkpoint: 1 epoch of the {config!r} config on {a.device} ({dt:.1f} s) -> {ckpt.name}", flush=True)

        def timed_predict(d, device, n, tag, opts='', package=None):
            z = work / f'submission_{tag}.zip'
            dt, out = cli('predict', '--data', d, '--ckpt', ckpt, '--out', z, '--device', device, *shlex.split(opts),
                          log=log, package=package)
            cpu = cli.cpu
            _, chk = cli('check-submission', z, '--data', d, log=log)
            if 'OK' not in chk: raise SystemExit(f'check-submission did not say OK: {chk}')
            line = next((l for l in out.splitlines() if l.startswith('wrote')), '').strip()
            print(f"predict {opts or '(defaults)'} on {device}{f' ({package})' if package else ''}: {n} images in "
                  f"{dt:.2f} s = {n / dt:.2f} images/s (CPU {cpu:.1f} s), zip checked OK  [{line}]", flush=True)
            cpus.setdefault((package, opts), []).append(cpu)
            return dt

        copies, cpus = {'this': None, **({'against': a.against} if a.against else {})}, {}
        runs = {(c, opts): [] for opts in a.predict for c in copies}
        for i in range(a.repeat):                          # interleaved: each copy sees the same load
            for k, opts in enumerate(a.predict):
                for c, pkg in copies.items():
                    runs[c, opts].append(timed_predict(data, a.device, a.n_test, f'{c}{k}_{i}', opts, pkg))
        times = {opts: statistics.median(runs['this', opts]) for opts in a.predict}
        for (c, opts), ts in runs.items():
            cs = cpus[copies[c], opts]
            print(f"median of {len(ts)}: {c} {opts or '(defaults)'}: {statistics.median(ts):.2f} s "
                  f"({a.n_test / statistics.median(ts):.2f} images/s; runs {', '.join(f'{x:.2f}' for x in ts)}); CPU "
                  f"{statistics.median(cs):.1f} s (runs {', '.join(f'{x:.1f}' for x in cs)})", flush=True)
        t = times[a.predict[0]]
        res = dict(device=a.device, config=config, n_test=a.n_test, size=a.size, seconds=t, images_per_s=a.n_test / t,
                   predict_seconds=times, runs={f'{c} {o}': ts for (c, o), ts in runs.items()})
        if a.fills: res['fill_seconds_per_image'] = fill_times(data, min(a.n_test, 16))
        if a.ref_n:
            n = min(a.ref_n, a.n_test)
            tr = timed_predict(subset(data, work / 'ref_data', n), a.ref_device, n, 'ref')
            res.update(ref_device=a.ref_device, ref_n=n, ref_seconds=tr, ref_images_per_s=n / tr,
                       speedup=(a.n_test / t) / (n / tr))
            print(f"speed-up of {a.device} over {a.ref_device} (reference): {res['speedup']:.2f}x images/s "
                  f"(the reference ran on {n} images; both include process start and model load)")
        if gpu:
            import torch
            res['device_name'] = torch.cuda.get_device_name(torch.device(a.device))
        if a.json: Path(a.json).write_text(json.dumps(res, indent=2))
        return res
    finally:
        log.close()
        if a.work is None: shutil.rmtree(work, ignore_errors=True)


if __name__ == '__main__':
    main()
