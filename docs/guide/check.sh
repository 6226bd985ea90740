#!/bin/sh
# Every image docs/guide.md shows exists under docs/, and every PNG collect.sh copies is shown.
set -eu
docs=$(cd "$(dirname "$0")/.." && pwd)
status=0
for img in $(grep -o '](guide/[^)]*)' "$docs/guide.md" | sed 's/^](//; s/)$//'); do
  [ -f "$docs/$img" ] || { echo "docs/guide.md shows $img, which is missing: run docs/guide/collect.sh"; status=1; }
done
for name in $(sed -n 's/^  \([a-z0-9-]*-1280x800\) \\$/\1/p' "$docs/guide/collect.sh"); do
  grep -q "](guide/$name.png)" "$docs/guide.md" || { echo "collect.sh copies $name.png, which docs/guide.md never shows"; status=1; }
done
[ $status -eq 0 ] && echo "guide images ok"
exit $status
