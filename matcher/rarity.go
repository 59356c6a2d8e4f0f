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

var trigramFreq = parseTrigrams(trigramTable)

func parseTrigrams(table string) map[string]int {
	m := make(map[string]int, 6000)
	for line := range strings.Lines(table) {
		line = strings.TrimSuffix(line, "\n")
		if strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, '\t')
		if i != 3 {
			continue
		}
		n, err := strconv.Atoi(line[i+1:])
		if err != nil {
			continue
		}
		m[line[:3]] = n
	}
	return m
}

// Cost estimates how often a lower-case literal occurs in logs, per million
// positions: the frequency of its rarest trigram.
func Cost(lit string) int {
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

// Rarer reports whether literal a is a better trigger than b: rarer, or as
// rare and longer.
func Rarer(a, b string) bool {
	ca, cb := Cost(a), Cost(b)
	if ca != cb {
		return ca < cb
	}
	return len(a) > len(b)
}
