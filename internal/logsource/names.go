package logsource

import (
	"errors"
	"path"
	"strconv"
	"strings"
)

// families are the agent logs arcdiag reads, in the order they are listed
// within one directory: the CLI's own log first, because it names the command
// that failed, then the services it talks to.
var families = [...]string{"azcmagent", "himds", "arcproxy", "gc_agent", "gc_ext"}

// The logs found by other names than a family's, listed after the families
// in this order: the installer's log explains an install that came before
// any agent log, the onboarding script's log an onboarding, and the
// extensions' own logs a failed extension. Their copies are not ordered as
// rotations.
const (
	familyInstaller = len(families) + iota
	familyOnboarding
	familyExtension
)

// rotKind orders the copies of one log: older kinds first.
type rotKind uint8

const (
	// rotLabelled is a copy named by a label rather than a small number:
	// azcmagent-2024-01-02T03-04-05.000.log.gz (lumberjack),
	// azcmagent.log-20240102.gz (logrotate dateext), azcmagent.log.gz.
	// Labels are timestamps in practice, so they sort oldest first and
	// before the numbered copies, whose age relative to them is unknown.
	rotLabelled rotKind = iota
	// rotNumbered is azcmagent.log.3, himds.log.1.gz or gc_agent.2.log:
	// the higher the number, the older the copy (logrotate's convention).
	rotNumbered
	// rotLive is the file the agent is writing now, so it comes last.
	rotLive
)

// logName is what a file name tells about a log copy.
type logName struct {
	family int
	kind   rotKind
	num    int    // rotNumbered only
	label  string // rotLabelled only
}

// notLogExt are extensions that mark a file next to the logs as something
// the parser cannot use: event logs, archives it does not decode, config.
var notLogExt = map[string]bool{
	"evtx": true, "etl": true, "zip": true, "7z": true, "rar": true, "tar": true,
	"tgz": true, "bz2": true, "xz": true, "zst": true, "lz4": true, "cab": true,
	"json": true, "xml": true, "yaml": true, "yml": true, "ini": true, "conf": true,
	"config": true, "exe": true, "dll": true, "msi": true, "sys": true, "pdb": true,
	"dmp": true, "bin": true, "db": true, "lock": true, "pid": true, "sock": true,
	"swp": true, "pem": true, "crt": true, "cer": true, "key": true, "pfx": true,
}

// maxRotationDigits separates rotation numbers from numeric labels:
// logrotate keeps a handful of copies, while 20240102 or a Unix time is a
// timestamp and must sort oldest first, not newest first.
const maxRotationDigits = 7

// parseLogName reports whether base (a file name without directory) is one
// of the agent's logs or a rotated copy of one, and which. It is generous
// because the rotated names are not documented (log-formats.md §1): after
// the family name it accepts ".log", ".log.N", ".log-LABEL", "-LABEL.log",
// "_LABEL.log" and ".N.log", each optionally ending in ".gz".
func parseLogName(base string) (logName, bool) {
	lower := strings.ToLower(base)
	for fam, f := range families {
		rest, ok := strings.CutPrefix(lower, f)
		if !ok {
			continue
		}
		rest, gz := strings.CutSuffix(rest, ".gz")
		var label string
		switch {
		case rest == ".log" && !gz:
			return logName{family: fam, kind: rotLive}, true
		case rest == ".log":
			// azcmagent.log.gz: an archived copy without a number.
			return logName{family: fam, kind: rotLabelled}, true
		case len(rest) > len(".log.") && strings.HasPrefix(rest, ".log") && isSep(rest[4]):
			label = rest[5:]
		case len(rest) > len("-.log") && isSep(rest[0]) && strings.HasSuffix(rest, ".log"):
			label = rest[1 : len(rest)-len(".log")]
		default:
			return logName{}, false
		}
		if notLogExt[label[strings.LastIndexByte(label, '.')+1:]] {
			return logName{}, false
		}
		if digitRun(label) == len(label) && len(label) <= maxRotationDigits {
			n, _ := strconv.Atoi(label)
			return logName{family: fam, kind: rotNumbered, num: n}, true
		}
		return logName{family: fam, kind: rotLabelled, label: label}, true
	}
	return logName{}, false
}

func isSep(c byte) bool { return c == '.' || c == '-' || c == '_' }

