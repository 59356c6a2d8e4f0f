package faultlineprocessor

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/faultline-dev/faultline/diagnose"
	"github.com/faultline-dev/faultline/playbooks"
)

// Config configures the faultline processor. Its zero settings are filled in
// by the factory's defaults, which work with no configuration at all.
type Config struct {
	// Playbooks chooses the library.
	Playbooks PlaybooksConfig `mapstructure:"playbooks"`
	// Scan chooses what text of a record is matched.
	Scan ScanConfig `mapstructure:"scan"`
	// Streams controls correlation across the records of one workload.
	Streams StreamsConfig `mapstructure:"streams"`
	// Events controls the diagnosis events.
	Events EventsConfig `mapstructure:"events"`

	// prevent unkeyed literal initialization
	_ struct{}
}

// PlaybooksConfig chooses which playbooks are compiled.
type PlaybooksConfig struct {
	// Bundled includes the library built into the collector. Default true.
	Bundled bool `mapstructure:"bundled"`
	// Directories of extra playbooks; they add to or override bundled ids,
	// later directories winning. Re-read when their files change.
	Directories []string `mapstructure:"directories"`
	// Include and Exclude filter by playbook id; IncludeCategories and
	// ExcludeCategories by category. Empty includes mean everything.
	Include           []string `mapstructure:"include"`
	Exclude           []string `mapstructure:"exclude"`
	IncludeCategories []string `mapstructure:"include_categories"`
	ExcludeCategories []string `mapstructure:"exclude_categories"`
	// ReloadInterval is how often the directories are checked for changes;
	// 0 turns hot reload off. Default 10s.
	ReloadInterval time.Duration `mapstructure:"reload_interval"`
}

// ScanConfig chooses the text that is matched.
type ScanConfig struct {
	// Body scans a string (or bytes) body. Default true.
	Body bool `mapstructure:"body"`
	// BodyKeys are the keys of a map body that hold the message.
	BodyKeys []string `mapstructure:"body_keys"`
	// Attributes are record attributes scanned as well.
	Attributes []string `mapstructure:"attributes"`
	// MaxBytes bounds how much text of one record is scanned. Default 16 KiB.
	MaxBytes int `mapstructure:"max_bytes"`
}

// StreamsConfig controls correlation.
type StreamsConfig struct {
	// Attributes are the resource attributes that name a stream (one
	// workload's log). A resource with none of them falls back to all its
	// attributes.
	Attributes []string `mapstructure:"attributes"`
	// Window is how many records of a stream a signal stays in mind, so that
	// signals of one failure spread over several records add up. Default 50.
	Window int `mapstructure:"window"`
	// MaxStreams bounds the streams kept in memory; the least recently seen
	// is evicted first. Default 10000.
	MaxStreams int `mapstructure:"max_streams"`
}

// EventsConfig controls diagnosis events.
type EventsConfig struct {
	// Enabled emits diagnosis events. Default true.
	Enabled bool `mapstructure:"enabled"`
	// Cooldown is the shortest time between two events for the same stream
	// and playbook; the records in between are counted. Default 5m.
	Cooldown time.Duration `mapstructure:"cooldown"`
	// DocsBaseURL prefixes "<playbook id>.md" in faultline.docs_url.
	DocsBaseURL string `mapstructure:"docs_base_url"`
	// MaxEvidence is how many (redacted) evidence lines an event carries.
	// Default 5.
	MaxEvidence int `mapstructure:"max_evidence"`
}

// DefaultDocsBaseURL is where the generated playbook pages are published.
const DefaultDocsBaseURL = "https://github.com/faultline-dev/faultline/blob/main/docs/playbooks/"

func createDefaultConfig() *Config {
	return &Config{
		Playbooks: PlaybooksConfig{Bundled: true, ReloadInterval: 10 * time.Second},
		Scan: ScanConfig{
			Body:       true,
			BodyKeys:   []string{"message", "msg", "log", "error", "err", "exception", "stacktrace", "stack_trace"},
			Attributes: []string{"exception.message", "exception.stacktrace"},
			MaxBytes:   16 << 10,
		},
		Streams: StreamsConfig{
			Attributes: []string{"service.name", "k8s.namespace.name", "k8s.pod.name", "k8s.container.name"},
			Window:     50,
			MaxStreams: 10000,
		},
		Events: EventsConfig{Enabled: true, Cooldown: 5 * time.Minute, DocsBaseURL: DefaultDocsBaseURL, MaxEvidence: 5},
	}
}

// Validate checks the settings and compiles the library once, so that a bad
// playbook fails at start-up with its file, line and field.
func (c *Config) Validate() error {
	var errs []error
	if c.Scan.MaxBytes <= 0 {
		errs = append(errs, errors.New("scan.max_bytes must be positive"))
	}
	if c.Streams.Window <= 0 {
		errs = append(errs, errors.New("streams.window must be positive"))
	}
	if c.Streams.MaxStreams <= 0 {
		errs = append(errs, errors.New("streams.max_streams must be positive"))
	}
	if c.Events.Cooldown < 0 {
		errs = append(errs, errors.New("events.cooldown must not be negative"))
	}
	if c.Events.MaxEvidence < 0 {
		errs = append(errs, errors.New("events.max_evidence must not be negative"))
	}
	if c.Playbooks.ReloadInterval < 0 {
		errs = append(errs, errors.New("playbooks.reload_interval must not be negative"))
	}
	if !c.Playbooks.Bundled && len(c.Playbooks.Directories) == 0 {
		errs = append(errs, errors.New("playbooks: bundled is false and no directories are given, so there is nothing to match; add playbooks.directories"))
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	e, err := c.compile()
	if err != nil {
		return err
	}
	if e.Library().Len() == 0 {
		return errors.New("playbooks: the include/exclude filters leave no playbook")
	}
	return nil
}

// compile loads the configured playbooks and builds the engine.
func (c *Config) compile() (*diagnose.Engine, error) {
	lib, err := playbooks.Load(playbooks.Options{NoBundled: !c.Playbooks.Bundled, Dirs: c.Playbooks.Directories})
	if err != nil {
		return nil, fmt.Errorf("loading playbooks: %w", err)
	}
	var kept []*playbooks.Playbook
	for _, p := range lib.Playbooks {
		if c.Playbooks.keeps(p) {
			kept = append(kept, p)
		}
	}
	e, err := diagnose.Compile(playbooks.NewLibrary(kept))
	if err != nil {
		return nil, fmt.Errorf("compiling playbooks: %w", err)
	}
	return e, nil
}

func (pc PlaybooksConfig) keeps(p *playbooks.Playbook) bool {
	if len(pc.Include) > 0 || len(pc.IncludeCategories) > 0 {
		if !slices.Contains(pc.Include, p.ID) && !slices.Contains(pc.IncludeCategories, p.Category) {
			return false
		}
	}
	return !slices.Contains(pc.Exclude, p.ID) && !slices.Contains(pc.ExcludeCategories, p.Category)
}
