package report

import (
	"fmt"
	"io"
	"strings"
)

// writeMarkdown renders a report for a CI job summary or a pull-request
// comment: a table first, details below.
func writeMarkdown(w io.Writer, r *Report, opts Options) error {
	var b strings.Builder
	b.WriteString("## faultline\n\n")
	if len(r.Diagnoses) == 0 {
		b.WriteString("No known failure found.\n")
		_, err := io.WriteString(w, b.String())
		return err
	}
	b.WriteString("| # | severity | playbook | cause | confidence | file |\n|---|---|---|---|---|---|\n")
	for i, d := range r.Diagnoses {
		cause := "—"
		if d.Cause != nil {
			cause = "`" + d.Cause.ID + "`"
		}
		fmt.Fprintf(&b, "| %d | %s | `%s` %s | %s | %.2f | %s |\n", i+1, d.Severity, d.Playbook, mdCell(d.Title), cause, d.Confidence, mdCell(d.File))
	}
	for i, d := range r.Diagnoses {
		fmt.Fprintf(&b, "\n### %d. %s (`%s`)\n\n", i+1, d.Title, d.Playbook)
		if d.Cause != nil {
			fmt.Fprintf(&b, "**Cause:** %s (`%s`)\n\n", d.Cause.Title, d.Cause.ID)
		}
		b.WriteString(strings.TrimSpace(d.Summary) + "\n\n")
		b.WriteString("**Evidence**\n\n```text\n")
		for _, ev := range d.Evidence {
			loc := fmt.Sprintf("%d", ev.Line)
			if ev.File != "" {
				loc = ev.File + ":" + loc
			}
			if ev.Step != "" {
				loc += " [" + ev.Step + "]"
			}
			fmt.Fprintf(&b, "%s: %s\n", loc, strings.ReplaceAll(ev.Text, "```", "'''"))
		}
		b.WriteString("```\n\n**First fix steps**\n\n")
		for _, l := range firstLines(fixText(d), opts.FixLines) {
			b.WriteString(l + "\n")
		}
		fmt.Fprintf(&b, "\nMore: `faultline explain %s`\n", d.Playbook)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func mdCell(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ").Replace(s)
}
