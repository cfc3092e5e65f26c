package cli

import (
	"bufio"
	"bytes"
	"cmp"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/arcdiag/arcdiag/internal/cores"
	"github.com/arcdiag/arcdiag/internal/diagnose"
	"github.com/arcdiag/arcdiag/internal/logsource"
	"github.com/arcdiag/arcdiag/internal/machine"
	"github.com/arcdiag/arcdiag/internal/report"
	"github.com/arcdiag/arcdiag/internal/report/msg"
	"github.com/arcdiag/arcdiag/kb"
	"github.com/arcdiag/arcdiag/parser"
)

// machineUnit is what analyze --by machine reads as one machine: a zip, a
// folder under one given, or the logs lying in a folder given.
type machineUnit struct {
	// source is the zip or folder, as found; label names the machine when
	// its logs do not (the computer name in the zip's name, the folder's).
	source, label string
	args          []string
	opts          logsource.Options
}

// machineUnits lists the machines the arguments hold: each zip anywhere
// under them, each folder right under a folder given (one folder per
// machine, its logs anywhere below), and a folder given that holds logs
// itself. A file given is a machine of its own.
func machineUnits(args []string) ([]machineUnit, []report.Problem) {
	var units []machineUnit
	var problems []report.Problem
	seen := map[string]bool{}
	add := func(u machineUnit) {
		if !seen[u.source] {
			seen[u.source] = true
			units = append(units, u)
		}
	}
	for _, a := range args {
		st, err := os.Stat(a)
		if a == "-" || err != nil || !st.IsDir() {
			// Resolve reports what is wrong with it.
			add(machineUnit{source: a, label: machine.Label(a), args: []string{a}})
			continue
		}
		var found []machineUnit
		walkErr := filepath.WalkDir(a, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				problems = append(problems, report.Problem{File: p, Problem: withoutName(err, p)})
				return nil
			}
			if d.IsDir() {
				return nil
			}
			rel, _ := filepath.Rel(a, p)
			rel = filepath.ToSlash(rel)
			switch {
			case strings.EqualFold(filepath.Ext(p), ".zip"):
				found = append(found, machineUnit{source: p, label: machine.Label(p), args: []string{p}})
			case logsource.IsLogPath(rel):
				if top, _, nested := strings.Cut(rel, "/"); nested {
					dir := filepath.Join(a, top)
					found = append(found, machineUnit{source: dir, label: top, args: []string{dir},
						opts: logsource.Options{SkipZips: true}})
				} else {
					found = append(found, machineUnit{source: a, label: filepath.Base(filepath.Clean(a)), args: []string{a},
						opts: logsource.Options{SkipZips: true, Shallow: true}})
				}
			}
			return nil
		})
		if walkErr != nil {
			problems = append(problems, report.Problem{File: a, Problem: walkErr.Error()})
		}
		slices.SortStableFunc(found, func(x, y machineUnit) int { return strings.Compare(x.source, y.source) })
		for _, u := range found {
			add(u)
		}
		if len(found) == 0 {
			add(machineUnit{source: a, label: filepath.Base(filepath.Clean(a)), args: []string{a}})
		}
	}
	return units, problems
}

// identifyMachine names the machine the inputs come from: the last resource name
// the agent's own logs state (machine.Scan), else fallback. The OS is
// the first the inputs' paths tell, else the agent's logs' lines.
func identifyMachine(inputs []logsource.Input, fallback string) machine.Identity {
	var id machine.Identity
	for _, in := range inputs {
		id.OS = cmp.Or(id.OS, in.OS)
		if !machine.Scanned(in.Name) {
			continue
		}
		rc, err := in.Open()
		if err != nil {
			continue // the analysis reports it
		}
		got, _ := machine.Scan(rc) // a read error is the analysis's to report
		rc.Close()
		id.Name = cmp.Or(got.Name, id.Name)
		id.OS = cmp.Or(id.OS, got.OS)
	}
	id.Name = cmp.Or(id.Name, fallback)
	return id
}

// localIdentity is this machine's: its host name, the resource name the
// agent uses unless `azcmagent connect --resource-name` chose another
// (https://learn.microsoft.com/azure/azure-arc/servers/manage-howto-migrate),
// and the OS arcdiag runs on.
func localIdentity() machine.Identity {
	host, _ := os.Hostname()
	return machine.Identity{Name: host, OS: runtime.GOOS}
}

// inputGroups splits inputs by where they come from: each zip, and each
// folder of the files outside zips (a folder of one machine's logs; a
// share of several machines' folders).
func inputGroups(inputs []logsource.Input) (keys []string, groups map[string][]logsource.Input) {
	groups = map[string][]logsource.Input{}
	for _, in := range inputs {
		k := "zip:" + in.Zip
		if in.Zip == "" {
			k = "dir:" + filepath.Dir(in.Name)
		}
		if _, ok := groups[k]; !ok {
			keys = append(keys, k)
		}
		groups[k] = append(groups[k], in)
	}
	return keys, groups
}

