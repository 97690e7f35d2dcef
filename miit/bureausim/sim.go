package bureausim

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	mrand "math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/miit"
)

// StateFile is the name of the persisted state inside Config.Dir.
const StateFile = "bureausim.json"

// Sim is a simulated provincial bureau (省局系统). It is safe for concurrent use: every
// operation holds one mutex, processes whatever became due on the simulator's clock (SMS
// windows expiring, reviews finishing), does its work, turns the results into download
// files and persists the state before it returns. Nothing runs in the background, so a
// test that moves the clock sees the consequences at its next call, deterministically.
type Sim struct {
	cfg   Config
	clock beian.Clock
	tlds  tldSet
	isps  map[int64]ISPAccount
	keys  map[int64]*miit.AESKey
	log   *slog.Logger
	path  string
	// done is closed by Close; it ends calls held by a timeout fault.
	done chan struct{}

	mu        sync.Mutex
	st        *state
	drafts    map[int64]*miit.DownloadICP
	extra     map[int64][]*miit.DownloadData
	dirty     bool
	closed    bool
	faultRand *mrand.Rand
}

// ErrClosed is returned by the Go API after Close.
var ErrClosed = errors.New("bureausim: simulator closed")

// New builds a simulator from cfg, loading the state from cfg.Dir when it holds one. It
// fails on an invalid configuration and on a state file it cannot read (it never replaces
// a file it did not understand).
func New(cfg Config) (*Sim, error) {
	cfg, err := cfg.normalized()
	if err != nil {
		return nil, err
	}
	s := &Sim{
		cfg:    cfg,
		log:    cfg.Logger,
		isps:   map[int64]ISPAccount{},
		keys:   map[int64]*miit.AESKey{},
		done:   make(chan struct{}),
		drafts: map[int64]*miit.DownloadICP{},
		extra:  map[int64][]*miit.DownloadData{},
	}
	list := cfg.ApprovedTLDs
	if list == nil {
		list = ApprovedTLDs()
	}
	s.tlds = newTLDSet(list)
	for _, a := range cfg.ISPs {
		s.isps[a.ISPID] = a
		s.keys[a.ISPID], _ = a.AESKey() // checked by normalized
	}
	s.st = newState()
	if cfg.Dir != "" {
		if err := os.MkdirAll(cfg.Dir, 0o700); err != nil {
			return nil, fmt.Errorf("bureausim: state directory: %w", err)
		}
		s.path = filepath.Join(cfg.Dir, StateFile)
		if err := s.load(); err != nil {
			return nil, err
		}
	}
	s.clock = cfg.Clock
	if cfg.Speedup > 0 {
		start := cfg.Clock.Now()
		if s.st.SimTime.After(start) {
			start = s.st.SimTime // accelerated time never runs backwards across restarts
		}
		s.clock = NewAcceleratedClock(cfg.Clock, start, cfg.Speedup)
	}
	var seed [16]byte
	if _, err := io.ReadFull(s.randReader(), seed[:]); err != nil {
		return nil, fmt.Errorf("bureausim: random source: %w", err)
	}
	s.faultRand = mrand.New(mrand.NewPCG(binary.LittleEndian.Uint64(seed[:8]), binary.LittleEndian.Uint64(seed[8:])))

	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	var jcdm []byte
	for _, a := range cfg.ISPs {
		is := s.isp(a.ISPID)
		if is.JCDMQueued {
			continue
		}
		// The first file a provider downloads is the code tables, so the enterprise side
		// can sync its data dictionary before anything refers to it.
		if jcdm == nil {
			if jcdm, err = miit.EncodeDownload(&miit.DownloadData{JCDM: codeTables(cfg.ISPs)}); err != nil {
				return nil, fmt.Errorf("bureausim: code tables: %w", err)
			}
		}
		s.enqueueXML(a.ISPID, jcdm, []string{"JCDM"}, now)
		is.JCDMQueued = true
	}
	s.advance(now)
	s.commit()
	s.log.Info("bureau simulator ready", "isps", len(cfg.ISPs), "state", s.path, "now", now.Format(time.RFC3339))
	return s, nil
}

// Close persists the state and releases calls held by a timeout fault. The simulator
// refuses further work (SOAP calls get HTTP 503, the Go API ErrClosed). It is idempotent.
func (s *Sim) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	close(s.done)
	s.dirty = true
	return s.saveLocked()
}

