#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Takes the README's screenshots again, in a real window under Xvfb:
#   resources/screenshots/training.png       the demo data, halfway through a run
#   resources/screenshots/compare-icons.png  the five fusion routes on the Adwaita icons, over
#                                            5 folds: mean curves with bands, the verdicts
#   resources/screenshots/why.png            the Why page of the demo data's best route
#   resources/screenshots/rescued.png        the samples fusion rescued
#   resources/screenshots/match-icons.png    the matching task on the same icons at 1400×900:
#                                            R@1/5/10 both ways leaving their chance levels
#   resources/screenshots/search-icons.png   its Search page in the window at 1280×800, the
#                                            held-out icons nearest to "audio volume"
#   resources/screenshots/search-heatmap-icons.png  that page's foot: the cosine similarity
#                                            of a batch of held-out pairs, the true ones outlined
#   resources/screenshots/runs-test-tango.png the routes compared on the Adwaita icons, the
#                                            best tested on the Tango icons: the test a row
#                                            of the Runs list ("lowrank · test: tango")
#   resources/screenshots/reopened-icons.png that comparison reopened from its
#                                            experiment file, one matrix cell's samples
#   resources/screenshots/data-trimodal.png  the three-modality demo loaded: the sound
#                                            column, spectrograms on the cards, the
#                                            modalities and their diagram
#   resources/screenshots/why-trimodal.png   its routes compared on one split, and the
#                                            Why page of the best: a bar per modality
#   resources/screenshots/augment-icons.png  the icons with Augment on (a window 1280×1100):
#                                            the Data page's "What the model sees in epoch 1"
#                                            strip, and Picture fit and Augment in the sidebar
#   resources/screenshots/opened-torch-model.png  the demo data exported to PyTorch (S=32,
#                                            5 epochs), trained by torchrun --nproc_per_node 2
#                                            and opened back as a run (fusionlab --model)
#   resources/screenshots/zh-CN-training.png the app in Chinese (LANGUAGE=zh_CN): the icons
#                                            training, 5 of 10 epochs done
# Needs a build in BUILD (default build/: tools/run.sh makes one), xvfb-run
# and the adwaita-icon-theme package (tools/deps.sh installs both), and a
# font with Chinese characters: fonts-noto-cjk is installed here when
# fontconfig knows none (it is no dependency of the build or the tests,
# so not in tools/deps.sh; the Debian package recommends it).
set -euo pipefail
cd "$(dirname "$0")/.."
build="${BUILD:-build}"
out=resources/screenshots
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

if [ -z "$(fc-list :lang=zh)" ]; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends fonts-noto-cjk
fi

app () {
  GSK_RENDERER=cairo GDK_DEBUG=gl-disable xvfb-run -a -s '-screen 0 1400x900x24' "$build/app/fusionlab" "$@"
}

app --images resources/demo/images --csv resources/demo/texts.csv \
    --train-epochs 10 --screenshot-epoch 5 --screenshot "$out/training.png"

app --images resources/demo/images --csv resources/demo/texts.csv --image-size 32 \
    --compare-epochs 5 --screenshot "$out/why.png" --screenshot-page why
app --images resources/demo/images --csv resources/demo/texts.csv --image-size 32 \
    --compare-epochs 5 --screenshot "$out/rescued.png" --screenshot-page rescued

# picture × words × sound (tools/make-trimodal-demo.py); twenty epochs, which one
# split has time for and five folds would not
tri="$work/trimodal"
python3 tools/make-trimodal-demo.py "$tri" > /dev/null
app --images "$tri/images" --csv "$tri/texts.csv" --screenshot "$out/data-trimodal.png"
app --images "$tri/images" --csv "$tri/texts.csv" --image-size 32 --compare-epochs 20 --compare-folds 1 \
    --screenshot "$out/why-trimodal.png" --screenshot-page why

python3 tools/make-icon-dataset.py --out "$work/icons.csv"
icons=/usr/share/icons/Adwaita/48x48
app --images "$icons" --csv "$work/icons.csv" --window-size 1400x900 --screenshot "$out/data-icons.png"
app --images "$icons" --csv "$work/icons.csv" --compare-epochs 10 --screenshot "$out/compare-icons.png"
# the interface in Chinese (po/zh_CN.po, found in the build tree)
LANGUAGE=zh_CN app --images "$icons" --csv "$work/icons.csv" --train-epochs 10 --screenshot-epoch 5 \
    --window-size 1400x900 --screenshot "$out/zh-CN-training.png"
GSK_RENDERER=cairo GDK_DEBUG=gl-disable xvfb-run -a -s '-screen 0 1400x1200x24' "$build/app/fusionlab" \
    --images "$icons" --csv "$work/icons.csv" --augment --window-size 1280x1100 \
    --screenshot "$out/augment-icons.png"
app --images "$icons" --csv "$work/icons.csv" --match-epochs 15 --window-size 1400x900 \
    --screenshot "$out/match-icons.png" --screenshot-page matching
app --images "$icons" --csv "$work/icons.csv" --match-epochs 15 \
    --screenshot "$out/search-icons.png" --screenshot-page search --screenshot-search "audio volume"
# the foot of that page alone in a window of the page's size (tests/show-search, 15
# epochs at 64 px): the similarity heatmap of a batch of held-out pairs
GSK_RENDERER=cairo GDK_DEBUG=gl-disable xvfb-run -a -s '-screen 0 1400x900x24' "$build/tests/show-search" \
    --images "$icons" --csv "$work/icons.csv" --image-size 64 --epochs 15 --width 918 --height 740 --foot \
    --screenshot "$out/search-heatmap-icons.png"

# testing on another style (tools/make-domain-shift.py): trained on the Adwaita
# icons, tested on the Tango icons of the same seven contexts
python3 tools/make-domain-shift.py --out-dir "$work/shift" > /dev/null
app --images "$icons" --csv "$work/shift/adwaita.csv" --train-epochs 10 --window-size 1400x900 \
    --test-images /usr/share/icons/Tango/32x32 --test-csv "$work/shift/tango.csv" --screenshot "$out/test-tango.png"
# every route compared on one split, the best tested on Tango: its row in the Runs list
app --images "$icons" --csv "$work/shift/adwaita.csv" --compare-epochs 10 --compare-folds 1 --window-size 1400x900 \
    --test-images /usr/share/icons/Tango/32x32 --test-csv "$work/shift/tango.csv" --screenshot-page runs \
    --screenshot "$out/runs-test-tango.png"

# the same comparison from the command line, into an experiment file to reopen
"$build/cli/fusionlab-cli" compare --images "$icons" --csv "$work/icons.csv" --epochs 10 \
    --experiment "$work/icons.json" --quiet
app --experiment "$work/icons.json" --load-data --screenshot-cell actions:legacy --screenshot "$out/reopened-icons.png"

# the hand-off to PyTorch and back (python3-torch; Debian 12's torchrun needs
# --redirects 2 --tee 2, see resources/torch/README.md)
"$build/cli/fusionlab-cli" export-torch --images resources/demo/images --csv resources/demo/texts.csv \
    --image-size 32 --epochs 5 --out "$work/torch" -q
(cd "$work/torch" && torchrun --redirects 2 --tee 2 --nproc_per_node 2 train.py --out model.safetensors)
app --images resources/demo/images --csv resources/demo/texts.csv --image-size 32 \
    --model "$work/torch/model.safetensors" --window-size 1400x900 --screenshot "$out/opened-torch-model.png"
