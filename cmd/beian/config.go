package main

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
)

// Config is the program's configuration, from flags and environment.
type Config struct {
	DataDir  string
	DB       string
	Blob     string
	Listen   string
	Role     string
	Demo     bool
	LogLevel string
	LogJSON  bool
	// SecretKeys are base64 PII keys, newest first; empty means the key file
	// in the data directory (created on first start).
	SecretKeys string
	// PublicURL is where users reach the server, for links in messages and
	// the Secure cookie decision; empty means http://<listen>.
	PublicURL string
	// Bureau is the connection to the provincial bureau (bureau.go).
	Bureau BureauConfig
	// Compliance configures the compliance loop (compliance.go).
	Compliance ComplianceConfig
}

// envOr returns the environment variable's value or def.
func envOr(name, def string) string {
	if v, ok := os.LookupEnv(name); ok {
		return v
	}
	return def
}

func envBool(name string, def bool) bool {
	switch strings.ToLower(os.Getenv(name)) {
	case "1", "true", "yes", "on":
		return true
	case "0", "false", "no", "off":
		return false
	}
	return def
}

// flags registers the common flags on fs with environment defaults.
func (c *Config) flags(fs *flag.FlagSet) {
	fs.StringVar(&c.DataDir, "data-dir", envOr("BEIAN_DATA_DIR", "beian-data"), "directory for the SQLite database, documents and keys (env BEIAN_DATA_DIR)")
	fs.StringVar(&c.DB, "db", envOr("BEIAN_DB", ""), "database: postgres://… or a SQLite file path; default <data-dir>/beian.db (env BEIAN_DB)")
	fs.StringVar(&c.LogLevel, "log-level", envOr("BEIAN_LOG_LEVEL", "info"), "debug, info, warn or error (env BEIAN_LOG_LEVEL)")
	fs.BoolVar(&c.LogJSON, "log-json", envBool("BEIAN_LOG_JSON", true), "log JSON lines to stderr; false logs text (env BEIAN_LOG_JSON)")
	c.SecretKeys = os.Getenv("BEIAN_SECRET_KEYS")
}

func (c *Config) serveFlags(fs *flag.FlagSet) {
	c.flags(fs)
	fs.StringVar(&c.Blob, "blob", envOr("BEIAN_BLOB", ""), "document storage: s3://bucket/prefix?endpoint=…, or a directory; default <data-dir>/documents (env BEIAN_BLOB)")
	fs.StringVar(&c.Listen, "listen", envOr("BEIAN_LISTEN", "127.0.0.1:8080"), "HTTP listen address (env BEIAN_LISTEN)")
	fs.StringVar(&c.Role, "role", envOr("BEIAN_ROLE", "all"), "web (HTTP only), worker (jobs only) or all (env BEIAN_ROLE)")
	fs.BoolVar(&c.Demo, "demo", envBool("BEIAN_DEMO", true), "create demo accounts on an empty database (env BEIAN_DEMO)")
	fs.StringVar(&c.PublicURL, "public-url", envOr("BEIAN_PUBLIC_URL", ""), "URL users reach the server at (env BEIAN_PUBLIC_URL)")
	c.Bureau.flags(fs)
	c.Compliance.flags(fs)
}

func parse(fs *flag.FlagSet, args []string, stderr io.Writer) error {
	fs.SetOutput(stderr)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "beian: unexpected arguments %q\n", fs.Args())
		return errUsage
	}
	return nil
}

// dsn returns the database to open: the flag, or the SQLite file in the
// data directory.
func (c *Config) dsn() string {
	if c.DB != "" {
		return c.DB
	}
	return filepath.Join(c.DataDir, "beian.db")
}

func (c *Config) validate() error {
	switch c.Role {
	case "", "all", "web", "worker":
	default:
		return fmt.Errorf("--role must be web, worker or all, not %q", c.Role)
	}
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(c.LogLevel)); err != nil {
		return fmt.Errorf("--log-level: %w", err)
	}
	if err := c.Compliance.envErr; err != nil {
		return fmt.Errorf("BEIAN_CASE_DEADLINES: %w", err)
	}
	return nil
}

func (c *Config) logger(w io.Writer) *slog.Logger {
	var lvl slog.Level
	_ = lvl.UnmarshalText([]byte(c.LogLevel))
	opts := &slog.HandlerOptions{Level: lvl}
	var h slog.Handler
	if c.LogJSON {
		h = slog.NewJSONHandler(w, opts)
	} else {
		h = slog.NewTextHandler(w, opts)
	}
	return slog.New(logHandler(h))
}
