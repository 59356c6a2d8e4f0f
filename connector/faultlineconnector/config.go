package faultlineconnector

import (
	"errors"
	"time"
)

// Config configures the connector.
type Config struct {
	// ResourceAttributes are the resource attributes kept as metric
	// attributes (service.name becomes the service_name label in
	// Prometheus). Default service.name and k8s.namespace.name.
	ResourceAttributes []string `mapstructure:"resource_attributes"`
	// MaxSeries bounds the number of series per metric. Records that would
	// start a series past the bound are counted in one overflow series whose
	// only attribute is otel.metric.overflow=true. Default 10000.
	MaxSeries int `mapstructure:"max_series"`
	// FlushInterval is how often every series is re-sent even when it did
	// not change, so that exporters with series expiry keep them. Series
	// that change are sent with each batch. Default 1m.
	FlushInterval time.Duration `mapstructure:"flush_interval"`

	// prevent unkeyed literal initialization
	_ struct{}
}

func createDefaultConfig() *Config {
	return &Config{
		ResourceAttributes: []string{"service.name", "k8s.namespace.name"},
		MaxSeries:          10000,
		FlushInterval:      time.Minute,
	}
}

// Validate checks the settings.
func (c *Config) Validate() error {
	var errs []error
	if c.MaxSeries <= 0 {
		errs = append(errs, errors.New("max_series must be positive"))
	}
	if c.FlushInterval < 0 {
		errs = append(errs, errors.New("flush_interval must not be negative"))
	}
	return errors.Join(errs...)
}
