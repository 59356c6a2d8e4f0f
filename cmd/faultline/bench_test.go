package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"syscall"
	"testing"
	"time"
)

// BenchmarkAnalyzeVsGrep runs the built faultline binary on an ~80 MB log
// made of real CI logs and compares it, in the same process and on the same
// file, with `grep -c -i` of one literal: the cost of reading the file once.
// It reports both throughputs (medians of three runs), the ratio and
// faultline's peak RSS over the runs.
func BenchmarkAnalyzeVsGrep(b *testing.B) {
	grep, err := exec.LookPath("grep")
	if err != nil {
		b.Skip("grep not installed")
	}
	dir := b.TempDir()
	bin := filepath.Join(dir, "faultline")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	logs, _ := filepath.Glob("../../../shared/corpus/passing/*.log")
	if len(logs) == 0 {
		b.Skip("no shared corpus beside the repository")
	}
	var sample bytes.Buffer
	for _, l := range logs {
		data, err := os.ReadFile(l)
		if err != nil {
			b.Fatal(err)
		}
		sample.Write(data)
	}
	failure, err := os.ReadFile("../../testdata/logs/deploy-entrypoint.log")
	if err != nil {
		b.Fatal(err)
	}
	big := filepath.Join(dir, "big.log")
	f, err := os.Create(big)
	if err != nil {
		b.Fatal(err)
	}
	size := 0
	for size < 80<<20 {
		n, _ := f.Write(sample.Bytes())
		size += n
	}
	f.Write(failure)
	f.Close()

	run := func(name string, args ...string) (time.Duration, int64) {
		cmd := exec.Command(name, args...)
		cmd.Stdout, cmd.Stderr = nil, nil
		start := time.Now()
		_ = cmd.Run() // grep -c exits 1 on no match; faultline 0
		d := time.Since(start)
		var rss int64
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			rss = ru.Maxrss // KiB on Linux
		}
		return d, rss
	}
	// Three runs of each, alternating; the medians. One run of either is
	// a fraction of a second, short enough for the machine's drift to move
	// it by a third.
	var tf, tg time.Duration
	var rss int64
	for range b.N {
		var fs, gs []time.Duration
		for range 3 {
			g, _ := run(grep, "-c", "-i", "exec format error", big)
			f, r := run(bin, "analyze", "--format", "json", big)
			gs, fs, rss = append(gs, g), append(fs, f), max(rss, r)
		}
		slices.Sort(gs)
		slices.Sort(fs)
		tg, tf = gs[1], fs[1]
	}
	mb := float64(size) / 1e6
	b.ReportMetric(mb/tf.Seconds(), "faultline-MB/s")
	b.ReportMetric(mb/tg.Seconds(), "grep-MB/s")
	b.ReportMetric(tf.Seconds()/tg.Seconds(), "faultline/grep")
	b.ReportMetric(float64(rss)/1024, "peak-RSS-MB")
	b.Logf("%.0f MB: faultline %.2fs (%.0f MB/s, peak RSS %.1f MB), grep -c -i %.2fs (%.0f MB/s), ratio %.2fx",
		mb, tf.Seconds(), mb/tf.Seconds(), float64(rss)/1024, tg.Seconds(), mb/tg.Seconds(), tf.Seconds()/tg.Seconds())
}
