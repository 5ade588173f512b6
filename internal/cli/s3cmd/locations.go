package s3cmd

import (
	"errors"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/quilibrium/qcli/internal/cli/cmdutil"
	"github.com/quilibrium/qcli/internal/s3uri"
	"github.com/quilibrium/qcli/transfer"
)

// location is a command-line path: an S3 URI, "-" (stdin or stdout), or a
// local path.
type location struct {
	arg   string
	s3    bool
	uri   s3uri.URI
	stdio bool
}

func parseLocation(arg string) (location, error) {
	switch {
	case arg == "-":
		return location{arg: arg, stdio: true}, nil
	case s3uri.IsS3(arg):
		u, err := s3uri.Parse(arg)
		return location{arg: arg, s3: true, uri: u}, err
	case arg == "":
		return location{}, cmdutil.Usagef("an empty path is not a location")
	}
	return location{arg: arg}, nil
}

// prefix is the S3 prefix a recursive operation works under: the key as a
// "directory", with a trailing slash.
func (l location) prefix() string {
	if l.uri.Key == "" || strings.HasSuffix(l.uri.Key, "/") {
		return l.uri.Key
	}
	return l.uri.Key + "/"
}

// tree is the location as a transfer.Location for a recursive operation.
func (l location) tree() transfer.Location {
	if l.s3 {
		return transfer.Location{Bucket: l.uri.Bucket, Prefix: l.prefix()}
	}
	return transfer.Location{Local: l.arg}
}

// keyFor is the key a single file or object named base gets at an S3
// destination: the destination key, or base under it when it names a
// "directory" (a bucket, or a key ending in /).
func (l location) keyFor(base string) string {
	if l.uri.IsPrefix() {
		return l.uri.Key + base
	}
	return l.uri.Key
}

// pathFor is the local path a single object named by key gets: the
// destination, or the key's base name inside it when it is a directory
// or ends with a separator. A base name that is no file name ("..", as in
// the key "a/..") is refused rather than joined, which would climb out.
func (l location) pathFor(key string) (string, error) {
	if !strings.HasSuffix(l.arg, "/") && !strings.HasSuffix(l.arg, string(filepath.Separator)) && !l.isDir() {
		return l.arg, nil
	}
	p, err := transfer.LocalPath(l.arg, path.Base(key))
	if err != nil {
		return "", cmdutil.Usagef("%w; name the local file instead of a directory", err)
	}
	return p, nil
}

// checkLocalDir refuses a local source that is not an existing directory,
// saying which it is.
func (l location) checkLocalDir() error {
	info, err := os.Stat(l.arg)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return cmdutil.Usagef("%s does not exist", l.arg)
	case err != nil:
		return cmdutil.Usagef("cannot read %s: %w", l.arg, err)
	case !info.IsDir():
		return cmdutil.Usagef("%s is not a directory", l.arg)
	}
	return nil
}

// isDir reports whether a local location is an existing directory.
func (l location) isDir() bool {
	info, err := os.Stat(l.arg)
	return err == nil && info.IsDir()
}
