package configure_test

import (
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/quilibrium/qcli/client"
	"github.com/quilibrium/qcli/configure"
)

// Resolve merges flags, environment and the profile's files into a
// client.Config, and records where every value came from.
func ExampleResolve() {
	dir, _ := os.MkdirTemp("", "qcli-example")
	defer os.RemoveAll(dir)
	_ = os.WriteFile(filepath.Join(dir, "config"), []byte("[profile dev]\nregion = q-world-1\n"), 0o600)

	env := map[string]string{"QCLI_ACCESS_KEY_ID": "AKEXAMPLE", "QCLI_SECRET_ACCESS_KEY": "example-secret"}
	r, err := configure.Resolve(configure.Options{
		Dir:    dir,
		Flags:  configure.Flags{Profile: "dev", EndpointURL: "http://127.0.0.1:9000"},
		Getenv: func(k string) string { return env[k] },
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, key := range []string{"endpoint_url", "region", "access_key_id"} {
		s, _ := r.Lookup(key)
		fmt.Printf("%s = %s (%s %s)\n", key, s.Value, s.Source, filepath.Base(s.Location))
	}
	c, err := client.New(r.Client) // ready to use
	fmt.Println(c != nil, err)
	// Output:
	// endpoint_url = http://127.0.0.1:9000 (flag --endpoint-url)
	// region = q-world-1 (config-file config)
	// access_key_id = **** (env QCLI_ACCESS_KEY_ID)
	// true <nil>
}
