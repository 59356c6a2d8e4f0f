package playbooks

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/faultline-dev/faultline/internal/parallel"
)

//go:embed bundled
var bundledFS embed.FS

// BundledRoot is where the embedded library lives, as a path relative to the
// repository root; docs pages cite it.
const BundledRoot = "playbooks/bundled"

// FieldError is a problem in one playbook file, pinned to a line and a field
// so that an author can go straight to it.
type FieldError struct {
	File  string
	Line  int
	Field string
	Msg   string
}

func (e *FieldError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	if e.Field != "" {
		fmt.Fprintf(&b, ": field %s", e.Field)
	}
	b.WriteString(": ")
	b.WriteString(e.Msg)
	return b.String()
}

// Errors collects every problem found while loading, so that an author sees
// them all at once rather than one per run.
type Errors []error

func (es Errors) Error() string {
	msgs := make([]string, len(es))
	for i, e := range es {
		msgs[i] = e.Error()
	}
	return strings.Join(msgs, "\n")
}

// Unwrap lets errors.As find the individual FieldErrors.
func (es Errors) Unwrap() []error { return es }

// Library is a set of playbooks keyed by id, in a stable (id) order.
type Library struct {
	Playbooks []*Playbook
	byID      map[string]*Playbook
}

// Get returns the playbook with the given id.
func (l *Library) Get(id string) (*Playbook, bool) {
	p, ok := l.byID[id]
	return p, ok
}

// Len is the number of playbooks.
func (l *Library) Len() int { return len(l.Playbooks) }

// NewLibrary builds a library from playbooks with distinct ids.
func NewLibrary(pbs []*Playbook) *Library {
	sort.Slice(pbs, func(i, j int) bool { return pbs[i].ID < pbs[j].ID })
	l := &Library{Playbooks: pbs, byID: make(map[string]*Playbook, len(pbs))}
	for _, p := range pbs {
		l.byID[p.ID] = p
	}
	return l
}

// Options choose which playbooks make up a library.
type Options struct {
	// NoBundled leaves the embedded library out.
	NoBundled bool
	// Dirs are extra directories of *.yaml playbooks (searched recursively).
	// A playbook whose id is already loaded replaces it: later directories
	// override earlier ones and all of them override the bundled library.
	Dirs []string
}

// Load builds a library from the bundled playbooks and extra directories.
func Load(opts Options) (*Library, error) {
	var all []*Playbook
	if !opts.NoBundled {
		pbs, err := Bundled()
		if err != nil {
			return nil, err
		}
		all = pbs.Playbooks
	}
	for _, dir := range opts.Dirs {
		info, err := os.Stat(dir)
		if err != nil {
			return nil, fmt.Errorf("playbook directory %s: %w (create it, or remove it from the playbook directories: --playbooks in the CLI, playbooks.directories in the processor)", dir, err)
		}
		if !info.IsDir() {
			return nil, fmt.Errorf("playbook directory %s is a file; pass the directory that holds it", dir)
		}
		pbs, err := LoadFS(os.DirFS(dir), ".", dir, false)
		if err != nil {
			return nil, err
		}
		all = override(all, pbs)
	}
	return NewLibrary(all), nil
}

// override replaces playbooks of base that extra redefines and appends the
// rest.
func override(base, extra []*Playbook) []*Playbook {
	idx := make(map[string]int, len(base))
	for i, p := range base {
		idx[p.ID] = i
	}
	out := slices.Clone(base)
	for _, p := range extra {
		if i, ok := idx[p.ID]; ok {
			out[i] = p
			continue
		}
		idx[p.ID] = len(out)
		out = append(out, p)
	}
	return out
}

// Bundled loads the embedded library. It is validated by the test suite, so
// an error here means a broken build.
func Bundled() (*Library, error) {
	pbs, err := LoadFS(bundledFS, "bundled", BundledRoot, true)
	if err != nil {
		return nil, err
	}
	return NewLibrary(pbs), nil
}

