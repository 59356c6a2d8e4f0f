// Package matcher compiles many regular expressions into one line matcher.
//
// Go's regexp has no fast case-insensitive literal scan, so running a few
// hundred (?i) patterns on every line costs about half a millisecond a line.
// The matcher does what RE2's FilteredRE2 and Hyperscan do instead: it
// extracts the literals each pattern requires (regexp/syntax), searches all
// of them at once with one case-folding pass over a bitset of rare grams, checks a
// candidate's other literals, and runs a pattern's regex only on the lines
// that hold its literals. Per-line state lives in a Scratch, so one Matcher
// serves many goroutines and a line that matches nothing allocates nothing.
package matcher

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"regexp"
	"regexp/syntax"
	"strings"

	"github.com/faultline-dev/faultline/internal/parallel"
)

// Pattern is one regular expression to compile.
type Pattern struct {
	// Expr is the RE2 expression, flags included ("(?i)exec format error").
	Expr string
	// NoLiteral allows a pattern without a required literal of three bytes
	// or more. It runs on every line.
	NoLiteral bool
}

// MinTrigger is the shortest literal that may trigger a pattern.
const MinTrigger = 3

// FastTrigger is the shortest trigger found through the four-byte gram
// table; shorter ones need 2- or 3-byte grams, which most lines hold, so
// each costs every line's scan a lookup.
const FastTrigger = 5

// PatternError says which pattern could not be compiled and why.
type PatternError struct {
	Index int
	Expr  string
	Msg   string
}

func (e *PatternError) Error() string {
	return fmt.Sprintf("pattern %d %q: %s", e.Index, e.Expr, e.Msg)
}

// ErrNoLiteral is the message of a PatternError for a pattern the prefilter
// cannot narrow down.
const ErrNoLiteral = "has no required literal of 3 or more characters, so it would run on every line; add a distinctive word, or set no_literal: true to accept the cost"

// Matcher finds which of its patterns match a line.
type Matcher struct {
	patterns []compiled
	// alts are the prefilter alternatives: a pattern is a candidate when
	// one of its alternatives has all its literals in the line.
	alts []alternative
	// groups are the distinct triggers, each with the alternatives it
	// triggers: a trigger shared by many patterns ("error") is confirmed
	// once per line, not once per pattern.
	groups []triggerGroup
	// grams finds the triggers that may be in a line; its ids are indexes
	// into groups.
	grams *gramIndex
	// always are patterns without literals; they run on every line.
	always []int
}

type triggerGroup struct {
	lit  []byte
	alts []int32
}

type compiled struct {
	// orig is the pattern as written; low, when set, is the same pattern
	// for the lowered line (see lowerRegexp), which candidates run instead,
	// and orig then compiles only when a line needs it.
	orig lazyRegexp
	low  *regexp.Regexp
	// finite, when set, is every string the (case-insensitive, ASCII)
	// pattern can match, lower-cased: the pattern matches a line exactly
	// when the lowered line contains one of them, so the regex need not run
	// (Go's (?i) regexes are slowest on the long lines where this matters).
	finite [][]byte
	// ends are what a finite pattern asks of a found string's ends (\b,
	// ^, $).
	ends finiteEnds
	// leading are the literals every match begins with (see
	// leadingLiterals): the regex starts where the first of them is.
	leading [][]byte
	// Triggers are the literals chosen to trigger this pattern, one per
	// alternative (for diagnostics and lint).
	triggers []string
}

type alternative struct {
	pattern int
	// exact says the trigger is the whole (case-insensitive, ASCII) pattern
	// or branch: finding it is a match, no regex needed.
	exact bool
	// literals are all the alternative's required literals, the trigger
	// first; a line must contain each of them.
	literals [][]byte
	// edges, for a pattern anchored with ^ or $, are the bytes the line
	// can start or end with (see edgesOf); checked before anything else.
	edges *edges
}

