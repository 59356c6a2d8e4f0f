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
	ID       string   `yaml:"id"`
	Title    string   `yaml:"title"`
	Category string   `yaml:"category"`
	Severity Severity `yaml:"severity"`
	Tags     []string `yaml:"tags"`

	// Signals identify the failure. Each is an RE2 regular expression matched
	// per line, case-insensitive unless it says case_sensitive.
	Signals []Signal `yaml:"signals"`
	// AllOf groups are signals that must all appear within a window of lines
	// (CLI) or records of one stream (processor) to count.
	AllOf []AllOfGroup `yaml:"all_of"`
	// Vetoes suppress the playbook: a veto on the same line cancels that
	// line's signals; a veto with scope "log" cancels the playbook for the
	// whole log (or the stream window in the processor).
	Vetoes []Veto `yaml:"vetoes"`
	// Causes are sub-diagnoses ranked when the playbook matches.
	Causes []Cause `yaml:"causes"`

	// The sections a person reads, in markdown.
	Summary      string    `yaml:"summary"`
	Symptoms     []string  `yaml:"symptoms"`
	Diagnosis    string    `yaml:"diagnosis"`
	FirstSteps   string    `yaml:"first_steps"`
	WhereToLook  string    `yaml:"where_to_look"`
	Fix          string    `yaml:"fix"`
	Validation   string    `yaml:"validation"`
	Pitfalls     string    `yaml:"pitfalls"`
	WhyItMatters string    `yaml:"why_it_matters"`
	Prevention   string    `yaml:"prevention"`
	FAQ          []FAQ     `yaml:"faq"`
	Incident     *Incident `yaml:"incident"`
	References   []string  `yaml:"references"`

	Examples Examples `yaml:"examples"`

	// Source is where the playbook was loaded from ("playbooks/bundled/
	// container/entrypoint-misconfigured.yaml" or a user path); Bundled tells
	// the embedded library from user directories. Neither is read from YAML.
	Source  string `yaml:"-"`
	Bundled bool   `yaml:"-"`
}

// Signal is one pattern that identifies a failure.
type Signal struct {
	// Pattern is an RE2 regular expression.
	Pattern string `yaml:"pattern"`
	// Weight is how much this signal counts towards the playbook's score. A
	// playbook is diagnosed when its matched signals add up to at least 1, so
	// a signal of weight below 1 only supports others (e.g. the broad
	// "no such file or directory"). Default 1.
	Weight float64 `yaml:"weight"`
	// CaseSensitive turns off the default (?i).
	CaseSensitive bool `yaml:"case_sensitive"`
	// NoLiteral opts a signal into running without a required literal of
	// three bytes or more. Such a signal runs its regex on every line; lint
	// reports it.
	NoLiteral bool `yaml:"no_literal"`
	// Why documents an intentional overlap with another playbook's signal.
	Why string `yaml:"why"`

	Line int `yaml:"-"`
}

// AllOfGroup is a set of signals that count only together.
type AllOfGroup struct {
	Name string `yaml:"name"`
	// Window is how many lines (or records of one stream) may separate the
	// first and the last signal of the group. Default 50.
	Window  int      `yaml:"window"`
	Weight  float64  `yaml:"weight"`
	Signals []Signal `yaml:"signals"`

	Line int `yaml:"-"`
}

// VetoScope says how far a veto reaches.
type VetoScope string

const (
	VetoLine VetoScope = "line"
	VetoLog  VetoScope = "log"
)

// Veto is a pattern that marks a near miss.
type Veto struct {
	Pattern       string    `yaml:"pattern"`
	CaseSensitive bool      `yaml:"case_sensitive"`
	NoLiteral     bool      `yaml:"no_literal"`
	Scope         VetoScope `yaml:"scope"`
	Why           string    `yaml:"why"`

	Line int `yaml:"-"`
}

// Cause is one root of the playbook's symptom, with its own signals and fix.
type Cause struct {
	ID         string   `yaml:"id"`
	Title      string   `yaml:"title"`
	Signals    []Signal `yaml:"signals"`
	Diagnosis  string   `yaml:"diagnosis"`
	Fix        string   `yaml:"fix"`
	Validation string   `yaml:"validation"`

	Line int `yaml:"-"`
}

// FAQ is one question and its answer.
type FAQ struct {
	Q string `yaml:"q"`
	A string `yaml:"a"`
}

// Incident is a worked example: what happened and what was learned.
type Incident struct {
	Title     string `yaml:"title"`
	Timeline  string `yaml:"timeline"`
	RootCause string `yaml:"root_cause"`
	Fix       string `yaml:"fix"`
	Lesson    string `yaml:"lesson"`
}

// Examples are log snippets the playbook must diagnose (Match) and near
// misses it must not (NoMatch). A snippet may hold several lines. For a
// playbook with causes, a Match example may name the cause it must pick.
type Examples struct {
	Match   []Example `yaml:"match"`
	NoMatch []Example `yaml:"no_match"`
}

// Example is one log snippet.
type Example struct {
	Log   string `yaml:"log"`
	Cause string `yaml:"cause"`

	Line int `yaml:"-"`
}
