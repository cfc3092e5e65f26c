package cli

import (
	"errors"
	"io/fs"
	"syscall"

	"github.com/arcdiag/arcdiag/internal/logsource"
	"github.com/arcdiag/arcdiag/internal/report/msg"
)

// The words for what logsource could not read: logsource names the cause
// and the hint, the CLI words them in the user's language.

// problemHints words each logsource.Hint; HintRunElevated is tail's words
// too, since the advice is the same.
var problemHints = map[logsource.Hint]msg.ID{
	logsource.HintNotInstalled:     msg.HintNotInstalled,
	logsource.HintRunAsRoot:        msg.HintAsRoot,
	logsource.HintRunElevated:      msg.TailAsAdmin,
	logsource.HintExpectedLogs:     msg.HintExpectedLogs,
	logsource.HintDamagedZip:       msg.HintDamagedZip,
	logsource.HintUnsafeName:       msg.HintUnsafeName,
	logsource.HintExtractNested:    msg.HintExtractNested,
	logsource.HintExtractEncrypted: msg.HintExtractEncrypted,
	logsource.HintExtractMethod:    msg.HintExtractMethod,
	logsource.HintTooManyEntries:   msg.HintTooManyEntries,
}

var unsafeReasons = map[logsource.UnsafeReason]msg.ID{
	logsource.UnsafeControlChar: msg.UnsafeControlChar,
	logsource.UnsafeDriveLetter: msg.UnsafeDriveLetter,
	logsource.UnsafeUNC:         msg.UnsafeUNC,
	logsource.UnsafeAbsolute:    msg.UnsafeAbsolute,
	logsource.UnsafeDotDot:      msg.UnsafeDotDot,
}

// problemCauses words the causes logsource and the system report with a
// fixed sentence; other causes (the system's other errors) are printed as
// they are.
var problemCauses = []struct {
	err error
	id  msg.ID
}{
	{logsource.ErrNoLogFiles, msg.ProblemNoLogFiles},
	{logsource.ErrNotRegular, msg.ProblemNotRegular},
	{logsource.ErrNestedZip, msg.ProblemNestedZip},
	{logsource.ErrEncrypted, msg.ProblemEncrypted},
	{logsource.ErrStdinTwice, msg.ProblemStdinTwice},
	{fs.ErrNotExist, msg.ProblemNotFound},
	{fs.ErrPermission, msg.ProblemDenied},
}

// problemText is "cause (hint)" for a problem, in the user's language.
func (g Globals) problemText(p *logsource.Problem) string {
	text := g.problemCause(p.Err)
	if id, ok := problemHints[p.Hint]; ok {
		text += " (" + g.msg(id) + ")"
	}
	return text
}

func (g Globals) problemCause(err error) string {
	if err == nil {
		return ""
	}
	var me logsource.MethodError
	if errors.As(err, &me) {
		return g.msg(msg.ProblemMethod, me.Method)
	}
	var ue logsource.UnsafePathError
	if errors.As(err, &ue) {
		return g.msg(msg.ProblemUnsafe, g.msg(unsafeReasons[ue.Reason]))
	}
	var nz *logsource.NotZipError
	if errors.As(err, &nz) {
		// archive/zip's own words are the detail, printed as they are.
		return g.msg(msg.ProblemNotZip, nz.Err)
	}
	var te *logsource.TooManyEntriesError
	if errors.As(err, &te) {
		return g.msg(msg.ProblemTooManyEntries, te.Entries, te.Max)
	}
	var de *logsource.DamagedZipError
	if errors.As(err, &de) {
		// The zip's own error and where the walk stopped are details in
		// the words of archive/zip and of the walk: printed as they are.
		text := g.msg(msg.ProblemDamagedZip, de.Err, de.Entries)
		if de.Stop != nil {
			text += g.msg(msg.ProblemDamagedStop, de.Stop)
		}
		return text
	}
	for _, c := range problemCauses {
		// Only a cause that is the whole error: a wrapped one carries
		// details the sentence would drop.
		if errors.Is(err, c.err) && isBare(err, c.err) {
			return g.msg(c.id)
		}
	}
	return err.Error()
}

// isBare reports whether err says nothing more than target: target itself,
// or the system's error number for it (syscall.ENOENT is fs.ErrNotExist).
func isBare(err, target error) bool {
	_, errno := err.(syscall.Errno)
	return err == target || errno
}