// parseLogPath is parseLogName for a slash-separated path, which also finds
// the logs known by their folder or by a name other than a family's:
//
//   - Windows Installer logs of the agent's install: installationlog.txt
//     (the install script's and the troubleshooting page's name),
//     Azcmagentinstallationlog.txt and Azcmagentupdatesetup.txt (the Group
//     Policy script's), azcmagentsetup.log or azcmagentupgradesetup.log (the
//     docs' msiexec examples), and msiexec's own MSI*.LOG in %TEMP%;
//   - the Group Policy onboarding script's AzureArcOnboarding.log;
//   - any file under an extension_logs folder (/var/lib/GuestConfig/
//     extension_logs, %ProgramData%\GuestConfig\extension_logs), whose
//     names each extension chooses, but for config, status and archives
//     (notLogExt).
func parseLogPath(p string) (logName, bool) {
	base := path.Base(p)
	if ln, ok := parseLogName(base); ok {
		return ln, true
	}
	lower := strings.ToLower(base)
	ext := ""
	if i := strings.LastIndexByte(lower, '.'); i >= 0 {
		ext = lower[i+1:]
	}
	switch {
	case (ext == "txt" || ext == "log") && (strings.Contains(lower, "installationlog") ||
		strings.HasPrefix(lower, "azcmagent") && strings.Contains(lower, "setup")):
		return logName{family: familyInstaller, kind: rotLive}, true
	case ext == "log" && strings.HasPrefix(lower, "msi") && len(lower) > len("msi.log") && isAlnum(lower[3:len(lower)-len(".log")]):
		return logName{family: familyInstaller, kind: rotLive}, true
	case lower == "azurearconboarding.log":
		return logName{family: familyOnboarding, kind: rotLive}, true
	case underExtensionLogs(p) && !notLogExt[ext]:
		return logName{family: familyExtension, kind: rotLive}, true
	}
	return logName{}, false
}

// underExtensionLogs reports whether a folder of p (not its file name) is
// extension_logs.
func underExtensionLogs(p string) bool {
	dir := strings.ToLower(path.Dir(p))
	return dir == "extension_logs" || strings.HasSuffix(dir, "/extension_logs") ||
		strings.HasPrefix(dir, "extension_logs/") || strings.Contains(dir, "/extension_logs/")
}

func isAlnum(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; !isDigit(c) && (c < 'a' || c > 'z') {
			return false
		}
	}
	return true
}

// compareLogNames orders log copies: by family, then oldest first.
func compareLogNames(a, b logName) int {
	if a.family != b.family {
		return a.family - b.family
	}
	if a.kind != b.kind {
		return int(a.kind) - int(b.kind)
	}
	switch a.kind {
	case rotNumbered:
		return b.num - a.num
	case rotLabelled:
		return naturalCompare(a.label, b.label)
	}
	return 0
}

