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

// requiredLiterals walks a parsed, simplified regex and returns the literals
// every match must contain.
func requiredLiterals(re *syntax.Regexp) requirement {
	switch re.Op {
	case syntax.OpLiteral:
		return requirement{literalPieces(re)}
	case syntax.OpCapture:
		return requiredLiterals(re.Sub[0])
	case syntax.OpPlus:
		return requiredLiterals(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return requiredLiterals(re.Sub[0])
		}
		return anything
	case syntax.OpConcat:
		return concatLiterals(re.Sub)
	case syntax.OpAlternate:
		var out requirement
		for _, sub := range re.Sub {
			r := requiredLiterals(sub)
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

// concatLiterals joins runs of adjacent literal parts into longer literals
// and multiplies out the requirements of the other parts. A small
// alternation of literals, or an optional literal, inside a run forks it:
// `pg_(wal|xlog)` requires "pg_wal" or "pg_xlog", not merely "pg_", and
// `exit ?code` requires "exit code" or "exitcode".
func concatLiterals(subs []*syntax.Regexp) requirement {
	type partial struct {
		conj []string
		run  []byte
	}
	out := []partial{{}}
	flush := func() {
		for i := range out {
			if len(out[i].run) >= minLiteral {
				out[i].conj = append(out[i].conj, string(out[i].run))
			}
			out[i].run = nil
		}
	}
	for _, sub := range subs {
		if lit, ok := singleLiteral(sub); ok {
			for i := range out {
				out[i].run = append(out[i].run, lit...)
			}
			continue
		}
		if branches, ok := literalBranches(sub); ok && len(out)*len(branches) <= maxAlternatives {
			next := make([]partial, 0, len(out)*len(branches))
			for _, p := range out {
				for _, b := range branches {
					run := append(append([]byte(nil), p.run...), b...)
					next = append(next, partial{conj: append([]string(nil), p.conj...), run: run})
				}
			}
			out = next
			continue
		}
		if sub.Op == syntax.OpLiteral {
			// A literal with a non-ASCII folding rune is split there; its
			// pieces are required separately.
			flush()
			for _, piece := range literalPieces(sub) {
				for i := range out {
					out[i].conj = append(out[i].conj, piece)
				}
			}
			continue
		}
		flush()
		r := requiredLiterals(sub)
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
	flush()
	req := make(requirement, len(out))
	for i, p := range out {
		req[i] = p.conj
	}
	return req
}

// literalBranches returns the strings a small alternation of literals (or
// an optional literal: "" or the literal) can match, lower-cased.
func literalBranches(re *syntax.Regexp) ([]string, bool) {
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
		// [0-9] or [._-]: up to a few single bytes.
		var out []string
		for i := 0; i+1 < len(re.Rune); i += 2 {
			for r := re.Rune[i]; r <= re.Rune[i+1]; r++ {
				if r >= utf8.RuneSelf || len(out) == 4 {
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
