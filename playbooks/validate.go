package playbooks

import (
	"fmt"
	"regexp"
	"regexp/syntax"
	"strings"
)

var kebabRE = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
var categoryRE = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// Expr is the signal's pattern as Go compiles it: (?i) unless it is case
// sensitive.
func (s Signal) Expr() string { return expr(s.Pattern, s.CaseSensitive) }

// Expr is the veto's pattern as Go compiles it.
func (v Veto) Expr() string { return expr(v.Pattern, v.CaseSensitive) }

func expr(pattern string, caseSensitive bool) string {
	if caseSensitive {
		return pattern
	}
	return "(?i)" + pattern
}

// EffectiveWeight is the weight with its default applied.
func (s Signal) EffectiveWeight() float64 {
	if s.Weight == 0 {
		return 1
	}
	return s.Weight
}

// DefaultWindow is how many lines or records an all-of group may span when
// the playbook does not say.
const DefaultWindow = 50

// EffectiveWindow is the window with its default applied.
func (g AllOfGroup) EffectiveWindow() int {
	if g.Window == 0 {
		return DefaultWindow
	}
	return g.Window
}

// EffectiveWeight is the group's weight with its default applied.
func (g AllOfGroup) EffectiveWeight() float64 {
	if g.Weight == 0 {
		return 1
	}
	return g.Weight
}

// EffectiveScope is the veto's scope with its default applied.
func (v Veto) EffectiveScope() VetoScope {
	if v.Scope == "" {
		return VetoLine
	}
	return v.Scope
}

// validate checks what YAML decoding cannot: required fields, formats and
// regexes. It returns every problem it finds.
func validate(p *Playbook, stem string, lines map[string]int) []*FieldError {
	var errs []*FieldError
	add := func(line int, field, format string, args ...any) {
		errs = append(errs, &FieldError{Line: line, Field: field, Msg: fmt.Sprintf(format, args...)})
	}
	at := func(field string) int {
		if l, ok := lines[field]; ok {
			return l
		}
		return 1
	}
	if !kebabRE.MatchString(p.ID) {
		add(at("id"), "id", "%q is not kebab-case (lower-case words joined by '-')", p.ID)
	} else if p.ID != stem {
		add(at("id"), "id", "%q differs from the file name %q; name the file <id>.yaml", p.ID, stem+".yaml")
	}
	required := []struct{ name, value string }{
		{"title", p.Title}, {"category", p.Category}, {"summary", p.Summary},
		{"diagnosis", p.Diagnosis}, {"fix", p.Fix}, {"validation", p.Validation},
	}
	for _, r := range required {
		if strings.TrimSpace(r.value) == "" {
			add(at(r.name), r.name, "is required and missing or empty")
		}
	}
	if p.Category != "" && !categoryRE.MatchString(p.Category) {
		add(at("category"), "category", "%q must be a lower-case word such as build, ci, container, kubernetes, network", p.Category)
	}
	if p.Severity.Rank() == 0 {
		add(at("severity"), "severity", "%q must be one of critical, high, medium, low", p.Severity)
	}
	if len(p.Signals) == 0 && len(p.AllOf) == 0 {
		add(at("signals"), "signals", "a playbook needs at least one signal or all_of group")
	}
	checkSignals := func(field string, sigs []Signal) {
		for i, s := range sigs {
			f := fmt.Sprintf("%s[%d]", field, i)
			if strings.TrimSpace(s.Pattern) == "" {
				add(s.Line, f+".pattern", "is empty")
				continue
			}
			if _, err := syntax.Parse(s.Expr(), syntax.Perl); err != nil {
				add(s.Line, f+".pattern", "is not a valid RE2 regular expression: %v", err)
			}
			if s.Weight < 0 {
				add(s.Line, f+".weight", "must not be negative")
			}
		}
	}
	checkSignals("signals", p.Signals)
	for i, g := range p.AllOf {
		f := fmt.Sprintf("all_of[%d]", i)
		if len(g.Signals) < 2 {
			add(g.Line, f+".signals", "an all_of group needs at least two signals")
		}
		if g.Window < 0 {
			add(g.Line, f+".window", "must not be negative")
		}
		checkSignals(f+".signals", g.Signals)
	}
	for i, v := range p.Vetoes {
		f := fmt.Sprintf("vetoes[%d]", i)
		if _, err := syntax.Parse(v.Expr(), syntax.Perl); err != nil || strings.TrimSpace(v.Pattern) == "" {
			add(v.Line, f+".pattern", "is not a valid, non-empty RE2 regular expression: %v", err)
		}
		if s := v.EffectiveScope(); s != VetoLine && s != VetoLog {
			add(v.Line, f+".scope", "%q must be line or log", s)
		}
	}
	causeIDs := map[string]bool{}
	for i, c := range p.Causes {
		f := fmt.Sprintf("causes[%d]", i)
		if !kebabRE.MatchString(c.ID) {
			add(c.Line, f+".id", "%q must be kebab-case and is required", c.ID)
		} else if causeIDs[c.ID] {
			add(c.Line, f+".id", "duplicate cause id %q", c.ID)
		}
		causeIDs[c.ID] = true
		if strings.TrimSpace(c.Title) == "" {
			add(c.Line, f+".title", "is required")
		}
		if strings.TrimSpace(c.Fix) == "" {
			add(c.Line, f+".fix", "is required: say how to fix this cause")
		}
		if len(c.Signals) == 0 {
			add(c.Line, f+".signals", "a cause needs at least one signal")
		}
		checkSignals(f+".signals", c.Signals)
	}
	if len(p.Examples.Match) == 0 {
		add(at("examples"), "examples.match", "at least one log snippet the playbook must diagnose is required")
	}
	if len(p.Examples.NoMatch) == 0 {
		add(at("examples"), "examples.no_match", "at least one near miss the playbook must not diagnose is required")
	}
	for i, e := range p.Examples.Match {
		f := fmt.Sprintf("examples.match[%d]", i)
		if strings.TrimSpace(e.Log) == "" {
			add(e.Line, f+".log", "is empty")
		}
		if e.Cause != "" && !causeIDs[e.Cause] {
			add(e.Line, f+".cause", "%q is not one of this playbook's causes", e.Cause)
		}
	}
	for i, e := range p.Examples.NoMatch {
		if strings.TrimSpace(e.Log) == "" {
			add(e.Line, fmt.Sprintf("examples.no_match[%d].log", i), "is empty")
		}
	}
	return errs
}
