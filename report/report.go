// Package report writes the result of `faultline analyze` as text, JSON,
// markdown or GitHub workflow annotations.
package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/faultline-dev/faultline/diagnose"
	"github.com/faultline-dev/faultline/playbooks"
)

// Schema names the JSON contract; it changes only when the contract does.
const Schema = "faultline.analyze/v1"

// FileResult is the analysis of one input.
type FileResult struct {
	File           string               `json:"file"`
	Lines          int                  `json:"lines"`
	TruncatedLines int                  `json:"truncated_lines,omitempty"`
	Diagnoses      []diagnose.Diagnosis `json:"diagnoses"`
}

// Report is everything analyze prints: the diagnoses over all inputs and,
// when there were several, each input's own.
type Report struct {
	Schema    string               `json:"schema"`
	Diagnoses []diagnose.Diagnosis `json:"diagnoses"`
	Files     []FileResult         `json:"files"`
}

// New builds a report from per-file results. The overall diagnoses keep,
// for each playbook, its best-scoring file's diagnosis, with occurrences
// summed over all files; top > 0 keeps only the best top.
func New(files []FileResult, top int) *Report {
	best := map[string]int{}
	var overall []diagnose.Diagnosis
	for fi := range files {
		f := &files[fi]
		if top > 0 && len(f.Diagnoses) > top {
			f.Diagnoses = f.Diagnoses[:top]
		}
		for _, d := range f.Diagnoses {
			d.File = f.File
			i, ok := best[d.Playbook]
			if !ok {
				best[d.Playbook] = len(overall)
				overall = append(overall, d)
				continue
			}
			occ := overall[i].Occurrences + d.Occurrences
			if d.Score > overall[i].Score {
				overall[i] = d
			}
			overall[i].Occurrences = occ
		}
	}
	diagnose.SortDiagnoses(overall)
	if top > 0 && len(overall) > top {
		overall = overall[:top]
	}
	if overall == nil {
		overall = []diagnose.Diagnosis{}
	}
	return &Report{Schema: Schema, Diagnoses: overall, Files: files}
}

// MaxSeverity is the highest severity diagnosed, "" when none.
func (r *Report) MaxSeverity() playbooks.Severity {
	var max playbooks.Severity
	for _, d := range r.Diagnoses {
		if s := playbooks.Severity(d.Severity); s.Rank() > max.Rank() {
			max = s
		}
	}
	return max
}

// Format is an output format of analyze.
type Format string

const (
	Text     Format = "text"
	JSON     Format = "json"
	Markdown Format = "markdown"
	GitHub   Format = "github"
)

// Formats lists the formats for help texts.
var Formats = []Format{Text, JSON, Markdown, GitHub}

// Options tune rendering.
type Options struct {
	Color bool
	// FixLines is how many lines of the fix steps text and markdown show.
	FixLines int
}

// Write renders the report.
func Write(w io.Writer, r *Report, f Format, opts Options) error {
	if opts.FixLines == 0 {
		opts.FixLines = 6
	}
	switch f {
	case Text:
		return writeText(w, r, opts)
	case JSON:
		return writeJSON(w, r)
	case Markdown:
		return writeMarkdown(w, r, opts)
	case GitHub:
		return writeGitHub(w, r)
	}
	return fmt.Errorf("unknown format %q: use one of text, json, markdown, github", f)
}

// firstLines returns the first n non-empty lines of markdown text.
func firstLines(s string, n int) []string {
	var out []string
	for line := range strings.Lines(s) {
		line = strings.TrimRight(line, "\n")
		if strings.TrimSpace(line) == "" {
			continue
		}
		out = append(out, line)
		if len(out) == n {
			break
		}
	}
	return out
}

// fixText is the cause's fix when a cause was picked, else the playbook's.
func fixText(d diagnose.Diagnosis) string {
	if d.Cause != nil && d.Cause.Fix != "" {
		return d.Cause.Fix
	}
	return d.Fix
}
