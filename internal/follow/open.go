package follow

import "os"

// Open opens a followed log for reading as Follow does: on Windows, others
// may still rename and delete it meanwhile, so that a brief look at the log
// (its first bytes, the rest of a rotated copy) never blocks the agent's
// own rotation.
func Open(path string) (*os.File, error) { return openFile(path) }
