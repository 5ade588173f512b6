package configure

import (
	"fmt"
	"strings"
)

// source is one rung of the resolution order.
type source struct {
	kind string // SourceEnv, ...; file rungs use SourceConfigFile
	// lookup returns the raw value of k in this source, if it sets it.
	lookup func(k Key) (Setting, bool)
	// where names the place k is set in this source, for errors.
	where func(k Key) string
}

// chain lists the sources of a profile from the highest precedence down.
func chain(fl Flags, getenv func(string) string, files *Files, profile string) []source {
	return []source{
		flagSource(fl),
		envSource(getenv, "QCLI_"),
		envSource(getenv, "AWS_"),
		fileSource(files, profile),
		builtinSource(profile),
		defaultSource(),
	}
}

func flagSource(fl Flags) source {
	flags := map[string][2]string{ // key -> flag name, value
		keyEndpoint: {"--endpoint-url", fl.EndpointURL},
		"region":    {"--region", fl.Region},
		"output":    {"--output", fl.Output},

		keyConsoleEndpoint: {"--console-endpoint", fl.ConsoleEndpoint},

		KeyQuickSyncEndpoint: {"--quicksync-endpoint", fl.QuickSyncEndpoint},
	}
	if fl.NoVerifySSL {
		flags[keyVerifySSL] = [2]string{"--no-verify-ssl", "false"}
	}
	return source{
		kind: SourceFlag,
		lookup: func(k Key) (Setting, bool) {
			f := flags[k.Name]
			return Setting{Value: f[1], Source: SourceFlag, Location: f[0]}, f[1] != ""
		},
		where: func(k Key) string { return flags[k.Name][0] },
	}
}

// envSource reads the key's variables that start with prefix, so QCLI_*
// and AWS_* are separate rungs and credentials never mix the two. Of a
// key's variables in one rung, the first one set wins (AWS_REGION before
// AWS_DEFAULT_REGION).
func envSource(getenv func(string) string, prefix string) source {
	name := func(k Key) string {
		first := ""
		for _, n := range k.Env {
			if !strings.HasPrefix(n, prefix) {
				continue
			}
			if getenv(n) != "" {
				return n
			}
			if first == "" {
				first = n
			}
		}
		return first
	}
	return source{
		kind: SourceEnv,
		lookup: func(k Key) (Setting, bool) {
			n := name(k)
			if n == "" {
				return Setting{}, false
			}
			v := getenv(n)
			return Setting{Value: v, Source: SourceEnv, Location: n}, v != ""
		},
		where: name,
	}
}

func fileSource(files *Files, profile string) source {
	return source{
		kind: SourceConfigFile,
		lookup: func(k Key) (Setting, bool) {
			v, path, ok := files.Get(profile, k.Name)
			src := SourceConfigFile
			if k.File == CredentialsFile {
				src = SourceCredentialsFile
			}
			return Setting{Value: v, Source: src, Location: path}, ok
		},
		where: func(k Key) string {
			return fmt.Sprintf("%s (profile %q)", files.Path(k.File), profile)
		},
	}
}

func builtinSource(profile string) source {
	return source{
		kind: SourceBuiltin,
		lookup: func(k Key) (Setting, bool) {
			v, ok := builtinProfiles[profile][k.Name]
			return Setting{Value: v, Source: SourceBuiltin}, ok
		},
		where: func(Key) string { return fmt.Sprintf("built-in profile %q", profile) },
	}
}

func defaultSource() source {
	return source{
		kind: SourceDefault,
		lookup: func(k Key) (Setting, bool) {
			return Setting{Value: k.Default, Source: SourceDefault}, k.Default != ""
		},
		where: func(Key) string { return "default" },
	}
}
