// Package scripts_test runs scripts/install-qcli.sh, the installer behind
// the GitHub Action (action.yml), against a local stand-in for the GitHub
// releases page serving archives and a checksums file made in the test.
package scripts_test

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// fakeQcli is the "binary" in the test archives: a script that says what it is.
const fakeQcli = "#!/bin/sh\necho fake qcli 1.2.3 \"$@\"\n"

// release is one version's downloads, by file name.
type release map[string][]byte

// serve stands in for https://github.com/quilibrium/qcli/releases: /latest
// redirects to the tag page of latest, and /download/vX/FILE serves FILE.
func serve(t *testing.T, latest string, releases map[string]release) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/releases/latest" {
			http.Redirect(w, r, "/releases/tag/v"+latest, http.StatusFound)
			return
		}
		if r.URL.Path == "/releases/tag/v"+latest {
			return
		}
		rest, _ := strings.CutPrefix(r.URL.Path, "/releases/download/v")
		version, file, _ := strings.Cut(rest, "/")
		if body, ok := releases[version][file]; ok {
			w.Write(body)
			return
		}
		http.NotFound(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/releases"
}

func tarGz(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for name, body := range files {
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o755, Size: int64(len(body))}); err != nil {
			t.Fatal(err)
		}
		tw.Write([]byte(body))
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	gz.Close()
	return buf.Bytes()
}

func zipOf(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(body))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// checksums is GoReleaser's checksums file: "<sha256>  <name>" per line.
func checksums(files release) []byte {
	var b strings.Builder
	for name, body := range files {
		fmt.Fprintf(&b, "%x  %s\n", sha256.Sum256(body), name)
	}
	return []byte(b.String())
}

// standardRelease is 1.2.3 as GoReleaser would publish it, for linux/amd64
// and windows/arm64.
func standardRelease(t *testing.T) release {
	r := release{
		"qcli_1.2.3_linux_amd64.tar.gz": tarGz(t, map[string]string{"qcli": fakeQcli, "README.md": "readme", "completions/qcli.bash": "#"}),
		"qcli_1.2.3_windows_arm64.zip":  zipOf(t, map[string]string{"qcli.exe": fakeQcli, "README.md": "readme"}),
	}
	r["qcli_1.2.3_checksums.txt"] = checksums(r)
	return r
}

type result struct {
	code          int
	stderr        string
	dir           string // the install directory
	ghPath, ghOut string // what the script wrote to GITHUB_PATH and GITHUB_OUTPUT
}

// install runs the installer with env (QCLI_RELEASES_URL and the GitHub
// files are set here).
func install(t *testing.T, releasesURL string, env ...string) result {
	t.Helper()
	for _, tool := range []string{"bash", "curl", "tar", "unzip", "awk", "install"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed: the installer needs it", tool)
		}
	}
	tmp := t.TempDir()
	r := result{dir: filepath.Join(tmp, "bin")}
	ghPath, ghOut := filepath.Join(tmp, "github_path"), filepath.Join(tmp, "github_output")
	cmd := exec.Command("bash", "install-qcli.sh")
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + tmp, "QCLI_RELEASES_URL=" + releasesURL,
		"QCLI_INSTALL_DIR=" + r.dir, "GITHUB_PATH=" + ghPath, "GITHUB_OUTPUT=" + ghOut}, env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	if _, ok := err.(*exec.ExitError); err != nil && !ok {
		t.Fatal(err)
	}
	r.code, r.stderr = cmd.ProcessState.ExitCode(), stderr.String()
	p, _ := os.ReadFile(ghPath)
	o, _ := os.ReadFile(ghOut)
	r.ghPath, r.ghOut = string(p), string(o)
	return r
}

func TestInstallLatestVerifiesAndInstalls(t *testing.T) {
	url := serve(t, "1.2.3", map[string]release{"1.2.3": standardRelease(t)})
	r := install(t, url, "QCLI_VERSION=latest", "QCLI_OS=linux", "QCLI_ARCH=amd64")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	out, err := exec.Command(filepath.Join(r.dir, "qcli"), "version").Output()
	if err != nil || string(out) != "fake qcli 1.2.3 version\n" {
		t.Errorf("installed qcli: %q, %v", out, err)
	}
	if entries, _ := os.ReadDir(r.dir); len(entries) != 1 {
		t.Errorf("install dir holds %d files, want qcli alone", len(entries))
	}
	if r.ghPath != r.dir+"\n" {
		t.Errorf("GITHUB_PATH = %q, want %s", r.ghPath, r.dir)
	}
	if want := "version=1.2.3\npath=" + filepath.Join(r.dir, "qcli") + "\n"; r.ghOut != want {
		t.Errorf("GITHUB_OUTPUT = %q, want %q", r.ghOut, want)
	}
}

