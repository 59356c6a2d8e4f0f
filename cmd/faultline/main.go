// Command faultline diagnoses failures from logs with a library of
// playbooks: `faultline analyze build.log` names the failure, shows the
// lines that prove it and says how to fix it.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/faultline-dev/faultline/diagnose"
	"github.com/faultline-dev/faultline/playbooks"
)

// Exit codes: 0 all good, 1 a finding (--fail-on, lint errors, stale docs),
// 2 a usage or input error.
const (
	exitOK      = 0
	exitFinding = 1
	exitUsage   = 2
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

const usage = `faultline diagnoses failures from logs.

Usage:
  faultline analyze [flags] [FILE|-]...   rank the playbooks that explain a log
  faultline explain [flags] ID            print a whole playbook
  faultline list [flags]                  list the playbooks
  faultline lint [flags] [DIR]...         check playbooks (the bundled library, or DIRs on top of it)
  faultline docs [flags]                  render docs/playbooks/ from the bundled YAML
  faultline version                       print the version and the library's

Run 'faultline COMMAND -h' for a command's flags.
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// errUsage marks errors that are the caller's to fix (exit 2).
var errUsage = errors.New("usage")

type command func(args []string, stdin io.Reader, stdout, stderr io.Writer) (int, error)

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	cmds := map[string]command{
		"analyze": runAnalyze,
		"explain": runExplain,
		"list":    runList,
		"lint":    runLint,
		"docs":    runDocs,
		"version": runVersion,
	}
	name := args[0]
	if name == "-h" || name == "--help" || name == "help" {
		fmt.Fprint(stdout, usage)
		return exitOK
	}
	cmd, ok := cmds[name]
	if !ok {
		fmt.Fprintf(stderr, "faultline: unknown command %q\n\n%s", name, usage)
		return exitUsage
	}
	code, err := cmd(args[1:], stdin, stdout, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	if err != nil {
		fmt.Fprintf(stderr, "faultline %s: %v\n", name, err)
		if code == exitOK {
			code = exitUsage
		}
	}
	return code
}

// parseInterspersed parses flags that may come before or after positional
// arguments ("faultline analyze build.log --format json").
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// libraryFlags are the flags every command that loads playbooks shares.
type libraryFlags struct {
	dirs      stringList
	noBundled bool
}

func (l *libraryFlags) register(fs *flag.FlagSet) {
	fs.Var(&l.dirs, "playbooks", "extra `DIR` of playbook YAML files, adding to or overriding the bundled ones (repeatable)")
	fs.BoolVar(&l.noBundled, "no-bundled", false, "leave the bundled library out")
}

func (l *libraryFlags) load() (*playbooks.Library, error) {
	lib, err := playbooks.Load(playbooks.Options{NoBundled: l.noBundled, Dirs: l.dirs})
	if err != nil {
		return nil, fmt.Errorf("loading playbooks:\n%w", err)
	}
	return lib, nil
}

func (l *libraryFlags) engine() (*diagnose.Engine, error) {
	lib, err := l.load()
	if err != nil {
		return nil, err
	}
	e, err := diagnose.Compile(lib)
	if err != nil {
		return nil, fmt.Errorf("compiling playbooks: %w", err)
	}
	return e, nil
}

type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

func newFlagSet(name, synopsis string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: faultline %s\n\nFlags:\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

func runVersion(args []string, _ io.Reader, stdout, _ io.Writer) (int, error) {
	lib, err := playbooks.Bundled()
	if err != nil {
		return exitUsage, err
	}
	fmt.Fprintf(stdout, "faultline %s\nplaybook library %s (%d playbooks)\n", version, playbooks.LibraryVersion(lib), lib.Len())
	return exitOK, nil
}
