package tools

import (
	"archive/tar"
	"archive/zip"
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	rpmutils "github.com/sassoftware/go-rpmutils"
)

// version is what the test asks make dist to stamp: a pre-release, so the
// packages' own spelling of it (~rc.1) is checked too.
const (
	version    = "v9.8.7-rc.1"
	pkgVersion = "9.8.7~rc.1" // deb and rpm: sorts before 9.8.7
	archiveVer = "9.8.7-rc.1" // archive names
)

// TestDistInstalls builds the release files with the Makefile's own dist
// recipe (for this machine's linux arch and windows/amd64), installs the
// deb into a scratch root with dpkg -x and runs what it installed, reads
// the rpm, the archives and the checksums.
func TestDistInstalls(t *testing.T) {
	if testing.Short() {
		t.Skip("make dist cross-builds arcdiag: not with -short")
	}
	arch := runtime.GOARCH
	if runtime.GOOS != "linux" || (arch != "amd64" && arch != "arm64") {
		t.Skipf("packages are built on linux for amd64 and arm64, not %s/%s", runtime.GOOS, arch)
	}
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	dist, stage := t.TempDir(), filepath.Join(t.TempDir(), "stage")
	make := exec.Command("make", "dist", "DIST="+dist, "STAGE="+stage,
		"DIST_TARGETS=linux/"+arch+" windows/amd64", "VERSION="+version)
	make.Dir = root
	// Under make test, the outer make's flags and variables stay out.
	make.Env = append(os.Environ(), "MAKEFLAGS=", "MAKELEVEL=")
	if out, err := make.CombinedOutput(); err != nil {
		t.Fatalf("make dist: %v\n%s", err, out)
	}

	rpmArch := map[string]string{"amd64": "x86_64", "arm64": "aarch64"}[arch]
	linux := "arcdiag_" + archiveVer + "_linux_" + arch
	windows := "arcdiag_" + archiveVer + "_windows_amd64"
	deb := "arcdiag_" + pkgVersion + "_" + arch + ".deb"
	rpm := "arcdiag-" + pkgVersion + "-1." + rpmArch + ".rpm"
	checkChecksums(t, dist, []string{linux + ".tar.gz", windows + ".zip", deb, rpm})

	unit := read(t, filepath.Join(root, "deploy", "systemd", "arcdiag.service"))
	bin := checkDeb(t, filepath.Join(dist, deb), arch, unit)
	checkRPM(t, filepath.Join(dist, rpm), rpmArch)
	checkTarball(t, filepath.Join(dist, linux+".tar.gz"), linux, bin, unit)
	checkZip(t, filepath.Join(dist, windows+".zip"), windows)
}

// packaged are the files both packages install; zsh's directory differs
// between Debian and Fedora/RHEL.
func packaged(zshDir string) []string {
	return []string{
		"/usr/bin/arcdiag",
		"/usr/lib/systemd/system/arcdiag.service",
		"/usr/share/bash-completion/completions/arcdiag",
		"/usr/share/fish/vendor_completions.d/arcdiag.fish",
		"/usr/share/man/man1/arcdiag.1.gz",
		zshDir + "/_arcdiag",
	}
}

