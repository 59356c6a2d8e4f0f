package matcher

import (
	"regexp"
	"regexp/syntax"
	"slices"
	"strings"
	"testing"
)

var testPatterns = []Pattern{
	{Expr: `(?i)entrypoint.*not found`},
	{Expr: `(?i)exec format error`},
	{Expr: `(?i)container.*exit(ed)? (with )?code 12[67]`},
	{Expr: `(?i)no such file or directory`},
	{Expr: `ERESOLVE`},                                           // case-sensitive
	{Expr: `(?i)^fatal: (could not read|authentication failed)`}, // anchored, alternation
	{Expr: `(?i)(npm|yarn) ERR! code E\d+`},
	{Expr: `(?i)kelvin`},
	{Expr: `(?i)café not opened`},
	{Expr: `(?i)[Tt]imed? ?out after \d+`},
	{Expr: `(?i)ECONNREFUSED|ECONNRESET|ETIMEDOUT`}, // finite: substring search
	{Expr: `(?i)checksum mismatch|check ?sum`},      // finite, with an optional part
	{Expr: `(?i)s[kq]ipped (tests?|suites?)`},       // finite, through a class
	{Expr: `[Ss]kipped by CI`},                      // case-sensitive: the regex runs
	{Expr: `(?i)^E\s+[\w.]+(Error|Exception)\b`},    // anchored: the first byte is checked
	{Expr: `(?i)^(\[ERROR\] )?(Tests in error|Errors): ?$`},
	{Expr: `^=+ \d+ failed`},
	{Expr: `\.go:\d+:\d+: `}, // triggered by ".go:0" ... ".go:9"
	{Expr: `(?i)[a-z]\.svc\.cluster\.local|[a-z]\.svc\.?[ :/"']`},
	{Expr: `(?i)\[info\] tests run`}, // '[' and '{' share a folded gram
	{Expr: `(?i)skip$`},
	{Expr: `(?i)\.(internal|corp)\b`}, // finite, with a boundary
	{Expr: `(?i)\bsigkill\b`},
	{Expr: `(?i)^\[WARNING\] `}, // finite, anchored
	{Expr: `(?i)^build success$`},
	{Expr: `(?i)tests? passed$`},
	{Expr: `(?i)Killed +[^ ]`}, // the regex starts at "killed"
	{Expr: `(?i)(AssertionError|expected .+ (got|but was))`},
	{Expr: `(?i)\.java:(\[\d+,\d+\]|\d+: error:) cannot find`},
	{Expr: `(?i)x?Kelvin sign\b`}, // may begin otherwise: no leading literal
}

// TestFiniteStrings: which patterns are matched by substring search, and
// with which strings.
func TestFiniteStrings(t *testing.T) {
	for _, tc := range []struct {
		expr string
		want []string // nil: not finite
		wb   finiteEnds
	}{
		{`(?i)ECONNREFUSED|ECONNRESET`, []string{"econnrefused", "econnreset"}, 0},
		{`(?i)check ?sum`, []string{"check sum", "checksum"}, 0},
		{`(?i)xfail|XFAIL`, []string{"xfail"}, 0},
		{`(?i)(npm|yarn) ERR!`, []string{"npm err!", "yarn err!"}, 0},
		{`(?i)s[kq]ip`, []string{"skip", "sqip"}, 0},
		{`ERESOLVE`, nil, 0}, // case-sensitive letters
		{`(?i)^fatal: x`, []string{"fatal: x"}, textStart},
		{`(?i)^\[INFO\] BUILD SUCCESS$`, []string{"[info] build success"}, textStart | textEnd},
		{`(?i)^fatal\b`, []string{"fatal"}, textStart | wordEnd},
		{`(?i)(?m)^fatal`, nil, 0}, // the start of any line
		{`(?i)\bcoverage\b`, []string{"coverage"}, wordStart | wordEnd},
		{`(?i)\.(internal|corp)\b`, []string{".corp", ".internal"}, wordEnd},
		{`(?i)cover\bage`, nil, 0},    // a boundary inside
		{`(?i)exit code \d+`, nil, 0}, // repetition
		{`(?i)ab|abcdef`, nil, 0},     // a string shorter than a trigger
		{`(?i)[a-z]{3}x`, nil, 0},     // too many strings
		{`(?i)café`, nil, 0},          // not ASCII
		{`(?i)1040`, []string{"1040"}, 0},
	} {
		re, err := syntax.Parse(tc.expr, syntax.Perl)
		if err != nil {
			t.Fatal(err)
		}
		got, wb, ok := finiteStrings(re.Simplify(), maxFinite)
		if wb != tc.wb {
			t.Errorf("finiteStrings(%q) boundaries = %b, want %b", tc.expr, wb, tc.wb)
		}
		slices.Sort(got)
		got = slices.Compact(got)
		if tc.want == nil {
			if ok {
				t.Errorf("finiteStrings(%q) = %q, want not finite", tc.expr, got)
			}
			continue
		}
		if !ok || !slices.Equal(got, tc.want) {
			t.Errorf("finiteStrings(%q) = %q, %v; want %q", tc.expr, got, ok, tc.want)
		}
	}
}

