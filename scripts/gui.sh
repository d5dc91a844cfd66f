#!/usr/bin/env bash
# `cellscope gui [FILE]`: builds the gui module when its sources (or those of the modules it uses)
# changed, then starts the JavaFX desktop app. Kept apart from ./cellscope so the headless commands
# never build or load JavaFX.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$here/scripts/env.sh"

jar="$here/gui/target/gui.jar"
stale() {
  [ ! -f "$jar" ] && return 0
  [ -n "$(find "$here" -path "$here/.git" -prune -o -path '*/target' -prune -o -path "$here/headless-probe" -prune \
      -o -path "$here/endpoint" -prune -o -path "$here/samples" -prune -o -path "$here/architecture" -prune -o \
      \( -name '*.java' -o -name 'pom.xml' -o -path '*/src/main/resources/*' \) -newer "$jar" -print -quit)" ]
}
if stale; then
  cellscope_build_lock # one build at a time per checkout (scripts/env.sh); the other may have built it meanwhile
  if stale; then
    cellscope_want_build_packages
    echo "cellscope: building the GUI (first run, or sources changed since the last build)..." >&2
    (cd "$here" && mvn -B -q -DskipTests package -pl gui -am) >&2 \
      || cellscope_die "GUI build failed (run: cd $here && mvn -DskipTests package -pl gui -am)"
  fi
  cellscope_build_unlock
fi
# JavaFX draws through GTK 3 (Debian libgtk-3-0): installed as root, else named.
if ! compgen -G '/usr/lib/*/libgtk-3.so.0' >/dev/null; then
  if [ "$(id -u)" -eq 0 ]; then cellscope_install_packages libgtk-3-0
  else cellscope_die "the GUI needs GTK 3: sudo apt-get install libgtk-3-0"; fi
fi
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  cellscope_die "gui needs a display (DISPLAY is not set); on a headless machine: xvfb-run ./cellscope gui FILE"
fi
# JavaFX from the class path (GuiMain is not an Application subclass); native access for FFM and zstd-jni;
# the heap in huge pages where the kernel offers them, as for the CLI (scripts/env.sh, cellscope_thp_option).
cellscope_thp_option
exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Xmx${CELLSCOPE_GUI_HEAP:-2g} "${cellscope_thp[@]}" \
  -cp "$jar:$here/gui/target/lib/*" dev.cellscope.gui.GuiMain "$@"
