package diagnose

import (
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/faultline-dev/faultline/playbooks"
)

// playbook builds a minimal valid playbook YAML around the given fields.
func playbook(id, body string) string {
	return fmt.Sprintf(`title: %s
category: build
severity: high
summary: s
diagnosis: d
fix: f
validation: v
examples:
  match: ['x']
  no_match: ['y']
%s`, id, body)
}

func engineFor(t testing.TB, pbs map[string]string) *Engine {
	t.Helper()
	fsys := fstest.MapFS{}
	for id, body := range pbs {
		fsys[id+".yaml"] = &fstest.MapFile{Data: []byte(playbook(id, body))}
	}
	list, err := playbooks.LoadFS(fsys, ".", "test", false)
	if err != nil {
		t.Fatal(err)
	}
	e, err := Compile(playbooks.NewLibrary(list))
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func analyze(t testing.TB, e *Engine, log string) *Result {
	t.Helper()
	res, err := e.Analyze(strings.NewReader(log), Options{})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func ids(res *Result) []string {
	var out []string
	for _, d := range res.Diagnoses {
		out = append(out, d.Playbook)
	}
	return out
}

func TestScoring(t *testing.T) {
	e := engineFor(t, map[string]string{
		"entry": `signals:
  - pattern: 'exec format error'
    weight: 1.5
  - pattern: 'no such file or directory'
    weight: 0.3
  - pattern: 'container.*exit code 127'
vetoes:
  - 'expected exit code 127'
  - pattern: 'dry[- ]run mode'
    scope: log
causes:
  - id: arch
    title: arch
    fix: f
    signals: ['exec format error']
  - id: missing
    title: missing
    fix: f
    signals: ['exit code 127', 'no such file']
`,
		"probe": `all_of:
  - name: probe-then-kill
    window: 3
    signals: ['Liveness probe failed', 'will be restarted']
`,
		"generic": `signals:
  - pattern: 'process exited with code'
    weight: 1
`,
	})
	tests := []struct {
		name      string
		log       string
		want      []string
		wantCause string
	}{
		{"strong signal alone", "exec /app: exec format error\n", []string{"entry"}, "arch"},
		{"broad signal alone does not diagnose", "cat: x: No such file or directory\n", nil, ""},
		{"broad plus strong", "container api exit code 127\n/app: no such file or directory\n", []string{"entry"}, "missing"},
		{"line veto", "assert: expected exit code 127 from container stub\n", nil, ""},
		{"log veto anywhere", "dry-run mode enabled\n...\nexec format error\n", nil, ""},
		{"all_of within window", "Liveness probe failed: 500\nx\nContainer app failed liveness probe, will be restarted\n", []string{"probe"}, ""},
		{"all_of outside window", "Liveness probe failed: 500\na\nb\nc\nd\nContainer will be restarted\n", nil, ""},
		{"all_of half", "Liveness probe failed: 500\n", nil, ""},
		{"specific beats generic", "npm run build\nexec /app: exec format error\nprocess exited with code 1\n", []string{"entry", "generic"}, "arch"},
		{"nothing", "all good\n", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := analyze(t, e, tt.log)
			got := ids(res)
			if strings.Join(got, ",") != strings.Join(tt.want, ",") {
				t.Fatalf("diagnoses = %v, want %v", got, tt.want)
			}
			if len(res.Diagnoses) > 0 {
				c := res.Diagnoses[0].Cause
				gotCause := ""
				if c != nil {
					gotCause = c.ID
				}
				if gotCause != tt.wantCause {
					t.Errorf("cause = %q, want %q", gotCause, tt.wantCause)
				}
			}
			if res.Diagnoses == nil {
				t.Error("Diagnoses is nil; the JSON contract wants [] when nothing matched")
			}
		})
	}
}

func TestEvidenceAndContext(t *testing.T) {
	e := engineFor(t, map[string]string{"entry": "signals: ['exec format error']\n"})
	log := "one\ntwo\nthree\nexec format error\nfive\nsix\nseven\n"
	res, err := e.Analyze(strings.NewReader(log), Options{Context: 2})
	if err != nil {
		t.Fatal(err)
	}
	ev := res.Diagnoses[0].Evidence
	if len(ev) != 1 || ev[0].Line != 4 || ev[0].Text != "exec format error" {
		t.Fatalf("evidence = %+v", ev)
	}
	if len(ev[0].Before) != 2 || ev[0].Before[0].Line != 2 || ev[0].Before[1].Text != "three" {
		t.Errorf("before = %+v", ev[0].Before)
	}
	if len(ev[0].After) != 2 || ev[0].After[0].Text != "five" || ev[0].After[1].Line != 6 {
		t.Errorf("after = %+v", ev[0].After)
	}
}

func TestEvidenceIsCapped(t *testing.T) {
	e := engineFor(t, map[string]string{"entry": "signals: ['exec format error']\n"})
	a := e.NewAnalysis(Options{})
	for range 100_000 {
		a.Line([]byte("exec format error"))
	}
	st := a.states[0]
	if len(st.evidence) > keepPerPlay || len(a.pending) > keepPerPlay {
		t.Errorf("kept %d evidence lines and %d pending", len(st.evidence), len(a.pending))
	}
	d := a.Result().Diagnoses[0]
	if d.Occurrences != 100_000 || len(d.Evidence) != 3 {
		t.Errorf("occurrences %d, evidence %d", d.Occurrences, len(d.Evidence))
	}
}

func TestGitHubSteps(t *testing.T) {
	e := engineFor(t, map[string]string{"entry": "signals: ['exec format error']\n"})
	log := "2026-01-01T00:00:00Z ##[group]Run actions/checkout@v4\nok\n##[endgroup]\n##[group]Run docker run app\nexec format error\n"
	res := analyze(t, e, log)
	if got := res.Diagnoses[0].Evidence[0].Step; got != "Run docker run app" {
		t.Errorf("step = %q", got)
	}
}

func TestLongLinesAndBinary(t *testing.T) {
	e := engineFor(t, map[string]string{"entry": "signals: ['exec format error']\n"})
	long := strings.Repeat("a", 3*MaxLineBytes) + " exec format error\nexec format error\n\x00\xff\xfe\n"
	res := analyze(t, e, long)
	if res.TruncatedLines != 1 || res.Lines != 3 {
		t.Errorf("lines %d truncated %d", res.Lines, res.TruncatedLines)
	}
	if len(res.Diagnoses) != 1 || res.Diagnoses[0].Evidence[0].Line != 2 {
		t.Errorf("diagnoses = %+v", res.Diagnoses)
	}
}
