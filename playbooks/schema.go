// Package playbooks defines the playbook schema, loads playbooks from YAML
// (the bundled library embedded in the binary and extra directories of user
// playbooks), and validates them strictly: every error names the file, the
// line and the field.
package playbooks

// Severity ranks how bad a failure is. The order matters: --fail-on and the
// false-positive gate compare severities.
type Severity string

const (
	SeverityLow      Severity = "low"
	SeverityMedium   Severity = "medium"
	SeverityHigh     Severity = "high"
	SeverityCritical Severity = "critical"
)

// Rank orders severities: low=1 ... critical=4; an unknown severity is 0.
func (s Severity) Rank() int {
	switch s {
	case SeverityLow:
		return 1
	case SeverityMedium:
		return 2
	case SeverityHigh:
		return 3
	case SeverityCritical:
		return 4
	}
	return 0
}

// ParseSeverity accepts the four severity names.
func ParseSeverity(s string) (Severity, bool) {
	sev := Severity(s)
	return sev, sev.Rank() > 0
}

// Playbook is one known failure: how to recognise it in a log and what a
// person should do about it.
type Playbook struct {
	ID       string   `yaml:"id" json:"id,omitempty"`
	Title    string   `yaml:"title" json:"title,omitempty"`
	Category string   `yaml:"category" json:"category,omitempty"`
	Severity Severity `yaml:"severity" json:"severity,omitempty"`
	Tags     []string `yaml:"tags" json:"tags,omitempty"`

	// Signals identify the failure. Each is an RE2 regular expression matched
	// per line, case-insensitive unless it says case_sensitive.
	Signals []Signal `yaml:"signals" json:"signals,omitempty"`
	// AllOf groups are signals that must all appear within a window of lines
	// (CLI) or records of one stream (processor) to count.
	AllOf []AllOfGroup `yaml:"all_of" json:"all_of,omitempty"`
	// Vetoes suppress the playbook: a veto on the same line cancels that
	// line's signals; a veto with scope "log" cancels the playbook for the
	// whole log (or the stream window in the processor).
	Vetoes []Veto `yaml:"vetoes" json:"vetoes,omitempty"`
	// Causes are sub-diagnoses ranked when the playbook matches.
	Causes []Cause `yaml:"causes" json:"causes,omitempty"`

	// The sections a person reads, in markdown.
	Summary      string    `yaml:"summary" json:"summary,omitempty"`
	Symptoms     []string  `yaml:"symptoms" json:"symptoms,omitempty"`
	Diagnosis    string    `yaml:"diagnosis" json:"diagnosis,omitempty"`
	FirstSteps   string    `yaml:"first_steps" json:"first_steps,omitempty"`
	WhereToLook  string    `yaml:"where_to_look" json:"where_to_look,omitempty"`
	Fix          string    `yaml:"fix" json:"fix,omitempty"`
	Validation   string    `yaml:"validation" json:"validation,omitempty"`
	Pitfalls     string    `yaml:"pitfalls" json:"pitfalls,omitempty"`
	WhyItMatters string    `yaml:"why_it_matters" json:"why_it_matters,omitempty"`
	Prevention   string    `yaml:"prevention" json:"prevention,omitempty"`
	FAQ          []FAQ     `yaml:"faq" json:"faq,omitempty"`
	Incident     *Incident `yaml:"incident" json:"incident,omitempty"`
	References   []string  `yaml:"references" json:"references,omitempty"`

	Examples Examples `yaml:"examples" json:"examples,omitempty"`

	// Source is where the playbook was loaded from ("playbooks/bundled/
	// container/entrypoint-misconfigured.yaml" or a user path); Bundled tells
	// the embedded library from user directories. Neither is read from YAML.
	Source  string `yaml:"-" json:"-"`
	Bundled bool   `yaml:"-" json:"-"`
}

