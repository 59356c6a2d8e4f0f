package main

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/faultline-dev/faultline/explain"
	"github.com/faultline-dev/faultline/playbooks"
)

func runExplain(args []string, _ io.Reader, stdout, stderr io.Writer) (int, error) {
	fs := newFlagSet("explain", "explain [flags] ID", stderr)
	var lib libraryFlags
	lib.register(fs)
	format := fs.String("format", "text", "output `format`: text, markdown or json")
	ids, err := parseInterspersed(fs, args)
	if err != nil {
		return exitUsage, err
	}
	if len(ids) != 1 {
		return exitUsage, fmt.Errorf("name one playbook id (see 'faultline list')")
	}
	l, err := lib.load()
	if err != nil {
		return exitUsage, err
	}
	pb, ok := l.Get(ids[0])
	if !ok {
		return exitUsage, fmt.Errorf("no playbook %q%s; 'faultline list' shows them all", ids[0], suggest(l, ids[0]))
	}
	switch *format {
	case "text":
		_, err = io.WriteString(stdout, explain.Text(pb))
	case "markdown":
		_, err = io.WriteString(stdout, explain.Markdown(pb))
	case "json":
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		err = enc.Encode(pb)
	default:
		return exitUsage, fmt.Errorf("unknown --format %q: use text, markdown or json", *format)
	}
	return exitOK, err
}

// suggest names playbooks whose id contains the unknown one's words.
func suggest(l *playbooks.Library, id string) string {
	var near []string
	for _, p := range l.Playbooks {
		for _, w := range strings.Split(id, "-") {
			if len(w) >= 3 && strings.Contains(p.ID, w) && !slices.Contains(near, p.ID) {
				near = append(near, p.ID)
			}
		}
	}
	if len(near) == 0 {
		return ""
	}
	if len(near) > 5 {
		near = near[:5]
	}
	return " (did you mean " + strings.Join(near, ", ") + "?)"
}
