#!/usr/bin/env bash
# Vendor the web pages' third-party JavaScript and map data from npm into
# src/communique/web/static/vendor/, with their licences. Run by hand (`make vendor-web`)
# when a version below changes; the output is committed, so serving and testing never
# need the network.
set -euo pipefail
cd "$(dirname "$0")/.."
VENDOR=src/communique/web/static/vendor
# package@version  file in the package  -> name under vendor/
FILES=(
    "d3@7.9.2 dist/d3.min.js d3.min.js"
    "topojson-client@3.1.0 dist/topojson-client.min.js topojson-client.min.js"
    "world-atlas@2.0.2 countries-110m.json countries-110m.json"
)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rm -rf "$VENDOR" && mkdir -p "$VENDOR"
{
    echo "# Vendored from npm by scripts/vendor_web.sh: do not edit by hand"
    echo
    echo "| file | npm package | licence |"
    echo "|---|---|---|"
} > "$VENDOR/README.md"
for entry in "${FILES[@]}"; do
    read -r package file name <<< "$entry"
    dir="$work/${package%@*}"
    if [ ! -d "$dir" ]; then
        mkdir -p "$dir"
        tarball=$(cd "$work" && npm pack --silent "$package")
        tar -xzf "$work/$tarball" -C "$dir"
        cp "$dir/package/LICENSE" "$VENDOR/LICENSE.${package%@*}"
    fi
    cp "$dir/package/$file" "$VENDOR/$name"
    licence=$(node -p "require('$dir/package/package.json').license")
    echo "| \`$name\` | $package (\`$file\`) | $licence, \`LICENSE.${package%@*}\` |" >> "$VENDOR/README.md"
done
echo >> "$VENDOR/README.md"
echo "world-atlas redistributes Natural Earth's 1:110m country boundaries (public domain)." >> "$VENDOR/README.md"
ls -l "$VENDOR"
