package deploy

import (
	"encoding/json"
	"fmt"
	"os"
)

// Dashboard is the part of the shipped Grafana dashboard
// (grafana/faultline-dashboard.json) that says what it queries.
type Dashboard struct {
	Panels []struct {
		Title   string `json:"title"`
		Targets []struct {
			Expr string `json:"expr"`
		} `json:"targets"`
	} `json:"panels"`
}

// ReadDashboard reads a Grafana dashboard file.
func ReadDashboard(path string) (*Dashboard, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var d Dashboard
	if err := json.Unmarshal(data, &d); err != nil {
		return nil, fmt.Errorf("%s is not a Grafana dashboard: %w", path, err)
	}
	return &d, nil
}
