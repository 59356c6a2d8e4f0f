// Package lint checks a playbook library beyond what loading does: every
// example is run through the engine, every signal must fire in an example,
// near misses must stay quiet, and signals shared across playbooks, without
// a literal or too broad to be useful are reported.
package lint

import (
	"fmt"
	"slices"
	"strings"

	"github.com/faultline-dev/faultline/diagnose"
	"github.com/faultline-dev/faultline/matcher"
	"github.com/faultline-dev/faultline/playbooks"
)

// Level is how serious a finding is: errors fail lint, warnings do not.
type Level string

const (
	Error   Level = "error"
	Warning Level = "warning"
)

// Finding is one problem, pinned to a file, line and field.
type Finding struct {
	Level    Level  `json:"level"`
	Playbook string `json:"playbook"`
	File     string `json:"file"`
	Line     int    `json:"line"`
	Field    string `json:"field"`
	Msg      string `json:"message"`
}

func (f Finding) String() string {
	return fmt.Sprintf("%s:%d: %s: field %s: %s", f.File, f.Line, f.Level, f.Field, f.Msg)
}

// BroadCost is the trigger cost (occurrences per million trigrams of real
// CI logs, see matcher.Cost) above which a full-weight signal is reported as
// too broad: it would make a large share of lines candidates.
const BroadCost = 150

// Run lints every playbook of the engine's library. Only playbooks for which
// include returns true are reported (nil includes all), so that a user
// directory can be linted on top of the bundled library.
func Run(e *diagnose.Engine, include func(*playbooks.Playbook) bool) []Finding {
	var out []Finding
	lib := e.Library()
	m := e.Matcher()
	type firstUse struct {
		playbook string
		why      bool
	}
	seenPattern := map[string]firstUse{} // expr -> the playbook that used it first
	for pi, pb := range lib.Playbooks {
		if include != nil && !include(pb) {
			continue
		}
		add := func(level Level, line int, field, format string, args ...any) {
			out = append(out, Finding{Level: level, Playbook: pb.ID, File: pb.Source, Line: line, Field: field, Msg: fmt.Sprintf(format, args...)})
		}
		checkExamples(e, pb, add)

		// Which patterns fire on this playbook's own match examples?
		fired := map[int]bool{}
		var s matcher.Scratch
		var hits []int
		for _, ex := range pb.Examples.Match {
			for line := range strings.Lines(ex.Log) {
				hits = m.Match(&s, []byte(line), hits[:0])
				for _, h := range hits {
					fired[h] = true
				}
			}
		}
		sigs, groups, causes := e.SignalPatterns(pi)
		type sig struct {
			s     playbooks.Signal
			id    int
			field string
		}
		var all []sig
		for i, id := range sigs {
			all = append(all, sig{pb.Signals[i], id, fmt.Sprintf("signals[%d]", i)})
		}
		for g, ids := range groups {
			for j, id := range ids {
				all = append(all, sig{pb.AllOf[g].Signals[j], id, fmt.Sprintf("all_of[%d].signals[%d]", g, j)})
			}
		}
		for c, ids := range causes {
			for j, id := range ids {
				all = append(all, sig{pb.Causes[c].Signals[j], id, fmt.Sprintf("causes[%d].signals[%d]", c, j)})
			}
		}
		for _, x := range all {
			if !fired[x.id] {
				add(Error, x.s.Line, x.field, "signal %q fires in none of the match examples; add an example that shows it, or drop it", x.s.Pattern)
			}
			trig := m.Triggers(x.id)
			for _, t := range trig {
				if len(t) < matcher.FastTrigger {
					add(Warning, x.s.Line, x.field, "signal %q is triggered by %q, shorter than %d bytes; the scan of every line slows down; spell out a longer literal the line always holds", x.s.Pattern, t, matcher.FastTrigger)
					break
				}
			}
			if trig == nil {
				add(Warning, x.s.Line, x.field, "signal %q has no literal and runs its regex on every line (no_literal: true)", x.s.Pattern)
			} else if x.s.EffectiveWeight() >= 1 {
				for _, t := range trig {
					if matcher.Cost(t) > BroadCost {
						add(Warning, x.s.Line, x.field, "signal %q is triggered by %q, which is common in logs; give it a weight below 1 or a more specific literal", x.s.Pattern, t)
						break
					}
				}
			}
			if strings.HasPrefix(x.field, "causes") {
				continue // a cause's signals refine its own playbook only
			}
			expr := x.s.Expr()
			if first, ok := seenPattern[expr]; ok && first.playbook != pb.ID && x.s.Why == "" && !first.why {
				add(Error, x.s.Line, x.field, "signal %q is also a signal of %s; make one more specific, or say why both need it (why: ...)", x.s.Pattern, first.playbook)
			} else if !ok {
				seenPattern[expr] = firstUse{pb.ID, x.s.Why != ""}
			}
		}
	}
	slices.SortStableFunc(out, func(a, b Finding) int { return strings.Compare(a.File, b.File) })
	return out
}

// checkExamples runs every example as a log of its own.
func checkExamples(e *diagnose.Engine, pb *playbooks.Playbook, add func(Level, int, string, string, ...any)) {
	for i, ex := range pb.Examples.Match {
		res, err := e.Analyze(strings.NewReader(ex.Log), diagnose.Options{Context: -1})
		if err != nil {
			add(Error, ex.Line, fmt.Sprintf("examples.match[%d]", i), "could not be analyzed: %v", err)
			continue
		}
		d := find(res, pb.ID)
		switch {
		case d == nil:
			add(Error, ex.Line, fmt.Sprintf("examples.match[%d]", i), "does not diagnose %s (its signals add up to less than 1, or a veto fires)", pb.ID)
		case ex.Cause != "" && (d.Cause == nil || d.Cause.ID != ex.Cause):
			got := "no cause"
			if d.Cause != nil {
				got = d.Cause.ID
			}
			add(Error, ex.Line, fmt.Sprintf("examples.match[%d].cause", i), "picks %s, want %s", got, ex.Cause)
		case res.Diagnoses[0].Playbook != pb.ID:
			// A user reads the first diagnosis: on the log this playbook was
			// written for, another one explaining it better is a ranking bug
			// in one of them, or a sign that they are one failure.
			top := res.Diagnoses[0]
			add(Warning, ex.Line, fmt.Sprintf("examples.match[%d]", i), "ranks %s first (score %.2f, this playbook %.2f); make the signals more specific, or veto the other playbook on this log", top.Playbook, top.Score, d.Score)
		}
	}
	for i, ex := range pb.Examples.NoMatch {
		res, err := e.Analyze(strings.NewReader(ex.Log), diagnose.Options{Context: -1})
		if err != nil {
			add(Error, ex.Line, fmt.Sprintf("examples.no_match[%d]", i), "could not be analyzed: %v", err)
			continue
		}
		if find(res, pb.ID) != nil {
			add(Error, ex.Line, fmt.Sprintf("examples.no_match[%d]", i), "is a near miss but diagnoses %s; tighten a signal or add a veto", pb.ID)
		}
	}
}

func find(res *diagnose.Result, id string) *diagnose.Diagnosis {
	for i := range res.Diagnoses {
		if res.Diagnoses[i].Playbook == id {
			return &res.Diagnoses[i]
		}
	}
	return nil
}

// Errors counts the findings at error level.
func Errors(fs []Finding) int {
	n := 0
	for _, f := range fs {
		if f.Level == Error {
			n++
		}
	}
	return n
}
