package diagnose

import (
	"strings"
	"testing"
)

func TestStreamCorrelation(t *testing.T) {
	e := engineFor(t, map[string]string{
		"entry": `signals:
  - pattern: 'exec format error'
    weight: 1.5
  - pattern: 'no such file or directory'
    weight: 0.5
  - pattern: 'container.*exit code 127'
    weight: 0.5
vetoes:
  - 'expected exit code 127'
  - pattern: 'maintenance mode on'
    scope: log
causes:
  - id: missing
    title: missing
    fix: f
    signals: ['exit code 127']
`,
		"probe": `all_of:
  - name: probe-then-kill
    window: 3
    signals: ['Liveness probe failed', 'will be restarted']
`,
	})
	// Each step is one record; want is the playbook it is tagged with ("" for none).
	tests := []struct {
		name    string
		records []string
		want    []string
		cause   string // cause on the last record
	}{
		{"strong signal tags at once", []string{"exec /a: exec format error"}, []string{"entry"}, ""},
		{"supporting signals correlate", []string{"/a: no such file or directory", "healthy", "container a exit code 127"}, []string{"", "", "entry"}, "missing"},
		{"outside the window", append(append([]string{"/a: no such file or directory"}, strings.Split(strings.Repeat("ok\n", 10), "\n")[:10]...), "container a exit code 127"),
			append(make([]string, 11), ""), ""},
		{"all_of across records", []string{"Liveness probe failed: 503", "x", "Container app will be restarted"}, []string{"", "", "probe"}, ""},
		{"all_of too far apart", []string{"Liveness probe failed: 503", "x", "y", "z", "Container app will be restarted"}, []string{"", "", "", "", ""}, ""},
		{"record veto", []string{"expected exit code 127 from container stub; exec format error"}, []string{""}, ""},
		{"log veto over the window", []string{"maintenance mode on", "exec format error"}, []string{"", ""}, ""},
		{"multi-line record", []string{"panic\nexec format error\n  at main"}, []string{"entry"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var st Stream
			sc := e.NewRecordScanner()
			var last Verdict
			for i, rec := range tt.records {
				sc.Reset()
				sc.Scan([]byte(rec))
				got := ""
				if !sc.Matched() {
					st.Skip(1)
				} else if v, ok := st.Observe(e, sc, 5); ok {
					got, last = v.Playbook.ID, v
				}
				if got != tt.want[i] {
					t.Fatalf("record %d %q tagged %q, want %q", i, rec, got, tt.want[i])
				}
			}
			gotCause := ""
			if last.Cause != nil {
				gotCause = last.Cause.ID
			}
			if gotCause != tt.cause {
				t.Errorf("cause %q, want %q", gotCause, tt.cause)
			}
		})
	}
}

func TestRecordScannerNoAllocOnMiss(t *testing.T) {
	e := engineFor(t, map[string]string{"entry": "signals: ['exec format error']\n"})
	sc := e.NewRecordScanner()
	line := []byte("GET /api/items 200 12ms")
	allocs := testing.AllocsPerRun(100, func() { sc.Reset(); sc.Scan(line) })
	if allocs != 0 {
		t.Errorf("%v allocations per non-matching record", allocs)
	}
}