// oracle is the obvious, slow matcher the fast one must agree with: every
// pattern's regex on every line.
type oracle []*regexp.Regexp

func newOracle(pats []Pattern) oracle {
	o := make(oracle, len(pats))
	for i, p := range pats {
		o[i] = regexp.MustCompile(p.Expr)
	}
	return o
}

func (o oracle) match(line string) []int {
	var hits []int
	text := line[timestampPrefix([]byte(line)):]
	for i, re := range o {
		if re.MatchString(text) {
			hits = append(hits, i)
		}
	}
	return hits
}

func TestMatch(t *testing.T) {
	m, err := Compile(testPatterns)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		line string
		want []int
	}{
		{"regex not literal", `Error: entrypoint "/docker-entrypoint.sh" not found`, []int{0}},
		{"upper case", `EXEC /APP: EXEC FORMAT ERROR`, []int{1}},
		{"two signals", `container api exited with code 127: /app: no such file or directory`, []int{2, 3}},
		{"case-sensitive literal", `npm ERR! ERESOLVE unable to resolve dependency tree`, []int{4}},
		{"case-sensitive miss", `eresolve mentioned in lower case`, nil},
		{"anchored after timestamp", `2026-04-22T16:24:46.8301311Z fatal: could not read Username`, []int{5}},
		{"anchored not at start", `echo fatal: could not read`, nil},
		{"ansi colours", "\x1b[31mexec\x1b[0m format \x1b[1merror\x1b[0m", []int{1}},
		{"crlf", "exec format error\r\n", []int{1}},
		{"carriage return progress", "downloading 10%\rdownloading 100%\rexec format error", []int{1}},
		{"yarn alternation", `yarn ERR! code E404`, []int{6}},
		{"kelvin sign folds to k", "\u212aelvin", []int{7}},
		{"long s folds to s", "no \u017fuch file or directory", []int{3}},
		{"non-ascii fold", `CAFÉ NOT OPENED`, []int{8}},
		{"class literal", `request timed out after 30s`, []int{9}},
		{"nothing", `all good here`, nil},
		{"invalid utf-8", "\xff\xfe exec format error \xc3", []int{1}},
	}
	var s Scratch
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := m.Match(&s, []byte(tt.line), nil)
			slices.Sort(got)
			if !slices.Equal(got, tt.want) {
				t.Errorf("Match(%q) = %v, want %v", tt.line, got, tt.want)
			}
		})
	}
}

func TestCompileRejectsLiteralLess(t *testing.T) {
	for _, expr := range []string{`(?i).*`, `\d+ m`, `(?i)(ab|cd)`, `[a-z]+ x`} {
		_, err := Compile([]Pattern{{Expr: expr}})
		if err == nil || !strings.Contains(err.Error(), "no required literal") {
			t.Errorf("Compile(%q) error = %v, want a no-literal error", expr, err)
		}
		m, err := Compile([]Pattern{{Expr: expr, NoLiteral: true}})
		if err != nil {
			t.Errorf("Compile(%q, NoLiteral) = %v", expr, err)
			continue
		}
		if m.Triggers(0) != nil {
			t.Errorf("literal-less pattern %q has triggers %v", expr, m.Triggers(0))
		}
	}
}