func TestInstallWindowsZipWithVPrefixedVersion(t *testing.T) {
	url := serve(t, "1.2.3", map[string]release{"1.2.3": standardRelease(t)})
	r := install(t, url, "QCLI_VERSION=v1.2.3", "QCLI_OS=windows", "QCLI_ARCH=arm64")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if b, err := os.ReadFile(filepath.Join(r.dir, "qcli.exe")); err != nil || string(b) != fakeQcli {
		t.Errorf("qcli.exe: %v", err)
	}
}

func TestInstallRefusesWhatItCannotVerify(t *testing.T) {
	good := standardRelease(t)
	tampered := release{}
	for name, body := range good {
		tampered[name] = body
	}
	// The archive changed after the checksums file was written.
	tampered["qcli_1.2.3_linux_amd64.tar.gz"] = tarGz(t, map[string]string{"qcli": "#!/bin/sh\necho evil\n"})
	unlisted := release{"qcli_1.2.4_linux_amd64.tar.gz": good["qcli_1.2.3_linux_amd64.tar.gz"]}
	unlisted["qcli_1.2.4_checksums.txt"] = checksums(release{"qcli_1.2.4_darwin_arm64.tar.gz": []byte("x")})
	url := serve(t, "1.2.3", map[string]release{"1.2.3": tampered, "1.2.4": unlisted})

	cases := []struct {
		name   string
		env    []string
		stderr string
	}{
		{"tampered archive", []string{"QCLI_VERSION=1.2.3"}, "checksum mismatch for qcli_1.2.3_linux_amd64.tar.gz"},
		{"archive missing from the checksums file", []string{"QCLI_VERSION=1.2.4"}, "qcli_1.2.4_linux_amd64.tar.gz is not listed in qcli_1.2.4_checksums.txt"},
		{"no such release", []string{"QCLI_VERSION=9.9.9"}, "cannot download " + url + "/download/v9.9.9/qcli_9.9.9_checksums.txt"},
		{"no such platform in the release", []string{"QCLI_VERSION=1.2.3", "QCLI_OS=darwin"}, "cannot download"},
		{"not a version", []string{"QCLI_VERSION=main"}, "QCLI_VERSION=main is not a version"},
	}
	for _, tc := range cases {
		r := install(t, url, append([]string{"QCLI_OS=linux", "QCLI_ARCH=amd64"}, tc.env...)...)
		if r.code == 0 || !strings.Contains(r.stderr, tc.stderr) {
			t.Errorf("%s: exit %d, stderr %q, want failure naming %q", tc.name, r.code, r.stderr, tc.stderr)
		}
		if _, err := os.Stat(r.dir); !os.IsNotExist(err) {
			t.Errorf("%s: the install directory was created (%v)", tc.name, err)
		}
		if r.ghPath != "" || r.ghOut != "" {
			t.Errorf("%s: wrote GITHUB_PATH %q / GITHUB_OUTPUT %q", tc.name, r.ghPath, r.ghOut)
		}
	}
}

// TestInstallerMatchesTheReleaseNames guards the contract between
// .goreleaser.yaml, which names the files, and the installer and the
// action, which fetch them by name.
func TestInstallerMatchesTheReleaseNames(t *testing.T) {
	read := func(path string) string {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	config, script, action := read("../.goreleaser.yaml"), read("install-qcli.sh"), read("../action.yml")
	for _, pair := range [][2]string{
		{`name_template: "{{ .ProjectName }}_{{ .Version }}_{{ .Os }}_{{ .Arch }}"`, `archive="qcli_${version}_${os}_${arch}.${ext}"`},
		{`name_template: "{{ .ProjectName }}_{{ .Version }}_checksums.txt"`, `sums="qcli_${version}_checksums.txt"`},
		{"formats: [zip]", "ext=zip"},
	} {
		if !strings.Contains(config, pair[0]) || !strings.Contains(script, pair[1]) {
			t.Errorf(".goreleaser.yaml has %q: %v; install-qcli.sh has %q: %v", pair[0], strings.Contains(config, pair[0]), pair[1], strings.Contains(script, pair[1]))
		}
	}
	if !strings.Contains(action, "scripts/install-qcli.sh") {
		t.Error("action.yml does not run scripts/install-qcli.sh")
	}
}
