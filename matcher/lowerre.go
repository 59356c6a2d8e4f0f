package matcher

import (
	"fmt"
	"regexp"
	"regexp/syntax"
	"strings"
	"sync"
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
	// (syntax.Regexp.String would do, but it works out which flags to
	// print by case-folding every class: a second for the library.)
	compiled, err := regexp.Compile(printRegexp(low))
	if err != nil {
		return nil // cannot happen for a tree the parser made; keep the original
	}
	return compiled
}

// lazyRegexp compiles on first use. A pattern with a lowered regex needs
// its original only on the rare line with a Kelvin sign or long s and for
// MatchOne; compiling both for every pattern would double the CLI's
// start-up and add megabytes to a collector's heap. A pattern without one
// sets re when it is compiled, before the matcher is shared.
type lazyRegexp struct {
	expr string
	once sync.Once
	re   *regexp.Regexp
}

// get returns the compiled regex. The expression was parsed already (its
// lowered form compiled from that parse), so it compiles.
func (l *lazyRegexp) get() *regexp.Regexp {
	l.once.Do(func() {
		if l.re == nil {
			l.re = regexp.MustCompile(l.expr)
		}
	})
	return l.re
}

// printRegexp writes a parsed tree back as an expression that parses to
// the same matcher: every group non-capturing, every class as \x{...}
// ranges, every part that could bind wrongly inside (?:...).
func printRegexp(re *syntax.Regexp) string {
	var b strings.Builder
	var print func(re *syntax.Regexp)
	group := func(re *syntax.Regexp) {
		b.WriteString("(?:")
		print(re)
		b.WriteString(")")
	}
	print = func(re *syntax.Regexp) {
		switch re.Op {
		case syntax.OpNoMatch:
			b.WriteString(`[^\x00-\x{10FFFF}]`)
		case syntax.OpEmptyMatch:
			b.WriteString(`(?:)`)
		case syntax.OpLiteral:
			for _, r := range re.Rune {
				b.WriteString(regexp.QuoteMeta(string(r)))
			}
		case syntax.OpCharClass:
			b.WriteString("[")
			for i := 0; i+1 < len(re.Rune); i += 2 {
				fmt.Fprintf(&b, `\x{%x}-\x{%x}`, re.Rune[i], re.Rune[i+1])
			}
			b.WriteString("]")
		case syntax.OpAnyCharNotNL:
			b.WriteString(`(?-s:.)`)
		case syntax.OpAnyChar:
			b.WriteString(`(?s:.)`)
		case syntax.OpBeginLine:
			b.WriteString(`(?m:^)`)
		case syntax.OpEndLine:
			b.WriteString(`(?m:$)`)
		case syntax.OpBeginText:
			b.WriteString(`\A`)
		case syntax.OpEndText:
			b.WriteString(`\z`)
		case syntax.OpWordBoundary:
			b.WriteString(`\b`)
		case syntax.OpNoWordBoundary:
			b.WriteString(`\B`)
		case syntax.OpCapture:
			group(re.Sub[0])
		case syntax.OpStar, syntax.OpPlus, syntax.OpQuest, syntax.OpRepeat:
			group(re.Sub[0])
			switch re.Op {
			case syntax.OpStar:
				b.WriteString("*")
			case syntax.OpPlus:
				b.WriteString("+")
			case syntax.OpQuest:
				b.WriteString("?")
			default:
				fmt.Fprintf(&b, "{%d,", re.Min)
				if re.Max >= 0 {
					fmt.Fprintf(&b, "%d", re.Max)
				}
				b.WriteString("}")
			}
			if re.Flags&syntax.NonGreedy != 0 {
				b.WriteString("?")
			}
		case syntax.OpConcat:
			for _, sub := range re.Sub {
				group(sub)
			}
		case syntax.OpAlternate:
			for i, sub := range re.Sub {
				if i > 0 {
					b.WriteString("|")
				}
				group(sub)
			}
		}
	}
	print(re)
	return b.String()
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
