// Package parser reads the Azure Connected Machine agent's logs as a stream
// of records: azcmagent.log and himds.log in logrus text form, consoles in
// the terminal form, `Exit Code:` lines, GuestConfig <GCLOG> lines, and the
// logs written beside the agent's own: logrus JSON lines, Windows Installer
// verbose logs, the Group Policy onboarding script's log, the install
// scripts' console output and timestamped extension logs (see Format).
// Anything else is a plain record. The format is found line by line from
// the first bytes, so the agent's own forms pay nothing for the others. It never loads a whole file: a log of
// gigabytes is read in one pass with memory bounded by the longest line.
//
// Reading is lenient because the input is whatever a customer sent: UTF-8
// with or without a BOM, UTF-16 from Windows tools (a BOM or not), CRLF line ends, invalid
// UTF-8, binary junk, gzip-compressed rotated files and lines of any length
// are all read without error; a line longer than MaxLineLen is truncated and
// flagged, never dropped. Every byte of the decoded stream (decompressed,
// transcoded to UTF-8, without its BOM) belongs to exactly one record, and
// offsets count in that stream.
//
// Most records of a big log are debug lines nobody needs in full, so a
// record's format, level and time are found while scanning, and its message
// and fields are decoded only when asked for:
//
//	s := parser.NewScanner(f, "azcmagent.log", parser.Options{})
//	for s.Scan() {
//		r := s.Record()
//		if r.Level >= parser.LevelError {
//			detail, _ := r.Field("Error")
//			fmt.Println(r.Line, r.Message(), detail)
//		}
//	}
//	if err := s.Err(); err != nil { ... }
//
// A pasted line needs no scanner: ParseLine.
package parser
