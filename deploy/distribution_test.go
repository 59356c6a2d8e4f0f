package deploy

import (
	"os"
	"path"
	"regexp"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

type builderConfig struct {
	Dist struct {
		Name       string `yaml:"name"`
		OutputPath string `yaml:"output_path"`
	} `yaml:"dist"`
	Receivers  []component `yaml:"receivers"`
	Processors []component `yaml:"processors"`
	Exporters  []component `yaml:"exporters"`
	Connectors []component `yaml:"connectors"`
	Extensions []component `yaml:"extensions"`
	Providers  []component `yaml:"providers"`
}

type component struct {
	GoMod string `yaml:"gomod"`
}

func readBuilderConfig(t *testing.T) builderConfig {
	t.Helper()
	data, err := os.ReadFile("../builder-config.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var bc builderConfig
	if err := yaml.Unmarshal(data, &bc); err != nil {
		t.Fatal(err)
	}
	return bc
}

// TestDockerfileEntrypoint: the image cannot be built here (no Docker
// engine), so check that its ENTRYPOINT runs the binary the builder makes
// and that the binary is copied from where the builder writes it.
func TestDockerfileEntrypoint(t *testing.T) {
	bc := readBuilderConfig(t)
	data, err := os.ReadFile("../Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	df := string(data)
	binary := "/" + bc.Dist.Name
	m := regexp.MustCompile(`(?m)^ENTRYPOINT\s+(\[.*\])\s*$`).FindStringSubmatch(df)
	if m == nil {
		t.Fatal("Dockerfile has no exec-form ENTRYPOINT [...]")
	}
	if m[1] != `["`+binary+`"]` {
		t.Errorf("ENTRYPOINT %s, want [%q] (dist.name in builder-config.yaml)", m[1], binary)
	}
	src := path.Join("/src", strings.TrimPrefix(bc.Dist.OutputPath, "./"), bc.Dist.Name)
	if !strings.Contains(df, "COPY --from=build "+src+" "+binary) {
		t.Errorf("Dockerfile does not copy %s to %s", src, binary)
	}
	if !regexp.MustCompile(`(?m)^USER\s+\d+`).MatchString(df) {
		t.Error("the final stage must run as a numeric non-root USER")
	}
	if strings.Count(df, "\nFROM ") < 1 || !strings.HasPrefix(df[strings.LastIndex(df, "\nFROM "):], "\nFROM gcr.io/distroless/") {
		t.Error("the final stage must be distroless (no shell needed)")
	}
}

// TestBuilderVersionsPinned: every collector module is pinned to the one
// release set that builds here.
func TestBuilderVersionsPinned(t *testing.T) {
	bc := readBuilderConfig(t)
	var all []component
	for _, list := range [][]component{bc.Receivers, bc.Processors, bc.Exporters, bc.Connectors, bc.Extensions, bc.Providers} {
		all = append(all, list...)
	}
	for _, c := range all {
		mod, version, _ := strings.Cut(c.GoMod, " ")
		switch {
		case strings.HasPrefix(mod, "github.com/faultline-dev/faultline"):
		case strings.Contains(mod, "/confmap/provider/"):
			if version != "v1.64.0" {
				t.Errorf("%s %s, want v1.64.0", mod, version)
			}
		default:
			if version != "v0.158.0" {
				t.Errorf("%s %s, want v0.158.0", mod, version)
			}
		}
	}
	gomod, err := os.ReadFile("../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(gomod), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 || !strings.Contains(f[0], "opentelemetry") || !strings.Contains(f[0], "collector") {
			continue
		}
		if v := f[1]; v != "v0.158.0" && v != "v1.64.0" && strings.HasPrefix(f[0], "go.opentelemetry.io/collector") {
			t.Errorf("go.mod: %s %s is not in the pinned release set (v0.158.0 / v1.64.0)", f[0], v)
		}
	}
}
