# Sourced by ./cellscope, ./run-tests and the benchmarks: finds Java 25 and Maven,
# installing Debian packages that are missing when running as root.

cellscope_die() { echo "cellscope: $*" >&2; exit 1; }

# Installs Debian packages whose commands are missing: cellscope_need_packages CMD:PKG ...
cellscope_need_packages() {
  local missing=() pair
  for pair in "$@"; do
    command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair#*:}")
  done
  cellscope_install_packages "${missing[@]}"
}

# Installs Debian packages that provide no command, found by a file glob:
# cellscope_need_files 'GLOB:PKG' ...
cellscope_need_files() {
  local missing=() pair
  for pair in "$@"; do
    compgen -G "${pair%%:*}" >/dev/null || missing+=("${pair#*:}")
  done
  cellscope_install_packages "${missing[@]}"
}

# apt-get install of the given packages (none: nothing to do); needs root.
cellscope_install_packages() {
  local missing=("$@")
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    cellscope_die "missing Debian packages: ${missing[*]} (run as root, or: sudo apt-get install ${missing[*]})"
  fi
  echo "cellscope: installing ${missing[*]} (apt-get)..." >&2
  if [ -z "${CELLSCOPE_APT_UPDATED:-}" ]; then
    apt-get update -qq >&2 || cellscope_die "apt-get update failed"
    export CELLSCOPE_APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2 \
    || cellscope_die "apt-get install ${missing[*]} failed"
}

cellscope_java_home() {
  local candidate
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*; do
    [ -x "$candidate/bin/java" ] || continue
    local v
    v=$("$candidate/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
    if [ -n "$v" ] && [ "${v%%.*}" -ge 25 ] 2>/dev/null; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

JAVA_HOME=$(cellscope_java_home) || cellscope_die "Java 25 or newer is required (expected /usr/lib/jvm/temurin-25-jdk-amd64)"
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"
cellscope_need_packages mvn:maven
