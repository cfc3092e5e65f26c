#!/bin/sh
# newcase.sh AREA ID MODE EXPECT SOURCE [NOTE] < excerpt
# (FILE=himds.log newcase.sh ... names the file an analyze case is read as;
# SAME_SOURCE=1 allows a second failure from a source already in the corpus)
# Writes testdata/cases/AREA/ID.txtar. The split is decided here, from the id
# alone, before any knowledge-base entry is written for the case: holdout when
# the first byte of SHA-256(ID) is divisible by 3, tune otherwise.
set -eu
[ $# -ge 5 ] || { echo "usage: $0 AREA ID MODE EXPECT SOURCE [NOTE] < excerpt" >&2; exit 2; }
area=$1 id=$2 mode=$3 expect=$4 source=$5 note=${6:-}
case $mode in explain|analyze) ;; *) echo "mode must be explain or analyze" >&2; exit 2;; esac
dir=$(dirname "$0")/$area
file=$dir/$id.txtar
[ ! -e "$file" ] || { echo "$file exists" >&2; exit 2; }
[ -z "$(find "$(dirname "$0")" -name "$id.txtar")" ] || { echo "id $id already used" >&2; exit 2; }
# One case per failure per thread: a source already in the corpus is refused
# unless SAME_SOURCE=1 says this excerpt is another failure of that thread.
if [ "${SAME_SOURCE:-}" != 1 ] && grep -rqxF "source: $source" "$(dirname "$0")" --include='*.txtar'; then
	echo "source already in the corpus: $(grep -rlxF "source: $source" "$(dirname "$0")" --include='*.txtar' | tr '\n' ' ')" >&2
	echo "(SAME_SOURCE=1 if this excerpt is a different failure of that thread)" >&2
	exit 2
fi
byte=$(printf %s "$id" | sha256sum | cut -c1-2)
if [ $((0x$byte % 3)) -eq 0 ]; then split=holdout; else split=tune; fi
mkdir -p "$dir"
{
	echo "source: $source"
	echo "mode: $mode"
	[ -z "${FILE:-}" ] || echo "file: $FILE"
	echo "expect: $expect"
	echo "split: $split"
	echo "collected: $(date -u +%FT%H:%MZ)"
	[ -z "$note" ] || echo "note: $note"
	echo "-- excerpt --"
	cat
} > "$file"
echo "$file $split"