func TestTriggers(t *testing.T) {
	tests := []struct {
		expr string
		want []string
	}{
		{`(?i)entrypoint.*not found`, []string{"not found"}}, // rarer than "entrypoint" in real CI logs
		{`(?i)(npm|yarn) ERR! code`, []string{"npm err! code", "yarn err! code"}},
		{`(?i)pg_(wal|xlog)`, []string{"pg_wal", "pg_xlog"}},
		{`(?i)exit ?code 137`, []string{"exit code 137", "exitcode 137"}},
		{`(?i)exec format error`, []string{"exec format error"}},
		{`(?i)E[Rr]ROR: denied`, []string{"error: denied"}},
		// The first of a repeated class extends the run.
		{`\.go:\d+:\d+: `, []string{".go:0", ".go:1", ".go:2", ".go:3", ".go:4", ".go:5", ".go:6", ".go:7", ".go:8", ".go:9"}},
		{`(?i)[a-z]\.rs:[0-9]{1,5}`, []string{".rs:0", ".rs:1", ".rs:2", ".rs:3", ".rs:4", ".rs:5", ".rs:6", ".rs:7", ".rs:8", ".rs:9"}},
		// Runs continue into the branches of an alternation, factored or not.
		{`(?i)[a-z]\.svc\.cluster\.local|[a-z]\.svc\.?[:/]`, []string{".svc.cluster.local", ".svc/", ".svc:", ".svc./", ".svc.:"}},
		// ... and a class does not fork runs already long enough.
		{`(?i)exit(ed)? (with )?code 12[67]`, []string{"exit code 12", "exit with code 12", "exited code 12", "exited with code 12"}},
		// A class of more than ten bytes ends the run.
		{`(?i)build [0-9a-f]+ failed`, []string{" failed"}},
	}
	for _, tt := range tests {
		m, err := Compile([]Pattern{{Expr: tt.expr}})
		if err != nil {
			t.Fatal(err)
		}
		got := slices.Sorted(slices.Values(m.Triggers(0)))
		if !slices.Equal(got, slices.Sorted(slices.Values(tt.want))) {
			t.Errorf("Triggers(%q) = %q, want %q", tt.expr, got, tt.want)
		}
	}
}

func TestNoAllocOnMiss(t *testing.T) {
	m, err := Compile(testPatterns)
	if err != nil {
		t.Fatal(err)
	}
	var s Scratch
	line := []byte("2026-04-22T16:24:46.83Z [INFO] request served in 12ms status=200 path=/api/v1/items")
	hits := make([]int, 0, 8)
	m.Match(&s, line, hits)
	allocs := testing.AllocsPerRun(100, func() { hits = m.Match(&s, line, hits[:0]) })
	if allocs != 0 {
		t.Errorf("Match allocates %v times per non-matching line", allocs)
	}
}

func TestLongLine(t *testing.T) {
	m, err := Compile(testPatterns)
	if err != nil {
		t.Fatal(err)
	}
	line := []byte(strings.Repeat("entrypoint no such ", 200_000) + "exec format error")
	var s Scratch
	got := m.Match(&s, line, nil)
	slices.Sort(got)
	if !slices.Equal(got, []int{1}) {
		t.Errorf("long line hits = %v", got)
	}
}

