#!/usr/bin/env bash
# gpu_check.sh: prove the GPU path in one command (under 8 minutes on one GPU), from the repo root after the README install.
#
#   bash benchmarks/gpu_check.sh
#
# With a GPU (torch.cuda.is_available()), runs in turn, each under its own timeout and all within a total budget:
#   1. every notebook as `nbdev_test --flags gpu` (only the gpu flag added; settings.ini's tst_flags must list it);
#   2. benchmarks/train_speed.py --device cuda --compile: the seeds' plain fp32 loop vs the Trainer with bf16 +
#      channels_last (+ torch.compile), two-stage ResNet-34 at 512 px; figure: the speed-up of the best setting;
#   3. benchmarks/metric_speed.py: score_batch on CUDA vs score_reference on 100 photos; figures: speed-up, max |diff|;
#   4. benchmarks/inference_speed.py --device cuda: 100 test inputs at 512 px restored into a checked submission zip
#      by `inpaint_nb predict`; figures: images/s and the speed-up over the same command on CPU (reference);
#   5. data wait: `inpaint_nb train` one short epoch with the gpu preset's loader settings (cache, workers from the
#      cores, pinned memory, push-pull fill on the device) on 512 px demo data; figure: the fraction of the step time
#      the model waited for data (the train log's `data:` line);
#   6. benchmarks/lama_speed.py --device cuda --batch 8 --ddcolor large: Big LaMa's and DDColor-L's time per 512 px
#      image (random weights; the networks' cost, not their output) against Telea on the CPU in the same run;
#   7. benchmarks/pretrained_check.py --random-weights tiny: the zero-shot pipeline (detect_mask -> LaMa -> DDColor,
#      luma kept, official score) end to end on the GPU with seeded tiny weights written to files (a smoke test);
# then prints one table (what | figure | device) and exits 1 if any step failed (a failed step does not stop the others).
# Every figure is a ratio against a reference measured in the same run.
#
# Without a GPU: says so and does a DRY RUN (< 1 minute): every script exists and answers --help, `nbdev_test --help`
# works, the gpu flag is in settings.ini's tst_flags, the `inpaint_nb` subcommands used exist; "dry run OK", exit 0.
#
# Environment: GPU_CHECK_OUT=DIR keeps the logs and JSON there (default: a new /tmp/gpu_check.* folder);
#   GPU_CHECK_BUDGET=S total seconds for the four steps (default 465); GPU_CHECK_COMPILE=0 skips torch.compile;
#   GPU_CHECK_T_NBDEV / _T_TRAIN / _T_METRIC / _T_INFER / _T_WAIT per-step timeouts in seconds (defaults 200 / 120 / 45 / 100 / 90);
#   GPU_CHECK_T_LAMA / _T_PRETRAINED timeouts of the LaMa/DDColor steps (defaults 90 / 120; they add to the budget);
#   GPU_CHECK_MAX_DIFF largest allowed |score_batch - score_reference| (default 1e-6);
#   GPU_CHECK_FORCE_DEVICE=cpu (testing only): runs the GPU branch on that device with tiny sizes (one notebook,
#   64 px training benchmark, 4 photos, 4 test images) so that the steps, the parsing and the table can be exercised.
set -u
cd "$(dirname "$0")/.." || exit 2
PY=$(command -v python || command -v python3)
T0=$(date +%s)

