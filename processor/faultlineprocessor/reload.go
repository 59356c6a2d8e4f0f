package faultlineprocessor

import (
	"context"
	"crypto/sha256"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"go.uber.org/zap"
)

// reloader re-reads the extra playbook directories when their content
// changes. It polls a fingerprint (paths, sizes, modification times) rather
// than watching, which also sees Kubernetes' ConfigMap symlink swaps.
type reloader struct {
	cancel context.CancelFunc
	done   chan struct{}
}

func startReloader(p *faultlineProcessor, every time.Duration) *reloader {
	ctx, cancel := context.WithCancel(context.Background())
	r := &reloader{cancel: cancel, done: make(chan struct{})}
	last := fingerprint(p.cfg.Playbooks.Directories)
	go func() {
		defer close(r.done)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				fp := fingerprint(p.cfg.Playbooks.Directories)
				if fp == last {
					continue
				}
				last = fp
				p.reloadNow(ctx)
			}
		}
	}()
	return r
}

func (r *reloader) stop() {
	r.cancel()
	<-r.done
}

// reloadNow compiles the library again; on failure the last good one stays.
func (p *faultlineProcessor) reloadNow(ctx context.Context) {
	e, err := p.cfg.compile()
	if err != nil {
		p.telemetry.ProcessorFaultlineReloadFailures.Add(ctx, 1)
		p.logger.Error("faultline: reloading playbooks failed; keeping the last good library", zap.Error(err))
		return
	}
	p.swap(e)
	p.telemetry.ProcessorFaultlineReloads.Add(ctx, 1)
	p.logger.Info("faultline: playbooks reloaded", zap.Int("playbooks", e.Library().Len()))
}

func fingerprint(dirs []string) string {
	h := sha256.New()
	for _, d := range dirs {
		_ = filepath.WalkDir(d, func(path string, de fs.DirEntry, err error) error {
			if err != nil {
				fmt.Fprintf(h, "%s:error\n", path)
				return nil
			}
			info, err := os.Stat(path) // follows the ConfigMap's ..data symlink
			if err != nil {
				return nil
			}
			fmt.Fprintf(h, "%s:%d:%d\n", path, info.Size(), info.ModTime().UnixNano())
			return nil
		})
	}
	return string(h.Sum(nil))
}
