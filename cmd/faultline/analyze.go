package main

import (
	"fmt"
	"io"
	"os"

	"github.com/faultline-dev/faultline/diagnose"
	"github.com/faultline-dev/faultline/playbooks"
	"github.com/faultline-dev/faultline/report"
)

func runAnalyze(args []string, stdin io.Reader, stdout, stderr io.Writer) (int, error) {
	fs := newFlagSet("analyze", "analyze [flags] [FILE|-]...", stderr)
	var lib libraryFlags
	lib.register(fs)
	format := fs.String("format", "text", "output `format`: text, json, markdown or github")
	top := fs.Int("top", 5, "show at most `N` diagnoses (0 for all)")
	context := fs.Int("context", 2, "`N` lines of context around each evidence line")
	failOn := fs.String("fail-on", "", "exit 1 when a diagnosis at or above `SEVERITY` (low, medium, high, critical) is found")
	colorFlag := fs.String("color", "auto", "colour text output: auto, always or never")
	files, err := parseInterspersed(fs, args)
	if err != nil {
		return exitUsage, err
	}
	f := report.Format(*format)
	switch f {
	case report.Text, report.JSON, report.Markdown, report.GitHub:
	default:
		return exitUsage, fmt.Errorf("unknown --format %q: use text, json, markdown or github", *format)
	}
	var threshold playbooks.Severity
	if *failOn != "" {
		var ok bool
		if threshold, ok = playbooks.ParseSeverity(*failOn); !ok {
			return exitUsage, fmt.Errorf("unknown --fail-on %q: use low, medium, high or critical", *failOn)
		}
	}
	if *top < 0 {
		return exitUsage, fmt.Errorf("--top must be 0 or more")
	}
	ctx := *context
	if ctx == 0 {
		ctx = -1 // the engine's zero means "default"
	}
	e, err := lib.engine()
	if err != nil {
		return exitUsage, err
	}
	if len(files) == 0 {
		files = []string{"-"}
	}
	var results []report.FileResult
	for _, name := range files {
		res, err := analyzeFile(e, name, stdin, diagnose.Options{Context: ctx})
		if err != nil {
			return exitUsage, err
		}
		results = append(results, report.FileResult{File: displayName(name), Lines: res.Lines, TruncatedLines: res.TruncatedLines, Diagnoses: res.Diagnoses})
	}
	rep := report.New(results, *top)
	color := *colorFlag == "always" || (*colorFlag == "auto" && isTerminal(stdout) && os.Getenv("NO_COLOR") == "")
	if err := report.Write(stdout, rep, f, report.Options{Color: color}); err != nil {
		return exitUsage, fmt.Errorf("writing the report: %w", err)
	}
	if threshold != "" && rep.MaxSeverity().Rank() >= threshold.Rank() {
		return exitFinding, nil
	}
	return exitOK, nil
}

func displayName(name string) string {
	if name == "-" {
		return "<stdin>"
	}
	return name
}

func analyzeFile(e *diagnose.Engine, name string, stdin io.Reader, opts diagnose.Options) (*diagnose.Result, error) {
	if name == "-" {
		return e.Analyze(stdin, opts)
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("cannot read the log: %w", err)
	}
	defer f.Close()
	res, err := e.Analyze(f, opts)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return res, nil
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}
