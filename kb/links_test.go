package kb

import (
	"bufio"
	"net/url"
	"os"
	"strings"
	"testing"
)

// readLearnPaths reads kb/testdata/learn-azure-arc-paths.txt, the Microsoft
// Learn paths that exist under azure/azure-arc/ (see cmd/learnpaths).
func readLearnPaths(t *testing.T) map[string]bool {
	t.Helper()
	f, err := os.Open("testdata/learn-azure-arc-paths.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	paths := map[string]bool{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if l := strings.TrimSpace(sc.Text()); l != "" && !strings.HasPrefix(l, "#") {
			paths[l] = true
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(paths) < 100 {
		t.Fatalf("only %d paths in the list; regenerate it with cmd/learnpaths", len(paths))
	}
	return paths
}

// learnCheckedPath returns the path of a learn.microsoft.com URL that the
// list can judge (an Azure Arc article or a Q&A tag page), without the
// locale, query, fragment and trailing slash; ok is false for other URLs.
func learnCheckedPath(raw string) (p string, ok bool, err error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", false, err
	}
	if !strings.EqualFold(u.Host, "learn.microsoft.com") {
		return "", false, nil
	}
	p = strings.Trim(u.Path, "/")
	if first, rest, found := strings.Cut(p, "/"); found && len(first) == 5 && first[2] == '-' {
		p = rest // a locale such as en-us or ja-jp
	}
	p = strings.ToLower(p)
	if p == "azure/azure-arc" || strings.HasPrefix(p, "azure/azure-arc/") || strings.HasPrefix(p, "answers/tags/") {
		return p, true, nil
	}
	return p, false, nil
}

func TestLearnCheckedPath(t *testing.T) {
	for _, tc := range []struct {
		url, want string
		ok        bool
	}{
		{"https://learn.microsoft.com/azure/azure-arc/servers/manage-agent", "azure/azure-arc/servers/manage-agent", true},
		{"https://learn.microsoft.com/en-us/azure/azure-arc/servers/manage-agent/#disconnect", "azure/azure-arc/servers/manage-agent", true},
		{"https://learn.microsoft.com/ja-jp/Azure/Azure-Arc/servers/overview?tabs=linux", "azure/azure-arc/servers/overview", true},
		{"https://learn.microsoft.com/answers/tags/146/azure-arc", "answers/tags/146/azure-arc", true},
		{"https://learn.microsoft.com/entra/identity-platform/reference-error-codes", "entra/identity-platform/reference-error-codes", false},
		{"https://github.com/Azure/azure-cli/issues/1", "", false},
	} {
		got, ok, err := learnCheckedPath(tc.url)
		if err != nil || ok != tc.ok || (ok && got != tc.want) {
			t.Errorf("learnCheckedPath(%q) = %q, %v, %v; want %q, %v", tc.url, got, ok, err, tc.want, tc.ok)
		}
	}
}

// TestBuiltinLearnLinksExist fails on any link or source that names an Azure
// Arc page (or Q&A tag) the docs repository does not have.
func TestBuiltinLearnLinksExist(t *testing.T) {
	paths := readLearnPaths(t)
	k := loadBuiltinVerified(t)
	checked := 0
	for _, e := range k.Entries() {
		urls := append([]string(nil), e.Sources...)
		for _, l := range e.Links {
			urls = append(urls, l.URL)
		}
		for _, u := range urls {
			p, ok, err := learnCheckedPath(u)
			if err != nil {
				t.Errorf("%s (%s): bad URL %q: %v", e.ID, e.Origin, u, err)
				continue
			}
			if !ok {
				continue
			}
			checked++
			if !paths[p] {
				t.Errorf("%s (%s): %s is not an Azure Arc page in testdata/learn-azure-arc-paths.txt", e.ID, e.Origin, u)
			}
		}
	}
	if checked == 0 {
		t.Fatal("no learn.microsoft.com Azure Arc link was checked")
	}
}
