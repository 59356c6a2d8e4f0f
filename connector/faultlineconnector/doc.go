// Package faultlineconnector turns the faultline processor's output into
// metrics: it counts diagnosis events into faultline.diagnoses and tagged
// log records into faultline.matched_records, as cumulative monotonic sums
// that the prometheus and prometheus_remote_write exporters accumulate
// correctly. It reads the processor's tags; it does not match anything.
//
//go:generate ../../bin/mdatagen metadata.yaml
package faultlineconnector
