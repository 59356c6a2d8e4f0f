package matcher

import (
	"bytes"
	"regexp/syntax"
	"unicode/utf8"
)

// maxFinite bounds the strings a pattern may expand to and still be matched
// by substring search.
const maxFinite = 32

// finiteStrings returns, lower-cased, every string re matches when it is a
// case-insensitive pattern over ASCII made only of literals, alternations,
// small character classes and optional parts (`ECONNREFUSED|ECONNRESET`,
// `check ?sum`), with at most limit strings of MinTrigger bytes or more.
// A \b, ^ or $ at either end is allowed and reported (`\.(internal|corp)\b`,
// `^\[WARNING\] `): Go's regexp has no fast path for a case-insensitive
// pattern, and finding the string, then looking at its ends, is cheap.
// Anything else (other assertions, repetition, case-sensitive parts) is
// not finite.
func finiteStrings(re *syntax.Regexp, limit int) ([]string, finiteEnds, bool) {
	var ends finiteEnds
	if re.Op == syntax.OpConcat && len(re.Sub) > 1 {
		// peel records an assertion at one end of the concatenation.
		peel := func(r *syntax.Regexp, word, text finiteEnds, textOp syntax.Op) bool {
			switch r.Op {
			case syntax.OpWordBoundary:
				ends |= word
			case textOp:
				ends |= text
			default:
				return false
			}
			return true
		}
		subs := re.Sub
		for len(subs) > 1 && peel(subs[0], wordStart, textStart, syntax.OpBeginText) {
			subs = subs[1:]
		}
		for len(subs) > 1 && peel(subs[len(subs)-1], wordEnd, textEnd, syntax.OpEndText) {
			subs = subs[:len(subs)-1]
		}
		if ends != 0 {
			re = &syntax.Regexp{Op: syntax.OpConcat, Sub: subs, Flags: re.Flags}
		}
	}
	set, ok := finiteSet(re, limit)
	if !ok {
		return nil, 0, false
	}
	return set, ends, true
}

func finiteSet(re *syntax.Regexp, limit int) ([]string, bool) {
	var expand func(r *syntax.Regexp) ([]string, bool)
	expand = func(r *syntax.Regexp) ([]string, bool) {
		switch r.Op {
		case syntax.OpLiteral:
			b := make([]byte, 0, len(r.Rune))
			for _, c := range r.Rune {
				if c >= utf8.RuneSelf || r.Flags&syntax.FoldCase == 0 && isASCIILetter(c) {
					return nil, false // the lowered line cannot tell a case-sensitive letter
				}
				b = append(b, byte(lowerASCII(c)))
			}
			return []string{string(b)}, true
		case syntax.OpCharClass:
			var out []string
			seen := map[rune]bool{}
			for j := 0; j+1 < len(r.Rune); j += 2 {
				for c := r.Rune[j]; c <= r.Rune[j+1]; c++ {
					if c == '\u212a' || c == '\u017f' {
						continue // the Kelvin sign and long s: lowered spells them k and s
					}
					if c >= utf8.RuneSelf || len(seen) > limit {
						return nil, false
					}
					lc := lowerASCII(c)
					if !seen[lc] {
						seen[lc] = true
						out = append(out, string(rune(lc)))
					}
				}
			}
			// Every letter must come with its other case, or the class is
			// case-sensitive.
			for c := range seen {
				if isASCIILetter(c) && !(classHas(r, c) && classHas(r, c-'a'+'A')) {
					return nil, false
				}
			}
			return out, len(out) <= limit
		case syntax.OpEmptyMatch:
			return []string{""}, true
		case syntax.OpCapture:
			return expand(r.Sub[0])
		case syntax.OpQuest:
			sub, ok := expand(r.Sub[0])
			return append(sub, ""), ok && len(sub)+1 <= limit
		case syntax.OpAlternate:
			var out []string
			for _, sub := range r.Sub {
				s, ok := expand(sub)
				if !ok || len(out)+len(s) > limit {
					return nil, false
				}
				out = append(out, s...)
			}
			return out, true
		case syntax.OpConcat:
			out := []string{""}
			for _, sub := range r.Sub {
				s, ok := expand(sub)
				if !ok || len(out)*len(s) > limit {
					return nil, false
				}
				next := make([]string, 0, len(out)*len(s))
				for _, a := range out {
					for _, b := range s {
						next = append(next, a+b)
					}
				}
				out = next
			}
			return out, true
		}
		return nil, false
	}
	set, ok := expand(re)
	if !ok || len(set) == 0 {
		return nil, false
	}
	for _, s := range set {
		if len(s) < MinTrigger {
			return nil, false
		}
	}
	return set, true
}

// finiteEnds says what a finite pattern asks of the ends of a string it
// finds: a word boundary (\b), the start (^) or end ($) of the text.
type finiteEnds uint8

const (
	wordStart finiteEnds = 1 << iota
	wordEnd
	textStart
	textEnd
)

// anyIn reports whether lower holds one of strs with the ends e asks for.
func (e finiteEnds) anyIn(lower []byte, strs [][]byte) bool {
	for _, f := range strs {
		if e.find(lower, f) {
			return true
		}
	}
	return false
}

// find reports whether lower holds f with the ends e asks for.
func (e finiteEnds) find(lower, f []byte) bool {
	switch {
	case e == 0:
		return bytes.Contains(lower, f)
	case e&textStart != 0:
		return bytes.HasPrefix(lower, f) && e.ok(lower, 0, len(f))
	case e&textEnd != 0:
		return bytes.HasSuffix(lower, f) && e.ok(lower, len(lower)-len(f), len(lower))
	}
	for from := 0; ; {
		i := bytes.Index(lower[from:], f)
		if i < 0 {
			return false
		}
		if e.ok(lower, from+i, from+i+len(f)) {
			return true
		}
		from += i + 1
	}
}

// ok reports whether text[start:end] has the ends e asks for; word
// boundaries as Go's ASCII \b defines them.
func (e finiteEnds) ok(text []byte, start, end int) bool {
	boundary := func(i int) bool { // between text[i-1] and text[i]
		before := i > 0 && isWordByte(text[i-1])
		after := i < len(text) && isWordByte(text[i])
		return before != after
	}
	return (e&wordStart == 0 || boundary(start)) && (e&wordEnd == 0 || boundary(end)) &&
		(e&textStart == 0 || start == 0) && (e&textEnd == 0 || end == len(text))
}

func isWordByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_'
}