// naturalCompare compares strings with runs of digits compared as numbers,
// so that a label "9" sorts before "10" and "2024-1-9" before "2024-1-10".
func naturalCompare(a, b string) int {
	for a != "" && b != "" {
		if isDigit(a[0]) && isDigit(b[0]) {
			da, db := digitRun(a), digitRun(b)
			na, nb := strings.TrimLeft(a[:da], "0"), strings.TrimLeft(b[:db], "0")
			if len(na) != len(nb) {
				return len(na) - len(nb)
			}
			if c := strings.Compare(na, nb); c != 0 {
				return c
			}
			a, b = a[da:], b[db:]
			continue
		}
		if a[0] != b[0] {
			return int(a[0]) - int(b[0])
		}
		a, b = a[1:], b[1:]
	}
	return len(a) - len(b)
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func digitRun(s string) int {
	i := 0
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	return i
}

// compareDirs orders slash-separated directory paths element by element, so
// a directory comes right before its subdirectories and the order does not
// depend on how '/' sorts against other bytes.
func compareDirs(a, b string) int {
	for {
		ea, ra, moreA := strings.Cut(a, "/")
		eb, rb, moreB := strings.Cut(b, "/")
		if c := strings.Compare(ea, eb); c != 0 {
			return c
		}
		switch {
		case !moreA && !moreB:
			return 0
		case !moreA:
			return -1
		case !moreB:
			return 1
		}
		a, b = ra, rb
	}
}

// Where the agent keeps its logs, lower case, slash-separated, without the
// root: `azcmagent logs` stores entries under these folders, and an
// extracted bundle or a copied log directory keeps them in its paths.
var (
	linuxRoots   = []string{"var/opt/azcmagent/", "var/lib/guestconfig/"}
	windowsRoots = []string{"programdata/azureconnectedmachineagent/", "programdata/guestconfig/"}
)

// InferOS tells from a file path or zip entry name which OS the log was
// written on, for the parser's benefit (time zones, code pages). It returns
// "" when the path does not say.
func InferOS(p string) string {
	s := strings.ToLower(strings.ReplaceAll(p, `\`, "/"))
	for _, r := range linuxRoots {
		if strings.Contains(s, r) {
			return "linux"
		}
	}
	for _, r := range windowsRoots {
		if strings.Contains(s, r) {
			return "windows"
		}
	}
	return ""
}

// inferEntryOS is InferOS for a zip entry: zip names use '/', so a
// backslash means a Windows tool (or the Windows agent) wrote the entry.
func inferEntryOS(name string) string {
	if os := InferOS(name); os != "" {
		return os
	}
	if strings.Contains(name, `\`) {
		return "windows"
	}
	return ""
}

// errUnsafePath marks a zip entry whose name would escape the directory it
// was extracted to. arcdiag never extracts, but such an entry is not
// something `azcmagent logs` writes, so the zip was made or altered by
// someone else and the entry is not trusted.
var errUnsafePath = errors.New("unsafe entry path")

// UnsafeReason says why an entry path is unsafe.
type UnsafeReason int

// The reasons entryPath refuses a name.
const (
	UnsafeControlChar UnsafeReason = iota
	UnsafeDriveLetter
	UnsafeUNC
	UnsafeAbsolute
	UnsafeDotDot
)

// UnsafePathError is the cause of a refused zip entry name; it is
// errUnsafePath, and its Reason lets the CLI word it in the user's language.
type UnsafePathError struct{ Reason UnsafeReason }

var unsafeReasons = [...]string{
	UnsafeControlChar: "control character in the name",
	UnsafeDriveLetter: "absolute path with a drive letter",
	UnsafeUNC:         "absolute network (UNC) path",
	UnsafeAbsolute:    "absolute path outside the agent's folders",
	UnsafeDotDot:      `".." element in the path`,
}

func (e UnsafePathError) Error() string {
	return errUnsafePath.Error() + ": " + unsafeReasons[e.Reason]
}

// Is makes errors.Is(err, errUnsafePath) hold.
func (e UnsafePathError) Is(target error) bool { return target == errUnsafePath }

// entryPath checks a zip entry name and returns it cleaned and
// slash-separated. It refuses ".." elements, drive letters, UNC paths and
// control characters (which could forge terminal output when the name is
// displayed). A leading '/' is accepted only in front of the agent's own
// folders (var/opt/azcmagent/..., var/lib/GuestConfig/..., ProgramData\...):
// the reference says bundles may be written that way (log-formats.md §7),
// while any other rooted name is an absolute path and refused.
func entryPath(name string) (string, error) {
	for _, r := range name {
		if r < 0x20 || r == 0x7f {
			return "", UnsafePathError{UnsafeControlChar}
		}
	}
	s := strings.ReplaceAll(name, `\`, "/")
	if len(s) >= 2 && s[1] == ':' && ('a' <= s[0]|0x20 && s[0]|0x20 <= 'z') {
		return "", UnsafePathError{UnsafeDriveLetter}
	}
	if strings.HasPrefix(s, "//") {
		return "", UnsafePathError{UnsafeUNC}
	}
	if rel, rooted := strings.CutPrefix(s, "/"); rooted {
		if !underAgentRoot(rel) {
			return "", UnsafePathError{UnsafeAbsolute}
		}
		s = rel
	}
	for elem := range strings.SplitSeq(s, "/") {
		if elem == ".." {
			return "", UnsafePathError{UnsafeDotDot}
		}
	}
	return path.Clean(s), nil
}

func underAgentRoot(rel string) bool {
	lower := strings.ToLower(rel)
	for _, roots := range [][]string{linuxRoots, windowsRoots} {
		for _, r := range roots {
			if strings.HasPrefix(lower, r) {
				return true
			}
		}
	}
	return false
}

// Family names the agent log a file or zip entry is a copy of, whatever its
// folder and rotation: "azcmagent" for azcmagent.log, azcmagent.log.1 and
// var/opt/azcmagent/log/azcmagent.log.2.gz alike. It is "" for any other
// name (installer, onboarding and extension logs).
func Family(name string) string {
	cut := strings.LastIndexAny(name, `/\:`)
	ln, ok := parseLogName(name[cut+1:])
	if !ok || ln.family >= len(families) {
		return ""
	}
	return families[ln.family]
}

// IsLogPath reports whether a slash-separated path names a log that a
// directory walk would read (an agent log, a rotated copy, an installer,
// onboarding or extension log); zips are not logs.
func IsLogPath(p string) bool {
	_, ok := parseLogPath(p)
	return ok
}

// Series names the log a file is a copy of: its folder and family, so that
// azcmagent.log.1 and azcmagent.log in one folder (or one zip) have the same
// series and a run cut by rotation can be read as one. It is "" for a name
// that is not an agent log.
func Series(name string) string {
	cut := strings.LastIndexAny(name, `/\`)
	dir, base := "", name
	if cut >= 0 {
		dir, base = name[:cut], name[cut+1:]
	}
	ln, ok := parseLogName(base)
	if !ok || ln.family >= len(families) {
		return ""
	}
	return dir + "\x00" + families[ln.family]
}
