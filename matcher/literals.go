package matcher

import (
	"regexp/syntax"
	"slices"
	"unicode"
	"unicode/utf8"
)

// A requirement is what a regex needs to see in a line before it can match:
// an OR of alternatives, each an AND of literals (lower-cased, since the
// prefilter folds ASCII case). A single empty alternative means "nothing
// required", which is always a safe answer.
type requirement [][]string

var anything = requirement{{}}

// maxAlternatives bounds the cross product of alternations in one pattern;
// past it, the smaller requirement (a safe superset) is kept.
const maxAlternatives = 32

// minLiteral is the shortest literal kept as a requirement; shorter ones
// would make almost every line a candidate.
const minLiteral = 2

// maxClassBranches is the largest character class that forks a literal
// run (\d, [0-9a-f] does not): past it, the run ends at the class.
const maxClassBranches = 10

// requiredLiterals walks a parsed, simplified regex and returns the literals
// every match must contain. It tries two ways and keeps the one whose
// weakest alternative has the longer trigger: with small classes forking
// the literal runs (`\.go:\d+` requires ".go:0" or ... ".go:9") and
// without (forking early can spend the alternatives a later, better literal
// needed: `:\d+:\d+: [CWEFR]: (Style/|Layout/|...)`).
func requiredLiterals(re *syntax.Regexp) requirement {
	plain := extractor{}.required(re)
	forked := extractor{forkClasses: true}.required(re)
	if weakestTrigger(forked) > weakestTrigger(plain) {
		return forked
	}
	return plain
}

// weakestTrigger is the length of the longest literal of the alternative
// whose longest literal is shortest: how good a trigger the requirement's
// worst alternative gets. An empty requirement scores 0.
func weakestTrigger(r requirement) int {
	if r.empty() {
		return 0
	}
	weakest := -1
	for _, alt := range r {
		best := 0
		for _, lit := range alt {
			best = max(best, len(lit))
		}
		if weakest < 0 || best < weakest {
			weakest = best
		}
	}
	return weakest
}

// extractor walks a regex for its required literals.
type extractor struct {
	// forkClasses lets a class of up to maxClassBranches bytes (and the
	// first repetition of one) extend a short literal run, and the runs
	// continue into the branches of an alternation; without it, classes of
	// up to four bytes ([._-]) and alternations of plain literals extend
	// every run, and anything else ends it. Forking spends the budget of
	// alternatives early, which is why requiredLiterals tries both.
	forkClasses bool
}

func (x extractor) maxClass() int {
	if x.forkClasses {
		return maxClassBranches
	}
	return 4
}

func (x extractor) required(re *syntax.Regexp) requirement {
	switch re.Op {
	case syntax.OpLiteral:
		return requirement{literalPieces(re)}
	case syntax.OpCapture:
		return x.required(re.Sub[0])
	case syntax.OpPlus:
		return x.required(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return x.required(re.Sub[0])
		}
		return anything
	case syntax.OpConcat:
		return x.concat(re.Sub)
	case syntax.OpAlternate:
		var out requirement
		for _, sub := range re.Sub {
			r := x.required(sub)
			if r.empty() {
				return anything
			}
			out = append(out, r...)
			if len(out) > maxAlternatives {
				return anything
			}
		}
		return out
	}
	return anything
}

// empty reports whether some alternative requires nothing.
func (r requirement) empty() bool {
	for _, alt := range r {
		if len(alt) == 0 {
			return true
		}
	}
	return len(r) == 0
}

// partial is one alternative of a concatenation being walked: the literals
// it requires so far, and the run of adjacent literal bytes still growing.
type partial struct {
	conj []string
	run  []byte
}

// concat joins runs of adjacent literal parts into longer literals
// and multiplies out the requirements of the other parts. A small
// alternation of literals, or an optional literal, inside a run forks it:
// `pg_(wal|xlog)` requires "pg_wal" or "pg_xlog", not merely "pg_", and
// `exit ?code` requires "exit code" or "exitcode".
func (x extractor) concat(subs []*syntax.Regexp) requirement {
	out := flushAll(x.walk([]partial{{}}, subs))
	req := make(requirement, len(out))
	for i, p := range out {
		req[i] = p.conj
	}
	return req
}

// flushAll ends every partial's run, keeping it as a literal when it is
// long enough.
func flushAll(out []partial) []partial {
	for i := range out {
		if len(out[i].run) >= minLiteral {
			out[i].conj = append(out[i].conj, string(out[i].run))
		}
		out[i].run = nil
	}
	return out
}