func FuzzMatch(f *testing.F) {
	m, err := Compile(testPatterns)
	if err != nil {
		f.Fatal(err)
	}
	for _, seed := range []string{
		"exec format error", "\x1b[31mERESOLVE\x1b[0m", "2026-01-01T00:00:00Z fatal: could not read",
		"container x exit code 126", "\u212aelvin", "caf\u00e9 not opened", "\xff\xfe",
		"E   ValueError: x", "e\tKeyError", " E ValueError", "[ERROR] Errors: ", "Tests in error:",
		"=== 3 failed", "main.go:12:3: undefined", "orders.shop.svc.cluster.local", "redis.svc:6379",
		"{INFO} Tests run", "[INFO] Tests run: 3", "do not S\u212aIP", "do not s\u017fkip",
		"[WARNING] x", "x [WARNING] ", "BUILD SUCCESS", "BUILD SUCCESS ", "2 tests passed", "test passed.", "\u212a [WARNING] ",
		"Killed  9", "killed killed x", "expected 1 but was 2 AssertionError", "expected x got", "A.java:[3,4] cannot find", "a.java:[3,4] x.JAVA:12: error: cannot find",
		"xkelvin sign", "\u212aelvin sign", "KELVIN SIGNS",
		"db.internal:5432", "db.internalx .corp_", "x.CORP", "SIGKILLED sigkill", "_sigkill", "SIG\u212aILL",
	} {
		f.Add(seed)
	}
	var s Scratch
	o := newOracle(testPatterns)
	f.Fuzz(func(t *testing.T, line string) {
		got := m.Match(&s, []byte(line), nil)
		slices.Sort(got)
		clean := string(Clean(&Scratch{}, []byte(line)))
		want := o.match(clean)
		if !slices.Equal(got, want) {
			t.Errorf("Match(%q) = %v, oracle says %v", line, got, want)
		}
	})
}

func TestLeadingLiterals(t *testing.T) {
	for _, tc := range []struct {
		expr string
		want []string // nil: none
	}{
		{`(?i)Killed +[^ ]`, []string{"killed"}},
		{`(?i)(AssertionError|expected .+ (got|but was))`, []string{"assertionerror", "expected "}},
		{`(?i)\.pyi?:\d+: error`, []string{".py"}},
		{`ERESOLVE unable`, []string{"eresolve unable"}},
		{`(?i)x?kelvin`, nil},  // may begin with k
		{`(?i)^fatal: x`, nil}, // an assertion first
		{`(?i)\bfatal`, nil},
		{`(?i)[a-z]+\.go`, nil},
		{`(?i)ab(c|d)`, nil},      // too short
		{`(?i)café au lait`, nil}, // é folds: not a byte literal
	} {
		re, err := syntax.Parse(tc.expr, syntax.Perl)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, l := range leadingLiterals(re.Simplify()) {
			got = append(got, string(l))
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("leadingLiterals(%q) = %q, want %q", tc.expr, got, tc.want)
		}
	}
}

// TestEdges: the first and last bytes an anchored pattern allows.
func TestEdges(t *testing.T) {
	for _, tc := range []struct {
		expr        string
		first, last string // the bytes allowed; "" means that end is not checked
	}{
		{`(?i)^E\s+x`, "Ee", ""},
		{`^=+ \d+ failed`, "=", ""},
		{`(?i)^(\[ERROR\] )?(Tests|Errors): ?$`, "[TtEe", ": "},
		{`(?i)^ok$`, "Oo", "Kk\x80-\xff"}, // k folds to the Kelvin sign
		{`^\s*at `, "\t\n\f\r a", ""},     // an empty \s* leaves the a
		{`(?i)error$`, "", "Rr"},
		{`^(a|b)?c`, "abc", ""},
		{`x`, "", ""},
		{`(?m)^x`, "", ""}, // ^ of a line, not of the text
		{`^.x`, "", ""},    // any byte
		{`^\s*x?`, "", ""}, // can be empty
	} {
		re, err := syntax.Parse(tc.expr, syntax.Perl)
		if err != nil {
			t.Fatal(err)
		}
		e := edgesOf(re.Simplify())
		if got := describeSet(e, true); got != expandSet(tc.first) {
			t.Errorf("%q: first bytes %q, want %q", tc.expr, got, expandSet(tc.first))
		}
		if got := describeSet(e, false); got != expandSet(tc.last) {
			t.Errorf("%q: last bytes %q, want %q", tc.expr, got, expandSet(tc.last))
		}
	}
}

func describeSet(e *edges, first bool) string {
	if e == nil {
		return ""
	}
	set := e.last
	if first {
		set = e.first
	}
	if set == nil {
		return ""
	}
	var b []byte
	for c := 0; c < 256; c++ {
		if set.has(byte(c)) {
			b = append(b, byte(c))
		}
	}
	return string(b)
}

