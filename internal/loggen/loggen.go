// Package loggen writes synthetic azcmagent.log files of any size for benchmarks.
//
// The output is the agent's log file form (logrus text, UTC times): a
// history of azcmagent runs on one machine (show, check, connect, config,
// disconnect, logs, version), mostly debug and info lines, with HTTP
// exchanges escaped into Error= values, benign failures (IMDS probes,
// unreachable notification service, clock offset) and, every one to four
// MB, a failing run (TLS inspection, wrong service principal secret, proxy,
// unregistered provider, HIMDS stopped, ...) whose error text the knowledge
// base recognises, ending in an `Exit Code:  AZCMnnnn` line and FATAL lines.
// About one line in a thousand is at error level.
//
// Generation is a copy of pre-rendered lines: the runs are rendered once,
// and only the timestamp changes as they are written, so it runs at
// several GB/s. The output depends only on size and seed.
package loggen

import (
	"io"
)

// The schedule of failing and incident runs, in bytes and lines.
const (
	firstFailMin = 64 << 10
	firstFailMax = 1 << 20
	failMin      = 1 << 20
	failMax      = 4 << 20
	errLinesMin  = 500
	errLinesMax  = 1500
)

// start is the time of the first run (2031-01-06T00:00:00Z); the seed moves
// it by up to a year.
const start = 1925424000

// lastTime is 9000-01-01T00:00:00Z.
const lastTime = 221845392000

const bufSize = 256 << 10

// Write writes about size bytes of log to w: whole lines, stopping before
// the first line that would go beyond size, so the output is at most size
// bytes and falls short of it by less than one line. The same size and
// seed always give the same bytes.
func Write(w io.Writer, size int64, seed int64) error {
	return WriteProfile(w, size, seed, Ordinary)
}

// Profile is the mix of lines a generated log holds.
type Profile int

const (
	// Ordinary is a history of azcmagent runs of 5 to 50 lines, 95 % of
	// them debug, an IMDS probe in half of the runs.
	Ordinary Profile = iota
	// Dense is a denser but realistic log: runs of about 40 lines, each
	// probing IMDS several times (about 4 of the benign 404 lines a run)
	// and ending with its exit status, 87 % of the lines debug.
	Dense
)

// Profiles names the profiles, as the -profile flag of cmd/loggen takes them.
var Profiles = map[string]Profile{"ordinary": Ordinary, "dense": Dense}

// WriteProfile is Write for a profile.
func WriteProfile(w io.Writer, size int64, seed int64, p Profile) error {
	if size <= 0 {
		return nil
	}
	c := getCorpus()
	g := newGen(c, seed, p)
	buf := make([]byte, 0, bufSize)
	var total int64
	t := int64(start) + int64(g.r.intn(365*86400))
	var ts [20]byte
	formatTS(&ts, t)
	for {
		r := g.next()
		t += g.gap()
		if t > lastTime {
			t = start // only after terabytes: keep the year at four digits
		}
		formatTS(&ts, t)
		for i, l := range r.lines {
			if a := r.adv[i]; a != 0 {
				t += int64(a)
				formatTS(&ts, t)
			}
			n := int64(len(timePrefix) + len(ts) + len(l))
			if total+n > size {
				if len(buf) > 0 {
					_, err := w.Write(buf)
					return err
				}
				return nil
			}
			if len(buf)+int(n) > cap(buf) {
				if _, err := w.Write(buf); err != nil {
					return err
				}
				buf = buf[:0]
			}
			buf = append(buf, timePrefix...)
			buf = append(buf, ts[:]...)
			buf = append(buf, l...)
			total += n
		}
		g.account(r)
	}
}

const timePrefix = `time="`

// gen picks the runs of one output.
type gen struct {
	c        *corpus
	r        rng
	m        *machine
	sinceErr int   // lines since the last error line
	nextErr  int   // lines between error lines, drawn from [errLinesMin, errLinesMax)
	bytes    int64 // bytes since the last failing run
	nextFail int64
}

