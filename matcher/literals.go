package matcher

import (
	"regexp/syntax"
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
// and multiplies out the requirements of the other parts.
func concatLiterals(subs []*syntax.Regexp) requirement {
	out := requirement{{}}
	var run []byte
	flush := func() {
		if len(run) >= minLiteral {
			for i := range out {
				out[i] = append(out[i], string(run))
			}
		}
		run = run[:0]
	}
	for _, sub := range subs {
		if s, ok := singleLiteral(sub); ok {
			run = append(run, s...)
			continue
		}
		if sub.Op == syntax.OpLiteral {
			// A literal with a non-ASCII folding rune is split there; its
			// pieces are required separately.
			flush()
			for _, p := range literalPieces(sub) {
				for i := range out {
					out[i] = append(out[i], p)
				}
			}
			continue
		}
		flush()
		r := requiredLiterals(sub)
		if r.empty() {
			continue
		}
		if len(out)*len(r) > maxAlternatives {
			continue
		}
		next := make(requirement, 0, len(out)*len(r))
		for _, a := range out {
			for _, b := range r {
				alt := make([]string, 0, len(a)+len(b))
				alt = append(append(alt, a...), b...)
				next = append(next, alt)
			}
		}
		out = next
	}
	flush()
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