// checkDeb installs the deb into a scratch root and runs the installed
// binary; it returns the binary's bytes.
func checkDeb(t *testing.T, deb, arch string, unit []byte) []byte {
	t.Helper()
	if _, err := exec.LookPath("dpkg"); err != nil {
		t.Skip("dpkg is not installed: the deb cannot be installed here")
	}
	fields := run(t, "dpkg-deb", "--field", deb, "Package", "Version", "Architecture")
	for _, want := range []string{"Package: arcdiag", "Version: " + pkgVersion, "Architecture: " + arch} {
		if !strings.Contains(fields, want+"\n") {
			t.Errorf("deb control has no %q:\n%s", want, fields)
		}
	}
	scratch := t.TempDir()
	run(t, "dpkg", "-x", deb, scratch)
	if got, want := regularFiles(t, scratch), packaged("/usr/share/zsh/vendor-completions"); !slices.Equal(got, want) {
		t.Errorf("deb installs %q, want %q", got, want)
	}
	installed := filepath.Join(scratch, "usr", "bin", "arcdiag")
	if out := run(t, installed, "--version"); !strings.Contains(out, version) {
		t.Errorf("installed arcdiag --version says %q, want %s", out, version)
	}
	if out := run(t, installed, "--no-pager", "explain", "AZCM0041"); !strings.Contains(out, "AZCM0041") {
		t.Errorf("installed arcdiag explain AZCM0041 does not name the code:\n%s", out)
	}
	// The completions are the installed binary's own, the unit the repo's.
	for shell, file := range map[string]string{
		"bash": "usr/share/bash-completion/completions/arcdiag",
		"zsh":  "usr/share/zsh/vendor-completions/_arcdiag",
		"fish": "usr/share/fish/vendor_completions.d/arcdiag.fish",
	} {
		if got, want := read(t, filepath.Join(scratch, file)), run(t, installed, "completion", shell); string(got) != want {
			t.Errorf("%s differs from arcdiag completion %s", file, shell)
		}
	}
	if got := read(t, filepath.Join(scratch, "usr/lib/systemd/system/arcdiag.service")); !bytes.Equal(got, unit) {
		t.Error("the installed arcdiag.service differs from deploy/systemd/arcdiag.service")
	}
	man := gunzip(t, read(t, filepath.Join(scratch, "usr/share/man/man1/arcdiag.1.gz")))
	if !bytes.HasPrefix(man, []byte(".TH ")) && !bytes.Contains(man, []byte("\n.TH ")) {
		t.Errorf("man page has no .TH header: %.200s", man)
	}
	return read(t, installed)
}