// Compile builds a matcher; the id of a pattern is its index in pats.
func Compile(pats []Pattern) (*Matcher, error) {
	m := &Matcher{patterns: make([]compiled, len(pats)), grams: newGramIndex()}
	// Analysing a pattern (compiling its regex, extracting its literals)
	// is independent of the others and is most of the CLI's start-up, so
	// it runs on every core; the tables are then filled in pattern order.
	analyses := make([]analysis, len(pats))
	groupOf := map[string]int32{}
	parallel.For(len(pats), func(i int) { analyses[i] = analyse(pats[i], &m.patterns[i]) })
	for i, a := range analyses {
		if a.err != "" {
			return nil, &PatternError{Index: i, Expr: pats[i].Expr, Msg: a.err}
		}
		if a.plan == nil {
			m.always = append(m.always, i)
			continue
		}
		for _, alt := range a.plan {
			m.patterns[i].triggers = append(m.patterns[i].triggers, alt.trigger)
			g, ok := groupOf[alt.trigger]
			if !ok {
				g = int32(len(m.groups))
				groupOf[alt.trigger] = g
				m.groups = append(m.groups, triggerGroup{lit: []byte(alt.trigger)})
				m.grams.add(alt.trigger, g)
			}
			m.groups[g].alts = append(m.groups[g].alts, int32(len(m.alts)))
			m.alts = append(m.alts, alternative{
				pattern:  i,
				exact:    a.exact[alt.trigger] && len(alt.others) == 0,
				edges:    a.edges,
				literals: append([][]byte{[]byte(alt.trigger)}, alt.others...),
			})
		}
	}
	m.grams.freeze()
	return m, nil
}

// analysis is what analyse learns of one pattern for Compile.
type analysis struct {
	err   string       // why the pattern cannot be compiled
	plan  []plannedAlt // nil: it runs on every line (NoLiteral)
	exact map[string]bool
	edges *edges
}

// analyse compiles p into c and plans its prefilter alternatives.
func analyse(p Pattern, c *compiled) analysis {
	parsed, err := syntax.Parse(p.Expr, syntax.Perl)
	if err != nil {
		return analysis{err: err.Error()}
	}
	c.orig.expr = p.Expr
	if c.low = lowerRegexp(parsed); c.low == nil {
		re, err := regexp.Compile(p.Expr)
		if err != nil {
			return analysis{err: err.Error()}
		}
		c.orig.re = re
	}
	simple := parsed.Simplify()
	c.leading = leadingLiterals(simple)
	plan, ok := planAlternatives(requiredLiterals(simple))
	if !ok {
		if !p.NoLiteral {
			return analysis{err: ErrNoLiteral}
		}
		return analysis{}
	}
	// A finite pattern's strings are also what makes a candidate exact: an
	// alternative whose trigger is one of them, with no other literal to
	// check, is a match once the trigger is found.
	exact := map[string]bool{}
	if set, ends, ok := finiteStrings(simple, maxFinite); ok {
		for _, f := range set {
			exact[f] = ends == 0
			c.finite = append(c.finite, []byte(f))
		}
		c.ends = ends
	}
	return analysis{plan: plan, exact: exact, edges: edgesOf(simple)}
}

type plannedAlt struct {
	trigger string
	others  [][]byte
}

// planAlternatives picks, for each alternative, its rarest literal as the
// trigger. It fails when some alternative has no literal long enough.
func planAlternatives(req requirement) ([]plannedAlt, bool) {
	if req.empty() {
		return nil, false
	}
	plan := make([]plannedAlt, 0, len(req))
	seen := map[string]bool{}
	for _, alt := range req {
		best := -1
		for j, lit := range alt {
			if len(lit) < MinTrigger {
				continue
			}
			if best < 0 || Rarer(lit, alt[best]) {
				best = j
			}
		}
		if best < 0 {
			return nil, false
		}
		var others [][]byte
		for j, lit := range alt {
			if j != best && !strings.Contains(alt[best], lit) {
				others = append(others, []byte(lit))
			}
		}
		key := alt[best] + "\x00" + fmt.Sprint(others)
		if seen[key] {
			continue
		}
		seen[key] = true
		plan = append(plan, plannedAlt{trigger: alt[best], others: others})
	}
	return plan, true
}

// Len is the number of patterns.
func (m *Matcher) Len() int { return len(m.patterns) }

// Triggers returns the literals that trigger pattern i (nil for a pattern
// that runs on every line).
func (m *Matcher) Triggers(i int) []string { return m.patterns[i].triggers }

