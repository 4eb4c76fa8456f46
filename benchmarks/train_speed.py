"""Training throughput: the seeds' plain fp32 loop vs `inpaint_nb`'s `Trainer` with its fast settings.

Same model (the default config's two-stage U-Net, ResNet-34 encoders, random init), same loss (the default
`RestorationLoss`), same in-memory batches; only the loop and its settings differ. Prints images/s for each setting
and the speed-up of the best one over the plain loop, and writes the numbers as JSON.

    python benchmarks/train_speed.py                      # CPU: 256 px (fp32 NCHW vs channels_last / bf16 autocast)
    python benchmarks/train_speed.py --device cuda        # GPU: 512 px, fp32 vs bf16 + channels_last (+ --compile)

Options: --size PX --batch-size B --steps N --warmup N --model NAME --threads T --compile --clock wall|cpu --json PATH
"""
from __future__ import annotations
import argparse, json, time
import torch
from torch.utils.data import Dataset, DataLoader

from inpaint_nb.learner import Trainer, Callback, CancelFitException
from inpaint_nb.models import build_model
from inpaint_nb.run import TrainConfig, EpochSampler, EpochSeeded, make_loss, make_optimizer
from inpaint_nb.callbacks import MixedPrecisionCallback, GradClipCallback, ChannelsLastCallback, CompileCallback


