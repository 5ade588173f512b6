package buildinfo

import (
	"runtime/debug"
	"testing"
)

func TestResolve(t *testing.T) {
	checkout := &debug.BuildInfo{
		Main: debug.Module{Path: ModulePath, Version: "v0.0.0-20261130020644-42dec4a4ea29+dirty"},
		Settings: []debug.BuildSetting{
			{Key: "vcs", Value: "git"},
			{Key: "vcs.revision", Value: "42dec4a4ea29e7e074d4f1920ff0666683aeb280"},
			{Key: "vcs.time", Value: "2026-11-30T02:06:44Z"},
			{Key: "vcs.modified", Value: "true"},
		},
	}
	cases := []struct {
		name                  string
		bi                    *debug.BuildInfo
		version, commit, date string // as the linker would set them
		want                  Info
	}{
		{name: "go build in a clone", bi: checkout,
			want: Info{Version: "0.0.0-20261130020644-42dec4a4ea29+dirty", Commit: "42dec4a4ea29e7e074d4f1920ff0666683aeb280", Date: "2026-11-30T02:06:44Z", Modified: true}},
		{name: "release build: the linker's values win", bi: checkout, version: "1.2.3", commit: "abc", date: "2026-12-01T00:00:00Z",
			want: Info{Version: "1.2.3", Commit: "abc", Date: "2026-12-01T00:00:00Z", Modified: true}},
		{name: "go install at a tag", bi: &debug.BuildInfo{Main: debug.Module{Path: ModulePath, Version: "v1.4.0"}},
			want: Info{Version: "1.4.0"}},
		{name: "go build outside version control", bi: &debug.BuildInfo{Main: debug.Module{Path: ModulePath, Version: "(devel)"}},
			want: Info{Version: DevVersion}},
		{name: "a library in another program", bi: &debug.BuildInfo{Main: debug.Module{Path: "example.com/app", Version: "(devel)"},
			Settings: checkout.Settings, Deps: []*debug.Module{{Path: "example.com/other", Version: "v9.9.9"}, {Path: ModulePath, Version: "v1.5.0"}}},
			want: Info{Version: "1.5.0"}},
		{name: "a replaced library", bi: &debug.BuildInfo{Main: debug.Module{Path: "example.com/app"},
			Deps: []*debug.Module{{Path: ModulePath, Version: "v1.5.0", Replace: &debug.Module{Path: "../qcli"}}}},
			want: Info{Version: DevVersion}},
		{name: "no build information", want: Info{Version: DevVersion}},
	}
	for _, tc := range cases {
		got := resolve(tc.bi, tc.version, tc.commit, tc.date)
		if got.Go == "" || got.Platform == "" {
			t.Errorf("%s: no Go version or platform: %+v", tc.name, got)
		}
		got.Go, got.Platform = "", ""
		if got != tc.want {
			t.Errorf("%s:\n got %+v\nwant %+v", tc.name, got, tc.want)
		}
	}
}
