package bureausim

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"time"
)

// Run serves a simulator on addr until ctx is cancelled, then shuts down: it releases calls
// held by a timeout fault, waits up to ten seconds for the others and persists the state.
// The standalone `beian bureau-sim` command calls it; ready, when not nil, receives the
// listening address (useful with port 0) once connections are accepted.
func Run(ctx context.Context, addr string, cfg Config, ready func(net.Addr)) error {
	sim, err := New(cfg)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		sim.Close()
		return fmt.Errorf("bureausim: listen: %w", err)
	}
	srv := &http.Server{Handler: sim.Handler(), ReadHeaderTimeout: 30 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	sim.log.Info("bureau simulator listening", "addr", ln.Addr().String())
	if ready != nil {
		ready(ln.Addr())
	}
	select {
	case err = <-errc:
		sim.Close()
		return fmt.Errorf("bureausim: serve: %w", err)
	case <-ctx.Done():
	}
	closeErr := sim.Close() // first: hung calls return, so Shutdown does not wait for them
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("bureausim: shutdown: %w", err)
	}
	return closeErr
}

// LoadRules reads a Rules policy file (see Rules) for the standalone command.
func LoadRules(path string) (*Rules, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("bureausim: policy rules: %w", err)
	}
	return ParseRules(data)
}