// expandSet spells a set like "Kk\x80-\xff" as its sorted bytes.
func expandSet(spec string) string {
	var set byteSet
	for i := 0; i < len(spec); i++ {
		if i+2 < len(spec) && spec[i+1] == '-' {
			set.addRange(int(spec[i]), int(spec[i+2]))
			i += 2
			continue
		}
		set.add(spec[i])
	}
	return describeSet(&edges{first: &set}, true)
}

// TestEveryPosition: the scan looks at even positions only, so a trigger
// must be found wherever it starts, whatever its length, up to the line's
// last byte.
func TestEveryPosition(t *testing.T) {
	lits := []string{"abc", "(111", "abcde", "exec format error", "Xy9z"}
	var pats []Pattern
	for _, l := range lits {
		pats = append(pats, Pattern{Expr: "(?i)" + regexp.QuoteMeta(l)})
	}
	m, err := Compile(pats)
	if err != nil {
		t.Fatal(err)
	}
	var s Scratch
	for i, l := range lits {
		for pre := 0; pre < 7; pre++ {
			for post := 0; post < 4; post++ {
				line := strings.Repeat("-", pre) + strings.ToUpper(l) + strings.Repeat("-", post)
				if got := m.Match(&s, []byte(line), nil); !slices.Contains(got, i) {
					t.Errorf("%q not found in %q (got %v)", l, line, got)
				}
			}
		}
	}
}

// TestLowered: the SWAR lowering agrees with the byte table on every byte,
// at every offset of the eight-byte words.
func TestLowered(t *testing.T) {
	var text []byte
	for b := 0; b < 256; b++ {
		if b != 0xE2 && b != 0xC5 { // lead bytes of the two folding runes
			text = append(text, byte(b))
		}
	}
	var s Scratch
	for off := range 8 {
		in := text[off:]
		got := s.lowered(in)
		for i, b := range in {
			if got[i] != lowerTable[b] {
				t.Fatalf("offset %d: byte %#x lowered to %#x, want %#x", off, b, got[i], lowerTable[b])
			}
		}
	}
}

// TestLowerRegexp: which patterns run case-sensitively on the lowered line,
// and that they match the lowered lines the original matches.
func TestLowerRegexp(t *testing.T) {
	for _, tc := range []struct {
		expr  string
		lines []string // nil: keeps the original
	}{
		{`(?i)^\[INFO\] Tests run: \d+`, []string{"[INFO] Tests run: 3"}},
		{`(?i)[A-Z]+Error\b`, []string{"x KeyError: 1", "valueerror"}},
		{`(?i)café`, nil},   // é folds to É, which lowering leaves
		{`ERESOLVE`, nil},   // case-sensitive letters
		{`[Ss]kipped`, nil}, // "kipped" is case-sensitive
		{`\d+ ms`, nil},     // "ms" is case-sensitive
		{`(?i)\d+ ms`, []string{"12 MS"}},
		{`(?i)[^ ]+ \(x\)$`, []string{"a (X)"}},
		{`(?i)(?:a|b)+?c{2,3}\Bd\z`, []string{"ABaCCCd"}},
		{`(?is)x.y|^$`, []string{"x\ny", ""}},
	} {
		re, err := syntax.Parse(tc.expr, syntax.Perl)
		if err != nil {
			t.Fatal(err)
		}
		low := lowerRegexp(re)
		if (low != nil) != (tc.lines != nil) {
			t.Errorf("lowerRegexp(%q) = %v, want lowered: %v", tc.expr, low, tc.lines != nil)
			continue
		}
		for _, l := range tc.lines {
			if !regexp.MustCompile(tc.expr).MatchString(l) {
				t.Fatalf("bad case: %q does not match %q", tc.expr, l)
			}
			if !low.MatchString(strings.ToLower(l)) {
				t.Errorf("lowered %q (%s) does not match %q", tc.expr, low, strings.ToLower(l))
			}
		}
	}
}
