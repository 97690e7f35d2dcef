// Package web serves Beian over HTTP: the customer portal, the staff
// console, the JSON API and the operational endpoints (/healthz, /readyz,
// /metrics). Pages are rendered on the server and work without JavaScript;
// Chinese is the default language and English the second.
//
// Handlers stay thin: they parse the request, call the domain or workflow,
// and render. Errors are rendered by one function for HTML and JSON alike.
package web

import (
	"context"
	"html/template"
	"log/slog"
	"net/http"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/nicksnyder/go-i18n/v2/i18n"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/blob"
	"github.com/openbeian/beian/workflow"
)

// Config is what the server needs from the program that wires it.
type Config struct {
	Store beian.Store
	// Workflow runs every business action; handlers never change state
	// through the store directly.
	Workflow *workflow.Workflow
	// Exchange sends passed orders to the provincial bureau; nil when no
	// bureau connection is configured (the console then says so).
	Exchange *workflow.Exchange
	// Blobs keeps uploaded documents.
	Blobs  blob.Store
	Clock  beian.Clock
	Logger *slog.Logger
	// Sessions keeps server-side sessions; cmd/beian passes the database
	// store so that sessions survive restarts and are shared by replicas.
	Sessions scs.Store
	// Throttle slows password guessing; nil disables it (tests only).
	Throttle LoginThrottle
	// Ready reports whether the server can take traffic (database reachable…).
	Ready func(ctx context.Context) error
	// Registry receives the HTTP metrics; the caller adds its own collectors.
	Registry *prometheus.Registry
	// SecureCookies marks cookies Secure; on unless serving plain HTTP on
	// a loopback address for development.
	SecureCookies bool
	// ProductName is shown in page titles, e.g. the provider's brand.
	ProductName string
	// BureauVerifyURL is the page where responsible persons enter the
	// bureau's SMS code (工信部短信核验): the bureau simulator's page when
	// it runs; empty for MIIT's own, https://beian.miit.gov.cn.
	BureauVerifyURL string
	// SweepEvery is how often the compliance loop sweeps every filed
	// service (registrations every seventh period); 0 means periodic
	// sweeps are off. The sweeps page says which.
	SweepEvery time.Duration
	// Liveness verifies the service principals' faces (真实性核验); nil
	// means staff review of an uploaded video (workflow.StaffReview).
	Liveness beian.LivenessVerifier
}

// LoginThrottle counts failed sign-ins per key (login name, client
// address) across replicas; sqlstore.Throttle implements it.
type LoginThrottle interface {
	LockedUntil(ctx context.Context, key string) (time.Time, error)
	Fail(ctx context.Context, key string) (time.Time, error)
	Reset(ctx context.Context, key string) error
}

// Server is the HTTP application.
type Server struct {
	cfg      Config
	log      *slog.Logger
	sessions *scs.SessionManager
	pages    map[string]*template.Template
	i18n     *i18n.Bundle
	metrics  *httpMetrics
	handler  http.Handler
	// pagePatterns are the patterns of every page route in the order
	// routes registered them, so that tests can prove each one is covered
	// (the authorisation matrix).
	pagePatterns []string
}

// New builds the server and its routes. It returns an error when the
// embedded templates or translations are broken, which tests catch.
func New(cfg Config) (*Server, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Clock == nil {
		cfg.Clock = beian.SystemClock{}
	}
	if cfg.Registry == nil {
		cfg.Registry = prometheus.NewRegistry()
	}
	if cfg.ProductName == "" {
		cfg.ProductName = "Beian"
	}
	s := &Server{cfg: cfg, log: cfg.Logger}
	var err error
	if s.i18n, err = loadBundle(); err != nil {
		return nil, err
	}
	if s.pages, err = parsePages(); err != nil {
		return nil, err
	}
	if s.metrics, err = newHTTPMetrics(cfg.Registry); err != nil {
		return nil, err
	}
	s.sessions = scs.New()
	if cfg.Sessions != nil {
		s.sessions.Store = cfg.Sessions
	}
	s.sessions.Lifetime = 12 * time.Hour
	s.sessions.IdleTimeout = 2 * time.Hour
	s.sessions.Cookie.Name = "beian_session"
	s.sessions.Cookie.HttpOnly = true
	s.sessions.Cookie.SameSite = http.SameSiteLaxMode
	s.sessions.Cookie.Secure = cfg.SecureCookies
	s.sessions.ErrorFunc = func(w http.ResponseWriter, r *http.Request, err error) {
		s.renderError(w, r, err)
	}
	s.handler = s.routes()
	return s, nil
}

// ServeHTTP serves a request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }
