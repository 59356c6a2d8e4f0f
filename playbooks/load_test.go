package playbooks

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const validPlaybook = `id: demo-failure
title: Demo failure
category: build
severity: high
signals:
  - 'demo exploded'
summary: It exploded.
diagnosis: Look at it.
fix: Fix it.
validation: Run it again.
examples:
  match: ['demo exploded at step 3']
  no_match: ['demo did not explode']
`

func TestParseValid(t *testing.T) {
	pb, err := Parse([]byte(validPlaybook), "dir/demo-failure.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if pb.ID != "demo-failure" || pb.Signals[0].Pattern != "demo exploded" || pb.Signals[0].Line != 6 {
		t.Errorf("parsed %+v", pb)
	}
	if pb.Signals[0].EffectiveWeight() != 1 || pb.Signals[0].Expr() != "(?i)demo exploded" {
		t.Errorf("defaults: weight %v expr %q", pb.Signals[0].EffectiveWeight(), pb.Signals[0].Expr())
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		edit func(string) string
		file string
		want string // substring of the error, which must name file:line and field
	}{
		{"unknown field", func(s string) string { return strings.Replace(s, "summary:", "summray:", 1) }, "demo-failure.yaml",
			"demo-failure.yaml:7: field summray: is not a playbook field"},
		{"unknown nested field", func(s string) string {
			return strings.Replace(s, "  - 'demo exploded'", "  - pattern: 'demo exploded'\n    wieght: 2", 1)
		}, "demo-failure.yaml", "demo-failure.yaml:7: field signals[0].wieght: is not a playbook field"},
		{"bad regex", func(s string) string { return strings.Replace(s, "'demo exploded'", "'demo (exploded'", 1) }, "demo-failure.yaml",
			"demo-failure.yaml:6: field signals[0].pattern: is not a valid RE2"},
		{"missing fix", func(s string) string { return strings.Replace(s, "fix: Fix it.\n", "", 1) }, "demo-failure.yaml",
			"field fix: is required"},
		{"bad severity", func(s string) string { return strings.Replace(s, "severity: high", "severity: bad", 1) }, "demo-failure.yaml",
			"demo-failure.yaml:4: field severity: \"bad\" must be one of"},
		{"id differs from file", func(s string) string { return s }, "other.yaml",
			"other.yaml:1: field id: \"demo-failure\" differs from the file name"},
		{"no near miss", func(s string) string { return strings.Replace(s, "  no_match: ['demo did not explode']\n", "", 1) }, "demo-failure.yaml",
			"field examples.no_match: at least one near miss"},
		{"list expected", func(s string) string { return strings.Replace(s, "  - 'demo exploded'", "    x: y", 1) }, "demo-failure.yaml",
			"demo-failure.yaml:6: field signals: is a mapping here; expected a list"},
		{"invalid yaml", func(s string) string { return s + "  : : :\n\t- x" }, "demo-failure.yaml",
			"demo-failure.yaml:11: invalid YAML"},
		{"unknown cause in example", func(s string) string {
			return strings.Replace(s, "match: ['demo exploded at step 3']", "match:\n    - log: 'demo exploded'\n      cause: nope", 1)
		}, "demo-failure.yaml", "field examples.match[0].cause: \"nope\" is not one of this playbook's causes"},
		{"empty file", func(string) string { return "" }, "demo-failure.yaml", "demo-failure.yaml:1: the file is empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.edit(validPlaybook)), tt.file)
			if err == nil {
				t.Fatalf("no error, want %q", tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error:\n%v\nwant it to contain:\n%s", err, tt.want)
			}
			var fe *FieldError
			if !errors.As(err, &fe) {
				t.Errorf("error %T is not a *FieldError", err)
			}
		})
	}
}

func TestLoadOverridesAndDuplicates(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	override := strings.Replace(strings.Replace(validPlaybook, "demo-failure", "entrypoint-misconfigured", 1), "title: Demo failure", "title: Team version", 1)
	write("a/entrypoint-misconfigured.yaml", override)
	write("demo-failure.yaml", validPlaybook)
	lib, err := Load(Options{Dirs: []string{dir}})
	if err != nil {
		t.Fatal(err)
	}
	pb, ok := lib.Get("entrypoint-misconfigured")
	if !ok || pb.Title != "Team version" || pb.Bundled {
		t.Errorf("override not applied: %+v", pb)
	}
	if _, ok := lib.Get("demo-failure"); !ok {
		t.Error("user playbook not added")
	}
	bundled, _ := Bundled()
	if lib.Len() != bundled.Len()+1 {
		t.Errorf("library has %d playbooks, want %d", lib.Len(), bundled.Len()+1)
	}

	write("b/demo-failure.yaml", validPlaybook)
	_, err = Load(Options{Dirs: []string{dir}})
	if err == nil || !strings.Contains(err.Error(), `duplicate playbook id "demo-failure"`) {
		t.Errorf("duplicate id error = %v", err)
	}
	if _, err := Load(Options{Dirs: []string{filepath.Join(dir, "missing")}}); err == nil || !strings.Contains(err.Error(), "--playbooks") {
		t.Errorf("missing dir error = %v", err)
	}
}

func TestBundledLoads(t *testing.T) {
	lib, err := Bundled()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range lib.Playbooks {
		if !strings.HasPrefix(p.Source, BundledRoot+"/") || !p.Bundled {
			t.Errorf("%s: source %q bundled %v", p.ID, p.Source, p.Bundled)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(validPlaybook))
	f.Add([]byte("id: x\nsignals: [a, {pattern: b, weight: -1}]\nexamples: {match: [{log: x, cause: y}]}"))
	f.Add([]byte("&a [*a]"))
	data, err := os.ReadFile("bundled/container/entrypoint-misconfigured.yaml")
	if err == nil {
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		pb, err := Parse(data, "fuzz.yaml")
		if err == nil && pb == nil {
			t.Fatal("nil playbook without error")
		}
		if err != nil && !strings.HasPrefix(err.Error(), "fuzz.yaml") {
			t.Fatalf("error does not name the file: %v", err)
		}
	})
}