// identities names the machine of each input (by input name) for plain
// analyze: a zip's from its logs or its name; a folder's from its logs,
// else the one name the other folders' logs agree on (the agent's logs and
// the GuestConfig logs of one machine lie in different folders), else,
// when analyze read this machine's own logs (no argument), this computer's
// host name, the resource name the agent uses by default.
func identities(inputs []logsource.Input, local bool) map[string]machine.Identity {
	keys, groups := inputGroups(inputs)
	found := make(map[string]machine.Identity, len(keys))
	// Each group's logs are read on every core: machine.Scan reads each
	// agent log up to 64 MiB, and a share of many machines' logs waited
	// for it on one core before the analysis began.
	scanned := make([]machine.Identity, len(keys))
	cores.Each(len(keys), func(i int) {
		fallback := ""
		if zip, ok := strings.CutPrefix(keys[i], "zip:"); ok {
			fallback = machine.NameFromZip(zip)
		}
		scanned[i] = identifyMachine(groups[keys[i]], fallback)
	})
	names := map[string]bool{}
	for i, k := range keys {
		id := scanned[i]
		found[k] = id
		if strings.HasPrefix(k, "dir:") && id.Name != "" {
			names[id.Name] = true
		}
	}
	common := ""
	if len(names) == 1 {
		for n := range names {
			common = n
		}
	} else if len(names) == 0 && local {
		common = localIdentity().Name
	}
	ids := make(map[string]machine.Identity, len(inputs))
	for _, k := range keys {
		id := found[k]
		if strings.HasPrefix(k, "dir:") {
			id.Name = cmp.Or(id.Name, common)
		}
		if local {
			id.OS = cmp.Or(id.OS, localIdentity().OS)
		}
		for _, in := range groups[k] {
			ids[in.Name] = id
		}
	}
	return ids
}

// pathIdentities names the machine of each of the files at paths (by
// path) as identities does; a file that cannot be read yet (tail waits for
// it) is named by the others, or this machine when local.
func pathIdentities(paths []string, local bool) map[string]machine.Identity {
	var inputs []logsource.Input
	for _, p := range paths {
		ins, _ := logsource.Resolve([]string{p}, logsource.Options{})
		inputs = append(inputs, ins...)
	}
	ids := identities(inputs, local)
	var missing machine.Identity
	if local {
		missing = localIdentity()
	}
	names := map[string]machine.Identity{}
	for _, id := range ids {
		if id.Name != "" {
			names[id.Name] = id
		}
	}
	if len(names) == 1 && !local {
		for _, id := range names {
			missing = id // the name the files that exist agree on
		}
	}
	for _, p := range paths {
		if _, ok := ids[p]; !ok {
			ids[p] = missing
		}
	}
	return ids
}

// machineResult is one machine analyzed: its row, the records written for
// it (--json), and what could not be read.
type machineResult struct {
	row      *machine.Row
	out      []byte
	problems []report.Problem
	failed   bool // an input could not be read
}

// analyzeMachines analyzes each unit on its own worker, at most one per
// core, and hands the results to emit in the units' order. At most
// 2×workers results wait to be emitted, so memory does not grow with the
// number of zips: a machine keeps only its row once emitted.
func analyzeMachines(units []machineUnit, workers int, analyze func(machineUnit) machineResult, emit func(machineResult)) {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	window := make(chan struct{}, 2*workers) // results started and not yet emitted
	jobs := make(chan int)
	type done struct {
		i int
		r machineResult
	}
	results := make(chan done)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				results <- done{i, analyze(units[i])}
			}
		}()
	}
	go func() {
		for i := range units {
			window <- struct{}{}
			jobs <- i
		}
		close(jobs)
		wg.Wait()
		close(results)
	}()
	pending := map[int]machineResult{}
	next := 0
	for d := range results {
		pending[d.i] = d.r
		for {
			r, ok := pending[next]
			if !ok {
				break
			}
			delete(pending, next)
			emit(r)
			<-window
			next++
		}
	}
}

// rowSink keeps a machine's row from its runs, and passes every finding
// and run on to rep (nil in text mode, where only the rows are shown).
type rowSink struct {
	row *machine.Row
	rep *report.JSON
	ids *machine.Labeller
	// notLogs names the inputs found not to be agent logs: their runs
	// without findings say nothing of the machine (as in plain analyze).
	notLogs map[string]bool
}

func (s *rowSink) Finding(f *diagnose.Finding) {
	if s.rep != nil {
		s.rep.Finding(f)
	}
}