// Now is the simulator's current time (its clock, accelerated when Config.Speedup is set).
func (s *Sim) Now() time.Time { return s.clock.Now().UTC() }

// ISPs returns the configured provider accounts.
func (s *Sim) ISPs() []ISPAccount { return slices.Clone(s.cfg.ISPs) }

func (s *Sim) randReader() io.Reader {
	if s.cfg.Rand != nil {
		return s.cfg.Rand
	}
	return rand.Reader
}

// now reads the clock and remembers the latest simulated time. Caller holds mu.
func (s *Sim) now() time.Time {
	t := s.clock.Now().UTC()
	if t.After(s.st.SimTime) {
		s.st.SimTime = t
	}
	return t
}

// begin starts a locked operation: it takes the mutex and processes everything due. It
// returns ErrClosed (without the lock held) after Close.
func (s *Sim) begin() (time.Time, error) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return time.Time{}, ErrClosed
	}
	now := s.now()
	s.advance(now)
	// What became due is filed before the operation runs, so a download made after the
	// clock passed a deadline already finds the result.
	s.flushDrafts()
	return now, nil
}

// end finishes a locked operation: it turns the results into download files, persists
// the state when it changed and releases the mutex.
func (s *Sim) end() {
	s.commit()
	s.mu.Unlock()
}

// isp returns the provider's runtime state, creating it. Caller holds mu.
func (s *Sim) isp(id int64) *ispState {
	is := s.st.ISPs[id]
	if is == nil {
		is = &ispState{ISPID: id, Hashes: map[int64]string{}}
		s.st.ISPs[id] = is
	}
	if is.Hashes == nil {
		is.Hashes = map[int64]string{}
	}
	return is
}

// commit turns the drafts into download files and saves. Caller holds mu.
func (s *Sim) commit() {
	s.flushDrafts()
	if s.dirty {
		if err := s.saveLocked(); err != nil {
			s.log.Error("bureau simulator: persisting state failed", "err", err)
		}
	}
}

func (s *Sim) load() error {
	data, err := os.ReadFile(s.path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("bureausim: read state: %w", err)
	}
	st := newState()
	if err := json.Unmarshal(data, st); err != nil {
		return fmt.Errorf("bureausim: state file %s is not valid: %w", s.path, err)
	}
	if st.Format != stateFormat {
		return fmt.Errorf("bureausim: state file %s has format %d, this simulator reads %d", s.path, st.Format, stateFormat)
	}
	// newState's maps survive where the file has none (an older or hand-edited file).
	fresh := newState()
	st.Serials = cmpOr(st.Serials, fresh.Serials)
	st.ISPs = cmpOr(st.ISPs, fresh.ISPs)
	st.Subjects = cmpOr(st.Subjects, fresh.Subjects)
	st.Sites = cmpOr(st.Sites, fresh.Sites)
	s.st = st
	s.log.Info("bureau simulator state loaded", "file", s.path, "subjects", len(st.Subjects), "filings", len(st.Filings))
	return nil
}

func cmpOr[M ~map[K]V, K comparable, V any](m, def M) M {
	if m == nil {
		return def
	}
	return m
}

// saveLocked writes the state atomically: a temporary file in the same directory, synced,
// renamed over the old one, and the directory synced, so a crash leaves either the old or
// the new state, never a torn file. Caller holds mu.
func (s *Sim) saveLocked() error {
	s.dirty = false
	if s.path == "" {
		return nil
	}
	data, err := json.Marshal(s.st)
	if err != nil {
		return fmt.Errorf("bureausim: encode state: %w", err)
	}
	dir := filepath.Dir(s.path)
	f, err := os.CreateTemp(dir, StateFile+".*.tmp")
	if err != nil {
		return fmt.Errorf("bureausim: write state: %w", err)
	}
	tmp := f.Name()
	defer os.Remove(tmp) // no-op after the rename
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("bureausim: write state: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("bureausim: write state: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("bureausim: write state: %w", err)
	}
	if err := os.Rename(tmp, s.path); err != nil {
		return fmt.Errorf("bureausim: write state: %w", err)
	}
	if d, err := os.Open(dir); err == nil {
		d.Sync() // best effort: not every file system syncs directories
		d.Close()
	}
	return nil
}
