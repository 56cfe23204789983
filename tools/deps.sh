# SPDX-License-Identifier: MIT
# Sourced by tools/run.sh and tools/test.sh: installs the Debian packages
# Fusion Lab needs to build and test, and only those that are missing.

FL_PACKAGES="build-essential pkg-config meson ninja-build libglib2.0-dev libjson-glib-dev
  libgtk-4-dev libopenblas-dev libstb-dev libcsv-dev libjpeg62-turbo-dev libpng-dev zlib1g-dev
  libsndfile1-dev libsamplerate0-dev libfftw3-dev
  xvfb xauth adwaita-icon-theme
  appstream desktop-file-utils gettext
  libgtk-4-media-gstreamer gstreamer1.0-plugins-good gstreamer1.0-alsa
  python3-torch python3-numpy"
# python3-torch (with numpy) for the hand-off to PyTorch, which the tests run:
# tests/test-torch-model.py and tests/test-torch-export.py (torchrun)
# Not installed here, as the tests only read what they wrote (committed):
#   python3-scipy  for tools/make-stats-fixture.py  (tests/data/stats-fixture.json)
#   python3-scipy python3-numpy  for tools/make-audio-fixture.py  (tests/data/audio-*),
#                  which installs them itself
#   (python3-torch, installed above, also makes tests/data/torch-*.safetensors
#    with tools/make-torch-fixture.py)
#   clang          for tools/fuzz.sh (the replay of fuzz/ builds with gcc)
# each run with Debian's /usr/bin/python3.

fl_install_deps () {
  local missing="" pkg sudo=""
  for pkg in $FL_PACKAGES "$@"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
      missing="$missing $pkg"
    fi
  done
  [ -z "$missing" ] && return 0
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "Installing:$missing"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends $missing
}
