package redact

import (
	"testing"
)

func TestLine(t *testing.T) {
	tests := []struct{ in, want string }{
		{"fatal: unable to access 'https://bot:s3cr3tP4ss@github.com/org/repo.git/': 403", "fatal: unable to access 'https://bot:[REDACTED]@github.com/org/repo.git/': 403"},
		{"Authorization: Bearer eyJhbGciOi.abc.def", "Authorization: Bearer [REDACTED]"},
		{"curl -H 'authorization: token ghp_abcdefghijklmnopqrstuvwxyz0123'", "curl -H 'authorization: token [REDACTED]'"},
		{"using key AKIAIOSFODNN7EXAMPLE for upload", "using key [REDACTED] for upload"},
		{"aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "aws_secret_access_key = [REDACTED]"},
		{"DB_PASSWORD=hunter22 ./run", "DB_PASSWORD=[REDACTED] ./run"},
		{"-----BEGIN RSA PRIVATE KEY----- MIIEowIBAAKCAQEA -----END RSA PRIVATE KEY-----", "[REDACTED]"},
		{"token glpat-abcdefghij0123456789xyz expired", "token [REDACTED] expired"},
		{"slack xoxb-1234567890-abcdefghij failed", "slack [REDACTED] failed"},
		{"exec /app/server: exec format error", "exec /app/server: exec format error"},
		{"password authentication failed for user \"app\"", "password authentication failed for user \"app\""},
	}
	for _, tt := range tests {
		if got := Line(tt.in); got != tt.want {
			t.Errorf("Line(%q)\n got %q\nwant %q", tt.in, got, tt.want)
		}
	}
}

func FuzzLine(f *testing.F) {
	f.Add("https://u:p@host/x AKIAIOSFODNN7EXAMPLE password=x")
	f.Add("Authorization: Bearer abcdefghijkl -----BEGIN PRIVATE KEY-----")
	f.Fuzz(func(t *testing.T, s string) {
		once := Line(s)
		if twice := Line(once); twice != once {
			t.Errorf("not idempotent: %q -> %q -> %q", s, once, twice)
		}
	})
}
