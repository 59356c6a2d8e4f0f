// Package faultlineprocessor is an OpenTelemetry Collector processor that
// inspects log records in flight, tags the ones that match a faultline
// playbook with faultline.* attributes, and appends diagnosis events to the
// same resource. Records it cannot diagnose pass through untouched: it never
// drops or reorders anything.
//
//go:generate ../../bin/mdatagen metadata.yaml
package faultlineprocessor
