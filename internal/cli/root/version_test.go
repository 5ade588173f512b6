package root

import (
	"testing"

	"github.com/quilibrium/qcli/internal/buildinfo"
)

func TestVersionLine(t *testing.T) {
	cases := []struct {
		info buildinfo.Info
		want string
	}{
		{buildinfo.Info{Version: "1.2.3", Commit: "42dec4a4ea29e7e074d4f1920ff0666683aeb280", Date: "2026-11-30T02:06:44Z", Go: "go1.26.8", Platform: "linux/arm64"},
			"qcli 1.2.3 (commit 42dec4a4ea29, 2026-11-30T02:06:44Z, go1.26.8, linux/arm64)"},
		{buildinfo.Info{Version: "0.0.0-20261130020644-42dec4a4ea29+dirty", Commit: "42dec4a4ea29e7e074d4f1920ff0666683aeb280", Modified: true, Date: "2026-11-30T02:06:44Z", Go: "go1.26.8", Platform: "darwin/amd64"},
			"qcli 0.0.0-20261130020644-42dec4a4ea29+dirty (commit 42dec4a4ea29-dirty, 2026-11-30T02:06:44Z, go1.26.8, darwin/amd64)"},
		{buildinfo.Info{Version: "1.4.0", Go: "go1.26.8", Platform: "windows/amd64"}, "qcli 1.4.0 (go1.26.8, windows/amd64)"},
	}
	for _, tc := range cases {
		if got := versionLine(tc.info); got != tc.want {
			t.Errorf("versionLine(%+v)\n got %q\nwant %q", tc.info, got, tc.want)
		}
	}
}
