// Command learnpaths lists the Microsoft Learn paths that exist under
// azure/azure-arc/, read from a git copy of the docs repository
// MicrosoftDocs/azure-management-docs, so that the knowledge base's links
// can be checked offline (kb/testdata/learn-azure-arc-paths.txt):
//
//	git clone https://github.com/MicrosoftDocs/azure-management-docs docs
//	go run ./cmd/learnpaths -git docs > kb/testdata/learn-azure-arc-paths.txt
//
// The list holds every article (articles/azure-arc/X.md or .yml is published
// at https://learn.microsoft.com/azure/azure-arc/X), every redirect source of
// the repository's .openpublishing.redirection*.json files (an old path that
// still leads somewhere), and the Microsoft Q&A tag pages the Azure Arc
// tables of contents link to. Only git is needed; the copy may be bare.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path"
	"regexp"
	"slices"
	"strings"
)

const articles = "articles/azure-arc/"

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("learnpaths", flag.ContinueOnError)
	fs.SetOutput(stderr)
	gitDir := fs.String("git", "", "the docs repository (a clone or a bare git directory)")
	rev := fs.String("rev", "HEAD", "the commit to read")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *gitDir == "" || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "usage: learnpaths -git DIR [-rev REV] > kb/testdata/learn-azure-arc-paths.txt")
		return 2
	}
	out, err := list(repo{dir: *gitDir}, *rev)
	if err != nil {
		fmt.Fprintf(stderr, "learnpaths: %v\n", err)
		return 1
	}
	if _, err := io.WriteString(stdout, out); err != nil {
		fmt.Fprintf(stderr, "learnpaths: %v\n", err)
		return 1
	}
	return 0
}

// repo runs git in one repository.
type repo struct{ dir string }

func (r repo) git(args ...string) ([]byte, error) {
	cmd := exec.Command("git", append([]string{"-C", r.dir}, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("git %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return out, nil
}

// answersTag finds the Q&A tag links in a table of contents.
var answersTag = regexp.MustCompile(`href:\s*(/answers/tags/\d+/[a-z0-9-]+)`)

// list returns the file's text: a header naming the commit, then one path per
// line, sorted.
func list(r repo, rev string) (string, error) {
	commit, err := r.git("rev-parse", rev+"^{commit}")
	if err != nil {
		return "", err
	}
	names, err := r.git("ls-tree", "-r", "--name-only", rev, "--", ".")
	if err != nil {
		return "", err
	}
	seen := map[string]bool{}
	add := func(p string) { seen[p] = true }
	for _, name := range strings.Split(strings.TrimSpace(string(names)), "\n") {
		switch {
		case strings.HasPrefix(name, ".openpublishing.redirection") && strings.HasSuffix(name, ".json"):
			sources, err := redirectSources(r, rev, name)
			if err != nil {
				return "", err
			}
			for _, s := range sources {
				if p, ok := learnPath(s); ok {
					add(p)
				}
			}
		case strings.HasPrefix(name, articles) && path.Base(strings.ToLower(name)) == "toc.yml":
			data, err := r.git("show", rev+":"+name)
			if err != nil {
				return "", err
			}
			for _, m := range answersTag.FindAllStringSubmatch(string(data), -1) {
				add(strings.TrimPrefix(m[1], "/"))
			}
		default:
			if p, ok := learnPath(name); ok {
				add(p)
			}
		}
	}
	if len(seen) == 0 {
		return "", errors.New("no Azure Arc articles found: is -git the azure-management-docs repository?")
	}
	paths := make([]string, 0, len(seen))
	for p := range seen {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	var b strings.Builder
	fmt.Fprintf(&b, "# Microsoft Learn paths under azure/azure-arc/ (articles and redirect sources) and the\n")
	fmt.Fprintf(&b, "# Q&A tags their tables of contents link to, from MicrosoftDocs/azure-management-docs\n")
	fmt.Fprintf(&b, "# commit %s. Regenerate: go run ./cmd/learnpaths -git DIR > kb/testdata/learn-azure-arc-paths.txt\n", strings.TrimSpace(string(commit)))
	for _, p := range paths {
		b.WriteString(p)
		b.WriteByte('\n')
	}
	return b.String(), nil
}

// redirectSources returns the source_path of every redirection in a
// .openpublishing.redirection*.json file.
func redirectSources(r repo, rev, name string) ([]string, error) {
	data, err := r.git("show", rev+":"+name)
	if err != nil {
		return nil, err
	}
	var doc struct {
		Redirections []struct {
			SourcePath string `json:"source_path"`
		} `json:"redirections"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	var out []string
	for _, rd := range doc.Redirections {
		out = append(out, rd.SourcePath)
	}
	return out, nil
}

// learnPath turns a repository file name into the path it is published at,
// or reports false for a file that is not a page (media, includes, tables of
// contents).
func learnPath(name string) (string, bool) {
	if !strings.HasPrefix(name, articles) || strings.Contains(name, "/includes/") || strings.Contains(name, "/media/") {
		return "", false
	}
	ext := path.Ext(name)
	if ext != ".md" && ext != ".yml" {
		return "", false
	}
	base := strings.ToLower(path.Base(name))
	if base == "toc.yml" || base == "breadcrumb.yml" || base == "docfx.json" {
		return "", false
	}
	p := "azure/azure-arc/" + strings.TrimSuffix(strings.TrimPrefix(name, articles), ext)
	// An index page is also published at its folder's path.
	p = strings.TrimSuffix(p, "/index")
	return p, true
}
