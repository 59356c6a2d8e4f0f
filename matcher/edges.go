package matcher

import (
	"regexp/syntax"
	"unicode/utf8"
)

// edges is a cheap necessary condition for an anchored pattern: the bytes
// its match can start the line with (after `^`) and end it with (before
// `$`). Anchored patterns are common in the library (`^E\s+...` for pytest,
// `^=+ ... =+$`, `^\[ERROR\] ...`) and their literals often are common words
// ("error"), so the literal prefilter lets through many lines whose first
// byte already rules the pattern out; looking at one byte each end costs
// less than starting the regex.
type edges struct {
	first, last *byteSet // nil: that end is not anchored, or tells nothing
}

type byteSet [4]uint64

func (s *byteSet) add(b byte)       { s[b>>6] |= 1 << (b & 63) }
func (s *byteSet) has(b byte) bool  { return s[b>>6]&(1<<(b&63)) != 0 }
func (s *byteSet) union(o *byteSet) { s[0] |= o[0]; s[1] |= o[1]; s[2] |= o[2]; s[3] |= o[3] }
func (s *byteSet) addRange(lo, hi int) {
	for b := lo; b <= hi; b++ {
		s.add(byte(b))
	}
}
func (s *byteSet) full() bool {
	return s[0]&s[1]&s[2]&s[3] == ^uint64(0)
}

// ok reports whether text may match a pattern with these edges.
func (e *edges) ok(text []byte) bool {
	if e.first != nil && (len(text) == 0 || !e.first.has(text[0])) {
		return false
	}
	if e.last != nil && (len(text) == 0 || !e.last.has(text[len(text)-1])) {
		return false
	}
	return true
}

// edgesOf returns the edges of a parsed, simplified pattern, or nil when it
// is anchored at neither end (or an anchored end can be empty, or may start
// with any byte). Only `^` and `$` outside (?m) count: with (?m) a record
// body of several lines could match after an inner newline.
func edgesOf(re *syntax.Regexp) *edges {
	for re.Op == syntax.OpCapture {
		re = re.Sub[0]
	}
	if re.Op != syntax.OpConcat || len(re.Sub) < 2 {
		return nil
	}
	var e edges
	if re.Sub[0].Op == syntax.OpBeginText {
		if set, empty := edgeBytes(re.Sub[1:], true); !empty && !set.full() {
			e.first = &set
		}
	}
	if n := len(re.Sub); re.Sub[n-1].Op == syntax.OpEndText {
		if set, empty := edgeBytes(re.Sub[:n-1], false); !empty && !set.full() {
			e.last = &set
		}
	}
	if e.first == nil && e.last == nil {
		return nil
	}
	return &e
}

// edgeBytes returns the bytes a match of the concatenation subs can begin
// (front) or end (!front) with, and whether it can be empty. It errs on
// the side of more bytes: any byte of a non-ASCII rune, any rune of a case
// folding, the whole set for anything it does not model.
func edgeBytes(subs []*syntax.Regexp, front bool) (set byteSet, empty bool) {
	for k := range subs {
		sub := subs[k]
		if !front {
			sub = subs[len(subs)-1-k]
		}
		s, e := edgeBytesOf(sub, front)
		set.union(&s)
		if !e {
			return set, false
		}
	}
	return set, true
}

func edgeBytesOf(re *syntax.Regexp, front bool) (set byteSet, empty bool) {
	switch re.Op {
	case syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText, syntax.OpEndText,
		syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return set, true
	case syntax.OpNoMatch:
		return set, false
	case syntax.OpLiteral:
		if len(re.Rune) == 0 {
			return set, true
		}
		r := re.Rune[0]
		if !front {
			r = re.Rune[len(re.Rune)-1]
		}
		addRune(&set, r, re.Flags&syntax.FoldCase != 0)
		return set, false
	case syntax.OpCharClass:
		for i := 0; i+1 < len(re.Rune); i += 2 {
			lo, hi := re.Rune[i], re.Rune[i+1]
			if lo < utf8.RuneSelf {
				set.addRange(int(lo), int(min(hi, utf8.RuneSelf-1)))
			}
			if hi >= utf8.RuneSelf {
				set.addRange(0x80, 0xFF)
			}
		}
		return set, false
	case syntax.OpCapture, syntax.OpPlus:
		return edgeBytesOf(re.Sub[0], front)
	case syntax.OpStar, syntax.OpQuest:
		set, _ = edgeBytesOf(re.Sub[0], front)
		return set, true
	case syntax.OpRepeat:
		set, empty = edgeBytesOf(re.Sub[0], front)
		return set, empty || re.Min == 0
	case syntax.OpConcat:
		return edgeBytes(re.Sub, front)
	case syntax.OpAlternate:
		for _, sub := range re.Sub {
			s, e := edgeBytesOf(sub, front)
			set.union(&s)
			empty = empty || e
		}
		return set, empty
	}
	set.addRange(0, 0xFF)
	return set, true
}

// addRune adds the bytes rune r can begin or end with: an ASCII rune and,
// under case folding, its other case; for anything that is or folds to a
// non-ASCII rune (k and s fold to the Kelvin sign and the long s), every
// byte from 0x80.
func addRune(set *byteSet, r rune, fold bool) {
	if r >= utf8.RuneSelf {
		set.addRange(0x80, 0xFF)
		return
	}
	set.add(byte(r))
	if !fold {
		return
	}
	switch {
	case 'a' <= r && r <= 'z':
		set.add(byte(r - 'a' + 'A'))
	case 'A' <= r && r <= 'Z':
		set.add(byte(r - 'A' + 'a'))
	}
	if r == 'k' || r == 'K' || r == 's' || r == 'S' {
		set.addRange(0x80, 0xFF)
	}
}
