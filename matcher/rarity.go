package matcher

import (
	_ "embed"
	"strconv"
	"strings"
)

// trigrams.txt holds how often each common trigram occurs in real CI logs
// (per million trigrams); any trigram not in it is rare. A literal can occur
// no more often than its rarest trigram, so that bound is its cost.
//
//go:embed trigrams.txt
var trigramTable string

// fourgrams.txt does the same for four-byte grams, which choose the key
// each trigger is found by.
//
//go:embed fourgrams.txt
var fourgramTable string

var (
	trigramFreq  = parseGrams(trigramTable, 3)
	fourgramFreq = parseGrams(fourgramTable, 4)
)

func parseGrams(table string, n int) map[string]int {
	m := make(map[string]int, 8000)
	for line := range strings.Lines(table) {
		line = strings.TrimSuffix(line, "\n")
		if strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, '\t')
		if i != n {
			continue
		}
		count, err := strconv.Atoi(line[i+1:])
		if err != nil {
			continue
		}
		m[line[:n]] = count
	}
	return m
}

// Cost estimates how often a lower-case literal occurs in logs, per million
// positions: the frequency of its rarest four-byte gram (trigram for a
// three-byte literal).
func Cost(lit string) int {
	if len(lit) >= 4 {
		best := -1
		for i := 0; i+4 <= len(lit); i++ {
			if n := fourgramFreq[lit[i:i+4]]; best < 0 || n < best {
				best = n
			}
		}
		return best
	}
	best := -1
	for i := 0; i+3 <= len(lit); i++ {
		n := trigramFreq[lit[i:i+3]]
		if best < 0 || n < best {
			best = n
		}
	}
	if best < 0 {
		return 1 << 20 // shorter than a trigram: as common as it gets
	}
	return best
}

// Rarer reports whether literal a is a better trigger than b: five bytes or
// more first (they are found by four-byte grams), then four (three-byte
// grams), then three (two-byte grams, which nearly every line holds); then
// the one whose grams the scan meets less often (each meeting costs a
// lookup and a comparison), then the rarer, then the longer.
func Rarer(a, b string) bool {
	if ga, gb := gramClass(a), gramClass(b); ga != gb {
		return ga > gb
	}
	if len(a) >= FastTrigger {
		if sa, sb := scanCost(a), scanCost(b); sa != sb {
			return sa < sb
		}
	}
	ca, cb := Cost(a), Cost(b)
	if ca != cb {
		return ca < cb
	}
	return len(a) > len(b)
}

func scanCost(lit string) int {
	_, c := gramPair(lit)
	return c
}

// gramClass is the size of the gram that finds a trigger of this length
// (see gramIndex.add): shorter grams are commoner and cost the scan more.
func gramClass(lit string) int { return min(len(lit), FastTrigger) - 1 }
