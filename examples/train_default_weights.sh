#!/usr/bin/env bash
# Reproduce the weights dnart ships: train stage-I, then stage-II, then export them.
#
#   examples/train_default_weights.sh DATA_DIR [PRESET]
#
# DATA_DIR is a folder of landscape photos (the paper used Kaggle's
# arnaud58/landscape-pictures). With a GPU this runs the paper's full schedule
# (136 + 301 epochs); on a CPU set STAGE1_EPOCHS / STAGE2_EPOCHS to what your
# time allows (STAGE2_EPOCHS=0 skips stage-II; render then upscales stage-I).
# Re-running continues an interrupted stage from its last checkpoint.
set -euo pipefail
data=${1:?usage: $0 DATA_DIR [PRESET]}
preset=${2:-paper}
device=${DEVICE:-auto}
stage1_epochs=${STAGE1_EPOCHS:-136}
stage2_epochs=${STAGE2_EPOCHS:-301}
runs=${RUNS:-runs}

train() {  # train STAGE OUT EPOCHS [extra args]
  local stage=$1 out=$2 epochs=$3; shift 3
  local resume=()
  [ -f "$out/checkpoints/last.pt" ] && resume=(--resume)
  dnart train --preset "$preset" --data "$data" --stage "$stage" --out "$out" \
    --epochs "$epochs" --device "$device" "${resume[@]}" "$@"
}

train 1 "$runs/$preset-stage1" "$stage1_epochs"
last=$runs/$preset-stage1
if [ "$stage2_epochs" -gt 0 ]; then
  train 2 "$runs/$preset-stage2" "$stage2_epochs" --upstream "$runs/$preset-stage1"
  last=$runs/$preset-stage2
fi
dnart export "$last" -o "plugins/dnart_stackgan/weights/$preset.pt"
