package faultlineprocessor

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/exporter/exportertest"
	"go.opentelemetry.io/collector/otelcol"
	"go.opentelemetry.io/collector/otelcol/otelcoltest"
	"go.opentelemetry.io/collector/processor"
	"go.opentelemetry.io/collector/receiver/receivertest"

	"github.com/faultline-dev/faultline/processor/faultlineprocessor/internal/metadata"
)

// TestLoadConfig loads testdata/config.yaml the way the collector does.
func TestLoadConfig(t *testing.T) {
	factories, err := otelcoltest.NopFactories()
	require.NoError(t, err)
	factories.Processors = map[component.Type]processor.Factory{metadata.Type: NewFactory()}
	factories.Receivers[component.MustNewType("nop")] = receivertest.NewNopFactory()
	factories.Exporters[component.MustNewType("nop")] = exportertest.NewNopFactory()

	cfg, err := otelcoltest.LoadConfigAndValidate(filepath.Join("testdata", "config.yaml"), factories)
	require.NoError(t, err)
	var _ *otelcol.Config = cfg

	def := cfg.Processors[component.NewID(metadata.Type)].(*Config)
	require.Equal(t, createDefaultConfig(), def)

	custom := cfg.Processors[component.NewIDWithName(metadata.Type, "custom")].(*Config)
	want := createDefaultConfig()
	want.Playbooks.Directories = []string{"testdata/playbooks"}
	want.Playbooks.ExcludeCategories = []string{"silent_failure"}
	want.Playbooks.ReloadInterval = 30 * time.Second
	want.Scan.BodyKeys = []string{"message", "msg", "log"}
	want.Scan.MaxBytes = 8192
	want.Streams.Attributes = []string{"service.name", "k8s.namespace.name", "k8s.pod.name"}
	want.Streams.Window = 100
	want.Streams.MaxStreams = 5000
	want.Events.Cooldown = time.Minute
	want.Events.DocsBaseURL = "https://faultline.example.com/playbooks/"
	want.Events.MaxEvidence = 3
	require.Equal(t, want, custom)
}