// Scratch is the per-goroutine state of a scan. Its zero value is ready.
type Scratch struct {
	clean   []byte
	lower   []byte
	folded  []byte
	stamp   []uint32 // per trigger group: generation it was last looked at in
	gen     uint32
	cands   []int32
	matched []uint32  // per pattern: generation it last matched in
	grams   []gramHit // the gram index's hits in the line being matched
}

func (s *Scratch) reset(m *Matcher) {
	if len(s.stamp) != len(m.groups) {
		s.stamp = make([]uint32, len(m.groups))
		s.matched = make([]uint32, len(m.patterns))
		s.gen = 0
	}
	if len(s.matched) != len(m.patterns) {
		s.matched = make([]uint32, len(m.patterns))
	}
	s.gen++
	if s.gen == 0 { // wrapped: old stamps could look current
		clear(s.stamp)
		clear(s.matched)
		s.gen = 1
	}
	s.cands = s.cands[:0]
}

// Match appends to hits the ids of the patterns that match line and returns
// them. The line is first cleaned (see Clean); pass the cleaned text if you
// need it, via CleanLine.
func (m *Matcher) Match(s *Scratch, line []byte, hits []int) []int {
	return m.MatchClean(s, Clean(s, line), hits)
}

// MatchClean is Match on a line that has already been cleaned.
func (m *Matcher) MatchClean(s *Scratch, line []byte, hits []int) []int {
	s.reset(m)
	text := line[timestampPrefix(line):]
	var lower []byte // made on the first key hit: most lines have none
	var nonASCII bool
	s.grams, nonASCII = m.grams.hits(text, s.grams[:0])
	if nonASCII && hasFoldingRune(text) {
		// Go's (?i) folds the Kelvin sign to k and the long s to s; the
		// prefilter sees them once they are spelled in ASCII (lowered does).
		lower = s.lowered(text)
		s.grams, _ = m.grams.hits(lower, s.grams)
	}
	for _, h := range s.grams {
		if s.stamp[h.group] == s.gen || h.start < 0 {
			continue
		}
		// The group's alternatives that the line's first and last bytes
		// leave possible, as candidates until the trigger is confirmed.
		// None (anchored patterns: `^E\s+...Error` on a line holding
		// "error") rules the group out for the whole line.
		g := &m.groups[h.group]
		n := len(s.cands)
		for _, ai := range g.alts {
			if e := m.alts[ai].edges; e == nil || e.ok(text) {
				s.cands = append(s.cands, ai)
			}
		}
		if len(s.cands) == n {
			s.stamp[h.group] = s.gen
			continue
		}
		if lower == nil {
			lower = s.lowered(text)
		}
		if h.start >= len(lower) || !bytes.HasPrefix(lower[h.start:], g.lit) {
			s.cands = s.cands[:n] // the trigger may still be elsewhere in the line
			continue
		}
		s.stamp[h.group] = s.gen
	}
	for _, ci := range s.cands {
		alt := &m.alts[ci]
		if s.matched[alt.pattern] == s.gen || !containsAll(lower, alt.literals[1:]) {
			continue
		}
		if alt.exact || m.patterns[alt.pattern].matches(text, lower) {
			s.matched[alt.pattern] = s.gen
			hits = append(hits, alt.pattern)
		}
	}
	for _, i := range m.always {
		if m.patterns[i].orig.get().Match(text) {
			hits = append(hits, i)
		}
	}
	return hits
}

// matches runs the pattern on a candidate line: a finite pattern by a
// substring search of the lowered line, any other by its regex, on the
// lowered line where it can (see lowerRegexp) and from the first place a
// match can begin (see leadingLiterals).
func (p *compiled) matches(text, lower []byte) bool {
	// Lowering may have spelled a Kelvin sign or long s in ASCII, which
	// moves the lowered line's bytes and changes where \b falls: then only
	// a plain substring search can use it, and anything else runs the
	// original regex on the text.
	folded := len(lower) != len(text)
	if p.finite != nil && !(folded && p.ends != 0) {
		return p.ends.anyIn(lower, p.finite)
	}
	if folded {
		return p.orig.get().Match(text)
	}
	re, subject := p.low, lower
	if re == nil {
		re, subject = p.orig.get(), text
	}
	if p.leading != nil {
		i := firstOf(lower, p.leading)
		if i < 0 {
			return false
		}
		subject = subject[i:]
	}
	return re.Match(subject)
}

