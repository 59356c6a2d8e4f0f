package report

import (
	"fmt"
	"io"
	"strings"
)

// writeGitHub prints one workflow command per diagnosis
// (::error file=...,line=...,title=...::message), so that GitHub shows the
// diagnosis on the log line that proves it.
func writeGitHub(w io.Writer, r *Report) error {
	var b strings.Builder
	for _, d := range r.Diagnoses {
		level := "notice"
		switch d.Severity {
		case "critical", "high":
			level = "error"
		case "medium":
			level = "warning"
		}
		var props []string
		if len(d.Evidence) > 0 {
			ev := d.Evidence[0]
			file := ev.File
			if file == "" {
				file = d.File
			}
			if file != "" && file != "<stdin>" {
				props = append(props, "file="+escapeProperty(file))
			}
			props = append(props, fmt.Sprintf("line=%d", ev.Line))
		}
		props = append(props, "title="+escapeProperty(fmt.Sprintf("faultline: %s", d.Playbook)))
		msg := fmt.Sprintf("%s (confidence %.2f)", d.Title, d.Confidence)
		if d.Cause != nil {
			msg += "\nCause: " + d.Cause.Title
		}
		for _, ev := range d.Evidence {
			msg += fmt.Sprintf("\n%d: %s", ev.Line, ev.Text)
		}
		msg += "\nRun: faultline explain " + d.Playbook
		fmt.Fprintf(&b, "::%s %s::%s\n", level, strings.Join(props, ","), escapeData(msg))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// The escapes GitHub's workflow command parser expects.
func escapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

func escapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}
