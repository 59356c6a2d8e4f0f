package main

import (
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"
)

type listEntry struct {
	ID       string `json:"id"`
	Title    string `json:"title"`
	Category string `json:"category"`
	Severity string `json:"severity"`
	Source   string `json:"source"`
}

func runList(args []string, _ io.Reader, stdout, stderr io.Writer) (int, error) {
	fs := newFlagSet("list", "list [flags]", stderr)
	var lib libraryFlags
	lib.register(fs)
	category := fs.String("category", "", "only playbooks of this `CATEGORY`")
	format := fs.String("format", "text", "output `format`: text or json")
	if _, err := parseInterspersed(fs, args); err != nil {
		return exitUsage, err
	}
	l, err := lib.load()
	if err != nil {
		return exitUsage, err
	}
	entries := []listEntry{}
	for _, p := range l.Playbooks {
		if *category != "" && p.Category != *category {
			continue
		}
		entries = append(entries, listEntry{p.ID, p.Title, p.Category, string(p.Severity), p.Source})
	}
	switch *format {
	case "json":
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return exitOK, enc.Encode(entries)
	case "text":
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tCATEGORY\tSEVERITY\tTITLE")
		for _, e := range entries {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", e.ID, e.Category, e.Severity, e.Title)
		}
		return exitOK, tw.Flush()
	}
	return exitUsage, fmt.Errorf("unknown --format %q: use text or json", *format)
}
