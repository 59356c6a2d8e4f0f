package lint

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/faultline-dev/faultline/diagnose"
	"github.com/faultline-dev/faultline/playbooks"
)

// TestBundledLibrary runs every bundled playbook's examples (match and near
// miss) and every other lint check; any error fails the build.
func TestBundledLibrary(t *testing.T) {
	lib, err := playbooks.Bundled()
	if err != nil {
		t.Fatal(err)
	}
	e, err := diagnose.Compile(lib)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range Run(e, nil) {
		if f.Level == Error {
			t.Error(f)
		}
	}
	t.Logf("%d bundled playbooks linted", lib.Len())
}

func TestFindings(t *testing.T) {
	const base = `title: t
category: build
severity: high
summary: s
diagnosis: d
fix: f
validation: v
`
	tests := []struct {
		name string
		body string
		want string
	}{
		{"signal never fires", "signals: ['alpha failure', 'beta failure']\nexamples: {match: ['alpha failure'], no_match: ['x']}\n",
			`signal "beta failure" fires in none of the match examples`},
		{"example does not diagnose", "signals: [{pattern: 'alpha failure', weight: 0.5}]\nexamples: {match: ['alpha failure'], no_match: ['x']}\n",
			"does not diagnose"},
		{"near miss diagnoses", "signals: ['alpha failure']\nexamples: {match: ['alpha failure'], no_match: ['alpha failure again']}\n",
			"is a near miss but diagnoses"},
		{"wrong cause", "signals: ['alpha failure']\ncauses: [{id: c1, title: t, fix: f, signals: ['gamma']}, {id: c2, title: t, fix: f, signals: ['alpha']}]\nexamples: {match: [{log: 'alpha failure gamma', cause: c2}], no_match: ['x']}\n",
			"picks c1, want c2"},
		{"broad signal", "signals: ['warning']\nexamples: {match: ['warning x'], no_match: ['x']}\n",
			"common in logs"},
		{"no literal", "signals: [{pattern: '\\d+x', no_literal: true}, 'alpha failure']\nexamples: {match: ['12x alpha failure'], no_match: ['x']}\n",
			"has no literal"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := fstest.MapFS{"p.yaml": {Data: []byte(base + tt.body)}}
			list, err := playbooks.LoadFS(fsys, ".", "dir", false)
			if err != nil {
				t.Fatal(err)
			}
			e, err := diagnose.Compile(playbooks.NewLibrary(list))
			if err != nil {
				t.Fatal(err)
			}
			var all []string
			for _, f := range Run(e, nil) {
				all = append(all, f.String())
			}
			joined := strings.Join(all, "\n")
			if !strings.Contains(joined, tt.want) {
				t.Errorf("findings:\n%s\nwant one containing %q", joined, tt.want)
			}
			if !strings.Contains(joined, "dir/p.yaml:") {
				t.Errorf("findings do not name the file: %s", joined)
			}
		})
	}
}

func TestSharedSignal(t *testing.T) {
	pb := func(why string) string {
		return `title: t
category: build
severity: high
summary: s
diagnosis: d
fix: f
validation: v
signals: [{pattern: 'alpha failure', why: '` + why + `'}]
examples: {match: ['alpha failure'], no_match: ['x']}
`
	}
	fsys := fstest.MapFS{"a.yaml": {Data: []byte(pb(""))}, "b.yaml": {Data: []byte(pb(""))}}
	list, _ := playbooks.LoadFS(fsys, ".", "dir", false)
	e, _ := diagnose.Compile(playbooks.NewLibrary(list))
	if fs := Run(e, nil); Errors(fs) != 1 || !strings.Contains(fs[0].Msg, "also a signal of a") {
		t.Errorf("findings = %v", fs)
	}
	fsys["b.yaml"] = &fstest.MapFile{Data: []byte(pb("both are about alpha"))}
	list, _ = playbooks.LoadFS(fsys, ".", "dir", false)
	e, _ = diagnose.Compile(playbooks.NewLibrary(list))
	if fs := Run(e, nil); Errors(fs) != 0 {
		t.Errorf("a shared signal with a reason is still reported: %v", fs)
	}
}
