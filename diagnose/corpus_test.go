package diagnose

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/faultline-dev/faultline/playbooks"
)

// corpusDir is the shared corpus of real CI logs, beside the repository.
const corpusDir = "../../shared/corpus"

func bundledEngine(t testing.TB) *Engine {
	t.Helper()
	lib, err := playbooks.Bundled()
	if err != nil {
		t.Fatal(err)
	}
	e, err := Compile(lib)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func corpusFiles(t testing.TB, pattern string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(corpusDir, pattern))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Skipf("no corpus at %s (it lives in the shared directory beside the repository)", filepath.Join(corpusDir, pattern))
	}
	return files
}

// allowedOnPassing lists the diagnoses the false-positive gate accepts on
// logs of builds that passed, each with the reason a person would give.
// Only low and medium playbooks may appear here.
var allowedOnPassing = map[string]map[string]string{}

// TestFalsePositiveGate: no high or critical diagnosis on a log of a build
// that succeeded, and every lower one explained.
func TestFalsePositiveGate(t *testing.T) {
	e := bundledEngine(t)
	for _, path := range corpusFiles(t, "passing/*.log") {
		name := filepath.Base(path)
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		res, err := e.Analyze(f, Options{Context: -1})
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range res.Diagnoses {
			ev := ""
			if len(d.Evidence) > 0 {
				ev = fmt.Sprintf(" (line %d: %.160s)", d.Evidence[0].Line, d.Evidence[0].Text)
			}
			if playbooks.Severity(d.Severity).Rank() >= playbooks.SeverityHigh.Rank() {
				t.Errorf("%s: %s diagnosis %s on a passing build%s", name, d.Severity, d.Playbook, ev)
				continue
			}
			if _, ok := allowedOnPassing[name][d.Playbook]; !ok {
				t.Errorf("%s: unexplained %s diagnosis %s on a passing build%s; tighten the playbook or explain it in allowedOnPassing", name, d.Severity, d.Playbook, ev)
			}
		}
	}
}

type groundTruth struct {
	Spans []struct {
		Start int `json:"start_line"`
		End   int `json:"end_line"`
	} `json:"evidence_spans"`
	Signals []struct {
		Lines [][2]int `json:"evidence_lines"`
	} `json:"required_signals"`
}

// logdxFloor is how many of the LogDx dev cases must have the top
// diagnosis's evidence inside the ground truth; raise it as playbooks improve.
const logdxFloor = 5

// TestLogDxEvidence measures whether the top diagnosis points at the lines a
// person would point at, on real failed jobs with ground truth.
func TestLogDxEvidence(t *testing.T) {
	e := bundledEngine(t)
	hits := 0
	cases := corpusFiles(t, "logdx-dev/*/raw.log")
	for _, raw := range cases {
		dir := filepath.Dir(raw)
		data, err := os.ReadFile(filepath.Join(dir, "ground_truth.json"))
		if err != nil {
			t.Fatal(err)
		}
		var gt groundTruth
		if err := json.Unmarshal(data, &gt); err != nil {
			t.Fatal(err)
		}
		var ranges [][2]int
		for _, s := range gt.Spans {
			ranges = append(ranges, [2]int{s.Start, s.End})
		}
		for _, s := range gt.Signals {
			ranges = append(ranges, s.Lines...)
		}
		f, err := os.Open(raw)
		if err != nil {
			t.Fatal(err)
		}
		res, err := e.Analyze(f, Options{Context: -1})
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Diagnoses) == 0 {
			t.Logf("%s: no diagnosis", filepath.Base(dir))
			continue
		}
		top := res.Diagnoses[0]
		inside := len(top.Evidence) > 0
		var lines []string
		for _, ev := range top.Evidence {
			ok := false
			for _, r := range ranges {
				if ev.Line >= r[0] && ev.Line <= r[1] {
					ok = true
				}
			}
			inside = inside && ok
			lines = append(lines, fmt.Sprintf("%d%s", ev.Line, map[bool]string{true: "", false: "(outside)"}[ok]))
		}
		if inside {
			hits++
		}
		t.Logf("%s: top %s, evidence lines %s", filepath.Base(dir), top.Playbook, strings.Join(lines, ","))
	}
	t.Logf("top diagnosis evidence inside the ground truth: %d of %d", hits, len(cases))
	if hits < logdxFloor {
		t.Errorf("%d of %d cases have evidence inside the ground truth; the floor is %d", hits, len(cases), logdxFloor)
	}
}

func FuzzAnalyze(f *testing.F) {
	e := bundledEngine(f)
	f.Add([]byte("exec /app: exec format error\n"))
	f.Add([]byte("\x1b[31m##[group]Run x\r\nentrypoint \"/a\" not found\n"))
	f.Add([]byte{0xff, '\n', '\n', 0xe2, 0x84, 0xaa})
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := e.Analyze(strings.NewReader(string(data)), Options{})
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range res.Diagnoses {
			if d.Confidence < 0 || d.Confidence > 1 || d.Score <= 0 {
				t.Fatalf("bad score/confidence: %+v", d)
			}
			for _, ev := range d.Evidence {
				if ev.Line < 1 || ev.Line > res.Lines {
					t.Fatalf("evidence line %d outside 1..%d", ev.Line, res.Lines)
				}
			}
		}
	})
}