dry_run() {
  local bad=0 s
  check() { # check DESCRIPTION COMMAND...: run it quietly, report it
    if "${@:2}" >/dev/null 2>&1; then printf '  ok   %s\n' "$1"; else printf '  FAIL %s  (%s)\n' "$1" "${*:2}"; bad=1; fi
  }
  for s in train_speed metric_speed inference_speed loader_speed lama_speed pretrained_check; do
    check "benchmarks/$s.py exists" test -f "benchmarks/$s.py"
    check "python benchmarks/$s.py --help" "$PY" "benchmarks/$s.py" --help
  done
  check "nbdev_test --help" nbdev_test --help
  check "gpu flag in settings.ini tst_flags" grep -Eq '^[[:space:]]*tst_flags[[:space:]]*=.*(^|[[:space:]=])gpu([[:space:]]|$)' settings.ini
  for s in make-demo train predict check-submission; do check "inpaint_nb $s --help" inpaint_nb "$s" --help; done
  check "timeout (coreutils)" timeout --version
  grep -lqE '"#\| *gpu' nbs/*.ipynb 2>/dev/null || echo "  note: no notebook has a '#| gpu' cell: step 1 only re-runs the ordinary tests"
  if [ $bad = 0 ]; then echo "dry run OK ($(( $(date +%s) - T0 )) s)"; exit 0; fi
  echo "dry run FAILED"; exit 1
}

FORCE=${GPU_CHECK_FORCE_DEVICE:-}
if [ -z "$FORCE" ]; then
  if [ "$("$PY" -c 'import torch; print(torch.cuda.is_available())' 2>/dev/null)" != True ]; then
    echo "no GPU (torch.cuda.is_available() is False): dry run of the GPU check"
    dry_run
  fi
  DEV=cuda
else
  DEV=$FORCE; echo "GPU_CHECK_FORCE_DEVICE=$FORCE: the GPU branch on $FORCE with tiny sizes (a test of this script, not a benchmark)"
fi

OUT=${GPU_CHECK_OUT:-$(mktemp -d /tmp/gpu_check.XXXXXX)}; mkdir -p "$OUT"; OUT=$(cd "$OUT" && pwd)
BUDGET=${GPU_CHECK_BUDGET:-465}
BUDGET=$(( BUDGET + ${GPU_CHECK_T_LAMA:-90} + ${GPU_CHECK_T_PRETRAINED:-120} ))   # the LaMa/DDColor steps' share
DEVNAME=$("$PY" - "$DEV" <<'EOF' 2>/dev/null || echo "$DEV"
import sys, platform, torch
d = torch.device(sys.argv[1])
if d.type == 'cuda': print(torch.cuda.get_device_name(d))
else:
    name = next((l.split(':', 1)[1].strip() for l in open('/proc/cpuinfo') if l.startswith('model name')), None) if platform.system() == 'Linux' else None
    print(f"CPU {name or platform.processor() or platform.machine()} ({torch.get_num_threads()} threads)")
EOF
)
echo "device: $DEVNAME; logs and JSON in $OUT"
ROWS=$OUT/table.tsv; : > "$ROWS"; FAILED=0

row() { printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >> "$ROWS"; [ "$1" = FAIL ] && FAILED=1; return 0; }
# run_step NAME TIMEOUT LOG CMD...: the command under min(TIMEOUT, what is left of the budget); sets RC and SECS
run_step() {
  local name=$1 t=$2 log=$3; shift 3
  local left=$(( BUDGET - ($(date +%s) - T0) ))
  if [ "$left" -lt 5 ]; then RC=skipped; SECS=0; echo "== $name: skipped, the ${BUDGET} s budget is spent" | tee "$log"; return; fi
  [ "$left" -lt "$t" ] && t=$left
  echo "== $name (timeout ${t} s): $*"
  local s=$(date +%s)
  timeout --kill-after=15 "$t" "$@" > "$log" 2>&1; RC=$?
  SECS=$(( $(date +%s) - s ))
  [ $RC = 124 ] || [ $RC = 137 ] && echo "   timed out after ${SECS} s" || echo "   rc $RC in ${SECS} s"
  if [ $RC != 0 ]; then tail -n 15 "$log" | sed 's/^/   | /'; fi
}
status_of() { [ "$RC" = 0 ] && echo ok || echo FAIL; }
report() {   # report NAME LOG: one row for a step with a figure: ok when the step ($RC) and its figure ($fig, $prc) succeeded
  if [ $RC = 0 ] && [ "$prc" = 0 ]; then row ok "$1" "$fig" "$DEVNAME"
  else row FAIL "$1" "$( [ $RC = 0 ] && echo "$fig" || why) (see $2)" "$DEVNAME"; fi
}
why() {
  case $RC in skipped) echo "not run: the ${BUDGET} s budget was spent";; 124|137) echo "timed out after ${SECS} s";; *) echo "rc $RC after ${SECS} s";; esac
}

# 1. the notebooks, gpu-flagged cells included, GPU visible
if [ -z "$FORCE" ]; then NBPATH=${GPU_CHECK_NBS:-nbs}; else NBPATH=${GPU_CHECK_NBS:-$(ls nbs/*.ipynb | head -n 1)}; fi
run_step "nbdev_test --flags gpu ($NBPATH)" "${GPU_CHECK_T_NBDEV:-200}" "$OUT/nbdev_test.log" nbdev_test --flags gpu --path "$NBPATH"
n_nb=$(find "$NBPATH" -name '*.ipynb' -not -path '*/.ipynb_checkpoints/*' 2>/dev/null | wc -l)
if [ "$n_nb" = 0 ]; then row FAIL "notebooks: nbdev_test --flags gpu" "no notebook found at $NBPATH (nbdev_test rc $RC)" "$DEVNAME"
elif [ $RC = 0 ]; then row ok "notebooks: nbdev_test --flags gpu" "$n_nb notebooks passed in ${SECS} s" "$DEVNAME"
else row FAIL "notebooks: nbdev_test --flags gpu" "$(why) (see $OUT/nbdev_test.log)" "$DEVNAME"; fi

# 2. training throughput: plain fp32 loop vs Trainer fast settings
if [ -z "$FORCE" ]; then TARGS=(--device cuda); [ "${GPU_CHECK_COMPILE:-1}" = 1 ] && TARGS+=(--compile)
else TARGS=(--device "$DEV" --size 64 --batch-size 2 --steps 1 --warmup 1); fi
run_step "train_speed" "${GPU_CHECK_T_TRAIN:-120}" "$OUT/train_speed.log" "$PY" benchmarks/train_speed.py "${TARGS[@]}" --json "$OUT/train_speed.json"
fig=$("$PY" - "$OUT/train_speed.json" "$OUT/train_speed.log" <<'EOF' 2>&1
import json, sys
r = json.load(open(sys.argv[1]))
failed = [l.split(' failed:')[0].strip() for l in open(sys.argv[2]) if ' failed: ' in l]
print(f"{r['speedup']:.2f}x images/s: {r['best']} {r['trainer_ips'][r['best']]:.1f} vs plain fp32 loop {r['plain_ips']:.1f} "
      f"{r['unit']} ({r['size']} px, batch {r['batch_size']})" + (f"; FAILED settings: {', '.join(failed)}" if failed else ''))
sys.exit(3 if failed else 0)
EOF
); prc=$?
report "training: Trainer fast settings vs plain loop" "$OUT/train_speed.log"

# 3. the score: score_batch on the device vs score_reference
if [ -z "$FORCE" ]; then MARGS=(--n 100); KEY=torch_cuda; else MARGS=(--n 4 --batch 2); KEY=torch_cpu; fi
run_step "metric_speed" "${GPU_CHECK_T_METRIC:-45}" "$OUT/metric_speed.log" "$PY" benchmarks/metric_speed.py "${MARGS[@]}" --json "$OUT/metric_speed.json"
fig=$("$PY" - "$OUT/metric_speed.json" "$KEY" "${GPU_CHECK_MAX_DIFF:-1e-6}" <<'EOF' 2>&1
import json, sys
r = json.load(open(sys.argv[1])); p = r['paths'].get(sys.argv[2])
if p is None: print(f"no {sys.argv[2]} row in the results (paths: {', '.join(r['paths'])})"); sys.exit(3)
d, lim = p['max_abs_diff_vs_reference'], float(sys.argv[3])
print(f"speed-up {p['speedup']:.1f}x over score_reference ({r['n']} photos, {p['ms_per_image']:.2f} vs "
      f"{r['paths']['reference']['ms_per_image']:.1f} ms/image); max abs diff {d:.1e}" + (f" > {lim:g}: WRONG" if not d <= lim else ''))
sys.exit(0 if d <= lim else 3)
EOF
); prc=$?
report "score: score_batch ($KEY) vs score_reference" "$OUT/metric_speed.log"

# 4. inference: test inputs restored into a checked submission zip
if [ -z "$FORCE" ]; then IARGS=(--device cuda --n-test 100); else IARGS=(--device "$DEV" --n-test 4 --ref-n 2); fi
run_step "inference_speed" "${GPU_CHECK_T_INFER:-100}" "$OUT/inference_speed.log" "$PY" benchmarks/inference_speed.py "${IARGS[@]}" --work "$OUT/inference" --json "$OUT/inference_speed.json"
fig=$("$PY" - "$OUT/inference_speed.json" <<'EOF' 2>&1
import json, sys
r = json.load(open(sys.argv[1]))
ref = f"; {r['speedup']:.2f}x the {r['ref_device']} reference ({r['ref_images_per_s']:.2f} images/s on {r['ref_n']})" if 'speedup' in r else ''
print(f"{r['n_test']} images ({r['size']} px, {r['config']} model) into a checked zip in {r['seconds']:.1f} s = "
      f"{r['images_per_s']:.2f} images/s{ref}")
EOF
); prc=$?
report "inference: inpaint_nb predict into a checked zip" "$OUT/inference_speed.log"

# 5. data wait: the gpu preset's loader feeding the model (no pretrained weights needed: none are downloaded)
if [ -z "$FORCE" ]; then DARGS=(--n-train 200 --size 512); WARGS=(--set 'model_kwargs={"encoder": "resnet34", "encoder_weights": null}')
else DARGS=(--n-train 24 --size 64); WARGS=(--set size=64 --set batch_size=4 --set 'model=two-stage-unet' --set 'model_kwargs={"width": 8}'); fi
rm -rf "$OUT/wait_data" "$OUT/wait_run"
run_step "data wait" "${GPU_CHECK_T_WAIT:-90}" "$OUT/data_wait.log" bash -c 'd=$0 r=$1 dev=$2; shift 2; inpaint_nb make-demo "$d" --n-test 4 "${@:1:4}" && shift 4 && inpaint_nb train --data "$d" --out "$r" --config gpu --device "$dev" --epochs 1 --set max_val=8 "$@"' \
  "$OUT/wait_data" "$OUT/wait_run" "$DEV" "${DARGS[@]}" "${WARGS[@]}"
fig=$(grep -o 'data: the model waited.*' "$OUT/data_wait.log" | head -n 1)   # the line may follow a progress bar's \r
if [ $RC = 0 ] && [ -n "$fig" ]; then row ok "data: share of step time waiting (gpu preset loader)" "${fig#data: }" "$DEVNAME"
else row FAIL "data: share of step time waiting (gpu preset loader)" "$( [ $RC = 0 ] && echo 'no data: line in the log' || why) (see $OUT/data_wait.log)" "$DEVNAME"; fi

# 6. LaMa and DDColor-L: time per 512 px image on the device (random weights)
if [ -z "$FORCE" ]; then LARGS=(--device cuda --batch 8 --ddcolor large); else LARGS=(--device "$DEV" --size 64 --blocks 2 --ngf 16 --ddcolor tiny --repeats 1); fi
run_step "lama_speed" "${GPU_CHECK_T_LAMA:-90}" "$OUT/lama_speed.log" "$PY" benchmarks/lama_speed.py "${LARGS[@]}" --json "$OUT/lama_speed.json"
fig=$("$PY" - "$OUT/lama_speed.json" <<'EOF' 2>&1
import json, sys
r = json.load(open(sys.argv[1]))
print(f"LaMa {r['lama_s'] * 1e3:.1f} ms, DDColor-{r['ddcolor'][0].upper()} {r['ddcolor_s'] * 1e3:.1f} ms per {r['size']} px image (batch {r['batch']}); "
      f"{r['ratio']:.0f}x / {r['ddcolor_ratio']:.0f}x Telea's {r['telea_s'] * 1e3:.1f} ms on the CPU")
EOF
); prc=$?
report "LaMa + DDColor: time per image (random weights)" "$OUT/lama_speed.log"

# 7. the zero-shot pretrained pipeline end to end (smoke test: seeded tiny weights written to files; no download)
run_step "pretrained_check" "${GPU_CHECK_T_PRETRAINED:-120}" "$OUT/pretrained_check.log" "$PY" benchmarks/pretrained_check.py --random-weights tiny --device "$DEV" --json "$OUT/pretrained_check.json"
fig=$("$PY" - "$OUT/pretrained_check.json" <<'EOF' 2>&1
import json, math, sys
r = json.load(open(sys.argv[1])); m = r['methods']; last = list(m)[-1]
print(f"{r['n']} demo photos through {len(m)} pipelines (mask IoU {r['mask_iou']:.3f}), scores finite; {last} {m[last]['s_per_image']:.3f} s/image")
sys.exit(0 if all(math.isfinite(v['score']) for v in m.values()) else 3)
EOF
); prc=$?
report "pretrained pipeline smoke (pretrained_check --random-weights tiny)" "$OUT/pretrained_check.log"

# 8. the table
echo
"$PY" - "$ROWS" <<'EOF'
import sys
rows = [l.rstrip('\n').split('\t') for l in open(sys.argv[1]) if l.strip()]
rows = [('what', 'figure', 'device')] + [(w if s == 'ok' else 'FAILED: ' + w, f, d) for s, w, f, d in rows]
wd = [max(len(r[i]) for r in rows) for i in range(3)]
for i, r in enumerate(rows):
    print('| ' + ' | '.join(f'{c:{n}}' for c, n in zip(r, wd)) + ' |')
    if i == 0: print('|' + '|'.join('-' * (n + 2) for n in wd) + '|')
EOF
echo "total $(( $(date +%s) - T0 )) s; logs in $OUT"
[ $FAILED = 0 ] && { echo "GPU check OK"; exit 0; }
echo "GPU check FAILED"; exit 1
