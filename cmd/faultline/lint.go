package main

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/faultline-dev/faultline/diagnose"
	"github.com/faultline-dev/faultline/lint"
	"github.com/faultline-dev/faultline/playbooks"
)

func runLint(args []string, _ io.Reader, stdout, stderr io.Writer) (int, error) {
	fs := newFlagSet("lint", "lint [flags] [DIR]...", stderr)
	format := fs.String("format", "text", "output `format`: text or json")
	warnings := fs.Bool("warnings", true, "print warnings as well as errors")
	dirs, err := parseInterspersed(fs, args)
	if err != nil {
		return exitUsage, err
	}
	// Loading is the first check: schema errors name file, line and field.
	lib, err := playbooks.Load(playbooks.Options{Dirs: dirs})
	if err != nil {
		fmt.Fprintln(stdout, err)
		return exitFinding, nil
	}
	e, err := diagnose.Compile(lib)
	if err != nil {
		fmt.Fprintln(stdout, err)
		return exitFinding, nil
	}
	include := func(p *playbooks.Playbook) bool { return len(dirs) == 0 || !p.Bundled }
	findings := lint.Run(e, include)
	if !*warnings {
		kept := findings[:0]
		for _, f := range findings {
			if f.Level == lint.Error {
				kept = append(kept, f)
			}
		}
		findings = kept
	}
	n := 0
	for _, p := range lib.Playbooks {
		if include(p) {
			n++
		}
	}
	errs := lint.Errors(findings)
	if *format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if findings == nil {
			findings = []lint.Finding{}
		}
		if err := enc.Encode(map[string]any{"playbooks": n, "errors": errs, "findings": findings}); err != nil {
			return exitUsage, err
		}
	} else {
		for _, f := range findings {
			fmt.Fprintln(stdout, f)
		}
		fmt.Fprintf(stdout, "%d playbooks, %d errors, %d warnings\n", n, errs, len(findings)-errs)
	}
	if errs > 0 {
		return exitFinding, nil
	}
	return exitOK, nil
}