// LoadFS loads every *.yaml/*.yml file below root in fsys. displayRoot is
// how file names are shown in errors and Source. All problems are collected.
func LoadFS(fsys fs.FS, root, displayRoot string, bundled bool) ([]*Playbook, error) {
	type file struct {
		display string
		data    []byte
		pb      *Playbook
		err     error
	}
	var files []*file
	err := fs.WalkDir(fsys, root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !(strings.HasSuffix(p, ".yaml") || strings.HasSuffix(p, ".yml")) {
			return nil
		}
		rel := strings.TrimPrefix(strings.TrimPrefix(p, root), "/")
		f := &file{display: filepath.ToSlash(filepath.Join(displayRoot, rel))}
		if f.data, err = fs.ReadFile(fsys, p); err != nil {
			f.err = fmt.Errorf("%s: %w", f.display, err)
		}
		files = append(files, f)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reading playbooks under %s: %w", displayRoot, err)
	}
	// Decoding YAML is most of the CLI's start-up (a few hundred files):
	// parse on every core, then assemble in walk order so that the result
	// and its errors do not depend on scheduling.
	parallel.For(len(files), func(i int) {
		if f := files[i]; f.err == nil {
			f.pb, f.err = Parse(f.data, f.display)
		}
	})
	var pbs []*Playbook
	var errs Errors
	seen := map[string]string{}
	for _, f := range files {
		if f.err != nil {
			errs = append(errs, f.err)
			continue
		}
		pb := f.pb
		pb.Bundled = bundled
		if prev, dup := seen[pb.ID]; dup {
			errs = append(errs, &FieldError{File: f.display, Line: 1, Field: "id", Msg: fmt.Sprintf("duplicate playbook id %q, also defined in %s; ids must be unique within a directory", pb.ID, prev)})
			continue
		}
		seen[pb.ID] = f.display
		pbs = append(pbs, pb)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return pbs, nil
}

// Parse decodes and validates one playbook file. name is the file's path as
// shown to the user; the playbook id defaults to the file's base name.
func Parse(data []byte, name string) (*Playbook, error) {
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil && !errors.Is(err, io.EOF) {
		return nil, yamlError(name, err)
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return nil, &FieldError{File: name, Line: 1, Msg: "the file is empty; a playbook needs at least id, title, category, severity, signals and examples"}
	}
	if fe := checkFields(&doc, reflect.TypeFor[Playbook](), ""); fe != nil {
		fe.File = name
		return nil, fe
	}
	var pb Playbook
	if err := doc.Decode(&pb); err != nil {
		return nil, yamlError(name, err)
	}
	pb.Source = name
	stem := strings.TrimSuffix(strings.TrimSuffix(path.Base(filepath.ToSlash(name)), ".yaml"), ".yml")
	if pb.ID == "" {
		pb.ID = stem
	}
	if errs := validate(&pb, stem, fieldLines(&doc)); len(errs) > 0 {
		for _, e := range errs {
			e.File = name
		}
		out := make(Errors, len(errs))
		for i, e := range errs {
			out[i] = e
		}
		return nil, out
	}
	return &pb, nil
}

var yamlLineRE = regexp.MustCompile(`line (\d+): `)

// yamlError turns yaml.v3's "yaml: line 3: ..." into a FieldError.
func yamlError(name string, err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		msg = strings.Join(te.Errors, "; ")
	}
	line := 0
	if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
		fmt.Sscanf(m[1], "%d", &line)
		msg = strings.Replace(msg, m[0], "", 1)
	}
	return &FieldError{File: name, Line: line, Msg: "invalid YAML: " + msg}
}

// fieldLines maps top-level field names to their lines, for errors about
// missing or invalid values.
func fieldLines(doc *yaml.Node) map[string]int {
	lines := map[string]int{}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return lines
	}
	m := doc.Content[0]
	for i := 0; i+1 < len(m.Content); i += 2 {
		lines[m.Content[i].Value] = m.Content[i].Line
	}
	return lines
}

// LibraryVersion identifies a library's content: a short hash of its
// playbooks' sources and ids, so that two builds with the same playbooks
// report the same version.
func LibraryVersion(l *Library) string {
	h := sha256.New()
	for _, p := range l.Playbooks {
		fmt.Fprintf(h, "%s\x00%s\x00", p.ID, p.Source)
		if p.Bundled {
			data, err := fs.ReadFile(bundledFS, "bundled/"+strings.TrimPrefix(p.Source, BundledRoot+"/"))
			if err == nil {
				h.Write(data)
			}
		}
	}
	return hex.EncodeToString(h.Sum(nil))[:12]
}