// MatchOne reports whether pattern i alone matches a cleaned line; used to
// check vetoes and causes without rescanning every pattern.
func (m *Matcher) MatchOne(i int, line []byte) bool {
	return m.patterns[i].orig.get().Match(line[timestampPrefix(line):])
}

// lowered returns text with ASCII letters in lower case, as the prefilter's
// literals are, and with the two non-ASCII runes Go's (?i) folds onto ASCII
// letters (the Kelvin sign, the long s) spelled k and s.
func (s *Scratch) lowered(text []byte) []byte {
	if cap(s.lower) < len(text) {
		s.lower = make([]byte, len(text), max(len(text), 2*cap(s.lower)))
	}
	low := s.lower[:len(text)]
	// Eight bytes at a time (SWAR), then the rest through the table.
	var hi uint64
	i := 0
	for ; i+8 <= len(text); i += 8 {
		w := binary.LittleEndian.Uint64(text[i:])
		hi |= w
		binary.LittleEndian.PutUint64(low[i:], lower8(w))
	}
	for ; i < len(text); i++ {
		hi |= uint64(text[i])
		low[i] = lowerTable[text[i]]
	}
	if hi&0x8080808080808080 != 0 && hasFoldingRune(low) {
		s.folded = foldSpecial(s.folded[:0], low)
		return s.folded
	}
	return low
}

// lower8 lower-cases the ASCII letters among eight bytes at once: a byte
// gets 0x20 added when it is ASCII and between 'A' and 'Z'.
func lower8(k uint64) uint64 {
	const ones = 0x0101010101010101
	low7 := k & (0x7F * ones)
	geA := low7 + 0x3F*ones // high bit set where byte >= 'A'
	gtZ := low7 + 0x25*ones // high bit set where byte > 'Z'
	upper := (geA ^ gtZ) &^ k & (0x80 * ones)
	return k | upper>>2
}

var lowerTable = func() (t [256]byte) {
	for i := range t {
		t[i] = byte(i)
		if 'A' <= i && i <= 'Z' {
			t[i] = byte(i + 'a' - 'A')
		}
	}
	return t
}()

func containsAll(lower []byte, lits [][]byte) bool {
	for _, l := range lits {
		if !bytes.Contains(lower, l) {
			return false
		}
	}
	return true
}

var (
	kelvin = []byte("\u212a")
	longS  = []byte("\u017f")
)

func hasFoldingRune(text []byte) bool {
	return bytes.Contains(text, kelvin) || bytes.Contains(text, longS)
}

// foldSpecial appends text to dst with the Kelvin sign written as k and the
// long s as s.
func foldSpecial(dst, text []byte) []byte {
	for len(text) > 0 {
		switch {
		case bytes.HasPrefix(text, kelvin):
			dst = append(dst, 'k')
			text = text[len(kelvin):]
		case bytes.HasPrefix(text, longS):
			dst = append(dst, 's')
			text = text[len(longS):]
		default:
			dst = append(dst, text[0])
			text = text[1:]
		}
	}
	return dst
}

// Stats describes the compiled prefilter, for benchmarks and lint.
func (m *Matcher) Stats() string {
	keys, density := m.grams.stats()
	return fmt.Sprintf("%d patterns, %d alternatives, %d distinct triggers, %d always-run, keys: %d four-byte, %d three-byte, %d two-byte; four-byte bitset %.2f%% full",
		len(m.patterns), len(m.alts), len(m.groups), len(m.always), keys[4], keys[3], keys[2], 100*density)
}

// Expr returns pattern i.
func (m *Matcher) Expr(i int) string { return m.patterns[i].orig.expr }

func isASCIILetter(c rune) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

func classHas(r *syntax.Regexp, c rune) bool {
	for j := 0; j+1 < len(r.Rune); j += 2 {
		if r.Rune[j] <= c && c <= r.Rune[j+1] {
			return true
		}
	}
	return false
}
