//go:build windows

package winservice

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"golang.org/x/sys/windows"
	"golang.org/x/sys/windows/svc"
	"golang.org/x/sys/windows/svc/eventlog"
	"golang.org/x/sys/windows/svc/mgr"
)

// Install registers s with the service control manager, to start at boot
// (delayed, after the agent's own services) and to restart 30 s after a
// failure, registers its event log source, and starts it.
func Install(s Spec) error {
	m, err := mgr.Connect()
	if err != nil {
		return fmt.Errorf("connect to the service control manager (run as administrator): %w", err)
	}
	defer m.Disconnect()
	if old, err := m.OpenService(Name); err == nil {
		old.Close()
		return fmt.Errorf("service %s is already installed; arcdiag service uninstall removes it", Name)
	}
	sv, err := m.CreateService(Name, s.Exe, mgr.Config{
		DisplayName:      s.DisplayName,
		Description:      s.Description,
		StartType:        mgr.StartAutomatic,
		DelayedAutoStart: true,
	}, s.Args...)
	if err != nil {
		return fmt.Errorf("create service %s: %w", Name, err)
	}
	defer sv.Close()
	undo := func(err error) error {
		sv.Delete()
		return err
	}
	restart := []mgr.RecoveryAction{{Type: mgr.ServiceRestart, Delay: 30 * time.Second}}
	if err := sv.SetRecoveryActions(restart, 24*60*60); err != nil {
		return undo(fmt.Errorf("set recovery actions: %w", err))
	}
	// tail exits 2 (not a crash) while the agent's log folder is missing.
	if err := sv.SetRecoveryActionsOnNonCrashFailures(true); err != nil {
		return undo(fmt.Errorf("set recovery actions: %w", err))
	}
	// A source left by an earlier install is reused.
	if err := eventlog.InstallAsEventCreate(Name, eventlog.Error|eventlog.Warning|eventlog.Info); err != nil && !strings.Contains(err.Error(), "already exists") {
		return undo(fmt.Errorf("register event log source %s: %w", Name, err))
	}
	if err := sv.Start(); err != nil {
		return fmt.Errorf("service %s installed, but it did not start: %w", Name, err)
	}
	return nil
}

// Uninstall stops the service, waiting up to 20 s, removes it and its
// event log source.
func Uninstall() error {
	m, err := mgr.Connect()
	if err != nil {
		return fmt.Errorf("connect to the service control manager (run as administrator): %w", err)
	}
	defer m.Disconnect()
	sv, err := m.OpenService(Name)
	if err != nil {
		return fmt.Errorf("service %s is not installed: %w", Name, err)
	}
	defer sv.Close()
	if st, err := sv.Control(svc.Stop); err == nil {
		for deadline := time.Now().Add(20 * time.Second); st.State != svc.Stopped && time.Now().Before(deadline); {
			time.Sleep(250 * time.Millisecond)
			if st, err = sv.Query(); err != nil {
				break
			}
		}
	} else if !errors.Is(err, windows.ERROR_SERVICE_NOT_ACTIVE) {
		return fmt.Errorf("stop service %s: %w", Name, err)
	}
	if err := sv.Delete(); err != nil {
		return fmt.Errorf("delete service %s: %w", Name, err)
	}
	if err := eventlog.Remove(Name); err != nil {
		return fmt.Errorf("service %s removed, but not its event log source: %w", Name, err)
	}
	return nil
}

// Run runs the service: run is called with a context that ends when the
// service control manager stops the service (or the machine shuts down),
// and with a writer whose lines go to the Application event log. Its
// return value is the service's exit code.
func Run(run func(ctx context.Context, log io.Writer) int) error {
	isService, err := svc.IsWindowsService()
	if err != nil {
		return err
	}
	if !isService {
		return errors.New("arcdiag service run is started by the service control manager; use arcdiag service install")
	}
	elog, err := eventlog.Open(Name)
	if err != nil {
		return err
	}
	defer elog.Close()
	return svc.Run(Name, &handler{run: run, log: &eventLogger{elog: elog}})
}

type handler struct {
	run func(ctx context.Context, log io.Writer) int
	log *eventLogger
}

func (h *handler) Execute(_ []string, r <-chan svc.ChangeRequest, s chan<- svc.Status) (bool, uint32) {
	s <- svc.Status{State: svc.StartPending}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan int, 1)
	go func() { done <- h.run(ctx, h.log) }()
	s <- svc.Status{State: svc.Running, Accepts: svc.AcceptStop | svc.AcceptShutdown}
	for {
		select {
		case c := <-r:
			switch c.Cmd {
			case svc.Interrogate:
				s <- c.CurrentStatus
			case svc.Stop, svc.Shutdown:
				s <- svc.Status{State: svc.StopPending, WaitHint: 5000}
				cancel()
				code := <-done
				h.log.flush()
				return false, uint32(code)
			}
		case code := <-done:
			// Ended on its own: a non-zero code makes the manager's
			// recovery action restart it.
			h.log.flush()
			return false, uint32(code)
		}
	}
}

// eventLogger writes each line to the event log: lines that start with
// "arcdiag: " are errors, the others information.
type eventLogger struct {
	mu   sync.Mutex
	elog *eventlog.Log
	buf  []byte
}

func (l *eventLogger) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf = append(l.buf, p...)
	for {
		i := bytes.IndexByte(l.buf, '\n')
		if i < 0 {
			return len(p), nil
		}
		l.emit(string(l.buf[:i]))
		l.buf = l.buf[i+1:]
	}
}

func (l *eventLogger) flush() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.buf) > 0 {
		l.emit(string(l.buf))
		l.buf = nil
	}
}

func (l *eventLogger) emit(line string) {
	line = strings.TrimRight(line, "\r")
	if strings.HasPrefix(line, "arcdiag: ") {
		l.elog.Error(1, line)
	} else {
		l.elog.Info(1, line)
	}
}
