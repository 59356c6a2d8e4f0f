package report

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/faultline-dev/faultline/diagnose"
)

type palette struct{ bold, dim, red, yellow, cyan, reset string }

func colors(on bool) palette {
	if !on {
		return palette{}
	}
	return palette{"\x1b[1m", "\x1b[2m", "\x1b[31m", "\x1b[33m", "\x1b[36m", "\x1b[0m"}
}

func writeText(w io.Writer, r *Report, opts Options) error {
	p := colors(opts.Color)
	var b strings.Builder
	where := "the input"
	if len(r.Files) == 1 {
		where = r.Files[0].File
	} else if len(r.Files) > 1 {
		where = fmt.Sprintf("%d files", len(r.Files))
	}
	if len(r.Diagnoses) == 0 {
		fmt.Fprintf(&b, "faultline: no known failure found in %s\n", where)
		_, err := io.WriteString(w, b.String())
		return err
	}
	if len(r.Files) > 1 {
		for _, f := range r.Files {
			fmt.Fprintf(&b, "%s: %s\n", f.File, summaryLine(f.Diagnoses))
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "faultline: %d diagnos%s in %s\n", len(r.Diagnoses), plural(len(r.Diagnoses), "is", "es"), where)
	for i, d := range r.Diagnoses {
		sevColor := p.yellow
		if d.Severity == "high" || d.Severity == "critical" {
			sevColor = p.red
		}
		fmt.Fprintf(&b, "\n%s%d. %s[%s]%s %s%s — %s%s\n", p.bold, i+1, sevColor, strings.ToUpper(d.Severity), p.reset+p.bold, d.Playbook, p.reset, d.Title, p.reset)
		fmt.Fprintf(&b, "   confidence %.2f · score %.2f · %d matching line%s\n", d.Confidence, d.Score, d.Occurrences, plural(d.Occurrences, "", "s"))
		if d.Cause != nil {
			fmt.Fprintf(&b, "   cause: %s%s%s — %s\n", p.bold, d.Cause.ID, p.reset, d.Cause.Title)
		}
		b.WriteString("   evidence:\n")
		writeEvidence(&b, d, p, len(r.Files) > 1)
		b.WriteString("   fix:\n")
		for _, l := range firstLines(fixText(d), opts.FixLines) {
			fmt.Fprintf(&b, "     %s\n", l)
		}
		fmt.Fprintf(&b, "   %smore: faultline explain %s%s\n", p.dim, d.Playbook, p.reset)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// writeEvidence prints the evidence lines (marked >) with their context,
// each line once and in log order, with "..." where lines are skipped.
func writeEvidence(b *strings.Builder, d diagnose.Diagnosis, p palette, showFile bool) {
	type row struct {
		file, step string
		line       int
		text       string
		evidence   bool
	}
	var rows []row
	seen := map[string]int{} // file:line -> index in rows
	add := func(r row) {
		key := fmt.Sprintf("%s:%d", r.file, r.line)
		if i, ok := seen[key]; ok {
			rows[i].evidence = rows[i].evidence || r.evidence
			if r.step != "" {
				rows[i].step = r.step
			}
			return
		}
		seen[key] = len(rows)
		rows = append(rows, r)
	}
	for _, ev := range d.Evidence {
		for _, c := range ev.Before {
			add(row{file: ev.File, line: c.Line, text: c.Text})
		}
		add(row{file: ev.File, step: ev.Step, line: ev.Line, text: ev.Text, evidence: true})
		for _, c := range ev.After {
			add(row{file: ev.File, line: c.Line, text: c.Text})
		}
	}
	slices.SortStableFunc(rows, func(x, y row) int {
		return cmp.Or(strings.Compare(x.file, y.file), x.line-y.line)
	})
	file, step, last := "", "", 0
	for _, r := range rows {
		if showFile && r.file != file {
			fmt.Fprintf(b, "     %s%s%s\n", p.cyan, r.file, p.reset)
			file, last = r.file, 0
		}
		if r.step != "" && r.step != step {
			fmt.Fprintf(b, "     %sstep: %s%s\n", p.dim, r.step, p.reset)
			step = r.step
		}
		if last > 0 && r.line > last+1 {
			fmt.Fprintf(b, "     %s%6s%s\n", p.dim, "...", p.reset)
		}
		last = r.line
		if r.evidence {
			fmt.Fprintf(b, "   %s> %6d | %s%s\n", p.bold, r.line, r.text, p.reset)
		} else {
			fmt.Fprintf(b, "     %s%6d | %s%s\n", p.dim, r.line, r.text, p.reset)
		}
	}
}

func summaryLine(ds []diagnose.Diagnosis) string {
	if len(ds) == 0 {
		return "no known failure"
	}
	d := ds[0]
	s := fmt.Sprintf("%s (%s, confidence %.2f)", d.Playbook, d.Severity, d.Confidence)
	if len(ds) > 1 {
		s += fmt.Sprintf(" and %d more", len(ds)-1)
	}
	return s
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
