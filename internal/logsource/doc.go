// Package logsource turns the arguments of `arcdiag analyze` (and `tail`)
// into a list of named, openable log inputs. It finds and opens logs; it
// does not parse them. Each input hands out raw bytes: a rotated .gz copy
// or a UTF-16 file is decoded by package parser, not here.
//
// What an argument yields:
//
//   - No argument: the agent's own azcmagent.log and himds.log
//     (DefaultPaths). When none of them can be read, no input is returned
//     and a missing one carries HintNotInstalled; an unreadable one
//     HintRunAsRoot (HintRunElevated on Windows). Hints are kinds the CLI
//     words in the user's language.
//   - "-": standard input, once, named "<stdin>". It is not sniffed before
//     reading (a pipe might not have written yet); a zip piped in makes the
//     reader fail, because a zip is read in place from a file.
//   - A file of any name: that file, unless it is a zip.
//   - A directory: its whole tree (links to directories are not followed)
//     for the agent's logs, azcmagent.log, himds.log, arcproxy.log,
//     gc_agent.log and gc_ext.log, their rotated copies (azcmagent.log.1,
//     azcmagent.log.2.gz, azcmagent-<label>.log.gz, himds.log-20240102 ...),
//     the Windows Installer logs of the agent's install (installationlog.txt,
//     Azcmagentinstallationlog.txt, azcmagent*setup.log or .txt, MSI*.LOG),
//     the Group Policy onboarding script's AzureArcOnboarding.log, every
//     file under an extension_logs folder, and any .zip. Event logs, config
//     and archives the parser cannot decode (.evtx, .json, .xz ...) are
//     skipped.
//   - A zip, recognised by its first bytes (or its .zip name): read in
//     place, never extracted. Its entries are selected like the files of a
//     directory, whether stored as `azcmagent logs` writes them
//     (ProgramData\AzureConnectedMachineAgent\Log\azcmagent.log,
//     var/opt/azcmagent/log/azcmagent.log or /var/opt/...) or otherwise.
//
// Order: inputs follow the arguments. Within a directory or a zip, the
// directories come in path order, element by element, each before its
// subdirectories; within one directory the logs come by family (azcmagent,
// himds, arcproxy, gc_agent, gc_ext, then installer, onboarding and
// extension logs by name), each family oldest first, and then
// the zips by name, each expanded in the same way. Oldest first means:
// labelled copies (timestamps, in natural order), then numbered copies
// from the highest number down, then the live file, so that reading the
// inputs in order reads each log in time order. A number of eight digits or
// more is a date or a Unix time, not a rotation number.
//
// Zips are handled defensively because they come from customers:
//
//   - An entry named with "..", a drive letter, a UNC path or a control
//     character, or rooted ("/...") anywhere but under the agent's own
//     folders, is refused with a Problem.
//   - Every entry's reader stops with an error wrapping ErrTooLarge past
//     Options.MaxEntrySize decompressed bytes, and the entries of one zip
//     together past Options.MaxTotalSize, after delivering the bytes
//     before the limit. A zip bomb costs neither memory nor disk.
//   - A zip without a readable central directory (typically cut short) is
//     reported, and its entries are found by walking the local file headers
//     from the start; each is delivered up to where it breaks, and the
//     reader of the entry that breaks returns the error there.
//   - Sizes and checksums are verified when an entry is read to its end.
//   - A zip inside a zip is not read: it is skipped with a Problem.
//     Encrypted entries and compression other than stored and deflate are
//     skipped with a Problem too.
//
// A file reached twice (a directory and a file in it, both given) is read
// once.
package logsource
