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
	ranked := 0
	for _, f := range Run(e, nil) {
		switch {
		case f.Level == Error:
			t.Error(f)
		case strings.Contains(f.Msg, " first (score "):
			ranked++
			winner, _, _ := strings.Cut(strings.TrimPrefix(f.Msg, "ranks "), " ")
			if _, ok := rankedBelow[[2]string{f.Playbook, winner}]; !ok {
				t.Errorf("%v\n(the first diagnosis is what a user reads: fix the ranking, or explain it in rankedBelow)", f)
			}
		}
	}
	t.Logf("%d bundled playbooks linted; %d match examples rank an explained other playbook first", lib.Len(), ranked)
}

// rankedBelow lists the pairs {playbook, winner} where another playbook may
// rank first on one of the playbook's own match examples, with the reason a
// person would give. Everything else must rank its own playbook first.
var rankedBelow = map[[2]string]string{
	{"image-pull-backoff", "docker-hub-rate-limit"}:      "the kubelet's ImagePullBackOff is the symptom; Docker Hub's toomanyrequests is the root cause and its fix",
	{"image-pull-backoff", "docker-manifest-not-found"}:  "the kubelet's ImagePullBackOff is the symptom; the missing tag or platform is the root cause and its fix",
	{"github-actions-permission", "docker-push-denied"}:  "ghcr.io's write_package denial is one failure named by both; docker-push-denied's cause gives the same permissions: packages fix",
	{"github-actions-permission", "oidc-token-failure"}:  "a missing id-token: write is one cause of an OIDC failure; oidc-token-failure carries that fix among the others",
	{"ignored-exit-code", "pytest-test-failure"}:         "the failing test is what to fix first; that its exit code was swallowed is reported next to it",
	{"docker-run-command-failed", "c-cpp-compile-error"}: "a failing RUN step is the wrapper; the compiler error inside it is what to fix",
	{"container-crash", "missing-env"}:                   "the example's container exits because a required variable is unset: the crash is the symptom, the variable the fix",
	{"expired-credentials", "azure-cli-auth"}:            "an expired Azure refresh token is both: equal scores, and azure-cli-auth's az login steps are the fix",
}

func TestFindings(t *testing.T) {
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
			fsys := fstest.MapFS{"p.yaml": {Data: []byte(minimalPlaybook("build", tt.body))}}
			e := compileFS(t, fsys)
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
		return minimalPlaybook("build", `signals: [{pattern: 'alpha failure', why: '`+why+`'}]
examples: {match: ['alpha failure'], no_match: ['x']}`)
	}
	fsys := fstest.MapFS{"a.yaml": {Data: []byte(pb(""))}, "b.yaml": {Data: []byte(pb(""))}}
	e := compileFS(t, fsys)
	if fs := errorsOf(Run(e, nil)); len(fs) != 1 || !strings.Contains(fs[0].Msg, "also a signal of a") {
		t.Errorf("findings = %v", fs)
	}
	fsys["b.yaml"] = &fstest.MapFile{Data: []byte(pb("both are about alpha"))}
	e = compileFS(t, fsys)
	if fs := Run(e, nil); Errors(fs) != 0 {
		t.Errorf("a shared signal with a reason is still reported: %v", fs)
	}
}

func errorsOf(fs []Finding) []Finding {
	var out []Finding
	for _, f := range fs {
		if f.Level == Error {
			out = append(out, f)
		}
	}
	return out
}

// TestRankWarning: a match example on which another playbook ranks first is
// reported (a warning: the author decides which playbook should own it).
func TestRankWarning(t *testing.T) {
	generic := minimalPlaybook("network", `signals: ['connection refused', {pattern: 'dial tcp', weight: 0.5}]
examples: {match: ['dial tcp 10.0.0.1:5432: connect: connection refused'], no_match: ['x']}`)
	specific := minimalPlaybook("database", `signals: [{pattern: 'connect: connection refused', why: 'the generic form'}, {pattern: ':5432', weight: 0.2}]
examples: {match: ['dial tcp 10.0.0.1:5432: connect: connection refused'], no_match: ['x']}`)
	e := compileFS(t, fstest.MapFS{"generic.yaml": {Data: []byte(generic)}, "postgres.yaml": {Data: []byte(specific)}})
	var ranks []string
	for _, f := range Run(e, nil) {
		if strings.Contains(f.Msg, "first (score") {
			ranks = append(ranks, f.Playbook+": "+f.Msg)
		}
	}
	// Both fire on the same line; exactly one of the two loses, and is told.
	if len(ranks) != 1 {
		t.Errorf("rank warnings = %q, want exactly one", ranks)
	}
}

// minimalPlaybook is a valid playbook of category with the required prose
// filled in, and body (its signals and examples) appended.
// compileFS loads the playbooks of fsys (shown as dir/...) and compiles
// them, failing the test on any error.
func compileFS(t *testing.T, fsys fstest.MapFS) *diagnose.Engine {
	t.Helper()
	list, err := playbooks.LoadFS(fsys, ".", "dir", false)
	if err != nil {
		t.Fatal(err)
	}
	e, err := diagnose.Compile(playbooks.NewLibrary(list))
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func minimalPlaybook(category, body string) string {
	return "title: t\ncategory: " + category + "\nseverity: high\nsummary: s\ndiagnosis: d\nfix: f\nvalidation: v\n" + body + "\n"
}