// walk continues the partials in out through the concatenation subs.
func (x extractor) walk(out []partial, subs []*syntax.Regexp) []partial {
	for _, sub := range flattenConcat(subs) {
		if sub.Op == syntax.OpEmptyMatch {
			continue // the empty branch of x?: the runs go on unchanged
		}
		if lit, ok := singleLiteral(sub); ok {
			for i := range out {
				out[i].run = append(out[i].run, lit...)
			}
			continue
		}
		// A class forks the runs only while one is too short to be a fast
		// trigger: "sleeping " needs no "sleeping 0".."sleeping 9".
		if isClass(sub) && x.forkClasses && longRuns(out) {
			out = flushAll(out)
			continue
		}
		if branches, ok := literalBranches(sub, x.maxClass()); ok && len(out)*len(branches) <= maxAlternatives {
			out = fork(out, branches)
			continue
		}
		// An alternation the runs can continue into, one copy per branch:
		// `a\.svc(\.cluster\.local|\.?[ :/"'])` (the parser factors common
		// prefixes out, so this is how `x\.svc\.cluster|x\.svc:` arrives)
		// requires ".svc.cluster" or ".svc:", not ".svc" alone.
		if branches := alternationBranches(sub); x.forkClasses && branches != nil && len(out)*len(branches) <= maxAlternatives {
			if next, ok := x.distribute(out, branches); ok {
				out = next
				continue
			}
		}
		// x+ and x{2,} begin with one x: `\.go:\d+` requires ".go:0" or
		// ".go:1" ... or ".go:9", which a five-byte trigger can find, where
		// ".go:" alone is too short. What follows the first x is unknown,
		// so the run ends there.
		if rep := repeatedAtLeastOnce(sub); rep != nil && x.forkClasses && !longRuns(out) {
			if branches, ok := literalBranches(rep, x.maxClass()); ok && len(out)*len(branches) <= maxAlternatives {
				out = flushAll(fork(out, branches))
				continue
			}
		}
		if sub.Op == syntax.OpLiteral {
			// A literal with a non-ASCII folding rune is split there; its
			// pieces are required separately.
			out = flushAll(out)
			for _, piece := range literalPieces(sub) {
				for i := range out {
					out[i].conj = append(out[i].conj, piece)
				}
			}
			continue
		}
		out = flushAll(out)
		r := x.required(sub)
		if r.empty() || len(out)*len(r) > maxAlternatives {
			continue
		}
		next := make([]partial, 0, len(out)*len(r))
		for _, a := range out {
			for _, b := range r {
				conj := make([]string, 0, len(a.conj)+len(b))
				conj = append(append(conj, a.conj...), b...)
				next = append(next, partial{conj: conj})
			}
		}
		out = next
	}
	return out
}

// alternationBranches returns the branches of an alternation (x? is x or
// nothing); nil for anything else.
func alternationBranches(re *syntax.Regexp) []*syntax.Regexp {
	for re.Op == syntax.OpCapture {
		re = re.Sub[0]
	}
	switch re.Op {
	case syntax.OpAlternate:
		return re.Sub
	case syntax.OpQuest:
		return []*syntax.Regexp{re.Sub[0], {Op: syntax.OpEmptyMatch}}
	}
	return nil
}

// distribute walks a copy of out through each branch and returns them all;
// it fails when they come to more than maxAlternatives.
func (x extractor) distribute(out []partial, branches []*syntax.Regexp) ([]partial, bool) {
	var next []partial
	for _, b := range branches {
		res := x.walk(clonePartials(out), []*syntax.Regexp{b})
		if len(next)+len(res) > maxAlternatives {
			return nil, false
		}
		next = append(next, res...)
	}
	return next, true
}

func clonePartials(out []partial) []partial {
	c := make([]partial, len(out))
	for i, p := range out {
		c[i] = partial{conj: slices.Clone(p.conj), run: slices.Clone(p.run)}
	}
	return c
}

// flattenConcat splices nested concatenations (Simplify writes x{1,3} as
// x(x(x)?)?) and groups into one list, so that runs continue across them.
func flattenConcat(subs []*syntax.Regexp) []*syntax.Regexp {
	var flat []*syntax.Regexp
	for _, sub := range subs {
		for sub.Op == syntax.OpCapture {
			sub = sub.Sub[0]
		}
		if sub.Op == syntax.OpConcat {
			flat = append(flat, flattenConcat(sub.Sub)...)
		} else {
			flat = append(flat, sub)
		}
	}
	return flat
}

func isClass(re *syntax.Regexp) bool {
	if _, ok := singleLiteral(re); ok {
		return false // [Ee] is a letter, not a fork
	}
	return re.Op == syntax.OpCharClass
}