func newGen(c *corpus, seed int64, p Profile) *gen {
	g := &gen{c: c, r: newRNG(uint64(seed))}
	machines := c.machines
	if p == Dense {
		machines = c.dense
	}
	g.m = &machines[g.r.intn(len(machines))]
	g.nextErr = errLinesMin + g.r.intn(errLinesMax-errLinesMin)
	g.nextFail = int64(firstFailMin + g.r.intn(firstFailMax-firstFailMin))
	return g
}

// next returns the next run: a failing one when one is due, an ordinary run
// carrying one error line when an error line is due, else an ordinary run.
func (g *gen) next() *run {
	m := g.m
	switch {
	case g.bytes >= g.nextFail:
		g.bytes = 0
		g.nextFail = int64(failMin + g.r.intn(failMax-failMin))
		return pick(&g.r, m.failing)
	case g.sinceErr >= g.nextErr:
		return pick(&g.r, m.incident)
	}
	x := g.r.intn(m.weightSum)
	for i, w := range m.weights {
		if x < w {
			return pick(&g.r, m.ordinary[i])
		}
		x -= w
	}
	return pick(&g.r, m.ordinary[0])
}

func (g *gen) account(r *run) {
	g.bytes += r.size
	if r.errs > 0 {
		g.sinceErr = len(r.lines) - r.lastErr - 1
		g.nextErr = errLinesMin + g.r.intn(errLinesMax-errLinesMin)
	} else {
		g.sinceErr += len(r.lines)
	}
}

// gap is the time between two runs: a minute or two, as when a monitoring
// script polls azcmagent show, and now and then hours. A GiB spans about
// three years.
func (g *gen) gap() int64 {
	if g.r.intn(256) == 0 {
		return int64(3600 + g.r.intn(12*3600))
	}
	return int64(30 + g.r.intn(90))
}

func pick(r *rng, runs []run) *run {
	return &runs[r.intn(len(runs))]
}

// rng is splitmix64: tiny, fast, and fixed here so that the output for a
// seed never changes with the Go version.
type rng struct{ s uint64 }

func newRNG(seed uint64) rng {
	r := rng{s: seed ^ 0x6a09e667f3bcc909}
	r.next()
	return r
}

func (r *rng) next() uint64 {
	r.s += 0x9e3779b97f4a7c15
	z := r.s
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// intn returns a number in [0, n); n > 0.
func (r *rng) intn(n int) int {
	return int((r.next() >> 1) % uint64(n))
}

// formatTS writes sec (Unix seconds, UTC) as 2006-01-02T15:04:05Z.
func formatTS(b *[20]byte, sec int64) {
	days := sec / 86400
	rem := sec % 86400
	if rem < 0 {
		rem += 86400
		days--
	}
	// Civil date from days since 1970-01-01 (H. Hinnant's algorithm).
	z := days + 719468
	era := z / 146097
	if z < 0 && z%146097 != 0 {
		era--
	}
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y := yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d := doy - (153*mp+2)/5 + 1
	mo := mp + 3
	if mo > 12 {
		mo -= 12
	}
	if mo <= 2 {
		y++
	}
	h, mi, s := rem/3600, rem/60%60, rem%60
	b[0] = byte('0' + y/1000%10)
	b[1] = byte('0' + y/100%10)
	b[2] = byte('0' + y/10%10)
	b[3] = byte('0' + y%10)
	b[4] = '-'
	b[5] = byte('0' + mo/10)
	b[6] = byte('0' + mo%10)
	b[7] = '-'
	b[8] = byte('0' + d/10)
	b[9] = byte('0' + d%10)
	b[10] = 'T'
	b[11] = byte('0' + h/10)
	b[12] = byte('0' + h%10)
	b[13] = ':'
	b[14] = byte('0' + mi/10)
	b[15] = byte('0' + mi%10)
	b[16] = ':'
	b[17] = byte('0' + s/10)
	b[18] = byte('0' + s%10)
	b[19] = 'Z'
}
