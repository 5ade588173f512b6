package layers

import (
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/quilibrium/qcli"

// sdk is the public SDK: what programs import.
var sdk = []string{"client", "client/console", "client/quicksync", "transfer", "transfer/filter", "presign", "configure", "qstoragetest"}

// rule forbids the packages matching from (a path, or a prefix ending
// in "/...") to depend on any package under forbidden: directly or not,
// or with direct set, only by their own imports.
type rule struct {
	why       string
	from      []string
	forbidden []string
	direct    bool
}

var rules = []rule{
	{"the SDK prints nothing and knows no command line", sdk,
		[]string{module + "/internal/cli/...", "github.com/spf13/cobra/...", "github.com/schollz/progressbar/...", "github.com/olekukonko/tablewriter/..."}, false},
	{"API clients only speak their APIs; transfer drives them", []string{"client/..."},
		[]string{module + "/transfer/...", module + "/presign/...", module + "/configure/..."}, false},
	{"configure resolves settings, not API clients", []string{"configure/..."},
		[]string{module + "/client/console/...", module + "/client/quicksync/..."}, false},
	{"the emulator must not share the client's mistakes", []string{"internal/emulator/..."},
		[]string{module + "/transfer/...", module + "/internal/cli/..."}, false},
	{"main only runs the command tree", []string{"cmd/..."},
		[]string{module + "/client/...", module + "/transfer/...", module + "/configure/..."}, true},
}

// TestLayers checks every rule against `go list`'s view of the module
// (non-test imports, transitively).
func TestLayers(t *testing.T) {
	pkgs := modulePackages(t)
	for _, r := range rules {
		for path, p := range pkgs {
			if !matchesAny(path, prefixed(r.from)) {
				continue
			}
			ds := p.deps
			if r.direct {
				ds = p.imports
			}
			for _, d := range ds {
				if matchesAny(d, r.forbidden) {
					t.Errorf("%s depends on %s: %s (ARCHITECTURE.md)", path, d, r.why)
				}
			}
		}
	}
}

// TestRulesMatchPackages keeps the rules honest: every pattern they name
// matches a package of the module, so a rename cannot empty a rule.
func TestRulesMatchPackages(t *testing.T) {
	pkgs := modulePackages(t)
	for _, r := range rules {
		for _, p := range prefixed(r.from) {
			found := false
			for pkg := range pkgs {
				found = found || matches(pkg, p)
			}
			if !found {
				t.Errorf("rule %q names %s, which matches no package", r.why, p)
			}
		}
	}
}

// pkg is what `go list` says a package imports (non-test files): its
// own imports, and everything it depends on transitively.
type pkg struct{ imports, deps []string }

func modulePackages(t *testing.T) map[string]pkg {
	t.Helper()
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}}|{{join .Imports " "}}|{{join .Deps " "}}`, module+"/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	pkgs := map[string]pkg{}
	for line := range strings.Lines(string(out)) {
		f := strings.Split(strings.TrimSpace(line), "|")
		if len(f) == 3 {
			pkgs[f[0]] = pkg{strings.Fields(f[1]), strings.Fields(f[2])}
		}
	}
	return pkgs
}

func prefixed(rel []string) []string {
	out := make([]string, len(rel))
	for i, p := range rel {
		out[i] = module + "/" + p
	}
	return out
}

func matchesAny(pkg string, patterns []string) bool {
	for _, p := range patterns {
		if matches(pkg, p) {
			return true
		}
	}
	return false
}

// matches is `go list`'s pattern rule for the two forms used here: an
// exact path, or path/... for the path and everything under it.
func matches(pkg, pattern string) bool {
	if base, ok := strings.CutSuffix(pattern, "/..."); ok {
		return pkg == base || strings.HasPrefix(pkg, base+"/")
	}
	return pkg == pattern
}
