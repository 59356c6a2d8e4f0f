// Package deploy holds the collector configs, Kubernetes manifests, Helm
// values, dashboards and alert rules users deploy faultline with; its tests
// check that they agree with the distribution the builder produces.
package deploy
