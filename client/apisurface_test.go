package client_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"go/importer"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// publicPackages are the SDK: what users import.
var publicPackages = []string{
	"github.com/quilibrium/qcli/client",
	"github.com/quilibrium/qcli/client/console",
	"github.com/quilibrium/qcli/client/quicksync",
	"github.com/quilibrium/qcli/configure",
	"github.com/quilibrium/qcli/presign",
	"github.com/quilibrium/qcli/qstoragetest",
	"github.com/quilibrium/qcli/transfer",
}

// Issue 11 D24: no exported identifier of the SDK may name a type a user
// cannot name, one from an internal package. The check reads the compiler's
// export data (go list -export), so it sees the API exactly as importers
// do: signatures, struct fields, method sets, variables and constants,
// types inferred from initialisers included.
func TestNoInternalTypesInTheExportedAPI(t *testing.T) {
	if testing.Short() {
		t.Skip("builds export data of the public packages")
	}
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command:", err)
	}
	exports := exportFiles(t, gobin)
	imp := importer.ForCompiler(token.NewFileSet(), "gc", func(path string) (io.ReadCloser, error) {
		f, ok := exports[path]
		if !ok {
			return nil, fmt.Errorf("no export data for %s", path)
		}
		return os.Open(f)
	})
	for _, path := range publicPackages {
		pkg, err := imp.Import(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, leak := range internalTypesIn(pkg) {
			t.Errorf("%s: %s", path, leak)
		}
	}
}

// exportFiles maps each package the public ones depend on to its export data file.
func exportFiles(t *testing.T, gobin string) map[string]string {
	cmd := exec.Command(gobin, append([]string{"list", "-export", "-deps", "-json=ImportPath,Export"}, publicPackages...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	files := map[string]string{}
	for dec := json.NewDecoder(bytes.NewReader(out)); dec.More(); {
		var p struct{ ImportPath, Export string }
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		files[p.ImportPath] = p.Export
	}
	return files
}

// internalTypesIn lists every exported object of pkg whose type mentions a
// named type from an internal package.
func internalTypesIn(pkg *types.Package) []string {
	var leaks []string
	scope := pkg.Scope()
	for _, name := range scope.Names() {
		obj := scope.Lookup(name)
		if !obj.Exported() {
			continue
		}
		w := &typeWalker{seen: map[types.Type]bool{}}
		if tn, ok := obj.(*types.TypeName); ok {
			w.walkDefinition(tn.Type())
		} else {
			w.walk(obj.Type())
		}
		for _, l := range w.leaks {
			leaks = append(leaks, fmt.Sprintf("%s mentions %s", name, l))
		}
	}
	return leaks
}

type typeWalker struct {
	seen  map[types.Type]bool
	leaks []string
}

// walkDefinition looks inside one of the package's own named types: its
// underlying type (exported fields) and its exported methods.
func (w *typeWalker) walkDefinition(t types.Type) {
	named, ok := t.(*types.Named)
	if !ok {
		w.walk(t)
		return
	}
	w.seen[named] = true
	w.walkUnderlying(named.Underlying())
	for i := range named.NumMethods() {
		if m := named.Method(i); m.Exported() {
			w.walk(m.Type())
		}
	}
}

func (w *typeWalker) walk(t types.Type) {
	if t == nil || w.seen[t] {
		return
	}
	w.seen[t] = true
	switch t := t.(type) {
	case *types.Named:
		if pkg := t.Obj().Pkg(); pkg != nil && isInternal(pkg.Path()) {
			w.leaks = append(w.leaks, pkg.Path()+"."+t.Obj().Name())
		}
		for i := range t.TypeArgs().Len() {
			w.walk(t.TypeArgs().At(i))
		}
		// Another package's named type is its own business; one of ours
		// (a field of an exported struct, say) is walked into.
		if pkg := t.Obj().Pkg(); pkg != nil && strings.HasPrefix(pkg.Path(), "github.com/quilibrium/qcli/") && t.Obj().Exported() {
			w.walkDefinition(t)
		}
	case *types.Alias:
		w.walk(types.Unalias(t))
	default:
		w.walkUnderlying(t)
	}
}

func (w *typeWalker) walkUnderlying(t types.Type) {
	switch t := t.(type) {
	case *types.Pointer:
		w.walk(t.Elem())
	case *types.Slice:
		w.walk(t.Elem())
	case *types.Array:
		w.walk(t.Elem())
	case *types.Map:
		w.walk(t.Key())
		w.walk(t.Elem())
	case *types.Chan:
		w.walk(t.Elem())
	case *types.Signature:
		w.walk(t.Params())
		w.walk(t.Results())
	case *types.Tuple:
		for i := range t.Len() {
			w.walk(t.At(i).Type())
		}
	case *types.Struct:
		for i := range t.NumFields() {
			if f := t.Field(i); f.Exported() || f.Embedded() {
				w.walk(f.Type())
			}
		}
	case *types.Interface:
		for i := range t.NumMethods() {
			w.walk(t.Method(i).Type())
		}
		for i := range t.NumEmbeddeds() {
			w.walk(t.EmbeddedType(i))
		}
	case *types.Named, *types.Alias:
		w.walk(t)
	}
}

func isInternal(path string) bool {
	return strings.HasSuffix(path, "/internal") || strings.Contains(path, "/internal/") || strings.HasPrefix(path, "internal/")
}
