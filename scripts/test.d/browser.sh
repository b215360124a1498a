# Sourced by scripts/test.sh before ctest: installs the browser tests' pinned npm packages
# (tests/browser/package-lock.json) when node_modules is missing. `npm ci` installs exactly
# the locked versions; playwright-core downloads no browser, the tests drive Debian's
# /usr/bin/chromium.
if [ ! -d "$root/tests/browser/node_modules/playwright-core" ]; then
    echo "test.d/browser: npm ci in tests/browser" >&2
    (cd "$root/tests/browser" && npm ci --no-audit --no-fund --loglevel=error)
fi