class RandomBatches(Dataset):
    "In-memory damaged/mask/gt items (data loading is not what we measure)."
    def __init__(self, n, size, seed=0):
        g = torch.Generator().manual_seed(seed)
        self.gt = torch.rand(n, 3, size, size, generator=g)
        self.mask = torch.zeros(n, 1, size, size); self.mask[:, :, size // 4: size // 2, size // 3: size // 2 + 20] = 1
        gray = (0.299 * self.gt[:, :1] + 0.587 * self.gt[:, 1:2] + 0.114 * self.gt[:, 2:])
        self.damaged = torch.where(self.mask > 0, torch.full_like(gray, 0.3), gray)
        self.seed = 0
    def __len__(self): return len(self.gt)
    def __getitem__(self, i): return dict(id=str(i), damaged=self.damaged[i], mask=self.mask[i], gt=self.gt[i])


def sync(device):
    if device.type == 'cuda': torch.cuda.synchronize()

CLOCK = time.perf_counter   # main() switches to time.process_time on CPU: images per CPU-second, unaffected by other
                            # processes competing for the cores (a shared machine makes wall-clock numbers noise)


def plain_loop(cfg, data, device, steps, warmup):
    "What the seed notebooks did: fp32, NCHW, zero_grad / forward / loss / backward / step, `.item()` for logging."
    torch.manual_seed(0)
    model = build_model(cfg.model, **cfg.model_kwargs).to(device).train()
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    loss_fn = make_loss(cfg)
    dl = DataLoader(data, batch_size=cfg.batch_size, shuffle=True, drop_last=True)
    done, t0 = 0, None
    while done < warmup + steps:
        for b in dl:
            if done == warmup: sync(device); t0 = CLOCK()
            if done == warmup + steps: break
            b = {k: v.to(device) if torch.is_tensor(v) else v for k, v in b.items()}
            opt.zero_grad()
            out = model(b['damaged'], b['mask'])
            loss, _ = loss_fn(out, b)
            loss.backward(); opt.step()
            loss.item()
            done += 1
    sync(device)
    return steps * cfg.batch_size / (CLOCK() - t0)


class Timer(Callback):
    "Time `steps` optimisation steps after `warmup` (compilation, cudnn autotune, allocator warm-up)."
    order = 100
    def __init__(self, steps, warmup): self.steps, self.warmup, self.t0 = steps, warmup, None
    def before_batch(self, learn):
        if learn.step == self.warmup: sync(learn.device); self.t0 = CLOCK()
    def after_step(self, learn):
        if learn.step == self.warmup + self.steps:
            sync(learn.device); self.ips = self.steps * learn.train_dl.batch_size / (CLOCK() - self.t0)
            raise CancelFitException()


def trainer_loop(cfg, data, device, steps, warmup, precision, channels_last, compile):
    "`inpaint_nb`'s `Trainer` with the given settings (grad clipping on, as in the default config)."
    torch.manual_seed(0)
    model = build_model(cfg.model, **cfg.model_kwargs)
    opt = make_optimizer(cfg, model.parameters())
    sampler = EpochSampler(len(data), seed=0)
    dl = DataLoader(EpochSeeded(data), batch_size=cfg.batch_size, sampler=sampler, drop_last=True)
    timer = Timer(steps, warmup)
    cbs = [timer] + ([GradClipCallback(cfg.grad_clip)] if cfg.grad_clip else [])
    if precision != 'fp32': cbs.append(MixedPrecisionCallback(precision))
    if channels_last: cbs.append(ChannelsLastCallback())
    if compile: cbs.append(CompileCallback())
    t = Trainer(model, dl, None, make_loss(cfg), opt, cbs=cbs, device=device)
    t.fit(10**6)
    return timer.ips


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--device', default='cuda' if torch.cuda.is_available() else 'cpu')
    p.add_argument('--size', type=int, default=None, help='default: 256 on CPU, 512 on GPU')
    p.add_argument('--batch-size', type=int, default=None, help='default: 4 on CPU, 16 on GPU')
    p.add_argument('--steps', type=int, default=None); p.add_argument('--warmup', type=int, default=None)
    p.add_argument('--model', default=None, help="default: the default TrainConfig's model ('two-stage', ResNet-34)")
    p.add_argument('--threads', type=int, default=None, help='torch CPU threads')
    p.add_argument('--compile', action='store_true', help='also time torch.compile')
    p.add_argument('--cpu-bf16', action='store_true',
                   help='time bf16 autocast on CPU even without native bf16 (AVX512-BF16/AMX)')
    p.add_argument('--json', default=None, help='write the results here')
    p.add_argument('--clock', choices=['auto', 'wall', 'cpu'], default='auto',
                   help='auto: wall clock on GPU, process CPU time on CPU (robust on a shared machine)')
    a = p.parse_args(argv)
    device = torch.device(a.device)
    gpu = device.type == 'cuda'
    if a.threads: torch.set_num_threads(a.threads)
    global CLOCK
    use_cpu_clock = a.clock == 'cpu' or (a.clock == 'auto' and not gpu)
    if use_cpu_clock: CLOCK = time.process_time
    unit = 'img/CPU-s' if use_cpu_clock else 'img/s'
    if gpu: torch.backends.cudnn.benchmark = True
    size = a.size or (512 if gpu else 256); bs = a.batch_size or (16 if gpu else 4)
    steps = a.steps or (30 if gpu else 4); warmup = a.warmup or (5 if gpu else 2)
    cfg = TrainConfig()
    # random init (encoder_weights=None): nothing is downloaded; --model X keeps X's own defaults (ResNet-34 for smp
    # encoders)
    model = dict(model=a.model, model_kwargs=dict(encoder_weights=None)) if a.model else \
        dict(model_kwargs=dict(cfg.model_kwargs, encoder_weights=None))
    cfg = cfg.replace(batch_size=bs, size=size, **model)
    data = RandomBatches(max(bs * 4, 16), size)
    settings = [('trainer fp32 (same settings as the plain loop)', 'fp32', False, False),
                ('trainer fp32 + channels_last', 'fp32', True, False),
                ('trainer bf16 autocast', 'bf16', False, False),
                ('trainer bf16 autocast + channels_last', 'bf16', True, False)]
    if gpu: settings = [settings[0], settings[3], ('trainer fp16 + GradScaler + channels_last', 'fp16', True, False)]
    elif not (a.cpu_bf16 or torch.backends.cpu.get_cpu_capability().startswith('AVX512')):
        settings = settings[:2]   # without native bf16 the CPU emulates it: many times slower, not a fast setting
        print(f"CPU capability {torch.backends.cpu.get_cpu_capability()}: bf16 autocast skipped "
              "(emulated; --cpu-bf16 to time it)")
    if a.compile: settings.append(('trainer bf16 + channels_last + torch.compile', 'bf16', True, True))
    print(f"model {cfg.model} {cfg.model_kwargs}, {size} px, batch {bs}, {steps} timed steps after {warmup} warm-up, "
          f"{device} ({torch.get_num_threads()} threads)" + (f" {torch.cuda.get_device_name(device)}" if gpu else ''),
          flush=True)
    res = {'plain fp32 loop (the seeds)': plain_loop(cfg, data, device, steps, warmup)}
    print(f"{'plain fp32 loop (the seeds)':50s} {res['plain fp32 loop (the seeds)']:8.2f} {unit}", flush=True)
    for name, prec, cl, comp in settings:
        try: res[name] = trainer_loop(cfg, data, device, steps, warmup, prec, cl, comp)
        except Exception as e: print(f"{name:50s} failed: {type(e).__name__}: {str(e)[:200]}"); continue
        print(f"{name:50s} {res[name]:8.2f} {unit}  ({res[name] / res['plain fp32 loop (the seeds)']:.2f}x)",
              flush=True)
    again = plain_loop(cfg, data, device, steps, warmup)   # once more at the end: the baseline is the better of the two
    print(f"{'plain fp32 loop (the seeds), again':50s} {again:8.2f} {unit}", flush=True)
    base = max(res.pop('plain fp32 loop (the seeds)'), again)
    best = max(res, key=res.get)
    print(f"\nfastest: {best}: {res[best]:.2f} {unit} vs plain {base:.2f} {unit} -> speed-up {res[best] / base:.2f}x")
    out = dict(device=str(device), unit=unit, size=size, batch_size=bs, model=cfg.model, plain_ips=base,
               trainer_ips=res, best=best, speedup=res[best] / base)
    if a.json: open(a.json, 'w').write(json.dumps(out, indent=2))
    return out


if __name__ == '__main__':
    main()