// checkRPM reads the rpm with go-rpmutils (no rpm needed), unpacks it and
// runs its binary; where rpm is installed, rpm -qpl must list the same files.
func checkRPM(t *testing.T, path, rpmArch string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	pkg, err := rpmutils.ReadRpm(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	nevra, err := pkg.Header.GetNEVRA()
	if err != nil {
		t.Fatal(err)
	}
	if nevra.Name != "arcdiag" || nevra.Version != pkgVersion || nevra.Arch != rpmArch {
		t.Errorf("rpm is %s %s %s, want arcdiag %s %s", nevra.Name, nevra.Version, nevra.Arch, pkgVersion, rpmArch)
	}
	files, err := pkg.Header.GetFiles()
	if err != nil {
		t.Fatal(err)
	}
	var all, regular []string
	for _, fi := range files {
		all = append(all, fi.Name())
		if fi.Mode()&0o170000 == 0o100000 {
			regular = append(regular, fi.Name())
		}
		if fi.Name() == "/usr/bin/arcdiag" && fi.Mode()&0o777 != 0o755 {
			t.Errorf("rpm installs /usr/bin/arcdiag with mode %o, want 755", fi.Mode()&0o777)
		}
	}
	slices.Sort(all)
	slices.Sort(regular)
	if want := packaged("/usr/share/zsh/site-functions"); !slices.Equal(regular, want) {
		t.Errorf("rpm holds %q, want %q", regular, want)
	}
	root := t.TempDir()
	if err := pkg.ExpandPayload(root); err != nil {
		t.Fatalf("%s payload: %v", path, err)
	}
	// go-rpmutils writes the files without their modes (rpm sets them).
	bin := filepath.Join(root, "usr", "bin", "arcdiag")
	if err := os.Chmod(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	if out := run(t, bin, "--version"); !strings.Contains(out, version) {
		t.Errorf("the rpm's arcdiag --version says %q, want %s", out, version)
	}
	if _, err := exec.LookPath("rpm"); err != nil {
		t.Log("rpm is not installed: the rpm was checked with go-rpmutils only")
		return
	}
	listed := strings.Fields(run(t, "rpm", "-qpl", path))
	slices.Sort(listed)
	if !slices.Equal(listed, all) {
		t.Errorf("rpm -qpl lists %q, go-rpmutils %q", listed, all)
	}
}

// checkTarball reads the linux archive: the same binary as the deb's, the
// man page, the completions, the unit and the README, in one folder.
func checkTarball(t *testing.T, path, dir string, bin, unit []byte) {
	t.Helper()
	tr := tar.NewReader(bytes.NewReader(gunzip(t, read(t, path))))
	got := map[string][]byte{}
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		if h.Uid != 0 || h.Gid != 0 {
			t.Errorf("%s: %s owned by %d:%d, want 0:0", path, h.Name, h.Uid, h.Gid)
		}
		if h.Name == path2(dir, "arcdiag") && h.Mode&0o111 == 0 {
			t.Errorf("%s: arcdiag is not executable (%o)", path, h.Mode)
		}
		data, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		got[h.Name] = data
	}
	want := []string{"README.md", "_arcdiag", "arcdiag", "arcdiag.1", "arcdiag.bash", "arcdiag.fish", "arcdiag.service"}
	checkNames(t, path, got, dir, want)
	if !bytes.Equal(got[path2(dir, "arcdiag")], bin) {
		t.Errorf("%s: arcdiag differs from the deb's", path)
	}
	if !bytes.Equal(got[path2(dir, "arcdiag.service")], unit) {
		t.Errorf("%s: arcdiag.service differs from deploy/systemd's", path)
	}
}

// checkZip reads the windows archive: a Windows executable, its PowerShell
// completion and the README.
func checkZip(t *testing.T, path, dir string) {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	defer zr.Close()
	got := map[string][]byte{}
	for _, f := range zr.File {
		if f.FileInfo().IsDir() {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatalf("%s: %s: %v", path, f.Name, err)
		}
		got[f.Name] = data
	}
	checkNames(t, path, got, dir, []string{"README.md", "arcdiag.exe", "arcdiag.ps1"})
	if exe := got[path2(dir, "arcdiag.exe")]; !bytes.HasPrefix(exe, []byte("MZ")) {
		t.Errorf("%s: arcdiag.exe is not a Windows executable", path)
	}
}

// checkChecksums verifies checksums.txt: one SHA-256 per release file, and
// nothing else in the folder.
func checkChecksums(t *testing.T, dist string, want []string) {
	t.Helper()
	entries, err := os.ReadDir(dist)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if w := append(slices.Clone(want), "checksums.txt"); !sameSet(names, w) {
		t.Fatalf("make dist wrote %q, want %q", names, w)
	}
	var listed []string
	sc := bufio.NewScanner(strings.NewReader(string(read(t, filepath.Join(dist, "checksums.txt")))))
	for sc.Scan() {
		sum, name, ok := strings.Cut(sc.Text(), "  ")
		if !ok {
			t.Fatalf("checksums.txt: line %q is not sha256sum's", sc.Text())
		}
		h := sha256.Sum256(read(t, filepath.Join(dist, name)))
		if hex.EncodeToString(h[:]) != sum {
			t.Errorf("checksums.txt: %s does not match the file", name)
		}
		listed = append(listed, name)
	}
	if !sameSet(listed, want) {
		t.Errorf("checksums.txt lists %q, want %q", listed, want)
	}
}

func checkNames(t *testing.T, archive string, got map[string][]byte, dir string, want []string) {
	t.Helper()
	var names []string
	for n := range got {
		names = append(names, n)
	}
	var w []string
	for _, n := range want {
		w = append(w, path2(dir, n))
	}
	if !sameSet(names, w) {
		t.Errorf("%s holds %q, want %q", archive, names, w)
	}
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

func path2(dir, name string) string { return path.Join(dir, name) }

// regularFiles lists the regular files under root as absolute paths of the
// system they would be installed on.
func regularFiles(t *testing.T, root string) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		rel, err := filepath.Rel(root, p)
		files = append(files, "/"+filepath.ToSlash(rel))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(files)
	return files
}

func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, stderr.Bytes())
	}
	return string(out)
}

func read(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func gunzip(t *testing.T, data []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return out
}
