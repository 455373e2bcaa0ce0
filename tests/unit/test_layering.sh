#!/bin/sh
# test_layering.sh: the shape of component/, checked on every make check.
#
# Reads component/*.c and component/*.h, and draws the graph of
# `#include "x.h"` between modules (a module is a basename: x.c and x.h
# are one module; a module including its own header is no edge; config.h
# and headers that are not in component/ are ignored). It fails, with one
# "not ok" naming each problem, on:
#   - an include cycle among modules, printed as "a -> b -> a" (every
#     elementary cycle, each from its alphabetically first module);
#   - a file longer than MAX_LINES lines, except those in LONG_OK.
# The graph is printed first as TAP comments, "# module: deps", so notes
# can quote it. See STYLE.md (small files, one job each) and DESIGN.md
# (one direction of dependency, drawn as floors).
#
# The directory read is, in this order: $LAYERING_DIR (to test this
# script on a fake tree), $ACCUEIL_SRCDIR/component (set by make check),
# component/ two levels above this script, $srcdir/component.
# TAP output, plan at the end (like tests/unit/tap.h).

# Longest a file in component/ may be, in lines.
MAX_LINES=600
# Files allowed to be longer (basenames, space-separated), and why.
LONG_OK="catalog.c"	# catalog.c: the tables of texts in every language
# Cycles listed at most: the search stops after that many.
MAX_CYCLES=50

LC_ALL=C
export LC_ALL

here=$(dirname "$0")
label=component/
if [ -n "${LAYERING_DIR:-}" ]; then
	dir=$LAYERING_DIR
	label=$dir/
elif [ -n "${ACCUEIL_SRCDIR:-}" ] && [ -d "$ACCUEIL_SRCDIR/component" ]; then
	dir=$ACCUEIL_SRCDIR/component
elif [ -d "$here/../../component" ]; then
	dir=$here/../../component
else
	dir=${srcdir:-.}/component
fi

set -- "$dir"/*.c "$dir"/*.h
found=0
for f in "$@"; do
	[ -f "$f" ] && found=1
done
if [ "$found" = 0 ]; then
	echo "Bail out! no .c or .h file in $dir"
	exit 1
fi

# One record per line for awk, sorted so that the output is stable:
#   mod M          a module
#   lines F N      file F has N lines
#   edge A B       module A includes B's header
for f in "$@"; do
	[ -f "$f" ] || continue
	base=${f##*/}
	mod=${base%.[ch]}
	echo "mod $mod"
	echo "lines $base $(wc -l <"$f" | tr -d ' ')"
	sed -n 's/^[ 	]*#[ 	]*include[ 	]*"\([^"]*\)".*/\1/p' "$f" |
	    while read -r inc; do
		inc=${inc##*/}
		echo "edge $mod ${inc%.h}"
	done
done | sort -u | awk -v max_lines="$MAX_LINES" -v long_ok="$LONG_OK" \
    -v max_cycles="$MAX_CYCLES" -v dir="$dir" -v label="$label" '
function ok(cond, what) {
	n++
	print (cond ? "" : "not ") "ok " n " - " what
	if (!cond)
		failed++
}

# Depth-first search for the elementary cycles through s whose other
# modules sort after s (so each cycle is found once), walking only into
# modules that can reach s again (back); stops after max_cycles + 1.
function cycles_from(s, v, path, onpath,    k, i, w, list) {
	k = split(adj[v], list, " ")
	for (i = 1; i <= k && ncycles <= max_cycles; i++) {
		w = list[i]
		if (w == s) {
			if (++ncycles <= max_cycles)
				cycle[ncycles] = path " -> " s
			continue
		}
		if (w < s || !(w in back) || index(onpath, " " w " "))
			continue
		cycles_from(s, w, path " -> " w, onpath w " ")
	}
}

$1 == "mod" { mods[++nmods] = $2; ismod[$2] = 1 }
$1 == "lines" { lines[$2] = $3; files[++nfiles] = $2 }
$1 == "edge" { edges[++nedges] = $2 " " $3 }

END {
	for (i = 1; i <= nedges; i++) {
		split(edges[i], e, " ")
		if (e[1] == e[2] || e[2] == "config" || !(e[2] in ismod))
			continue
		adj[e[1]] = adj[e[1]] (adj[e[1]] == "" ? "" : " ") e[2]
		radj[e[2]] = radj[e[2]] (radj[e[2]] == "" ? "" : " ") e[1]
	}
	print "# include graph of " dir " (module: modules it includes)"
	for (i = 1; i <= nmods; i++)
		print "# " mods[i] ":" (adj[mods[i]] == "" ? "" : " ") \
		    adj[mods[i]]

	for (i = 1; i <= nmods; i++) {
		s = mods[i]
		# back: the modules from which s can be reached
		for (m in back)
			delete back[m]
		back[s] = 1
		todo = s
		while (todo != "") {
			k = split(todo, t, " ")
			todo = ""
			for (j = 1; j <= k; j++) {
				q = split(radj[t[j]], r, " ")
				for (l = 1; l <= q; l++)
					if (!(r[l] in back)) {
						back[r[l]] = 1
						todo = todo " " r[l]
					}
			}
		}
		# s is in a cycle if one of the modules it includes leads back
		k = split(adj[s], t, " ")
		for (j = 1; j <= k; j++)
			if (t[j] in back)
				incycle[s] = 1
		if (s in incycle)
			cycles_from(s, s, s, " " s " ")
	}
	if (ncycles) {
		line = "# modules in include cycles:"
		for (i = 1; i <= nmods; i++)
			if (mods[i] in incycle)
				line = line " " mods[i]
		print line
	}
	for (i = 1; i <= ncycles && i <= max_cycles; i++)
		ok(0, "include cycle: " cycle[i])
	if (ncycles > max_cycles)
		ok(0, "more than " max_cycles " include cycles: the others are "\
		    "not listed")
	if (ncycles == 0)
		ok(1, "no include cycle among the " nmods " modules")

	nlong = 0
	split(long_ok, exempt, " ")
	for (i in exempt)
		isexempt[exempt[i]] = 1
	for (i = 1; i <= nfiles; i++) {
		f = files[i]
		if (lines[f] + 0 <= max_lines + 0)
			continue
		if (f in isexempt) {
			print "# " f ": " lines[f] " lines, allowed (LONG_OK)"
			continue
		}
		nlong++
		ok(0, label f " has " lines[f] " lines (limit " \
		    max_lines ")")
	}
	if (nlong == 0)
		ok(1, "every file of " label " has at most " max_lines \
		    " lines (except " long_ok ")")

	print "1.." n
	exit failed ? 1 : 0
}'
