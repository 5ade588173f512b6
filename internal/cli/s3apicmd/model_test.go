package s3apicmd

import (
	"encoding/json"
	"maps"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/pflag"

	"github.com/quilibrium/qcli/client"
	"github.com/quilibrium/qcli/internal/cli/cmdutil"
	"github.com/quilibrium/qcli/internal/cli/iostreams"
)

// The commands are generated from the client's operation table and the
// SDK's structs; these tests hold them to the table and to the AWS CLI's
// own model (testdata/awscli.json, dumped from AWS CLI 1.45 by
// testdata/dump_awscli.py), so that neither can drift.

type awscliModel struct {
	AWSCLI     string `json:"aws_cli"`
	Operations map[string]struct {
		Name string `json:"name"`
		Args []struct {
			Name       string `json:"name"`
			Type       string `json:"type"`
			Required   bool   `json:"required"`
			Positional bool   `json:"positional"`
			Documented bool   `json:"documented"`
		} `json:"args"`
		Input     map[string]string `json:"input"`
		Output    map[string]string `json:"output"`
		Paginator *struct {
			InputToken   []string `json:"input_token"`
			OutputToken  []string `json:"output_token"`
			MoreResults  string   `json:"more_results"`
			LimitKey     string   `json:"limit_key"`
			ResultKey    []string `json:"result_key"`
			NonAggregate []string `json:"non_aggregate_keys"`
		} `json:"paginator"`
	} `json:"operations"`
}

func loadAWSCLIModel(t *testing.T) awscliModel {
	t.Helper()
	data, err := os.ReadFile("testdata/awscli.json")
	if err != nil {
		t.Fatal(err)
	}
	var m awscliModel
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func testFactory() *cmdutil.Factory {
	ios, _, _, _ := iostreams.Test()
	return &cmdutil.Factory{IO: ios, Getenv: func(string) string { return "" }}
}

// Every operation of the client's table has an SDK call and a command,
// and the group holds nothing else.
func TestEveryOperationHasACommand(t *testing.T) {
	var names []string
	for _, op := range client.Operations() {
		names = append(names, op.Name)
		if _, ok := sdkOperations[op.Name]; !ok {
			t.Errorf("operation %s has no SDK call in sdkOperations", op.Name)
		}
	}
	for name := range sdkOperations {
		if !slices.Contains(names, name) {
			t.Errorf("sdkOperations has %s, which the client's table lacks", name)
		}
	}
	group := NewCmdS3api(testFactory())
	var cmds []string
	for _, c := range group.Commands() {
		cmds = append(cmds, c.Name())
	}
	var want []string
	for _, op := range client.Operations() {
		want = append(want, op.CLIName())
	}
	if !slices.Equal(cmds, want) {
		t.Errorf("s3api commands\n%v\nwant the table's\n%v", cmds, want)
	}
}

// newerMembers are members the SDK has and AWS CLI 1.45 (the dump) lacks:
// S3 features added since. Their flags are named by the same rule.
var newerMembers = []string{"AnnotationDirective", "ObjectLockEventHold", "ObjectLockEventHoldDurationDays", "ObjectLockEventHoldDurationYears"}

// The SDK's members are the AWS CLI's, under the same names.
func TestMembersAreTheAWSCLIs(t *testing.T) {
	model := loadAWSCLIModel(t)
	for _, op := range client.Operations() {
		aws, ok := model.Operations[op.CLIName()]
		if !ok {
			t.Errorf("%s is not in testdata/awscli.json; regenerate it (testdata/dump_awscli.py)", op.CLIName())
			continue
		}
		if aws.Name != op.Name {
			t.Errorf("%s: the AWS CLI calls %s", op.CLIName(), aws.Name)
		}
		sdk := sdkOperations[op.Name]
		for kind, pair := range map[string]struct {
			typ  reflect.Type
			want map[string]string
		}{"input": {sdk.input, aws.Input}, "output": {sdk.output, aws.Output}} {
			var got []string
			for _, f := range members(pair.typ) {
				if !slices.Contains(newerMembers, f.Name) {
					got = append(got, f.Name)
				}
			}
			want := slices.Collect(maps.Keys(pair.want))
			if kind == "output" && (op.Name == "GetObject" || op.Name == "HeadObject") {
				want = append(want, "ExpiresString") // botocore adds it too (handle_expires_header)
			}
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("%s %s members:\n got %v\nwant %v", op.Name, kind, got, want)
			}
		}
	}
}

