// Package buildinfo says which qcli this is: its version, the commit it was
// built from and that commit's date, the Go version and the platform.
//
// It is the one place that knows. Release builds set version, commit and
// date with the linker (see .goreleaser.yaml):
//
//	-ldflags "-X github.com/quilibrium/qcli/internal/buildinfo.version=1.2.3
//	          -X github.com/quilibrium/qcli/internal/buildinfo.commit=<sha>
//	          -X github.com/quilibrium/qcli/internal/buildinfo.date=<RFC 3339>"
//
// A plain `go build` or `go install` sets none of them; then the values come
// from the build information the Go toolchain embeds: the module's version
// (v1.2.3 for `go install ...@v1.2.3`, a pseudo-version naming the commit
// for a build in a git clone) and the vcs.revision, vcs.time and
// vcs.modified settings.
package buildinfo

import (
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
)

// Set by the release build's -ldflags -X; empty otherwise.
var (
	version string
	commit  string
	date    string
)

// ModulePath is qcli's module; its entry in the build information is the
// one describing qcli, whether qcli is the program or a library in another.
const ModulePath = "github.com/quilibrium/qcli"

// DevVersion is the version of a build that carries no version at all: a
// test binary, or a build outside module mode.
const DevVersion = "0.1.0-dev"

// Info describes this build. Fields that are not known are empty.
type Info struct {
	// Version is the release (1.2.3, no leading v), a Go pseudo-version
	// for an untagged build, or DevVersion.
	Version string `json:"version"`
	// Commit is the full git commit hash the binary was built from.
	Commit string `json:"commit"`
	// Date is the commit's time in RFC 3339 (UTC). Release builds use it
	// rather than the wall clock so that they are reproducible.
	Date string `json:"date"`
	// Modified reports a build from a working tree with uncommitted changes.
	Modified bool   `json:"modified"`
	Go       string `json:"go"`
	Platform string `json:"platform"`
}

// Get returns this build's information.
var Get = sync.OnceValue(func() Info {
	bi, _ := debug.ReadBuildInfo()
	return resolve(bi, version, commit, date)
})

// Version returns this build's version, as sent in the User-Agent header.
func Version() string { return Get().Version }

// resolve merges the linker-set values (which win) with the build
// information bi (which may be nil).
func resolve(bi *debug.BuildInfo, version, commit, date string) Info {
	info := Info{Version: version, Commit: commit, Date: date, Go: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	if bi == nil {
		info.Version = or(info.Version, DevVersion)
		return info
	}
	if bi.Main.Path == ModulePath {
		info.Version = or(info.Version, moduleVersion(bi.Main))
		// The vcs.* settings describe the main module only, and only a
		// build from a checkout has them.
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				info.Commit = or(info.Commit, s.Value)
			case "vcs.time":
				info.Date = or(info.Date, s.Value)
			case "vcs.modified":
				info.Modified = s.Value == "true"
			}
		}
	} else {
		for _, dep := range bi.Deps {
			if dep.Path == ModulePath {
				info.Version = or(info.Version, moduleVersion(*dep))
			}
		}
	}
	info.Version = or(info.Version, DevVersion)
	return info
}

// moduleVersion is m's version without the leading v (as release tags are
// named v1.2.3 but GoReleaser's version is 1.2.3), or "" when the toolchain
// recorded none.
func moduleVersion(m debug.Module) string {
	if m.Replace != nil {
		m = *m.Replace
	}
	if m.Version == "" || m.Version == "(devel)" {
		return ""
	}
	return strings.TrimPrefix(m.Version, "v")
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
