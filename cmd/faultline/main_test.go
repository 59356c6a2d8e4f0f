package main

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// runCLI runs the CLI in-process from the repository root, so that paths in
// outputs read as a user would type them.
func runCLI(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	t.Chdir("../..")
	var out, errOut bytes.Buffer
	code = run(args, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run 'go test ./cmd/faultline -update' to create it)", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (run with -update if the change is intended):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

func TestAnalyzeGolden(t *testing.T) {
	logs, err := filepath.Glob("../../testdata/logs/*.log")
	if err != nil || len(logs) == 0 {
		t.Fatalf("no sample logs: %v", err)
	}
	for _, log := range logs {
		name := strings.TrimSuffix(filepath.Base(log), ".log")
		for _, format := range []string{"text", "json", "markdown", "github"} {
			t.Run(name+"/"+format, func(t *testing.T) {
				code, out, errOut := runCLI(t, "", "analyze", "--format", format, "testdata/logs/"+name+".log")
				if code != exitOK {
					t.Fatalf("exit %d: %s", code, errOut)
				}
				golden(t, "analyze-"+name+"."+format, out)
			})
		}
	}
}

func TestExplainGolden(t *testing.T) {
	for _, format := range []string{"text", "markdown", "json"} {
		t.Run(format, func(t *testing.T) {
			code, out, errOut := runCLI(t, "", "explain", "entrypoint-misconfigured", "--format", format)
			if code != exitOK {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			golden(t, "explain-entrypoint-misconfigured."+format, out)
		})
	}
}

func TestExitCodes(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "broken.yaml")
	if err := os.WriteFile(bad, []byte("id: broken\ntitle: x\nsignalz: []\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		stdin      string
		args       []string
		want       int
		wantStderr string
		wantStdout string
	}{
		{"fail-on high finds a high", "", []string{"analyze", "--fail-on", "high", "testdata/logs/deploy-entrypoint.log"}, exitFinding, "", "entrypoint-misconfigured"},
		{"fail-on critical does not", "", []string{"analyze", "--fail-on", "critical", "testdata/logs/deploy-entrypoint.log"}, exitOK, "", ""},
		{"stdin", "exec /x: exec format error\n", []string{"analyze", "--format", "json", "-"}, exitOK, "", `"playbook": "entrypoint-misconfigured"`},
		{"nothing found is empty, not absent", "all good\n", []string{"analyze", "--format", "json"}, exitOK, "", `"diagnoses": []`},
		{"missing file", "", []string{"analyze", "no/such.log"}, exitUsage, "cannot read the log", ""},
		{"bad format", "", []string{"analyze", "--format", "xml"}, exitUsage, "unknown --format", ""},
		{"bad severity", "", []string{"analyze", "--fail-on", "severe"}, exitUsage, "unknown --fail-on", ""},
		{"broken playbook dir", "", []string{"analyze", "--playbooks", dir}, exitUsage, "broken.yaml:3: field signalz: is not a playbook field", ""},
		{"unknown command", "", []string{"analyse"}, exitUsage, "unknown command", ""},
		{"unknown playbook", "", []string{"explain", "entrypoint"}, exitUsage, "did you mean entrypoint-misconfigured", ""},
		{"list json", "", []string{"list", "--format", "json", "--category", "container"}, exitOK, "", `"id": "entrypoint-misconfigured"`},
		{"lint broken dir", "", []string{"lint", dir}, exitFinding, "", "broken.yaml:3"},
		{"version", "", []string{"version"}, exitOK, "", "playbook library"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, tt.stdin, tt.args...)
			if code != tt.want {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tt.want, out, errOut)
			}
			if !strings.Contains(errOut, tt.wantStderr) {
				t.Errorf("stderr %q does not contain %q", errOut, tt.wantStderr)
			}
			if !strings.Contains(out, tt.wantStdout) {
				t.Errorf("stdout %q does not contain %q", out, tt.wantStdout)
			}
		})
	}
}

func TestSeveralFiles(t *testing.T) {
	code, out, errOut := runCLI(t, "", "analyze", "--format", "json", "testdata/logs/deploy-entrypoint.log", "testdata/logs/build-passing.log")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{`"file": "testdata/logs/build-passing.log"`, `"file": "testdata/logs/deploy-entrypoint.log"`, `"step": "Run ./scripts/smoke.sh"`} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %s:\n%s", want, out)
		}
	}
}

func TestDocsCheck(t *testing.T) {
	code, out, _ := runCLI(t, "", "docs", "--check")
	if code != exitOK {
		t.Errorf("docs/playbooks is stale (run 'make docs'):\n%s", out)
	}
}

func FuzzAnalyzeInput(f *testing.F) {
	f.Add("exec /app: exec format error\n", "text")
	f.Add("\x1b[31m##[group]Run\r\n", "github")
	f.Add("\xff\xfe\x00", "markdown")
	// The bundled library takes a fifth of a second to load, which would
	// leave the fuzzer a handful of executions; the container and cloud
	// playbooks, the two seeds among them, exercise the same input,
	// rendering and exit-code paths in a few milliseconds.
	f.Fuzz(func(t *testing.T, input, format string) {
		var out, errOut bytes.Buffer
		args := []string{"analyze", "--no-bundled", "--playbooks", "../../playbooks/bundled/container", "--playbooks", "../../playbooks/bundled/cloud", "--format", format, "-"}
		code := run(args, strings.NewReader(input), &out, &errOut)
		if code != exitOK && code != exitUsage {
			t.Fatalf("exit %d", code)
		}
	})
}
