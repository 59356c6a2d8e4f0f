package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/faultline-dev/faultline/explain"
	"github.com/faultline-dev/faultline/playbooks"
)

func runDocs(args []string, _ io.Reader, stdout, stderr io.Writer) (int, error) {
	fs := newFlagSet("docs", "docs [flags]", stderr)
	out := fs.String("out", "docs/playbooks", "`DIR` to write one page per bundled playbook into")
	check := fs.Bool("check", false, "write nothing; exit 1 when a page is missing, stale or orphaned")
	if _, err := parseInterspersed(fs, args); err != nil {
		return exitUsage, err
	}
	lib, err := playbooks.Bundled()
	if err != nil {
		return exitUsage, err
	}
	want := map[string][]byte{}
	for _, p := range lib.Playbooks {
		want[p.ID+".md"] = []byte(explain.DocPage(p))
	}
	existing, err := filepath.Glob(filepath.Join(*out, "*.md"))
	if err != nil {
		return exitUsage, err
	}
	var stale []string
	for _, path := range existing {
		name := filepath.Base(path)
		if _, ok := want[name]; !ok {
			stale = append(stale, path+" (no such playbook)")
			if !*check {
				if err := os.Remove(path); err != nil {
					return exitUsage, err
				}
			}
		}
	}
	if !*check {
		if err := os.MkdirAll(*out, 0o755); err != nil {
			return exitUsage, fmt.Errorf("creating %s: %w", *out, err)
		}
	}
	written := 0
	for name, page := range want {
		path := filepath.Join(*out, name)
		have, err := os.ReadFile(path)
		if err == nil && bytes.Equal(have, page) {
			continue
		}
		if *check {
			stale = append(stale, path)
			continue
		}
		if err := os.WriteFile(path, page, 0o644); err != nil {
			return exitUsage, fmt.Errorf("writing %s: %w", path, err)
		}
		written++
	}
	if *check {
		if len(stale) > 0 {
			fmt.Fprintf(stdout, "docs are stale; run 'make docs':\n  %s\n", strings.Join(stale, "\n  "))
			return exitFinding, nil
		}
		fmt.Fprintf(stdout, "docs up to date (%d pages)\n", len(want))
		return exitOK, nil
	}
	fmt.Fprintf(stdout, "wrote %d of %d pages to %s\n", written, len(want), *out)
	return exitOK, nil
}