func (s *rowSink) RunEnd(run *diagnose.Run) {
	if !s.notLogs[run.File] || run.Failed || run.Timeline {
		s.row.AddRun(run, s.ids.Run(run).ID)
	}
	if s.rep != nil {
		s.rep.RunEnd(run)
	}
}

func (s *rowSink) Record(rec *parser.Record, benign *kb.Entry) {
	if s.rep != nil {
		s.rep.Record(rec, benign)
	}
}

// runByMachine is analyze --by machine: one row per machine, worst first,
// then how many machines share each verdict; with --json, every machine's
// runs and findings, then a machine object per machine and a fleet object.
func (c *AnalyzeCmd) runByMachine(e *env, k *kb.KB, format string, window timeWindow, opts report.Options) error {
	units, problems := machineUnits(c.Paths)
	if len(c.Paths) == 0 {
		// This machine's own logs, named as plain analyze names them.
		host := localIdentity().Name
		units = []machineUnit{{source: cmp.Or(host, "localhost"), label: host}}
	}
	for _, p := range problems {
		fmt.Fprintf(e.stderr, "arcdiag: %s: %s\n", p.File, p.Problem)
	}
	inputFailed := len(problems) > 0
	rep, err := report.New(format, e.stdout, k, opts)
	if err != nil {
		return usageError{err}
	}
	// The machines' own records (--json) come first, as each is analyzed;
	// rep writes the rows after them.
	records := bufio.NewWriterSize(e.stdout, 64<<10)
	var fleet machine.Fleet
	analyzeMachines(units, 0, func(u machineUnit) machineResult {
		return analyzeUnit(e, k, u, format, window, opts)
	}, func(r machineResult) {
		for _, p := range r.problems {
			fmt.Fprintf(e.stderr, "arcdiag: %s: %s\n", p.File, p.Problem)
		}
		problems = append(problems, r.problems...)
		inputFailed = inputFailed || r.failed
		records.Write(r.out)
		fleet.Add(r.row) // zips of one machine (taken on different days) make one row
	})
	if err := records.Flush(); err != nil {
		return err
	}
	if err := e.ctx.Err(); err != nil {
		return err
	}
	order := fleet.Rows
	machine.Rank(order)
	counts := machine.CountByVerdict(order)
	rep.Machines(order, counts, problems)
	if err := rep.Flush(); err != nil {
		return err
	}
	failing := slices.ContainsFunc(order, (*machine.Row).Failing)
	switch {
	case inputFailed:
		return exitCode(ExitUsage)
	case failing:
		return exitCode(ExitFailures)
	}
	return nil
}

// analyzeUnit analyzes one machine's logs on the calling goroutine (one
// worker of analyzeMachines: the machines, not the lines, are spread over
// the cores).
func analyzeUnit(e *env, k *kb.KB, u machineUnit, format string, window timeWindow, opts report.Options) machineResult {
	o := u.opts
	o.Stdin = e.stdin
	inputs, probs := logsource.Resolve(u.args, o)
	var res machineResult
	for _, p := range probs {
		text := e.problemText(p)
		res.problems = append(res.problems, report.Problem{File: p.Path, Problem: text})
		res.failed = true
	}
	id := identifyMachine(inputs, u.label)
	row := &machine.Row{Identity: id, Sources: []string{u.source}}
	lab := &machine.Labeller{Default: id}
	sink := &rowSink{row: row, ids: lab, notLogs: map[string]bool{}}
	var buf bytes.Buffer
	if format == "json" {
		opts.Labeller = lab
		sink.rep = report.NewJSON(&buf, k, opts)
	}
	an := diagnose.New(k, sink, diagnose.Options{})
	series := ""
	var inflated int64
	quiet := &progress{}
	for _, in := range inputs {
		s := logsource.Series(in.Name)
		continued := s != "" && s == series
		series = s
		got, err := analyzeInput(e, an, in, continued, window, quiet, &inflated, 1)
		if err != nil {
			if e.ctx.Err() != nil {
				break
			}
			res.problems = append(res.problems, report.Problem{File: in.Name, Problem: withoutName(err, in.Name)})
			res.failed = true
		}
		row.Read = row.Read || got.known()
		if got.opened && !got.known() {
			// Its last run ends with the next input: mark it first.
			sink.notLogs[in.Name] = true
			if sink.rep != nil {
				sink.rep.NotAgentLog(in.Name)
			}
			res.problems = append(res.problems, report.Problem{File: in.Name, Problem: e.msg(msg.AnalyzeNotLog)})
		}
	}
	an.EndFile()
	if !row.Read && len(inputs) > 0 {
		res.failed = true // nothing of the machine could be read: as plain analyze, exit 2
	}
	if sink.rep != nil {
		sink.rep.Flush() // to a buffer: it cannot fail
		res.out = buf.Bytes()
	}
	res.row = row
	return res
}