// longRuns reports whether forking the runs at a class would not help:
// every partial already has a literal long enough to be a fast trigger, or
// its run has not begun (`[0-9]+ failed` gains nothing from "0".."9").
func longRuns(out []partial) bool {
	for _, p := range out {
		if len(p.run) > 0 && len(p.run) < FastTrigger && !hasFastLiteral(p.conj) {
			return false
		}
	}
	return true
}

func hasFastLiteral(lits []string) bool {
	for _, l := range lits {
		if len(l) >= FastTrigger {
			return true
		}
	}
	return false
}

// fork extends every partial's run with each of branches.
func fork(out []partial, branches []string) []partial {
	next := make([]partial, 0, len(out)*len(branches))
	for _, p := range out {
		for _, b := range branches {
			run := append(append([]byte(nil), p.run...), b...)
			next = append(next, partial{conj: append([]string(nil), p.conj...), run: run})
		}
	}
	return next
}

// repeatedAtLeastOnce returns x for x+ and x{n,m} with n >= 1, else nil.
func repeatedAtLeastOnce(re *syntax.Regexp) *syntax.Regexp {
	switch {
	case re.Op == syntax.OpPlus, re.Op == syntax.OpRepeat && re.Min >= 1:
		return re.Sub[0]
	}
	return nil
}

// literalBranches returns the strings a small alternation of literals (or
// an optional literal: "" or the literal) can match, lower-cased.
func literalBranches(re *syntax.Regexp, maxClass int) ([]string, bool) {
	if re.Op == syntax.OpCapture {
		re = re.Sub[0]
	}
	switch re.Op {
	case syntax.OpQuest:
		if lit, ok := singleLiteral(re.Sub[0]); ok {
			return []string{"", lit}, true
		}
	case syntax.OpAlternate:
		if len(re.Sub) > 8 {
			return nil, false
		}
		var out []string
		for _, sub := range re.Sub {
			lit, ok := singleLiteral(sub)
			if !ok {
				return nil, false
			}
			out = append(out, lit)
		}
		return out, true
	case syntax.OpCharClass:
		// [0-9] or [._-]: up to maxClass single bytes.
		var out []string
		for i := 0; i+1 < len(re.Rune); i += 2 {
			for r := re.Rune[i]; r <= re.Rune[i+1]; r++ {
				if r >= utf8.RuneSelf || len(out) == maxClass {
					return nil, false
				}
				out = append(out, string(lowerASCII(r)))
			}
		}
		return dedupe(out), len(out) > 0
	}
	return nil, false
}

func dedupe(ss []string) []string {
	var out []string
	for _, s := range ss {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// singleLiteral returns the lower-cased bytes of a literal or case-pair
// class (such as [Ee]) that can extend a run unbroken.
func singleLiteral(re *syntax.Regexp) (string, bool) {
	switch re.Op {
	case syntax.OpLiteral:
		var b []byte
		for _, r := range re.Rune {
			if !foldSafe(r, re.Flags&syntax.FoldCase != 0) {
				return "", false
			}
			b = utf8.AppendRune(b, lowerASCII(r))
		}
		return string(b), true
	case syntax.OpCharClass:
		// [Ee] is one letter in either case.
		var letter rune = -1
		for i := 0; i+1 < len(re.Rune); i += 2 {
			for r := re.Rune[i]; r <= re.Rune[i+1]; r++ {
				l := lowerASCII(r)
				if r >= utf8.RuneSelf || (letter != -1 && l != letter) {
					return "", false
				}
				letter = l
			}
		}
		if letter == -1 {
			return "", false
		}
		return string(letter), true
	}
	return "", false
}

// literalPieces splits a literal at runes the ASCII prefilter cannot fold:
// a case-insensitive non-ASCII letter (é matches É) cannot be searched as
// bytes.
func literalPieces(re *syntax.Regexp) []string {
	fold := re.Flags&syntax.FoldCase != 0
	var pieces []string
	var cur []byte
	for _, r := range re.Rune {
		if !foldSafe(r, fold) {
			if len(cur) >= minLiteral {
				pieces = append(pieces, string(cur))
			}
			cur = cur[:0]
			continue
		}
		cur = utf8.AppendRune(cur, lowerASCII(r))
	}
	if len(cur) >= minLiteral {
		pieces = append(pieces, string(cur))
	}
	return pieces
}

// foldSafe reports whether the prefilter's ASCII case folding finds every
// byte sequence this rune can match.
func foldSafe(r rune, fold bool) bool {
	if r < utf8.RuneSelf {
		return true
	}
	return !fold || unicode.SimpleFold(r) == r
}

func lowerASCII(r rune) rune {
	if 'A' <= r && r <= 'Z' {
		return r + 'a' - 'A'
	}
	return r
}
