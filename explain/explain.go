// Package explain renders a whole playbook for a person: `faultline
// explain` in a terminal, and the generated pages under docs/playbooks/.
package explain

import (
	"fmt"
	"strings"

	"github.com/faultline-dev/faultline/playbooks"
)

// Markdown renders the playbook as a markdown page, sections in the order a
// person on call reads them.
func Markdown(pb *playbooks.Playbook) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n", pb.Title)
	fmt.Fprintf(&b, "`%s` · category **%s** · severity **%s**", pb.ID, pb.Category, pb.Severity)
	if len(pb.Tags) > 0 {
		fmt.Fprintf(&b, " · tags: %s", strings.Join(pb.Tags, ", "))
	}
	b.WriteString("\n")
	section(&b, "What this failure means", pb.Summary)
	if len(pb.Symptoms) > 0 {
		section(&b, "Symptoms", bullets(pb.Symptoms))
	}
	section(&b, "Diagnosis", pb.Diagnosis)
	section(&b, "First ten minutes", pb.FirstSteps)
	section(&b, "Where to look", pb.WhereToLook)
	if len(pb.Causes) > 0 {
		b.WriteString("\n## Causes\n")
		for _, c := range pb.Causes {
			fmt.Fprintf(&b, "\n### %s (`%s`)\n\n", c.Title, c.ID)
			if c.Diagnosis != "" {
				b.WriteString(strings.TrimSpace(c.Diagnosis) + "\n\n")
			}
			fmt.Fprintf(&b, "**Fix.** %s\n", strings.TrimSpace(c.Fix))
			if c.Validation != "" {
				fmt.Fprintf(&b, "\n**Check.** %s\n", strings.TrimSpace(c.Validation))
			}
			fmt.Fprintf(&b, "\nSignals: %s\n", codeList(c.Signals))
		}
	}
	section(&b, "Fix steps", pb.Fix)
	section(&b, "Validation", pb.Validation)
	section(&b, "Pitfalls", pb.Pitfalls)
	section(&b, "Why it matters", pb.WhyItMatters)
	section(&b, "Prevention", pb.Prevention)
	section(&b, "How faultline detects it", detection(pb))
	if len(pb.FAQ) > 0 {
		var f strings.Builder
		for _, q := range pb.FAQ {
			fmt.Fprintf(&f, "**%s**\n\n%s\n\n", strings.TrimSpace(q.Q), strings.TrimSpace(q.A))
		}
		section(&b, "FAQ", f.String())
	}
	if in := pb.Incident; in != nil {
		var f strings.Builder
		if in.Title != "" {
			fmt.Fprintf(&f, "**%s**\n\n", strings.TrimSpace(in.Title))
		}
		for _, part := range []struct{ name, text string }{
			{"Timeline", in.Timeline}, {"Root cause", in.RootCause}, {"Fix", in.Fix}, {"Lesson", in.Lesson},
		} {
			if strings.TrimSpace(part.text) != "" {
				fmt.Fprintf(&f, "*%s.*\n\n%s\n\n", part.name, strings.TrimSpace(part.text))
			}
		}
		section(&b, "Example incident", f.String())
	}
	if len(pb.References) > 0 {
		section(&b, "References", bullets(pb.References))
	}
	return b.String()
}

func detection(pb *playbooks.Playbook) string {
	var b strings.Builder
	b.WriteString("A line matching any of these signals counts; the playbook is diagnosed when the matched weights add up to 1 or more. Patterns are RE2, case-insensitive unless marked.\n\n")
	for _, s := range pb.Signals {
		fmt.Fprintf(&b, "- `%s`%s\n", s.Pattern, signalNote(s))
	}
	for _, g := range pb.AllOf {
		fmt.Fprintf(&b, "- all of, within %d lines or records (%s): %s\n", g.EffectiveWindow(), g.Name, codeList(g.Signals))
	}
	for _, v := range pb.Vetoes {
		fmt.Fprintf(&b, "- not when `%s` (%s)\n", v.Pattern, v.EffectiveScope())
	}
	return b.String()
}

func signalNote(s playbooks.Signal) string {
	var notes []string
	if s.Weight != 0 && s.Weight != 1 {
		notes = append(notes, fmt.Sprintf("weight %g", s.Weight))
	}
	if s.CaseSensitive {
		notes = append(notes, "case-sensitive")
	}
	if len(notes) == 0 {
		return ""
	}
	return " (" + strings.Join(notes, ", ") + ")"
}

func codeList(sigs []playbooks.Signal) string {
	parts := make([]string, len(sigs))
	for i, s := range sigs {
		parts[i] = "`" + s.Pattern + "`"
	}
	return strings.Join(parts, ", ")
}

func bullets(items []string) string {
	var b strings.Builder
	for _, it := range items {
		fmt.Fprintf(&b, "- %s\n", strings.TrimSpace(it))
	}
	return b.String()
}

func section(b *strings.Builder, title, body string) {
	body = strings.TrimSpace(body)
	if body == "" {
		return
	}
	fmt.Fprintf(b, "\n## %s\n\n%s\n", title, body)
}

// DocPage is the generated docs/playbooks/<id>.md page: the markdown and a
// footer naming its source.
func DocPage(pb *playbooks.Playbook) string {
	return Markdown(pb) + fmt.Sprintf("\n---\n\nGenerated from %s. Do not edit directly.\n", pb.Source)
}

// Text renders the playbook for a terminal: the markdown, with headings
// underlined instead of marked with #.
func Text(pb *playbooks.Playbook) string {
	var b strings.Builder
	for line := range strings.Lines(Markdown(pb)) {
		switch {
		case strings.HasPrefix(line, "# "):
			t := strings.TrimSpace(line[2:])
			fmt.Fprintf(&b, "%s\n%s\n", t, strings.Repeat("=", len([]rune(t))))
		case strings.HasPrefix(line, "## "):
			t := strings.TrimSpace(line[3:])
			fmt.Fprintf(&b, "%s\n%s\n", strings.ToUpper(t), strings.Repeat("-", len([]rune(t))))
		case strings.HasPrefix(line, "### "):
			fmt.Fprintf(&b, "» %s", line[4:])
		default:
			b.WriteString(line)
		}
	}
	return b.String()
}
