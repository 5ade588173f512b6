package client_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/quilibrium/qcli/client"
)

// conveniences are the Client's exported methods that are not one S3
// operation each. A new method must go into the operation table or here.
var conveniences = []string{"Config", "Download", "List", "S3", "SignsPayload", "String", "Upload"}

// The operation table and the Client's method set name the same things.
func TestOperationTableMatchesTheClient(t *testing.T) {
	typ := reflect.TypeFor[*client.Client]()
	inTable := map[string]bool{}
	names := map[string]bool{}
	for _, op := range client.Operations() {
		if _, ok := typ.MethodByName(op.Method); !ok {
			t.Errorf("operation %s names method %s, which Client lacks", op.Name, op.Method)
		}
		if inTable[op.Method] || names[op.Name] {
			t.Errorf("operation %s (method %s) is in the table twice", op.Name, op.Method)
		}
		inTable[op.Method], names[op.Name] = true, true
		if op.Target != client.TargetService && op.Target != client.TargetBucket && op.Target != client.TargetObject {
			t.Errorf("operation %s has target %q", op.Name, op.Target)
		}
		if got, ok := client.LookupOperation(op.CLIName()); !ok || got != op {
			t.Errorf("LookupOperation(%q) = %+v, %v", op.CLIName(), got, ok)
		}
	}
	for i := range typ.NumMethod() {
		m := typ.Method(i).Name
		if !inTable[m] && !slices.Contains(conveniences, m) {
			t.Errorf("Client.%s is neither in the operation table nor a convenience", m)
		}
	}
	if !slices.IsSortedFunc(client.Operations(), func(a, b client.Operation) int { return strings.Compare(a.Name, b.Name) }) {
		t.Error("Operations() is not sorted by name")
	}
}

func TestOperationCLINames(t *testing.T) {
	for name, want := range map[string]string{
		"ListObjectsV2": "list-objects-v2", "PutBucketLifecycleConfiguration": "put-bucket-lifecycle-configuration",
		"PutObjectLegalHold": "put-object-legal-hold", "GetObjectAcl": "get-object-acl", "ListObjectVersions": "list-object-versions",
		"GetObjectAttributes": "get-object-attributes",
	} {
		op, ok := client.LookupOperation(name)
		if !ok || op.CLIName() != want {
			t.Errorf("%s: %q (found %v), want %q", name, op.CLIName(), ok, want)
		}
	}
	if _, ok := client.LookupOperation("put-bucket-policy"); ok {
		t.Error("an operation the client lacks was found")
	}
}

// Errors carry the operation's S3 name (Error.Op): every name the client's
// code passes to its error wrapping must be in the table, so that a
// command generated from the table and the errors it prints agree.
func TestErrorOpNamesAreOperations(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	found := 0
	for _, name := range files {
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) == 0 {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok || sel.Sel.Name != "wrapErr" {
				return true
			}
			lit, ok := call.Args[0].(*ast.BasicLit)
			if !ok {
				t.Errorf("%s: wrapErr with a computed operation name", fset.Position(call.Pos()))
				return true
			}
			op, _ := strconv.Unquote(lit.Value)
			found++
			if _, ok := client.LookupOperation(op); !ok {
				t.Errorf("%s: operation %q is not in the table", fset.Position(call.Pos()), op)
			}
			return true
		})
	}
	if found < 40 {
		t.Errorf("found only %d wrapErr calls; is the scan broken?", found)
	}
}
