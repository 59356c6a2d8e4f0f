package matcher

import (
	"bytes"
	"regexp/syntax"
)

// leadingLiterals returns, lower-cased, the literals one of which every
// match of re begins with (`Killed +[^ ]` begins with "killed";
// `(AssertionError|expected .+ got)` with "assertionerror" or "expected "),
// or nil when re may begin otherwise or with an assertion (^, \b), or when
// one of them is shorter than MinTrigger.
//
// Go's regexp, given a case-insensitive pattern, tries a match at every
// position of the line; started at the first place one of these literals
// occurs, it finds the same matches, since none can begin earlier, and an
// assertion inside the pattern sees the byte before it, which the match
// itself consumed.
func leadingLiterals(re *syntax.Regexp) [][]byte {
	var lits [][]byte
	var walk func(re *syntax.Regexp) bool
	walk = func(re *syntax.Regexp) bool {
		switch re.Op {
		case syntax.OpCapture:
			return walk(re.Sub[0])
		case syntax.OpConcat:
			// The first part's literals, extended by the literal parts that
			// follow it when the first part is a plain literal.
			if len(re.Sub) == 0 {
				return false
			}
			if lit, ok := leadingRun(re.Sub); ok {
				lits = append(lits, lit)
				return true
			}
			return walk(re.Sub[0])
		case syntax.OpAlternate:
			for _, sub := range re.Sub {
				if !walk(sub) {
					return false
				}
			}
			return true
		case syntax.OpPlus:
			return walk(re.Sub[0])
		case syntax.OpRepeat:
			return re.Min >= 1 && walk(re.Sub[0])
		}
		if lit, ok := leadingRun([]*syntax.Regexp{re}); ok {
			lits = append(lits, lit)
			return true
		}
		return false
	}
	if !walk(re) {
		return nil
	}
	for _, l := range lits {
		if len(l) < MinTrigger {
			return nil
		}
	}
	return lits
}

// leadingRun returns the lower-cased bytes of the literal parts at the
// start of subs, when the first is one.
func leadingRun(subs []*syntax.Regexp) ([]byte, bool) {
	var run []byte
	for _, sub := range subs {
		lit, ok := singleLiteral(sub)
		if !ok {
			break
		}
		run = append(run, lit...)
	}
	return run, len(run) > 0
}

// firstOf returns the first position in lower where one of lits begins,
// or -1.
func firstOf(lower []byte, lits [][]byte) int {
	first := -1
	for _, l := range lits {
		end := len(lower)
		if first >= 0 {
			end = min(len(lower), first+len(l)-1) // only an earlier start counts
		}
		if i := bytes.Index(lower[:end], l); i >= 0 && (first < 0 || i < first) {
			first = i
		}
	}
	return first
}
