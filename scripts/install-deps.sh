#!/usr/bin/env bash
# Installs whichever Debian packages in scripts/deps-debian.txt are missing.
# A no-op when all are present. Needs root (apt-get) only when something is missing.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
missing=()
while read -r pkg; do
    case "$pkg" in ''|'#'*) continue ;; esac
    if [ "${pkg#*:}" != "$pkg" ]; then
        cmd=${pkg#*:}
        pkg=${pkg%%:*}
        command -v "$cmd" >/dev/null 2>&1 && continue
    fi
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
        missing+=("$pkg")
    fi
done < "$here/deps-debian.txt"
if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi
echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
