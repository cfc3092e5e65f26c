package parser

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// FuzzLogrusFastPath classifies the lines of arbitrary input twice, in
// order, with the classifier's same-minute shortcut for the agent's UTC
// times and with every time parsed in full, and wants records equal field
// by field (format, level, time, elapsed and the message position).
func FuzzLogrusFastPath(f *testing.F) {
	err := filepath.WalkDir("../testdata/logs", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err == nil && len(data) <= 64<<10 {
			f.Add(data)
		}
		return err
	})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(benchLog()[:4096])
	f.Add([]byte("time=\"2031-02-03T04:05:06Z\" level=info msg=a\n" +
		"time=\"2031-02-03T04:05:59Z\" level=debug msg=b\n" +
		"time=\"2031-02-03T04:05:60Z\" level=debug msg=c\n" +
		"time=\"2031-02-03T04:05:7xZ\" level=debug msg=d\n" +
		"time=\"2031-02-03T04:05:07+01:00\" level=warning msg=e\n" +
		"time=\"2031-02-03T04:05:08Z\" level=error\n" +
		"time=\"2031-02-03T04:05:08z\" level=error\n" +
		"time=\"2031-02-30T04:05:08Z\" level=fatal\n" +
		"time=\"2031-02-30T04:05:09Z\" level=fatal\n" +
		"time=\"2031-02-03T04:05:08.5Z\" level=x\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		var fast, general classifier
		general.general = true
		for i, line := range bytes.Split(data, []byte("\n")) {
			var got, want Record
			got.Raw, want.Raw = line, line
			fast.classify(&got)
			general.classify(&want)
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("line %d %q:\nfast    %+v\ngeneral %+v", i+1, line, got, want)
			}
		}
	})
}
