package e2e

import (
	"encoding/json"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/faultline-dev/faultline/deploy"
)

// shippedLogQL is every LogQL query the deploy kit hands to users: the
// cookbook's table, the Grafana dashboard's Loki panels (with its variables
// set to what a user picks: all namespaces, all playbooks) and the Loki
// ruler's alert expressions.
func shippedLogQL(t *testing.T) map[string]string {
	t.Helper()
	queries := map[string]string{}

	cookbook, err := os.ReadFile("../deploy/loki/logql-cookbook.md")
	if err != nil {
		t.Fatal(err)
	}
	row := regexp.MustCompile("^\\| (.+?) \\| `(.+)` \\|$")
	for _, line := range strings.Split(string(cookbook), "\n") {
		if m := row.FindStringSubmatch(line); m != nil {
			queries["cookbook: "+m[1]] = strings.ReplaceAll(m[2], `\|`, "|")
		}
	}

	dash, err := deploy.ReadDashboard("../deploy/grafana/faultline-dashboard.json")
	if err != nil {
		t.Fatal(err)
	}
	vars := strings.NewReplacer(`"$namespace"`, `".+"`, `"$playbook"`, `".+"`)
	for _, p := range dash.Panels {
		for _, tg := range p.Targets {
			if strings.HasPrefix(strings.TrimSpace(tg.Expr), "{") { // a log query; the others are PromQL
				queries["dashboard: "+p.Title] = vars.Replace(tg.Expr)
			}
		}
	}

	var ruler struct {
		Groups []struct {
			Rules []struct {
				Alert string `yaml:"alert"`
				Expr  string `yaml:"expr"`
			} `yaml:"rules"`
		} `yaml:"groups"`
	}
	data, err := os.ReadFile("../deploy/loki/ruler-alerts.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(data, &ruler); err != nil {
		t.Fatal(err)
	}
	for _, g := range ruler.Groups {
		for _, r := range g.Rules {
			queries["ruler: "+r.Alert] = r.Expr
		}
	}
	if len(queries) < 10 {
		t.Fatalf("found only %d shipped LogQL queries; did the cookbook's table or the dashboard change shape?", len(queries))
	}
	return queries
}

// checkShippedLogQL runs every shipped query against a real Loki that holds
// the e2e sample's tagged lines and diagnosis event: each must be valid
// LogQL, and the ones that select everything faultline tagged must find it.
func checkShippedLogQL(t *testing.T, lokiURL string) {
	queries := shippedLogQL(t)
	t.Logf("running the %d shipped LogQL queries against Loki", len(queries))
	for name, query := range queries {
		body, code := lokiQueryRange(lokiURL, query)
		if code != http.StatusOK {
			t.Errorf("%s: Loki refuses %s: %d %s", name, query, code, body)
			continue
		}
		var r struct {
			Data struct {
				Result []json.RawMessage `json:"result"`
			} `json:"data"`
		}
		if err := json.Unmarshal([]byte(body), &r); err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		// The sample is one high-severity container failure: every query
		// about tagged lines or events, not narrowed to another severity,
		// namespace, service or playbook, must see it.
		narrowed := strings.Contains(query, `"critical"`) || strings.Contains(query, `"shop"`) ||
			strings.Contains(query, `service_name="api"`) || strings.Contains(query, "ecs-task-failed-to-start") || strings.Contains(query, "> 0")
		if !narrowed && len(r.Data.Result) == 0 {
			t.Errorf("%s: %s finds nothing, but Loki holds the sample's tagged lines and event", name, query)
		}
	}
}
