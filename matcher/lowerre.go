package matcher

import (
	"regexp"
	"regexp/syntax"
	"unicode"
	"unicode/utf8"
)

// lowerRegexp returns a case-sensitive regex that matches the lowered line
// (see Scratch.lowered) exactly when re matches the line itself, or nil
// when re has a part that lowering would change the meaning of.
//
// Go's regexp runs a case-insensitive pattern as a class per letter, with
// no literal prefix to skip to, so (?i) patterns are several times slower
// than the same pattern without it. Lowering the line once, which the
// prefilter does anyway, lets every candidate pattern run case-sensitively
// instead: `(?i)^\[INFO\] Tests run: \d+` becomes `^\[info\] tests run: \d+`,
// which Go matches with a prefix compare and a one-pass scan.
//
// It holds for patterns whose letters are all case-insensitive ASCII or in
// classes closed under ASCII case (every (?i) class is); a case-sensitive
// letter, or a case-insensitive non-ASCII one (é and É, which lowering
// leaves alone), keeps the original regex. The caller uses the original
// too on a line where lowering spelled a Kelvin sign or long s in ASCII:
// that changes where \b falls.
func lowerRegexp(re *syntax.Regexp) *regexp.Regexp {
	low, ok := lowerTree(re)
	if !ok {
		return nil
	}
	compiled, err := regexp.Compile(low.String())
	if err != nil {
		return nil // cannot happen for a tree the parser made; keep the original
	}
	return compiled
}

func lowerTree(re *syntax.Regexp) (*syntax.Regexp, bool) {
	out := *re
	switch re.Op {
	case syntax.OpLiteral:
		fold := re.Flags&syntax.FoldCase != 0
		out.Rune = make([]rune, len(re.Rune))
		for i, r := range re.Rune {
			switch {
			case r >= utf8.RuneSelf:
				if fold && unicode.SimpleFold(r) != r {
					return nil, false
				}
			case isASCIILetter(r) && !fold:
				return nil, false
			}
			out.Rune[i] = lowerASCII(r)
		}
		out.Flags &^= syntax.FoldCase
	case syntax.OpCharClass:
		for c := 'a'; c <= 'z'; c++ {
			if classHas(re, c) != classHas(re, c-'a'+'A') {
				return nil, false
			}
		}
	}
	if len(re.Sub) > 0 {
		out.Sub = make([]*syntax.Regexp, len(re.Sub))
		for i, sub := range re.Sub {
			low, ok := lowerTree(sub)
			if !ok {
				return nil, false
			}
			out.Sub[i] = low
		}
	}
	return &out, true
}
