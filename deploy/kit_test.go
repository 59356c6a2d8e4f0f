package deploy

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/faultline-dev/faultline/diagnose"
	"github.com/faultline-dev/faultline/lint"
	"github.com/faultline-dev/faultline/playbooks"
)

// TestManifestsParse: every YAML file of the kit is well-formed, document
// by document.
func TestManifestsParse(t *testing.T) {
	files, _ := filepath.Glob("*/*.yaml")
	more, _ := filepath.Glob("*.yaml")
	for _, f := range append(files, more...) {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		dec := yaml.NewDecoder(bytes.NewReader(data))
		for {
			var doc any
			if err := dec.Decode(&doc); errors.Is(err, io.EOF) {
				break
			} else if err != nil {
				t.Errorf("%s: %v", f, err)
				break
			}
		}
	}
}

// TestTeamPlaybooksConfigMap: the example team playbooks in the ConfigMap
// are valid faultline playbooks that pass lint on top of the bundled
// library, as the processor would load them.
func TestTeamPlaybooksConfigMap(t *testing.T) {
	data, err := os.ReadFile("kubernetes/team-playbooks.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var cm struct {
		Data map[string]string `yaml:"data"`
	}
	if err := yaml.Unmarshal(data, &cm); err != nil {
		t.Fatal(err)
	}
	if len(cm.Data) == 0 {
		t.Fatal("the ConfigMap holds no playbook")
	}
	dir := t.TempDir()
	for name, body := range cm.Data {
		if !strings.HasSuffix(name, ".yaml") {
			t.Errorf("key %s: playbooks are <id>.yaml", name)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	lib, err := playbooks.Load(playbooks.Options{Dirs: []string{dir}})
	if err != nil {
		t.Fatal(err)
	}
	e, err := diagnose.Compile(lib)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range lint.Run(e, func(p *playbooks.Playbook) bool { return !p.Bundled }) {
		if f.Level == lint.Error {
			t.Error(f)
		}
	}
}

// TestDashboard: the Grafana dashboard is valid JSON whose panels query the
// connector's metrics and Loki's faultline metadata.
func TestDashboard(t *testing.T) {
	d, err := ReadDashboard("grafana/faultline-dashboard.json")
	if err != nil {
		t.Fatal(err)
	}
	var prom, loki int
	for _, p := range d.Panels {
		for _, tg := range p.Targets {
			switch {
			case strings.Contains(tg.Expr, "faultline_diagnoses_total") || strings.Contains(tg.Expr, "faultline_matched_records_total"):
				prom++
			case strings.Contains(tg.Expr, "| faultline_playbook"):
				loki++
			default:
				t.Errorf("panel %q queries neither faultline metric nor faultline metadata: %s", p.Title, tg.Expr)
			}
		}
	}
	if prom == 0 || loki == 0 {
		t.Errorf("%d Prometheus and %d Loki panels; want both", prom, loki)
	}
}
