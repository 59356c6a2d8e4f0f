// Package redact removes secrets from log lines before they are shown as
// evidence, printed in a pull-request comment or sent downstream in a
// diagnosis event: tokens, passwords in URLs, AWS keys, bearer and basic
// authorization headers, private keys and password assignments.
package redact

import (
	"regexp"
	"strings"
)

// Mask replaces a secret.
const Mask = "[REDACTED]"

type rule struct {
	// hint is a lower-case substring a line must contain for the rule to be
	// worth running, so clean lines cost a few Index calls, not regexes.
	hints []string
	re    *regexp.Regexp
	// keep is the submatch kept before the mask (the key name), or 0.
	keep int
}

var rules = []rule{
	{[]string{"-----begin"}, regexp.MustCompile(`-----BEGIN [A-Z ]*PRIVATE KEY-----.*?(-----END [A-Z ]*PRIVATE KEY-----|$)`), 0},
	{[]string{"://"}, regexp.MustCompile(`([a-zA-Z][a-zA-Z0-9+.-]*://[^/\s:@]+:)[^@\s/]+(@)`), -1},
	{[]string{"bearer", "basic", "token "}, regexp.MustCompile(`(?i)((?:authorization|proxy-authorization)["']?\s*[:=]\s*["']?(?:bearer|basic|token)\s+)[A-Za-z0-9._~+/=-]+`), 1},
	{[]string{"bearer "}, regexp.MustCompile(`(?i)(\bbearer\s+)[A-Za-z0-9._~+/=-]{8,}`), 1},
	{[]string{"akia", "asia"}, regexp.MustCompile(`\b(?:AKIA|ASIA)[0-9A-Z]{16}\b`), 0},
	{[]string{"ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"}, regexp.MustCompile(`\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})\b`), 0},
	{[]string{"glpat-"}, regexp.MustCompile(`\bglpat-[A-Za-z0-9_-]{20,}\b`), 0},
	{[]string{"xox"}, regexp.MustCompile(`\bxox[abposr]-[A-Za-z0-9-]{10,}\b`), 0},
	{[]string{"npm_"}, regexp.MustCompile(`\bnpm_[A-Za-z0-9]{30,}\b`), 0},
	{[]string{"eyj"}, regexp.MustCompile(`\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}`), 0},
	{[]string{"password", "passwd", "secret", "token", "api_key", "apikey", "access_key"},
		regexp.MustCompile(`(?i)((?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key(?:[_-]?id)?|secret[_-]?access[_-]?key|client[_-]?secret)["']?\s*[:=]\s*["']?)[^\s"',;&]{3,}`), 1},
}

// Line returns s with every secret it recognises masked.
func Line(s string) string {
	var lower string
	for _, r := range rules {
		if lower == "" {
			lower = strings.ToLower(s)
		}
		if !containsAny(lower, r.hints) {
			continue
		}
		switch r.keep {
		case 0:
			s = r.re.ReplaceAllString(s, Mask)
		case -1:
			s = r.re.ReplaceAllString(s, "${1}"+Mask+"${2}")
		default:
			s = r.re.ReplaceAllString(s, "${1}"+Mask)
		}
		lower = ""
	}
	return s
}

func containsAny(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}