// Signal is one pattern that identifies a failure.
type Signal struct {
	// Pattern is an RE2 regular expression.
	Pattern string `yaml:"pattern" json:"pattern,omitempty"`
	// Weight is how much this signal counts towards the playbook's score. A
	// playbook is diagnosed when its matched signals add up to at least 1, so
	// a signal of weight below 1 only supports others (e.g. the broad
	// "no such file or directory"). Default 1.
	Weight float64 `yaml:"weight" json:"weight,omitempty"`
	// CaseSensitive turns off the default (?i).
	CaseSensitive bool `yaml:"case_sensitive" json:"case_sensitive,omitempty"`
	// NoLiteral opts a signal into running without a required literal of
	// three bytes or more. Such a signal runs its regex on every line; lint
	// reports it.
	NoLiteral bool `yaml:"no_literal" json:"no_literal,omitempty"`
	// Why documents an intentional overlap with another playbook's signal.
	Why string `yaml:"why" json:"why,omitempty"`

	Line int `yaml:"-" json:"-"`
}

// AllOfGroup is a set of signals that count only together.
type AllOfGroup struct {
	Name string `yaml:"name" json:"name,omitempty"`
	// Window is how many lines (or records of one stream) may separate the
	// first and the last signal of the group. Default 50.
	Window  int      `yaml:"window" json:"window,omitempty"`
	Weight  float64  `yaml:"weight" json:"weight,omitempty"`
	Signals []Signal `yaml:"signals" json:"signals,omitempty"`

	Line int `yaml:"-" json:"-"`
}

// VetoScope says how far a veto reaches.
type VetoScope string

const (
	VetoLine VetoScope = "line"
	VetoLog  VetoScope = "log"
)

// Veto is a pattern that marks a near miss.
type Veto struct {
	Pattern       string    `yaml:"pattern" json:"pattern,omitempty"`
	CaseSensitive bool      `yaml:"case_sensitive" json:"case_sensitive,omitempty"`
	NoLiteral     bool      `yaml:"no_literal" json:"no_literal,omitempty"`
	Scope         VetoScope `yaml:"scope" json:"scope,omitempty"`
	Why           string    `yaml:"why" json:"why,omitempty"`

	Line int `yaml:"-" json:"-"`
}

// Cause is one root of the playbook's symptom, with its own signals and fix.
type Cause struct {
	ID         string   `yaml:"id" json:"id,omitempty"`
	Title      string   `yaml:"title" json:"title,omitempty"`
	Signals    []Signal `yaml:"signals" json:"signals,omitempty"`
	Diagnosis  string   `yaml:"diagnosis" json:"diagnosis,omitempty"`
	Fix        string   `yaml:"fix" json:"fix,omitempty"`
	Validation string   `yaml:"validation" json:"validation,omitempty"`

	Line int `yaml:"-" json:"-"`
}

// FAQ is one question and its answer.
type FAQ struct {
	Q string `yaml:"q" json:"q,omitempty"`
	A string `yaml:"a" json:"a,omitempty"`
}

// Incident is a worked example: what happened and what was learned.
type Incident struct {
	Title     string `yaml:"title" json:"title,omitempty"`
	Timeline  string `yaml:"timeline" json:"timeline,omitempty"`
	RootCause string `yaml:"root_cause" json:"root_cause,omitempty"`
	Fix       string `yaml:"fix" json:"fix,omitempty"`
	Lesson    string `yaml:"lesson" json:"lesson,omitempty"`
}

// Examples are log snippets the playbook must diagnose (Match) and near
// misses it must not (NoMatch). A snippet may hold several lines. For a
// playbook with causes, a Match example may name the cause it must pick.
type Examples struct {
	Match   []Example `yaml:"match" json:"match,omitempty"`
	NoMatch []Example `yaml:"no_match" json:"no_match,omitempty"`
}

// Example is one log snippet.
type Example struct {
	Log   string `yaml:"log" json:"log,omitempty"`
	Cause string `yaml:"cause" json:"cause,omitempty"`

	Line int `yaml:"-" json:"-"`
}
