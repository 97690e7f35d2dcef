package web

import (
	"io/fs"
	"net/http"

	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// routes is the composition root of every URL the server answers. Health
// probes and metrics sit outside sessions and CSRF protection so that load
// balancers and Prometheus reach them cheaply. The mux is flat (no nested
// muxes) so that the matched pattern is visible to the metrics middleware.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()

	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /readyz", s.readyz)
	mux.Handle("GET /metrics", promhttp.HandlerFor(s.cfg.Registry, promhttp.HandlerOpts{Registry: s.cfg.Registry}))
	static, _ := fs.Sub(assets, "static")
	mux.Handle("GET /static/", http.StripPrefix("/static/", staticFiles(static)))

	csrf := http.NewCrossOriginProtection()
	csrf.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.renderStatus(w, r, http.StatusForbidden, "error.cross_origin")
	}))
	page := func(pattern string, h http.Handler) {
		s.pagePatterns = append(s.pagePatterns, pattern)
		mux.Handle(pattern, s.sessions.LoadAndSave(csrf.Handler(h)))
	}
	page("GET /{$}", http.HandlerFunc(s.landing))
	page("GET /login", http.HandlerFunc(s.loginForm))
	page("POST /login", http.HandlerFunc(s.login))
	page("POST /logout", http.HandlerFunc(s.logout))
	page("GET /lang/{lang}", http.HandlerFunc(s.switchLang))
	page("GET /home", s.requireUser(s.home))
	s.portalRoutes(page)
	s.outboxRoutes(page)
	s.consoleRoutes(page)
	s.complianceRoutes(page)
	s.apiRoutes(mux)
	page("/", http.HandlerFunc(s.notFound))

	return s.requestID(s.observe(s.recoverPanics(securityHeaders(mux))))
}

// route registers a page handler under a ServeMux pattern, behind sessions
// and cross-origin protection.
type route func(pattern string, h http.Handler)