// typeExceptions are members the Go SDK types differently from botocore:
// the flag takes the Go type's values (PartNumberMarker is a string there).
var typeExceptions = map[string]string{
	"get-object-attributes --part-number-marker": "string",
	"list-parts --part-number-marker":            "string",
}

// Each command has the AWS CLI's flags, of the AWS CLI's types, and needs
// the ones it needs.
func TestFlagsAreTheAWSCLIs(t *testing.T) {
	model := loadAWSCLIModel(t)
	own := []string{"cli-input-json", "generate-cli-skeleton", "help", "no-paginate"}
	for _, op := range client.Operations() {
		aws := model.Operations[op.CLIName()]
		cmd := NewCmdOperation(testFactory(), op, nil)
		b := sdkOperations[op.Name]
		required := requiredFlags(b)
		seen := map[string]bool{}
		for _, arg := range aws.Args {
			name := op.CLIName() + " --" + arg.Name
			seen[arg.Name] = true
			if arg.Positional {
				if !strings.HasSuffix(cmd.Use, " OUTFILE") || arg.Name != "outfile" {
					t.Errorf("%s: the AWS CLI takes %s as an argument; qcli's usage is %q", op.CLIName(), arg.Name, cmd.Use)
				}
				continue
			}
			f := cmd.Flags().Lookup(arg.Name)
			if f == nil {
				t.Errorf("%s: no such flag", name)
				continue
			}
			wantType := arg.Type
			if ex, ok := typeExceptions[name]; ok {
				wantType = ex
			}
			switch got := f.Value.Type(); {
			case arg.Type == "boolean" && got == "bool":
			case arg.Name == "page-size" && got == "int", arg.Name == "max-items" && got == "int", arg.Name == "starting-token" && got == "string":
			case got != wantType:
				t.Errorf("%s is a %s flag, the AWS CLI's a %s", name, got, wantType)
			}
			if arg.Required != required[arg.Name] {
				t.Errorf("%s: required %v, the AWS CLI says %v", name, required[arg.Name], arg.Required)
			}
			if hidden := f.Hidden; hidden == arg.Documented {
				t.Errorf("%s: hidden %v, the AWS CLI documents it: %v", name, hidden, arg.Documented)
			}
		}
		cmd.Flags().VisitAll(func(f *pflag.Flag) {
			newer := slices.ContainsFunc(newerMembers, func(m string) bool { return flagName(m) == f.Name })
			if !seen[f.Name] && !slices.Contains(own, f.Name) && !newer {
				t.Errorf("%s --%s is not an AWS CLI flag", op.CLIName(), f.Name)
			}
		})
	}
}

// The paged operations are the table's, paged as botocore pages them.
func TestPaginatorsAreBotocores(t *testing.T) {
	model := loadAWSCLIModel(t)
	for _, op := range client.Operations() {
		pg, ok := paginators[op.Name]
		if ok != op.Paged {
			t.Errorf("%s: Paged %v in the client's table, paginator %v here", op.Name, op.Paged, ok)
		}
		aws := model.Operations[op.CLIName()].Paginator
		if (aws != nil) != ok {
			t.Errorf("%s: paginator here %v, in botocore %v", op.Name, ok, aws != nil)
			continue
		}
		if !ok {
			continue
		}
		want := paginator{inputTokens: aws.InputToken, outputTokens: aws.OutputToken, moreResults: aws.MoreResults,
			limitKey: aws.LimitKey, resultKeys: aws.ResultKey, nonAggregate: aws.NonAggregate}
		if !reflect.DeepEqual(pg, want) {
			t.Errorf("%s paginator\n got %+v\nwant %+v", op.Name, pg, want)
		}
	}
}
